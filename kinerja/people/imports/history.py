"""Position history (riwayat jabatan): one line per appointment, definitive or acting (Plt/Plh).

Upserted by (nip, jabatan_kode, jenis, tmt_mulai); the end date, kind of movement and SK number
are updated in place. Rows are taken as SIMPEG states them: this import does not close other
appointments (the employees import does that for the current definitive position).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from kinerja.core.audit import AuditEntry, audit_record_many, json_value
from kinerja.org.models import Jabatan
from kinerja.org.rules import HoldingKind
from kinerja.people.imports.base import (
    Cells,
    ChunkResult,
    Context,
    Importer,
    Parsed,
    RowProblem,
    entry,
)
from kinerja.people.imports.values import CellError, choice, date_value, limited, nip_text, text
from kinerja.people.models import Movement, Pegawai, PositionAssignment
from kinerja.people.rules import normalise_nip

_KIND = {"definitif": "definitif", "def": "definitif", "defenitif": "definitif",
         "plt": "plt", "pelaksana_tugas": "plt", "plh": "plh", "pelaksana_harian": "plh"}
_MOVEMENT = {key: key for key in Movement.values} | {
    "pengangkatan_pertama": "pengangkatan", "pindah": "mutasi", "mutasi_jabatan": "mutasi",
    "kenaikan_jabatan": "promosi", "penurunan_jabatan": "demosi", "plt": "penugasan",
    "plh": "penugasan",
}
MANAGED = ("end_date", "movement", "sk_number")


class HistoryImporter(Importer):
    kind = "history"
    columns = {
        "nip": ("nip_baru", "ni_pppk"),
        "jabatan_kode": ("kode_jabatan", "jabatan_id", "id_jabatan"),
        "jenis": ("jenis_penugasan", "status_jabatan", "jenis_jabatan_penugasan"),
        "tmt_mulai": ("tmt", "tmt_jabatan", "tanggal_mulai", "mulai"),
        "tmt_selesai": ("tanggal_selesai", "selesai", "tmt_akhir"),
        "jenis_mutasi": ("mutasi", "movement", "jenis_pergerakan"),
        "nomor_sk": ("no_sk", "sk", "nomor_sk_jabatan"),
    }
    required = ("nip", "jabatan_kode", "tmt_mulai")
    key_columns = ("nip", "jabatan_kode", "jenis", "tmt_mulai")

    def prepare(self, ctx: Context) -> None:
        ctx.cache["jabatan"] = dict(
            Jabatan.objects.filter(instansi=ctx.instansi).values_list("code", "id")
        )

    def parse(self, ctx: Context, line: int, raw: dict[str, Any], present: frozenset[str],
              problems: list[RowProblem]) -> Parsed | None:
        cells = Cells(line, problems)
        v: dict[str, Any] = {}
        try:
            v["nip"] = normalise_nip(nip_text(raw.get("nip")))
        except CellError as exc:
            cells.error("nip", exc)
            v["nip"] = ""
        if not cells.failed and not v["nip"]:
            cells.add("nip", "required", _("NIP is required"))
        code = text(raw.get("jabatan_kode"))
        v["jabatan_kode"] = code
        if not code:
            cells.add("jabatan_kode", "required", _("jabatan_kode is required"))
        else:
            v["jabatan_id"] = ctx.cache["jabatan"].get(code)
            if v["jabatan_id"] is None:
                cells.add("jabatan_kode", "unknown_position",
                          _("position code %(code)s does not exist") % {"code": code}, code)
        v["kind"] = HoldingKind.DEFINITIF.value
        if text(raw.get("jenis")):
            try:
                v["kind"] = choice(raw["jenis"], _KIND, column="jenis",
                                   allowed="definitif, plt, plh")
            except CellError as exc:
                cells.error("jenis", exc)
        for column, name in (("tmt_mulai", "start_date"), ("tmt_selesai", "end_date")):
            try:
                v[name] = date_value(raw.get(column), column=column)
            except CellError as exc:
                cells.error(column, exc)
        if "start_date" in v and v["start_date"] is None:
            cells.add("tmt_mulai", "required", _("tmt_mulai is required"))
        if v.get("start_date") and v.get("end_date") and v["end_date"] < v["start_date"]:
            cells.add("tmt_selesai", "end_before_start",
                      _("tmt_selesai is before tmt_mulai"), raw.get("tmt_selesai"))
        if "tmt_selesai" not in present:
            v.pop("end_date", None)
        if "jenis_mutasi" in present:
            v["movement"] = ""
            if text(raw.get("jenis_mutasi")):
                try:
                    v["movement"] = choice(raw["jenis_mutasi"], _MOVEMENT, column="jenis_mutasi",
                                           allowed=", ".join(Movement.values))
                except CellError as exc:
                    cells.error("jenis_mutasi", exc)
        if "nomor_sk" in present:
            try:
                v["sk_number"] = limited(raw.get("nomor_sk"), max_length=100, column="nomor_sk")
            except CellError as exc:
                cells.error("nomor_sk", exc)
        if cells.failed:
            return None
        key = (v["nip"], code, v["kind"], v["start_date"])
        return Parsed(line, key, v, present)

    def apply(self, ctx: Context, rows: list[Parsed]) -> ChunkResult:
        result = ChunkResult()
        people = dict(
            Pegawai.objects.filter(instansi=ctx.instansi, nip__in={r.values["nip"] for r in rows})
            .values_list("nip", "id")
        )
        existing = {
            (a["pegawai_id"], a["jabatan_id"], a["kind"], a["start_date"]): a
            for a in PositionAssignment.objects.filter(pegawai_id__in=people.values()).values(
                "id", "pegawai_id", "jabatan_id", "kind", "start_date", *MANAGED)
        }
        creates: list[tuple[Parsed, PositionAssignment]] = []
        updates: list[tuple[Parsed, dict[str, Any], dict[str, list[Any]]]] = []
        for row in rows:
            v = row.values
            pid = people.get(v["nip"])
            if pid is None:
                result.problems.append(RowProblem(
                    row.line, "nip", "unknown_employee",
                    _("NIP %(nip)s is not in Kinerja; import the employees first")
                    % {"nip": v["nip"]}, v["nip"]))
                continue
            old = existing.get((pid, v["jabatan_id"], v["kind"], v["start_date"]))
            if old is None:
                creates.append((row, PositionAssignment(
                    instansi_id=ctx.instansi.pk, pegawai_id=pid, jabatan_id=v["jabatan_id"],
                    kind=v["kind"], start_date=v["start_date"], end_date=v.get("end_date"),
                    movement=v.get("movement", ""), sk_number=v.get("sk_number", ""))))
                result.created += 1
                continue
            changes = {}
            for name in MANAGED:
                if name in v and json_value(old[name]) != json_value(v[name]):
                    changes[name] = [json_value(old[name]), json_value(v[name])]
            if changes:
                updates.append((row, old, changes))
                result.updated += 1
            else:
                result.unchanged += 1
        if not ctx.dry_run:
            self._write(ctx, creates, updates)
        return result

    @staticmethod
    def _write(ctx: Context, creates: list[tuple[Parsed, PositionAssignment]],
               updates: list[tuple[Parsed, dict[str, Any], dict[str, list[Any]]]]) -> None:
        entries: list[AuditEntry] = []
        PositionAssignment.objects.bulk_create([a for _r, a in creates], batch_size=500)
        for row, a in creates:
            changes = {
                "pegawai": [None, a.pegawai_id], "jabatan": [None, a.jabatan_id],
                "kind": [None, a.kind], "start_date": [None, a.start_date.isoformat()],
            }
            for name in MANAGED:
                value = json_value(getattr(a, name))
                if value not in (None, ""):
                    changes[name] = [None, value]
            entries.append(entry("assignment.create", "people.positionassignment", a.pk, str(a),
                                 changes, ctx.entry_context(row.line)))
        if updates:
            table = PositionAssignment._meta.db_table
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET end_date = %s, movement = %s, sk_number = %s "
                    "WHERE id = %s",
                    [(row.values.get("end_date", old["end_date"]),
                      row.values.get("movement", old["movement"]),
                      row.values.get("sk_number", old["sk_number"]), old["id"])
                     for row, old, _c in updates],
                )
            for row, old, changes in updates:
                entries.append(entry(
                    "assignment.update", "people.positionassignment", old["id"],
                    f"{old['pegawai_id']} {old['kind']} {old['jabatan_id']} {old['start_date']}",
                    changes, ctx.entry_context(row.line)))
        audit_record_many(actor=ctx.actor, instansi=ctx.instansi, entries=entries)
