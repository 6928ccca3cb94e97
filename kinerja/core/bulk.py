"""Set-based writes and reads shared by the batch jobs (evaluation recompute, TPP computation):
COPY and UPDATE ... FROM unnest(arrays) on PostgreSQL, the ORM's bulk operations elsewhere;
plain-cursor streaming of big reads; the cyclic GC paused while millions of tuples are held."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import Field, QuerySet

CHUNK = 2000  # rows per ORM bulk statement (SQLite)
BIG_CHUNK = 10_000  # rows fetched at a time, rows per UPDATE ... FROM unnest on PostgreSQL


def stream_rows(rows: QuerySet[Any, Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a values_list query, a chunk at a time. On PostgreSQL through a plain
    cursor, not a server-side one: PostgreSQL plans a cursor for its first rows and never in
    parallel, which made the GROUP BY over the logs twice as slow as the bare query. The
    values come as the driver gives them (Decimal, date, JSON as text), without Django's
    per-row converters."""
    if connection.vendor != "postgresql":
        yield from rows.iterator(chunk_size=BIG_CHUNK)
        return
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(BIG_CHUNK):
            yield from chunk



@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The recompute holds millions of tuples and lists at 100k employees, none in a reference
    cycle; the cyclic garbage collector kept walking them all (15-25% of the CPU of a run).
    Reference counting still frees everything; the collector resumes after the run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()



def _columns(model: type[models.Model], names: Sequence[str]) -> list[Field[Any, Any]]:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return [by_attname[name] for name in names]


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[tuple[Any, ...]],
            postgres: bool, *, skip_conflicts: bool = False) -> None:
    """Insert rows (values of the fields `names`, the other fields their defaults): COPY on
    PostgreSQL (into a scratch table first when rows that conflict with a unique constraint
    are to be skipped), the ORM's bulk_create elsewhere."""
    if not postgres:
        model._default_manager.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=CHUNK,
            ignore_conflicts=skip_conflicts,
        )
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    template: list[Any] = []
    for f in fields:
        default = f.get_default()
        template.append(json.dumps(default) if isinstance(f, models.JSONField) else default)
    position = {f.attname: i for i, f in enumerate(fields)}
    slots = [position[name] for name in names]
    json_slots = [i for i, name in enumerate(names) if isinstance(fields[position[name]],
                                                                  models.JSONField)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    text = [_copy_text(v) for v in template]
    with connection.cursor() as cursor:
        if skip_conflicts:
            target = connection.ops.quote_name("_kinerja_copy")
            cursor.execute(f"DROP TABLE IF EXISTS {target}")
            cursor.execute(f"CREATE TEMPORARY TABLE {target} ON COMMIT DROP AS "
                           f"SELECT {columns} FROM {table} WITH NO DATA")
        else:
            target = table
        _copy_lines(cursor, f"COPY {target} ({columns}) FROM STDIN", text, slots, json_slots,
                    rows)
        if skip_conflicts:
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {target} "
                           "ON CONFLICT DO NOTHING")
            cursor.execute(f"DROP TABLE {target}")


def _copy_lines(cursor: Any, sql: str, text: list[str], slots: list[int], json_slots: list[int],
                rows: Iterable[tuple[Any, ...]]) -> None:
    with cursor.copy(sql) as copy:
        lines: list[str] = []
        for row in rows:
            line = list(text)
            for slot, value in zip(slots, row, strict=True):
                line[slot] = _copy_text(value)
            for i in json_slots:
                line[slots[i]] = _copy_text(json.dumps(row[i]))
            lines.append("\t".join(line))
            if len(lines) == BIG_CHUNK:
                copy.write("\n".join(lines) + "\n")
                lines = []
        if lines:
            copy.write("\n".join(lines) + "\n")


def _copy_text(value: Any) -> str:
    """A value in COPY's text format (faster than the driver's write_row for many rows)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                    .replace("\r", "\\r"))
        return str(value)
    if isinstance(value, dt.date):  # datetime too
        return str(value.isoformat())
    return str(value)


def update_rows(model: type[models.Model], names: Sequence[str],
            changed: Sequence[tuple[int, tuple[Any, ...]]], postgres: bool) -> None:
    """Set the fields `names` of the rows (pk, values): UPDATE ... FROM unnest(arrays) in
    chunks on PostgreSQL, the ORM's bulk_update elsewhere."""
    if not postgres:
        model._default_manager.bulk_update(
            [model(pk=pk, **dict(zip(names, values, strict=True))) for pk, values in changed],
            [f.name for f in _columns(model, names)], batch_size=CHUNK,
        )
        return
    fields = _columns(model, names)
    quote = connection.ops.quote_name
    casts = []
    for f in fields:
        kind = "text" if isinstance(f, models.JSONField) else f.db_type(connection) or "text"
        casts.append(f"%s::{kind}[]")
    sets = ", ".join(
        f"{quote(f.column)} = v.c{i}" + ("::jsonb" if isinstance(f, models.JSONField) else "")
        for i, f in enumerate(fields)
    )
    aliases = ", ".join(f"c{i}" for i in range(len(fields)))
    table = quote(model._meta.db_table)
    sql = (f"UPDATE {table} SET {sets} FROM unnest(%s::bigint[], {', '.join(casts)}) "
           f"AS v(id, {aliases}) WHERE {table}.{quote('id')} = v.id")
    json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    with connection.cursor() as cursor:
        for start in range(0, len(changed), BIG_CHUNK):
            part = changed[start:start + BIG_CHUNK]
            arrays: list[list[Any]] = [[pk for pk, _ in part]]
            for i in range(len(fields)):
                column = [values[i] for _, values in part]
                if i in json_at:
                    column = [json.dumps(v) for v in column]
                arrays.append(column)
            cursor.execute(sql, arrays)



def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
