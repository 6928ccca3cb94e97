"""OPDs and work units (unit kerja) from SIMPEG.

Each row names a unit and its OPD; an OPD named for the first time is created (its name comes
from the first row that names it). `induk_kode` is the parent unit (empty for the OPD's root
unit); the parent may come later in the file and must belong to the same OPD. `UnitKerja.path`
and `depth` are recomputed set-based after each chunk (see positions.recompute_paths).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from kinerja.core.audit import AuditEntry, audit_record_many
from kinerja.org.models import Opd, UnitKerja
from kinerja.people.imports.base import (
    Cells,
    ChunkResult,
    Context,
    Importer,
    Parsed,
    RowProblem,
    entry,
)
from kinerja.people.imports.positions import recompute_paths
from kinerja.people.imports.tree import Messages, order_tree
from kinerja.people.imports.values import CellError, limited


class UnitImporter(Importer):
    kind = "units"
    tree = True
    columns = {
        "opd_kode": ("kode_opd", "opd"),
        "opd_nama": ("nama_opd",),
        "unit_kode": ("kode_unit", "kode_unit_kerja", "unit_kerja_kode", "kode"),
        "unit_nama": ("nama_unit", "nama_unit_kerja", "unit_kerja", "nama"),
        "induk_kode": ("kode_induk", "parent_kode", "induk", "kode_unit_induk"),
    }
    required = ("opd_kode", "unit_kode", "unit_nama")
    key_columns = ("unit_kode",)

    def prepare(self, ctx: Context) -> None:
        inst = ctx.instansi
        ctx.cache["opd"] = {
            code: (pk, name) for code, pk, name in
            Opd.objects.filter(instansi=inst).values_list("code", "id", "name")
        }
        ctx.cache["opd_names"] = {}  # code -> (name, first line) as the file gives them
        units = list(UnitKerja.objects.filter(instansi=inst)
                     .values_list("id", "code", "parent_id", "opd__code"))
        code_of = {pk: code for pk, code, _p, _o in units}
        ctx.cache["db_parent"] = {code: code_of.get(parent) for _pk, code, parent, _o in units}
        ctx.cache["db_opd"] = {code: opd for _pk, code, _p, opd in units}
        ctx.cache["ids"] = {code: pk for pk, code, _p, _o in units}
        ctx.cache["virtual"] = 0

    def parse(self, ctx: Context, line: int, raw: dict[str, Any], present: frozenset[str],
              problems: list[RowProblem]) -> Parsed | None:
        cells = Cells(line, problems)
        v: dict[str, Any] = {}
        for column, size in (("opd_kode", 40), ("opd_nama", 200), ("unit_kode", 40),
                             ("unit_nama", 200), ("induk_kode", 40)):
            try:
                v[column] = limited(raw.get(column), max_length=size, column=column)
            except CellError as exc:
                cells.error(column, exc)
                v[column] = ""
            if column in self.required and not v[column] and not cells.failed:
                cells.add(column, "required", _("%(column)s is required") % {"column": column})
        opd, name = v["opd_kode"], v["opd_nama"]
        seen = ctx.cache["opd_names"].get(opd)
        if opd and seen is None:
            if name:
                ctx.cache["opd_names"][opd] = (name, line)
            elif opd not in ctx.cache["opd"]:
                cells.add("opd_nama", "required",
                          _("opd_nama is required for the new OPD %(code)s") % {"code": opd})
        elif opd and name and name != seen[0]:
            cells.add("opd_nama", "opd_name_differs",
                      _("opd_nama differs from line %(line)s (%(name)s) for the same OPD")
                      % {"line": seen[1], "name": seen[0]}, name)
        if "induk_kode" not in present:
            v.pop("induk_kode")
        elif v["induk_kode"] == v["unit_kode"] and v["induk_kode"]:
            cells.add("induk_kode", "cycle", _("a unit cannot be its own parent"), v["induk_kode"])
        if cells.failed:
            return None
        return Parsed(line, v["unit_kode"], v, present)

    def order(self, ctx: Context, rows: list[Parsed]) -> tuple[list[Parsed], list[RowProblem]]:
        db_parent = ctx.cache["db_parent"]
        db_opd = ctx.cache["db_opd"]
        file = {r.key: r for r in rows}

        def parent_of(row: Parsed) -> str | None:
            if "induk_kode" in row.values:
                return row.values["induk_kode"] or None
            return db_parent.get(row.key)

        rejected: dict[Any, RowProblem] = {}
        for row in rows:
            parent = parent_of(row)
            if parent is None:
                continue
            parent_opd = file[parent].values["opd_kode"] if parent in file else db_opd.get(parent)
            if parent_opd is not None and parent_opd != row.values["opd_kode"]:
                rejected[row.key] = RowProblem(
                    row.line, "induk_kode", "parent_opd",
                    _("parent unit %(parent)s belongs to another OPD (%(opd)s)")
                    % {"parent": parent, "opd": parent_opd}, parent)
        messages = Messages(
            column="induk_kode",
            loop=lambda text: _("the parent line of units loops: %(loop)s") % {"loop": text},
            unknown=lambda code: _("parent unit code %(code)s does not exist") % {"code": code},
            rejected=lambda code, line: (
                _("parent unit %(code)s was rejected (line %(line)s)")
                % {"code": code, "line": line} if line else
                _("parent unit %(code)s is in a loop") % {"code": code}),
        )
        return order_tree(rows, parent_of, db_parent, messages, rejected)

    def apply(self, ctx: Context, rows: list[Parsed]) -> ChunkResult:
        result = ChunkResult()
        entries: list[AuditEntry] = []
        opd_ids = self._opds(ctx, rows, entries)
        ids: dict[str, int] = ctx.cache["ids"]
        existing = {
            row["code"]: row for row in UnitKerja.objects.filter(
                instansi=ctx.instansi, code__in=[r.key for r in rows]
            ).values("id", "code", "opd_id", "parent_id", "name")
        }
        creates: list[tuple[Parsed, UnitKerja]] = []
        updates: list[tuple[Parsed, dict[str, Any], dict[str, Any], dict[str, list[Any]]]] = []
        for row in rows:
            v = row.values
            target: dict[str, Any] = {"opd_id": opd_ids[v["opd_kode"]], "name": v["unit_nama"]}
            if "induk_kode" in v:
                target["parent_id"] = ids[v["induk_kode"]] if v["induk_kode"] else None
            old = existing.get(row.key)
            if old is None:
                result.created += 1
                creates.append((row, UnitKerja(
                    instansi_id=ctx.instansi.pk, code=row.key, opd_id=target["opd_id"],
                    parent_id=target.get("parent_id"), name=target["name"])))
                continue
            changes = {
                name.removesuffix("_id"): [old[name], value]
                for name, value in target.items() if old[name] != value
            }
            if changes:
                result.updated += 1
                updates.append((row, old, target, changes))
            else:
                result.unchanged += 1
        if ctx.dry_run:
            for row, _u in creates:
                ctx.cache["virtual"] -= 1
                ids[row.key] = ctx.cache["virtual"]
            return result
        UnitKerja.objects.bulk_create([u for _r, u in creates], batch_size=500)
        for row, u in creates:
            ids[u.code] = u.pk
            changes = {"code": [None, u.code], "name": [None, u.name], "opd": [None, u.opd_id]}
            if u.parent_id:
                changes["parent"] = [None, u.parent_id]
            entries.append(entry("unit.create", "org.unitkerja", u.pk, u.name, changes,
                                 ctx.entry_context(row.line)))
        if updates:
            groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
            for row, old, target, changes in updates:
                names = tuple(sorted(target))
                groups.setdefault(names, []).append(
                    tuple(target[n] for n in names) + (old["id"],))
                entries.append(entry("unit.update", "org.unitkerja", old["id"], target["name"],
                                     changes, ctx.entry_context(row.line)))
            with connection.cursor() as cursor:
                for names, params in groups.items():
                    sets = ", ".join(f"{n} = %s" for n in names)
                    cursor.executemany(
                        f"UPDATE {UnitKerja._meta.db_table} SET {sets} WHERE id = %s", params)
        audit_record_many(actor=ctx.actor, instansi=ctx.instansi, entries=entries)
        return result

    def finish_chunk(self, ctx: Context) -> None:
        recompute_paths(UnitKerja._meta.db_table, "parent_id", ctx.instansi.pk, depth=True)

    @staticmethod
    def _opds(ctx: Context, rows: list[Parsed], entries: list[AuditEntry]) -> dict[str, int]:
        """The OPDs of this chunk's rows, created or renamed as the file says (one query to
        read, one bulk insert, one batched update)."""
        known: dict[str, tuple[int, str]] = ctx.cache["opd"]
        names: dict[str, str] = {c: n for c, (n, _line) in ctx.cache["opd_names"].items()}
        wanted = {r.values["opd_kode"]: r.line for r in rows}
        if not ctx.dry_run:
            known.update({
                code: (pk, name) for code, pk, name in Opd.objects.filter(
                    instansi=ctx.instansi, code__in=list(wanted)).values_list("code", "id", "name")
            })
        new = [Opd(instansi_id=ctx.instansi.pk, code=code, name=names[code])
               for code in wanted if code not in known]
        renames = [(code, known[code][0], known[code][1], names[code]) for code in wanted
                   if code in known and code in names and names[code] != known[code][1]]
        if ctx.dry_run:
            for opd in new:
                ctx.cache["virtual"] -= 1
                known[opd.code] = (ctx.cache["virtual"], opd.name)
            for code, pk, _old, name in renames:
                known[code] = (pk, name)
            return {code: known[code][0] for code in wanted}
        Opd.objects.bulk_create(new)
        for opd in new:
            known[opd.code] = (opd.pk, opd.name)
            entries.append(entry("opd.create", "org.opd", opd.pk, opd.name,
                                 {"code": [None, opd.code], "name": [None, opd.name]},
                                 ctx.entry_context(wanted[opd.code])))
        if renames:
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {Opd._meta.db_table} SET name = %s WHERE id = %s",
                                   [(name, pk) for _c, pk, _o, name in renames])
            for code, pk, old, name in renames:
                known[code] = (pk, name)
                entries.append(entry("opd.update", "org.opd", pk, name, {"name": [old, name]},
                                     ctx.entry_context(wanted[code])))
        return {code: known[code][0] for code in wanted}
