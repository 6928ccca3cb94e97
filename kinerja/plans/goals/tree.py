"""The pohon kinerja (cascading tree) of an OPD and year: from each IKU of the OPD's Perjanjian
Kinerja down through the RHKs hanging from it (Rhk.iku) and then every level of RHKs serving
those (Rhk.parent), to the RHKs of individuals.

Bounded queries whatever the size of the OPD: the IKUs in one query, every RHK of the OPD's SKPs
of the year in one more, fetched as plain rows (the columns the page and the API show, no model
instances: 25-35x cheaper than select_related at 1,000 people); the tree is built in Python from
small slotted nodes. RHKs of SKPs of other OPDs are not followed (a subordinate sits in the same
OPD as their supervisor).

The page shows the IKUs and as many whole levels below them as fit in PAGE_NODES; the deeper
subtrees are fetched one level at a time when opened (`children_of`, /pohon-kinerja/rhk/<pk>/),
so a page costs about the same for 100 or 10,000 people. Coverage and the node count still come
from the whole tree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from kinerja.org.models import JenisJabatan, Opd
from kinerja.plans.models import Iku, PerjanjianKinerja, Rhk, RhkKind, SkpStatus

# The "individual" level of the cascade (RULES.md 1.2: below JPT, administrator and pengawas
# come the pelaksana and fungsional positions, whose RHKs are the work itself).
INDIVIDUAL_JENIS = frozenset({JenisJabatan.PELAKSANA, JenisJabatan.FUNGSIONAL})

# How many nodes (IKUs and RHKs) the page renders at most before leaving deeper levels closed
# and fetched on demand; the RHKs directly under the IKUs are always shown.
PAGE_NODES = 500
# Orphans listed on the page before "show all" (the API always lists all).
PAGE_ORPHANS = 200

# The RHK columns the tree, its page and the API use, in RhkNode's field order.
RHK_COLUMNS = ("pk", "text", "kind", "parent_id", "iku_id", "skp_id", "skp__status",
               "skp__pegawai__name", "skp__pegawai__nip", "skp__jabatan__name",
               "skp__jabatan__jenis")
RHK_ORDER = ("skp__pegawai__name", "skp_id", "kind", "order", "pk")
STATUS_LABELS = dict(SkpStatus.choices)


@dataclass(slots=True)
class RhkNode:
    """One RHK as the tree shows it (plain values, no model instance)."""

    id: int
    text: str
    kind: str
    parent_id: int | None
    iku_id: int | None
    skp_id: int
    skp_status: str
    owner_name: str
    owner_nip: str
    jabatan_name: str
    jabatan_jenis: str
    children: list[RhkNode] = field(default_factory=list, repr=False)
    # Children in the database; equals len(children) in a goal_tree, set from a count when the
    # node comes from children_of (its children not loaded).
    child_count: int = 0

    @property
    def pk(self) -> int:
        return self.id

    @property
    def is_individual(self) -> bool:
        return self.jabatan_jenis in INDIVIDUAL_JENIS

    @property
    def is_approved(self) -> bool:
        return self.skp_status == SkpStatus.APPROVED

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.skp_status, self.skp_status))

    @property
    def status_class(self) -> str:
        if self.skp_status == SkpStatus.APPROVED:
            return "ok"
        return "" if self.skp_status == SkpStatus.CLOSED else "warn"


@dataclass
class IkuNode:
    iku: Iku
    children: list[RhkNode] = field(default_factory=list)
    covered: bool = False


@dataclass
class GoalTree:
    opd: Opd
    year: int
    perjanjian: PerjanjianKinerja | None
    roots: list[IkuNode]
    orphans: list[RhkNode]
    node_count: int

    @property
    def covered_count(self) -> int:
        return sum(1 for root in self.roots if root.covered)

    @property
    def coverage(self) -> float | None:
        """Share of IKUs whose subtree reaches an individual RHK of an approved SKP (0-1)."""
        return self.covered_count / len(self.roots) if self.roots else None

    @property
    def coverage_percent(self) -> int | None:
        share = self.coverage
        return None if share is None else round(share * 100)

    def shown_depth(self, budget: int = PAGE_NODES) -> int:
        """The deepest RHK level (1 = hanging from an IKU) such that the IKUs and every node
        down to it number at most `budget`; at least 1."""
        total = len(self.roots)
        level = [child for root in self.roots for child in root.children]
        depth = 0
        while level:
            total += len(level)
            if depth and total > budget:
                break
            depth += 1
            level = [child for node in level for child in node.children]
        return max(depth, 1)

    def tokens(self, budget: int = PAGE_NODES) -> Iterator[dict[str, Any]]:
        """The tree flattened for one template loop (no include per node): `enter` opens a
        node, `exit` closes one whose children were shown. Nodes at the deepest shown level
        that have children come with `lazy` (their children are fetched when opened). Every
        token has every key (a missing key costs the template engine a dir() per lookup)."""
        limit = self.shown_depth(budget)
        close = {"exit": True, "iku": None, "node": None, "lazy": False, "has_children": False}
        for root in self.roots:
            yield {"exit": False, "iku": root, "node": None, "lazy": False,
                   "has_children": bool(root.children)}
            stack: list[tuple[RhkNode | None, int]] = [
                (child, 1) for child in reversed(root.children)]
            while stack:
                node, depth = stack.pop()
                if node is None:
                    yield close
                    continue
                lazy = bool(node.children) and depth >= limit
                shown = bool(node.children) and not lazy
                yield {"exit": False, "iku": None, "node": node, "lazy": lazy,
                       "has_children": shown}
                if shown:
                    stack.append((None, depth))
                    stack.extend((child, depth + 1) for child in reversed(node.children))
            if root.children:
                yield close

    def shown_orphans(self, limit: int = PAGE_ORPHANS) -> list[RhkNode]:
        return self.orphans[:limit]


def node_url_prefix() -> str:
    """The URL of a node's page (/pohon-kinerja/rhk/<pk>/) without the pk and final slash, for
    templates to append `{{ n.id }}/` instead of reversing a URL per node."""
    return reverse("tree_rhk", args=[0]).removesuffix("0/")


def _reaches_individual(node: RhkNode) -> bool:
    """Through approved SKPs only, down to a pelaksana or fungsional RHK."""
    stack = [node]
    while stack:
        current = stack.pop()
        if not current.is_approved:
            continue
        if current.is_individual:
            return True
        stack.extend(current.children)
    return False


def _rhk_rows(qs: QuerySet[Rhk], *extra: str) -> Any:
    return qs.order_by(*RHK_ORDER).values_list(*RHK_COLUMNS, *extra)


def goal_tree(opd: Opd, year: int) -> GoalTree:
    """Two queries (plus one for the PK's signing date) whatever the number of RHKs."""
    ikus = list(
        Iku.objects.filter(sasaran__perjanjian__opd=opd, sasaran__perjanjian__year=year)
        .select_related("sasaran", "sasaran__perjanjian")
        .order_by("sasaran__order", "sasaran_id", "order", "pk")
    )
    perjanjian = ikus[0].sasaran.perjanjian if ikus else (
        PerjanjianKinerja.objects.filter(opd=opd, year=year).first()
    )
    rows = _rhk_rows(Rhk.objects.filter(skp__opd=opd, skp__year=year))
    nodes = {row[0]: RhkNode(*row) for row in rows}
    by_iku: dict[int, list[RhkNode]] = defaultdict(list)
    orphans = []
    for node in nodes.values():
        if node.iku_id is not None:
            by_iku[node.iku_id].append(node)
        elif node.parent_id is not None:
            parent = nodes.get(node.parent_id)
            if parent is not None:
                parent.children.append(node)
                parent.child_count += 1
        elif node.kind == RhkKind.UTAMA and node.skp_status != SkpStatus.CLOSED:
            orphans.append(node)
    roots = [IkuNode(iku, by_iku.get(iku.pk, [])) for iku in ikus]
    # A node has one parent and an IKU-linked RHK has none (Rhk constraint), so whatever hangs
    # from a root forms a tree: no loop can be reached from here.
    count = len(roots)
    for root in roots:
        stack = list(root.children)
        while stack:
            node = stack.pop()
            count += 1
            stack.extend(node.children)
        root.covered = any(_reaches_individual(child) for child in root.children)
    return GoalTree(opd, year, perjanjian, roots, orphans, count)


@dataclass
class Subtree:
    """One RHK of a tree with its direct children (not theirs: each carries child_count)."""

    node: RhkNode
    opd_id: int
    year: int
    children: list[RhkNode]


def children_of(rhks: QuerySet[Rhk], pk: int) -> Subtree | None:
    """The RHK `pk` among `rhks` (the caller's scope) and its children in the same OPD and
    year, as goal_tree would hang them, each with the number of its own children (counted the
    same way). Two queries; None when the RHK is not in `rhks`."""
    row = rhks.filter(pk=pk).values_list(*RHK_COLUMNS, "skp__opd_id", "skp__year").first()
    if row is None:
        return None
    *fields, opd_id, year = row
    node = RhkNode(*fields)
    grandchildren = (
        Rhk.objects.filter(parent_id=OuterRef("pk"), skp__opd_id=opd_id, skp__year=year)
        .order_by().values("parent_id").annotate(n=Count("pk")).values("n")
    )
    rows = _rhk_rows(
        Rhk.objects.filter(parent_id=pk, skp__opd_id=opd_id, skp__year=year)
        .annotate(child_count=Coalesce(Subquery(grandchildren, output_field=IntegerField()), 0)),
        "child_count",
    )
    children = [RhkNode(*row[:-1], child_count=row[-1]) for row in rows]
    node.child_count = len(children)
    return Subtree(node, opd_id, year, children)
