"""Positions (jabatan) from SIMPEG, with the supervisor line between them.

Rows may come in any order: a supervisor defined further down the file, or already in Kinerja,
is found; loops in the supervisor line are rejected. `Jabatan.path` is derived data: after each
chunk it is recomputed for the whole instansi with one recursive query, so positions below a
moved one (even those not in the file) get their new path in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from kinerja.core.audit import AuditEntry, audit_record_many
from kinerja.org.models import Jabatan, JenisJabatan, JenjangFungsional, Opd, UnitKerja
from kinerja.people.imports.base import (
    Cells,
    ChunkResult,
    Context,
    Importer,
    Parsed,
    RowProblem,
    entry,
)
from kinerja.people.imports.tree import Messages, order_tree
from kinerja.people.imports.values import CellError, choice, int_value, key_of, limited, text

FIELDS = ("opd", "unit", "name", "jenis", "jenjang", "kelas", "supervisor")
_JENIS = {key: key for key in JenisJabatan.values} | {
    "jpt": "jpt_pratama", "pimpinan_tinggi_pratama": "jpt_pratama",
    "pimpinan_tinggi_madya": "jpt_madya", "pimpinan_tinggi_utama": "jpt_utama",
    "eselon_ii": "jpt_pratama", "eselon_iii": "administrator", "eselon_iv": "pengawas",
    "jf": "fungsional", "jabatan_fungsional": "fungsional", "jft": "fungsional",
    "jfu": "pelaksana", "fungsional_umum": "pelaksana", "jabatan_pelaksana": "pelaksana",
    "struktural_administrator": "administrator", "struktural_pengawas": "pengawas",
}
_JENJANG = {key: key for key in JenjangFungsional.values}


def recompute_paths(table: str, parent_column: str, instansi_id: int, *, depth: bool) -> None:
    """Rewrite the materialised path ("/1/8/30/") of every node of the instansi whose path is
    stale, in one statement on SQLite and PostgreSQL. Nodes in a loop are never reached from a
    root, so the recursion ends; the import refuses loops before they are written."""
    depth_select = ", 0" if depth else ""
    depth_step = ", tree.depth + 1" if depth else ""
    depth_cols = ", depth" if depth else ""
    depth_set = ", depth = tree.depth" if depth else ""
    depth_diff = f" OR {table}.depth <> tree.depth" if depth else ""
    sql = f"""
        WITH RECURSIVE tree(id, path{depth_cols}) AS (
            SELECT id, '/' || CAST(id AS TEXT) || '/'{depth_select} FROM {table}
             WHERE instansi_id = %s AND {parent_column} IS NULL
            UNION ALL
            SELECT n.id, tree.path || CAST(n.id AS TEXT) || '/'{depth_step}
              FROM {table} n JOIN tree ON n.{parent_column} = tree.id
        )
        UPDATE {table} SET path = tree.path{depth_set}
          FROM tree
         WHERE {table}.id = tree.id AND ({table}.path <> tree.path{depth_diff})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [instansi_id])


class PositionImporter(Importer):
    kind = "positions"
    tree = True
    columns = {
        "kode": ("kode_jabatan", "jabatan_kode", "id_jabatan", "code"),
        "nama": ("nama_jabatan", "jabatan", "name"),
        "jenis": ("jenis_jabatan",),
        "jenjang": ("jenjang_jabatan", "jenjang_fungsional"),
        "kelas": ("kelas_jabatan",),
        "opd_kode": ("kode_opd", "opd"),
        "unit_kode": ("kode_unit", "unit_kerja_kode", "kode_unit_kerja", "unit"),
        "atasan_kode": ("kode_atasan", "jabatan_atasan_kode", "atasan", "induk_jabatan_kode"),
    }
    required = ("kode", "nama", "jenis", "opd_kode")
    key_columns = ("kode",)

    def prepare(self, ctx: Context) -> None:
        inst = ctx.instansi
        ctx.cache["opd"] = dict(Opd.objects.filter(instansi=inst).values_list("code", "id"))
        ctx.cache["unit"] = {
            code: (pk, opd_id)
            for code, pk, opd_id in UnitKerja.objects.filter(instansi=inst)
            .values_list("code", "id", "opd_id")
        }
        rows = list(
            Jabatan.objects.filter(instansi=inst).values_list("id", "code", "supervisor_id")
        )
        code_of = {pk: code for pk, code, _s in rows}
        ctx.cache["db_parent"] = {code: code_of.get(sup) for _pk, code, sup in rows}
        ctx.cache["ids"] = {code: pk for pk, code, _s in rows}
        ctx.cache["virtual"] = 0

    def parse(self, ctx: Context, line: int, raw: dict[str, Any], present: frozenset[str],
              problems: list[RowProblem]) -> Parsed | None:
        cells = Cells(line, problems)
        v: dict[str, Any] = {}
        for column, name, size in (("kode", "code", 60), ("nama", "name", 250)):
            try:
                v[name] = limited(raw.get(column), max_length=size, column=column)
            except CellError as exc:
                cells.error(column, exc)
                v[name] = ""
            else:
                if not v[name]:
                    cells.add(column, "required", _("%(column)s is required") % {"column": column})
        try:
            v["jenis"] = choice(raw.get("jenis"), _JENIS, column="jenis",
                                allowed=", ".join(JenisJabatan.values))
        except CellError as exc:
            cells.error("jenis", exc)
        jenjang = key_of(raw.get("jenjang")) if "jenjang" in present else ""
        if v.get("jenis") == JenisJabatan.FUNGSIONAL:
            if not jenjang:
                cells.add("jenjang", "jenjang_required",
                          _("a fungsional position needs a jenjang (ahli_pertama ... penyelia)"))
            elif jenjang not in _JENJANG:
                cells.add("jenjang", "choice", _("jenjang %(value)s is not one of: %(allowed)s")
                          % {"value": text(raw.get("jenjang")),
                             "allowed": ", ".join(JenjangFungsional.values)}, raw.get("jenjang"))
        elif jenjang and "jenis" in v:
            cells.add("jenjang", "jenjang_not_allowed",
                      _("only fungsional positions have a jenjang"), raw.get("jenjang"))
        v["jenjang"] = _JENJANG.get(jenjang, "")
        if "kelas" in present:
            try:
                v["kelas"] = int_value(raw.get("kelas"), column="kelas", low=1, high=17)
            except CellError as exc:
                cells.error("kelas", exc)
        opd_code = text(raw.get("opd_kode"))
        v["opd"] = ctx.cache["opd"].get(opd_code)
        if not opd_code:
            cells.add("opd_kode", "required", _("opd_kode is required"))
        elif v["opd"] is None:
            cells.add("opd_kode", "unknown_opd",
                      _("OPD code %(code)s does not exist; import the units first")
                      % {"code": opd_code}, opd_code)
        if "unit_kode" in present:
            unit_code = text(raw.get("unit_kode"))
            v["unit"] = None
            if unit_code:
                unit = ctx.cache["unit"].get(unit_code)
                if unit is None:
                    cells.add("unit_kode", "unknown_unit",
                              _("unit code %(code)s does not exist") % {"code": unit_code},
                              unit_code)
                elif v["opd"] is not None and unit[1] != v["opd"]:
                    cells.add("unit_kode", "unit_opd",
                              _("unit %(unit)s does not belong to OPD %(opd)s")
                              % {"unit": unit_code, "opd": opd_code}, unit_code)
                else:
                    v["unit"] = unit[0]
        if "atasan_kode" in present:
            v["atasan_kode"] = text(raw.get("atasan_kode")) or None
            if v["atasan_kode"] is not None and v["atasan_kode"] == v["code"]:
                cells.add("atasan_kode", "cycle",
                          _("a position cannot be its own supervisor"), v["atasan_kode"])
        if cells.failed:
            return None
        return Parsed(line, v["code"], v, present)

    def order(self, ctx: Context, rows: list[Parsed]) -> tuple[list[Parsed], list[RowProblem]]:
        db_parent = ctx.cache["db_parent"]

        def parent_of(row: Parsed) -> str | None:
            if "atasan_kode" in row.values:
                return row.values["atasan_kode"]
            return db_parent.get(row.key)  # column absent: the supervisor stays as it is

        messages = Messages(
            column="atasan_kode",
            loop=lambda text: _("the supervisor line loops: %(loop)s") % {"loop": text},
            unknown=lambda code: _("supervisor position code %(code)s does not exist")
            % {"code": code},
            rejected=lambda code, line: (
                _("supervisor position %(code)s was rejected (line %(line)s)")
                % {"code": code, "line": line} if line else
                _("supervisor position %(code)s is in a loop") % {"code": code}),
        )
        return order_tree(rows, parent_of, db_parent, messages)

    def apply(self, ctx: Context, rows: list[Parsed]) -> ChunkResult:
        result = ChunkResult()
        ids: dict[str, int] = ctx.cache["ids"]
        existing = {
            row["code"]: row
            for row in Jabatan.objects.filter(instansi=ctx.instansi, code__in=[r.key for r in rows])
            .values("id", "code", "opd_id", "unit_id", "name", "jenis", "jenjang", "kelas",
                    "supervisor_id")
        }
        creates: list[tuple[Parsed, Jabatan]] = []
        updates: list[tuple[Parsed, dict[str, Any], dict[str, Any], dict[str, list[Any]]]] = []
        for row in rows:
            v = row.values
            target = {
                "opd": v["opd"], "name": v["name"], "jenis": v["jenis"], "jenjang": v["jenjang"],
            }
            if "unit" in v:
                target["unit"] = v["unit"]
            if "kelas" in v:
                target["kelas"] = v["kelas"]
            if "atasan_kode" in v:
                target["supervisor"] = ids[v["atasan_kode"]] if v["atasan_kode"] else None
            old = existing.get(row.key)
            if old is None:
                result.created += 1
                creates.append((row, Jabatan(
                    instansi_id=ctx.instansi.pk, code=row.key, opd_id=target["opd"],
                    unit_id=target.get("unit"), name=target["name"], jenis=target["jenis"],
                    jenjang=target["jenjang"], kelas=target.get("kelas"),
                    supervisor_id=target.get("supervisor"))))
                continue
            changes = {
                name: [old[_attname(name)], value] for name, value in target.items()
                if old[_attname(name)] != value
            }
            if changes:
                result.updated += 1
                updates.append((row, old, target, changes))
            else:
                result.unchanged += 1
        if ctx.dry_run:
            # Later chunks may name these new positions as supervisors.
            for row, _j in creates:
                ctx.cache["virtual"] -= 1
                ids[row.key] = ctx.cache["virtual"]
            return result
        self._write(ctx, creates, updates)
        return result

    @staticmethod
    def _write(ctx: Context, creates: list[tuple[Parsed, Jabatan]],
               updates: list[tuple[Parsed, dict[str, Any], dict[str, Any],
                                   dict[str, list[Any]]]]) -> None:
        entries: list[AuditEntry] = []
        ids: dict[str, int] = ctx.cache["ids"]
        Jabatan.objects.bulk_create([j for _r, j in creates], batch_size=500)
        for row, j in creates:
            ids[j.code] = j.pk
            changes = {"code": [None, j.code]}
            for name in FIELDS:
                value = getattr(j, _attname(name))
                if value not in (None, ""):
                    changes[name] = [None, value]
            entries.append(entry("jabatan.create", "org.jabatan", j.pk, j.name, changes,
                                 ctx.entry_context(row.line)))
        if updates:
            table = Jabatan._meta.db_table
            groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
            for row, old, target, changes in updates:
                names = tuple(sorted(target))
                groups.setdefault(names, []).append(
                    tuple(target[n] for n in names) + (old["id"],))
                entries.append(entry("jabatan.update", "org.jabatan", old["id"],
                                     target["name"], changes, ctx.entry_context(row.line)))
            with connection.cursor() as cursor:
                for names, params in groups.items():
                    sets = ", ".join(f"{_attname(n)} = %s" for n in names)
                    cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", params)
        audit_record_many(actor=ctx.actor, instansi=ctx.instansi, entries=entries)

    def finish_chunk(self, ctx: Context) -> None:
        recompute_paths(Jabatan._meta.db_table, "supervisor_id", ctx.instansi.pk, depth=False)


def _attname(name: str) -> str:
    return f"{name}_id" if name in ("opd", "unit", "supervisor") else name
