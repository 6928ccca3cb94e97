"""The run loop shared by every import kind: read, map columns, parse, chunk, apply, report.

Each chunk of `settings.KINERJA_IMPORT_CHUNK` rows is applied in its own transaction together
with its ImportRowErrors and the run's progress, so a crash half-way leaves whole chunks in and
the report says how far it got. Chunks of one instansi's imports are serialised by an advisory
lock (see _serialise_imports); the audit chain head is locked last, when the chunk's records are
appended, as in every service.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Hashable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.core.models import AuditChainHead
from kinerja.people.imports.base import ChunkResult, Context, Importer, Parsed, RowProblem
from kinerja.people.imports.readers import ReaderError, SourceRow, normalise_header, read_rows
from kinerja.people.models import ImportRowError, ImportRun

log = logging.getLogger(__name__)

IMPORT_LOCK = 0x4B4E4A01  # advisory lock namespace of the imports ("KNJ" 1)

Progress = Callable[[ImportRun], None]


class ImportFailed(Exception):
    """The file as a whole cannot be imported (unreadable, a required column missing)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _alias_map(importer: Importer) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column, aliases in importer.columns.items():
        mapping[column] = column
        for alias in aliases:
            mapping[normalise_header(alias)] = column
    return mapping


def _mapped(importer: Importer, rows: Iterable[SourceRow]) -> Iterator[tuple[int, dict[str, Any],
                                                                             frozenset[str]]]:
    """Rows with their columns renamed to the canonical names (aliases, any case)."""
    aliases = _alias_map(importer)
    layouts: dict[tuple[str, ...], tuple[list[tuple[str, str]], frozenset[str]]] = {}
    first = True
    for row in rows:
        keys = tuple(row.values)
        layout = layouts.get(keys)
        if layout is None:
            pairs = [(k, aliases[k]) for k in keys if k in aliases]
            present = frozenset(c for _k, c in pairs)
            layout = layouts[keys] = (pairs, present)
            if first:
                missing = [c for c in importer.required if c not in present]
                if missing:
                    raise ImportFailed(
                        "missing_column",
                        _("The file has no column %(missing)s. Columns found: %(found)s.")
                        % {"missing": ", ".join(missing),
                           "found": ", ".join(k for k in keys if k != "__extra__") or "-"},
                    )
            if len(layouts) > 64:  # JSON records with ever-changing keys: do not grow forever
                layouts.clear()
        first = False
        pairs, present = layout
        values = row.values
        yield row.line, {c: values[k] for k, c in pairs}, present


def _parsed_chunks(importer: Importer, ctx: Context, mapped: Iterator[tuple[int, dict[str, Any],
                   frozenset[str]]], seen: dict[Hashable, int], size: int
                   ) -> Iterator[tuple[list[Parsed], list[RowProblem], int]]:
    """Chunks of parsed rows with the problems of their bad rows and the number of rows read."""
    while True:
        block = list(islice(mapped, size))
        if not block:
            return
        good: list[Parsed] = []
        problems: list[RowProblem] = []
        for line, raw, present in block:
            parsed = importer.parse(ctx, line, raw, present, problems)
            if parsed is None:
                continue
            if _duplicate(importer, parsed, seen, problems):
                continue
            good.append(parsed)
        yield good, problems, len(block)


def _compact(key: Hashable) -> int:
    """A small int standing for a row key, so that remembering 100k keys for the duplicate
    check costs a few MB: a NIP is its number, other keys an 8-byte BLAKE2 digest (a false
    duplicate would need a 64-bit collision)."""
    if isinstance(key, str) and key.isdigit() and not key.startswith("0"):
        return int(key)
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    return -int.from_bytes(digest, "big") - 1


def _duplicate(importer: Importer, parsed: Parsed, seen: dict[Hashable, int],
               problems: list[RowProblem]) -> bool:
    key = _compact(parsed.key)
    first_line = seen.get(key)
    if first_line is None:
        seen[key] = parsed.line
        return False
    column = importer.key_columns[0]
    value = parsed.values.get(column) or (parsed.key if isinstance(parsed.key, str) else "")
    problems.append(RowProblem(
        parsed.line, column, "duplicate",
        _("this row repeats the %(column)s of line %(line)s; only the first one is imported")
        % {"column": ", ".join(importer.key_columns), "line": first_line},
        str(value)[:200],
    ))
    return True


def execute(importer: Importer, ctx: Context, path: Path, fmt: str,
            progress: Progress | None = None) -> ImportRun:
    """Run an import whose ImportRun exists; the run ends DONE or FAILED with its counts."""
    run = ctx.run
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])
    size = max(1, int(settings.KINERJA_IMPORT_CHUNK))
    try:
        if not ctx.dry_run:
            AuditChainHead.objects.get_or_create(instansi_id=ctx.instansi.pk)
        importer.prepare(ctx)
        with open(path, "rb") as stream:
            source = read_rows(stream, fmt)
            try:
                mapped = _mapped(importer, source)
                seen: dict[Hashable, int] = {}
                if importer.tree:
                    chunks = _tree_chunks(importer, ctx, mapped, seen, size)
                else:
                    chunks = _parsed_chunks(importer, ctx, mapped, seen, size)
                for good, problems, read in chunks:
                    _apply_chunk(importer, ctx, good, problems, read)
                    if progress is not None:
                        progress(run)
            finally:
                close = getattr(source, "close", None)
                if close is not None:
                    close()  # release the reader (and its text wrapper) before the file
    except (ReaderError, ImportFailed) as exc:
        return _finish(run, ImportRun.Status.FAILED, exc.message)
    except Exception as exc:
        log.exception("import run %s failed", run.pk)
        return _finish(run, ImportRun.Status.FAILED,
                       _("The import stopped because of an internal error: %(error)s")
                       % {"error": exc})
    return _finish(run, ImportRun.Status.DONE, "")


def _tree_chunks(importer: Importer, ctx: Context, mapped: Iterator[tuple[int, dict[str, Any],
                 frozenset[str]]], seen: dict[Hashable, int], size: int
                 ) -> Iterator[tuple[list[Parsed], list[RowProblem], int]]:
    """Units and positions: the whole (parsed) file is needed to order parents first and find
    loops. The org structure of one Pemda is thousands of rows, not millions."""
    rows: list[Parsed] = []
    problems: list[RowProblem] = []
    read = 0
    for good, bad, count in _parsed_chunks(importer, ctx, mapped, seen, size):
        rows.extend(good)
        problems.extend(bad)
        read += count
    ordered, more = importer.order(ctx, rows)
    problems.extend(more)
    # The rows rejected so far are reported with the first chunk; the rows-read count follows
    # the applied rows so that progress reaches the total at the end.
    pending_read = read - len(ordered)
    block: list[Parsed] = []
    for row in ordered:
        if block and (len(block) >= size or importer.group_of(row) != importer.group_of(block[0])):
            yield block, problems, len(block) + pending_read
            block, problems, pending_read = [], [], 0
        block.append(row)
    yield block, problems, len(block) + pending_read


def _apply_chunk(importer: Importer, ctx: Context, good: list[Parsed], problems: list[RowProblem],
                 read: int) -> None:
    run = ctx.run
    with transaction.atomic():
        if not ctx.dry_run:
            _serialise_imports(ctx.instansi.pk)
        result = importer.apply(ctx, good) if good else ChunkResult()
        if not ctx.dry_run and good:
            importer.finish_chunk(ctx)
        problems = problems + result.problems
        if problems:
            ImportRowError.objects.bulk_create(
                [ImportRowError(run=run, line=p.line, field=p.field[:60], code=p.code[:60],
                                message=p.message[:500], value=p.value[:200])
                 for p in sorted(problems, key=lambda p: p.line)],
                batch_size=1000,
            )
        rejected = len({p.line for p in problems})
        ImportRun.objects.filter(pk=run.pk).update(
            processed_rows=F("processed_rows") + read,
            total_rows=F("total_rows") + read,
            created=F("created") + result.created,
            updated=F("updated") + result.updated,
            unchanged=F("unchanged") + result.unchanged,
            error_count=F("error_count") + rejected,
        )
    run.refresh_from_db(fields=["processed_rows", "total_rows", "created", "updated",
                                "unchanged", "error_count"])


def _serialise_imports(instansi_id: int) -> None:
    """Imports of one instansi run one chunk at a time, so two imports never interleave the
    read-compare-write of the same rows. The lock is an advisory one, not the audit chain head:
    services take row locks first and the chain head last, and a chunk must take them in the
    same order or the two deadlock. On SQLite every write transaction is exclusive anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, instansi_id])


def _finish(run: ImportRun, status: str, message: str) -> ImportRun:
    run.status = status
    run.message = message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "message", "finished_at"])
    return run
