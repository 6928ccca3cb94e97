"""Ordering tree rows (units under their parent, positions under their supervisor) parents first,
over the merged graph of the database and the file, and rejecting loops.

A row is accepted only when its whole line up to a root is sound: a row inside a loop is rejected
as such, a row whose parent (or supervisor) does not exist or was itself rejected is rejected
with that reason. Predictable beats clever: fix the reported rows and import again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from kinerja.people.imports.base import Parsed, RowProblem


@dataclass(frozen=True)
class Messages:
    column: str  # the parent column (induk_kode, atasan_kode)
    loop: Callable[[str], str]  # the loop as "A → B → A"
    unknown: Callable[[str], str]  # the parent code
    rejected: Callable[[str, int | None], str]  # the parent code, its line in the file


def order_tree(
    rows: list[Parsed],
    parent_of: Callable[[Parsed], str | None],
    db_parent: Mapping[str, str | None],
    messages: Messages,
    pre_rejected: Mapping[Hashable, RowProblem] | None = None,
) -> tuple[list[Parsed], list[RowProblem]]:
    file = {r.key: r for r in rows}
    problems: list[RowProblem] = []
    failed: dict[Hashable, str] = {}  # code -> "loop" | "bad"
    for key, problem in (pre_rejected or {}).items():
        failed[key] = "bad"
        problems.append(problem)

    def parent(code: Hashable) -> str | None:
        row = file.get(code)
        if row is not None:
            return parent_of(row)
        return db_parent.get(str(code))

    depth: dict[Hashable, int] = {}
    for row in rows:
        chain: list[Hashable] = []
        index: dict[Hashable, int] = {}
        code: Hashable | None = row.key
        outcome: tuple[str, object]
        while True:
            if code is None:
                outcome = ("ok", -1)
                break
            if code in depth:
                outcome = ("ok", depth[code])
                break
            if code in failed:
                outcome = ("bad", code)
                break
            if code in index:
                loop = chain[index[code]:]
                text = " → ".join(str(c) for c in [*loop, loop[0]])
                for member in loop:
                    failed[member] = "loop"
                    if member in file:
                        problems.append(RowProblem(
                            file[member].line, messages.column, "cycle", messages.loop(text),
                            str(parent(member) or "")))
                chain = chain[:index[code]]
                outcome = ("bad", code)
                break
            if code not in file and str(code) not in db_parent:
                outcome = ("unknown", code)
                break
            index[code] = len(chain)
            chain.append(code)
            code = parent(code)
        for member in reversed(chain):
            kind, ref = outcome
            if kind == "ok":
                depth[member] = int(ref) + 1  # type: ignore[call-overload]
                outcome = ("ok", depth[member])
                continue
            failed[member] = "bad"
            if member in file:
                if kind == "unknown":
                    message = messages.unknown(str(ref))
                    code_name = "unknown_parent"
                else:
                    ref_row = file.get(ref)  # type: ignore[call-overload]
                    message = messages.rejected(str(ref), ref_row.line if ref_row else None)
                    code_name = "parent_rejected"
                problems.append(RowProblem(file[member].line, messages.column, code_name,
                                           message, str(parent(member) or "")))
            outcome = ("bad", member)
    ordered = sorted((r for r in rows if r.key in depth), key=lambda r: depth[r.key])
    for r in ordered:
        # The engine never puts a node and its parent in one chunk (see Importer.group_of).
        r.values["_depth"] = depth[r.key]
    return ordered, problems
