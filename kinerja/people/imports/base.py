"""Shared pieces of the importers: the run context, parsed rows, problems and chunk results."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import connection

from kinerja.core.audit import AuditEntry
from kinerja.core.models import Instansi
from kinerja.people.imports.values import CellError
from kinerja.people.models import Account, ImportRun


@dataclass(slots=True)
class RowProblem:
    """Why one row (or one cell of it) was rejected; becomes an ImportRowError."""

    line: int
    field: str
    code: str
    message: str
    value: str = ""


@dataclass(slots=True)
class Parsed:
    """A row that passed the checks that need no database: clean values by field name.

    `present` holds the columns the file has, so a column the file leaves out never blanks a
    field SIMPEG did not send."""

    line: int
    key: Hashable
    values: dict[str, Any]
    present: frozenset[str]


@dataclass
class ChunkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class Context:
    """What every importer needs for one run; `cache` holds lookups loaded once per run."""

    run: ImportRun
    instansi: Instansi
    actor: Account | None
    dry_run: bool
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def is_postgres(self) -> bool:
        return connection.vendor == "postgresql"

    def entry_context(self, line: int) -> dict[str, Any]:
        """The audit context of a change: which import run and which line of its file."""
        return {"import_run": self.run.pk, "line": line}


class Importer:
    """One import kind. Subclasses list their columns and implement parse and apply.

    `parse` checks one row without touching the database (it may read caches loaded in
    `prepare`). `apply` takes a chunk of parsed rows, reads what exists with a constant number
    of queries, decides created / updated / unchanged per row, and (unless dry run) writes with
    bulk statements and one audit call. Tree kinds (`tree = True`) see the whole file first,
    because a supervisor or parent may come later in the file."""

    kind: ClassVar[str]
    # canonical column -> accepted aliases (already normalised: lower case, underscores)
    columns: ClassVar[Mapping[str, tuple[str, ...]]]
    required: ClassVar[tuple[str, ...]]
    key_columns: ClassVar[tuple[str, ...]]
    tree: ClassVar[bool] = False

    def prepare(self, ctx: Context) -> None:
        """Load per-run lookups (a few queries, once)."""

    def parse(self, ctx: Context, line: int, raw: dict[str, Any], present: frozenset[str],
              problems: list[RowProblem]) -> Parsed | None:
        raise NotImplementedError

    def order(self, ctx: Context, rows: list[Parsed]) -> tuple[list[Parsed], list[RowProblem]]:
        """Tree kinds: put parents before children and reject loops (default: file order)."""
        return rows, []

    def group_of(self, row: Parsed) -> Any:
        """Tree kinds: rows of different groups (depths) never share a chunk, so a parent is
        always written in an earlier chunk than its children."""
        return row.values.get("_depth")

    def apply(self, ctx: Context, rows: list[Parsed]) -> ChunkResult:
        raise NotImplementedError

    def finish_chunk(self, ctx: Context) -> None:
        """Set-based upkeep after a chunk's writes (materialised paths), same transaction."""


class Cells:
    """Collects the problems of one row while its cells are parsed."""

    __slots__ = ("line", "problems", "failed")

    def __init__(self, line: int, problems: list[RowProblem]) -> None:
        self.line = line
        self.problems = problems
        self.failed = False

    def add(self, column: str, code: str, message: str, value: Any = "") -> None:
        self.failed = True
        self.problems.append(RowProblem(self.line, column, code, message, _short(value)))

    def error(self, column: str, exc: CellError) -> None:
        self.add(column, exc.code, exc.message, exc.value)


def _short(value: Any) -> str:
    if value is None:
        return ""
    return str(value)[:200]


def entry(action: str, object_type: str, object_id: Any, label: str, changes: Mapping[str, Any],
          context: Mapping[str, Any]) -> AuditEntry:
    return AuditEntry(action=action, object_type=object_type, object_id=str(object_id),
                      object_label=label, changes=changes, context=context)
