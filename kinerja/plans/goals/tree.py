"""The pohon kinerja (cascading tree) of an OPD and year: from each IKU of the OPD's Perjanjian
Kinerja down through the RHKs hanging from it (Rhk.iku) and then every level of RHKs serving
those (Rhk.parent), to the RHKs of individuals.

Bounded queries whatever the size of the OPD: the IKUs in one query, every RHK of the OPD's SKPs
of the year (with SKP, owner and position) in one more; the tree is built in Python. RHKs of
SKPs of other OPDs are not followed (a subordinate sits in the same OPD as their supervisor).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kinerja.org.models import JenisJabatan, Opd
from kinerja.plans.models import Iku, PerjanjianKinerja, Rhk, RhkKind, SkpStatus

# The "individual" level of the cascade (RULES.md 1.2: below JPT, administrator and pengawas
# come the pelaksana and fungsional positions, whose RHKs are the work itself).
INDIVIDUAL_JENIS = frozenset({JenisJabatan.PELAKSANA, JenisJabatan.FUNGSIONAL})


@dataclass
class RhkNode:
    rhk: Rhk
    children: list[RhkNode] = field(default_factory=list)

    @property
    def is_individual(self) -> bool:
        return self.rhk.skp.jabatan.jenis in INDIVIDUAL_JENIS

    @property
    def is_approved(self) -> bool:
        return self.rhk.skp.status == SkpStatus.APPROVED


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
    orphans: list[Rhk]
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

    def tokens(self) -> Iterator[dict[str, Any]]:
        """The tree flattened for one template loop (no recursive include per node, so 4,000
        nodes render quickly): `enter` opens a node, `exit` closes one that had children."""
        for root in self.roots:
            yield {"iku": root, "enter": True, "has_children": bool(root.children)}
            stack: list[tuple[RhkNode, bool]] = [(child, False) for child in
                                                 reversed(root.children)]
            while stack:
                node, done = stack.pop()
                if done:
                    yield {"exit": True}
                    continue
                yield {"node": node, "enter": True, "has_children": bool(node.children)}
                if node.children:
                    stack.append((node, True))
                    stack.extend((child, False) for child in reversed(node.children))
            if root.children:
                yield {"exit": True}


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
    rhks = list(
        Rhk.objects.filter(skp__opd=opd, skp__year=year)
        .select_related("skp", "skp__pegawai", "skp__jabatan")
        .order_by("skp__pegawai__name", "skp_id", "kind", "order", "pk")
    )
    nodes = {rhk.pk: RhkNode(rhk) for rhk in rhks}
    by_iku: dict[int, list[RhkNode]] = defaultdict(list)
    for rhk in rhks:
        node = nodes[rhk.pk]
        if rhk.iku_id is not None:
            by_iku[rhk.iku_id].append(node)
        elif rhk.parent_id is not None and rhk.parent_id in nodes:
            nodes[rhk.parent_id].children.append(node)
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
    orphans = [
        rhk for rhk in rhks
        if rhk.kind == RhkKind.UTAMA and rhk.parent_id is None and rhk.iku_id is None
        and rhk.skp.status != SkpStatus.CLOSED
    ]
    return GoalTree(opd, year, perjanjian, roots, orphans, count)
