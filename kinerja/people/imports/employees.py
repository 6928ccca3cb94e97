"""Employees (pegawai) from SIMPEG: personnel data keyed by NIP, plus the current definitive
position (jabatan_kode + tmt_jabatan).

A position different from the current one is a mutation: a new definitive PositionAssignment from
the TMT, and the previous open one closed the day before (the person holds one definitive
position at a time). The same position as now changes nothing, whatever the TMT says, so that a
re-run of the same file is a no-op.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils.translation import gettext as _

from kinerja.core.audit import AuditEntry, json_value
from kinerja.org.models import Jabatan
from kinerja.org.rules import HoldingKind
from kinerja.people.imports import fastpath
from kinerja.people.imports.base import (
    Cells,
    ChunkResult,
    Context,
    Importer,
    Parsed,
    RowProblem,
)
from kinerja.people.imports.values import CellError, choice, date_value, limited, nip_text, text
from kinerja.people.models import (
    AsnType,
    EmployeeStatus,
    Movement,
    Pegawai,
    PositionAssignment,
)
from kinerja.people.rules import RuleViolation, normalise_golongan, normalise_nip, parse_nip

# Fields this import manages, in the order of the audit diff (a subset of services.PEGAWAI_FIELDS:
# tmt_cpns is not in SIMPEG's basic export and is left alone).
FIELDS = ("nip", "name", "gelar_depan", "gelar_belakang", "asn_type", "golongan", "status",
          "gender", "birth_date", "email", "phone")
ASSIGNMENT_FIELDS = ("pegawai", "jabatan", "kind", "movement", "start_date", "end_date",
                     "sk_number")

_ASN = {
    "pns": AsnType.PNS, "cpns": AsnType.CPNS, "pppk": AsnType.PPPK,
    "pppk_pw": AsnType.PPPK_PARUH_WAKTU, "pppk_paruh_waktu": AsnType.PPPK_PARUH_WAKTU,
    "pppk_paruhwaktu": AsnType.PPPK_PARUH_WAKTU, "paruh_waktu": AsnType.PPPK_PARUH_WAKTU,
}
_ASN.update({value: value for value in AsnType.values})  # exact spellings: PNS, PPPK_PW...
_STATUS = {key: key for key in EmployeeStatus.values} | {
    "active": "aktif", "tubel": "tugas_belajar", "tugas_belajar": "tugas_belajar",
    "diberhentikan": "diberhentikan_sementara", "pemberhentian_sementara":
    "diberhentikan_sementara", "wafat": "meninggal", "meninggal_dunia": "meninggal",
    "mpp": "aktif", "pensiun": "pensiun", "berhenti": "berhenti", "cuti": "cuti",
}
_STATUS_ALLOWED = ", ".join(EmployeeStatus.values)
_GENDER = {"l": "L", "laki_laki": "L", "pria": "L", "m": "L", "1": "L",
           "p": "P", "perempuan": "P", "wanita": "P", "f": "P", "2": "P"}


class EmployeeImporter(Importer):
    kind = "employees"
    columns = {
        "nip": ("nip_baru", "ni_pppk", "nip_ni_pppk"),
        "nama": ("name", "nama_lengkap", "nama_pegawai"),
        "gelar_depan": ("glr_depan",),
        "gelar_belakang": ("glr_belakang",),
        "jenis_asn": ("asn", "jenis_pegawai", "jenis_kepegawaian", "status_asn"),
        "golongan": ("gol", "golongan_ruang", "gol_ruang"),
        "status": ("status_pegawai", "kedudukan", "kedudukan_hukum"),
        "jenis_kelamin": ("jk", "gender", "sex", "kelamin"),
        "tanggal_lahir": ("tgl_lahir", "birth_date"),
        "email": ("e_mail", "surel"),
        "telepon": ("no_hp", "hp", "phone", "no_telepon", "nomor_hp", "telp"),
        "jabatan_kode": ("kode_jabatan", "jabatan_id", "id_jabatan"),
        "tmt_jabatan": ("tmt", "tmt_jab"),
    }
    required = ("nip", "nama")
    key_columns = ("nip",)

    def prepare(self, ctx: Context) -> None:
        ctx.cache["jabatan"] = dict(
            Jabatan.objects.filter(instansi=ctx.instansi).values_list("code", "id")
        )

    # --- one row, no database -------------------------------------------------------------------
    def parse(self, ctx: Context, line: int, raw: dict[str, Any], present: frozenset[str],
              problems: list[RowProblem]) -> Parsed | None:
        cells = Cells(line, problems)
        v: dict[str, Any] = {}
        asn = AsnType.PNS
        if "jenis_asn" in present and text(raw.get("jenis_asn")):
            try:
                asn = choice(raw["jenis_asn"], _ASN, column="jenis_asn",
                             allowed="PNS, CPNS, PPPK, PPPK_PW")
            except CellError as exc:
                cells.error("jenis_asn", exc)
        if "jenis_asn" in present:
            v["asn_type"] = asn
        nip = ""
        info = None
        try:
            given = raw.get("nip")
            # Most NIPs arrive clean; spaces, dots and dashes are stripped otherwise.
            clean = type(given) is str and len(given) == 18 and given.isdigit()
            nip = given if clean else normalise_nip(nip_text(given))
            if not nip:
                cells.add("nip", "required", _("NIP is required"))
            else:
                info = parse_nip(nip, asn_type=asn)
        except CellError as exc:
            cells.error("nip", exc)
        except RuleViolation as exc:
            cells.add("nip", exc.code, exc.message, nip)
        v["nip"] = nip
        self._text(cells, v, raw, "nama", "name", 200, required=True)
        if "gelar_depan" in present:
            self._text(cells, v, raw, "gelar_depan", "gelar_depan", 60)
        if "gelar_belakang" in present:
            self._text(cells, v, raw, "gelar_belakang", "gelar_belakang", 100)
        if "golongan" in present:
            try:
                v["golongan"] = normalise_golongan(text(raw.get("golongan")), asn_type=asn)
            except RuleViolation as exc:
                cells.add("golongan", exc.code, exc.message, raw.get("golongan"))
        if "status" in present:
            if text(raw.get("status")):
                try:
                    v["status"] = choice(raw["status"], _STATUS, column="status",
                                         allowed=_STATUS_ALLOWED)
                except CellError as exc:
                    cells.error("status", exc)
            else:
                v["status"] = EmployeeStatus.AKTIF
        self._gender_and_birth(cells, v, raw, present, info)
        if "email" in present:
            email = text(raw.get("email")).lower()
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    cells.add("email", "email", _("email %(value)s is not a valid address")
                              % {"value": email}, email)
            if len(email) > 254:
                cells.add("email", "too_long", _("email is too long"), email)
            v["email"] = email
        if "telepon" in present:
            self._text(cells, v, raw, "telepon", "phone", 30)
        self._position(ctx, cells, v, raw, present)
        if cells.failed:
            return None
        return Parsed(line, nip, v, present)

    @staticmethod
    def _text(cells: Cells, v: dict[str, Any], raw: dict[str, Any], column: str, name: str,
              max_length: int, *, required: bool = False) -> None:
        try:
            value = limited(raw.get(column), max_length=max_length, column=column)
        except CellError as exc:
            cells.error(column, exc)
            return
        if required and not value:
            cells.add(column, "required", _("%(column)s is required") % {"column": column})
        v[name] = value

    @staticmethod
    def _gender_and_birth(cells: Cells, v: dict[str, Any], raw: dict[str, Any],
                          present: frozenset[str], info: Any) -> None:
        if info is None:
            return
        v["gender"], v["birth_date"] = info.gender, info.birth_date
        given = text(raw.get("jenis_kelamin")) if "jenis_kelamin" in present else ""
        if given:
            try:
                gender = choice(given, _GENDER, column="jenis_kelamin", allowed="L, P")
            except CellError as exc:
                cells.error("jenis_kelamin", exc)
            else:
                if gender != info.gender:
                    cells.add("jenis_kelamin", "gender_mismatch",
                              _("jenis_kelamin %(given)s does not match the NIP, which says "
                                "%(nip)s") % {"given": gender, "nip": info.gender}, given)
        if "tanggal_lahir" in present:
            try:
                birth = date_value(raw.get("tanggal_lahir"), column="tanggal_lahir")
            except CellError as exc:
                cells.error("tanggal_lahir", exc)
            else:
                if birth is not None and birth != info.birth_date:
                    cells.add("tanggal_lahir", "birth_date_mismatch",
                              _("tanggal_lahir %(given)s does not match the birth date in the "
                                "NIP (%(nip)s)")
                              % {"given": birth.isoformat(), "nip": info.birth_date.isoformat()},
                              raw.get("tanggal_lahir"))

    @staticmethod
    def _position(ctx: Context, cells: Cells, v: dict[str, Any], raw: dict[str, Any],
                  present: frozenset[str]) -> None:
        code = text(raw.get("jabatan_kode")) if "jabatan_kode" in present else ""
        if not code:
            return
        jabatan_id = ctx.cache["jabatan"].get(code)
        if jabatan_id is None:
            cells.add("jabatan_kode", "unknown_position",
                      _("position code %(code)s does not exist") % {"code": code}, code)
        try:
            tmt = date_value(raw.get("tmt_jabatan"), column="tmt_jabatan")
        except CellError as exc:
            cells.error("tmt_jabatan", exc)
            return
        if tmt is None:
            cells.add("tmt_jabatan", "required",
                      _("tmt_jabatan is required when jabatan_kode is given"))
            return
        v["_jabatan_id"], v["_tmt"] = jabatan_id, tmt

    # --- one chunk, a constant number of queries ---------------------------------------
    def apply(self, ctx: Context, rows: list[Parsed]) -> ChunkResult:
        result = ChunkResult()
        existing, history = _read_existing(ctx, [r.key for r in rows])

        creates: list[Parsed] = []
        updates: list[tuple[int, Parsed, dict[str, list[Any]]]] = []
        moves: list[tuple[Parsed, dict[str, Any] | None]] = []  # (row, open assignment to close)
        entries: list[AuditEntry] = []
        for row in rows:
            v = row.values
            old = existing.get(row.key)
            if old is not None and old["instansi_id"] != ctx.instansi.pk:
                result.problems.append(RowProblem(
                    row.line, "nip", "other_instansi",
                    _("NIP %(nip)s belongs to an employee of another instansi") % {"nip": row.key},
                    str(row.key)))
                continue
            move = self._move(v, history.get(old["id"], []) if old else [], row, result)
            if move is False:
                continue
            if old is None:
                creates.append(row)
                result.created += 1
                if move is not None:
                    moves.append((row, None))
                continue
            changes = {}
            for name in FIELDS:
                # Both sides are str or date (read from the database, parsed from the file).
                if name in v and old[name] != v[name]:
                    changes[name] = [json_value(old[name]), json_value(v[name])]
            if changes:
                updates.append((old["id"], row, changes))
            if move is not None:
                moves.append((row, move or None))
            if changes or move is not None:
                result.updated += 1
            else:
                result.unchanged += 1
        if ctx.dry_run:
            return result
        if connection.vendor == "postgresql":
            fastpath.write_employees(ctx, creates, updates, moves, existing, entries)
        else:
            self._write_orm(ctx, creates, updates, moves, existing, entries)
        return result

    @staticmethod
    def _move(v: dict[str, Any], history: list[dict[str, Any]], row: Parsed,
              result: ChunkResult) -> dict[str, Any] | None | bool:
        """None: no position change. {} or the open assignment: a new definitive position (the
        open one, if any, to be closed). False: the row is refused."""
        jabatan_id = v.get("_jabatan_id")
        if jabatan_id is None:
            return None
        tmt: dt.date = v["_tmt"]
        current = [a for a in history if a["end_date"] is None]
        current.sort(key=lambda a: a["start_date"])
        if current and current[-1]["jabatan_id"] == jabatan_id:
            return None
        if any(a["jabatan_id"] == jabatan_id and a["start_date"] == tmt for a in history):
            return None  # that exact appointment is already in the history
        if current and current[-1]["start_date"] >= tmt:
            result.problems.append(RowProblem(
                row.line, "tmt_jabatan", "tmt_before_current",
                _("tmt_jabatan %(tmt)s must be after the TMT of the current position "
                  "(%(current)s)") % {"tmt": tmt.isoformat(),
                                      "current": current[-1]["start_date"].isoformat()},
                tmt.isoformat()))
            return False
        return current[-1] if current else {}

    @staticmethod
    def _write_orm(ctx: Context, creates: list[Parsed], updates: list[tuple[int, Parsed,
                   dict[str, list[Any]]]], moves: list[tuple[Parsed, dict[str, Any] | None]],
                   existing: dict[str, dict[str, Any]], entries: list[AuditEntry]) -> None:
        """Portable path (SQLite): bulk_create, one executemany UPDATE, one audit call."""
        from django.db import connection as conn

        from kinerja.core.audit import audit_record_many

        inst = ctx.instansi.pk
        objs = []
        for row in creates:
            values = {k: row.values.get(k, "") for k in FIELDS}
            values["asn_type"] = values["asn_type"] or AsnType.PNS
            values["status"] = values["status"] or EmployeeStatus.AKTIF
            objs.append(Pegawai(instansi_id=inst, **values))
        Pegawai.objects.bulk_create(objs, batch_size=500)
        pegawai_id = {o.nip: o.pk for o in objs}
        for row, obj in zip(creates, objs, strict=True):
            entries.append(_entry("pegawai.create", "people.pegawai", obj.pk, obj.full_name,
                                  {k: [None, json_value(getattr(obj, k))] for k in FIELDS
                                   if json_value(getattr(obj, k)) not in (None, "")},
                                  ctx.entry_context(row.line)))
        if updates:
            columns = sorted({name for _pk, _row, changes in updates for name in changes})
            # One statement per distinct set of changed columns keeps it set-based without
            # writing fields the file did not change.
            groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
            for pk, row, changes in updates:
                names = tuple(n for n in columns if n in changes)
                groups.setdefault(names, []).append(
                    tuple(row.values[n] for n in names) + (pk,))
                label = _label(row.values, existing[row.key])
                entries.append(_entry("pegawai.update", "people.pegawai", pk, label, changes,
                                      ctx.entry_context(row.line)))
            table = Pegawai._meta.db_table
            with conn.cursor() as cursor:
                for names, params in groups.items():
                    sets = ", ".join(f"{n} = %s" for n in names)
                    cursor.executemany(
                        f"UPDATE {table} SET {sets}, updated_at = CURRENT_TIMESTAMP "
                        "WHERE id = %s", params)
                    # (column names come from FIELDS, never from the file)
        closes = [(row, old) for row, old in moves if old]
        if closes:
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {PositionAssignment._meta.db_table} SET end_date = %s WHERE id = %s",
                    [(row.values["_tmt"] - dt.timedelta(days=1), old["id"]) for row, old in closes],
                )
            for row, old in closes:
                end = row.values["_tmt"] - dt.timedelta(days=1)
                entries.append(_entry("assignment.close", "people.positionassignment", old["id"],
                                      f"{old['pegawai_id']} definitif {old['jabatan_id']} "
                                      f"{old['start_date']}",
                                      {"end_date": [None, end.isoformat()]},
                                      ctx.entry_context(row.line)))
        new_assignments = []
        for row, old in moves:
            pid = pegawai_id.get(row.key) or existing[row.key]["id"]
            new_assignments.append((row, PositionAssignment(
                instansi_id=inst, pegawai_id=pid, jabatan_id=row.values["_jabatan_id"],
                kind=HoldingKind.DEFINITIF, start_date=row.values["_tmt"],
                movement=Movement.MUTASI if old else "")))
        PositionAssignment.objects.bulk_create([a for _r, a in new_assignments], batch_size=500)
        for row, a in new_assignments:
            entries.append(_entry("assignment.create", "people.positionassignment", a.pk, str(a),
                                  assignment_changes(a.pegawai_id, a.jabatan_id, a.movement,
                                                     a.start_date),
                                  ctx.entry_context(row.line)))
        audit_record_many(actor=ctx.actor, instansi=inst, entries=entries)


def _read_existing(ctx: Context, nips: list[str]) -> tuple[dict[str, dict[str, Any]],
                                                          dict[int, list[dict[str, Any]]]]:
    """The employees of a chunk by NIP (any instansi: the NIP is unique nationally) and the
    definitive history of those in this instansi: the open one is the current position, the
    others guard the unique (pegawai, jabatan, kind, start) key. Two queries."""
    history: dict[int, list[dict[str, Any]]] = {}
    if connection.vendor == "postgresql":
        # One array parameter instead of thousands of placeholders (psycopg parses those).
        p_cols = ", ".join(("id", "instansi_id", *FIELDS))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {p_cols} FROM {Pegawai._meta.db_table} WHERE nip = ANY(%s)", [nips])
            names = [c.name for c in cursor.description]
            existing = {row[2]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
            ids = [e["id"] for e in existing.values() if e["instansi_id"] == ctx.instansi.pk]
            if ids:
                cursor.execute(
                    "SELECT id, pegawai_id, jabatan_id, start_date, end_date "
                    f"FROM {PositionAssignment._meta.db_table} "
                    "WHERE pegawai_id = ANY(%s) AND kind = %s",
                    [ids, HoldingKind.DEFINITIF.value])
                for aid, pid, jid, start, end in cursor.fetchall():
                    history.setdefault(pid, []).append({
                        "id": aid, "pegawai_id": pid, "jabatan_id": jid,
                        "start_date": start, "end_date": end})
        return existing, history
    existing = {
        row["nip"]: row
        for row in Pegawai.objects.filter(nip__in=nips).values("id", "instansi_id", *FIELDS)
    }
    ids = [e["id"] for e in existing.values() if e["instansi_id"] == ctx.instansi.pk]
    if ids:
        for a in PositionAssignment.objects.filter(
            pegawai_id__in=ids, kind=HoldingKind.DEFINITIF
        ).values("id", "pegawai_id", "jabatan_id", "start_date", "end_date"):
            history.setdefault(a["pegawai_id"], []).append(a)
    return existing, history


def assignment_changes(pegawai_id: int, jabatan_id: int, movement: str,
                       start: dt.date) -> dict[str, list[Any]]:
    """The audit diff of a new definitive assignment (only the fields that have a value)."""
    changes: dict[str, list[Any]] = {
        "jabatan": [None, jabatan_id],
        "kind": [None, "definitif"],
        "pegawai": [None, pegawai_id],
        "start_date": [None, start.isoformat()],
    }
    if movement:
        changes["movement"] = [None, movement]
    return changes


def _label(values: dict[str, Any], old: dict[str, Any]) -> str:
    name = values.get("name", old.get("name", ""))
    depan = values.get("gelar_depan", old.get("gelar_depan", ""))
    belakang = values.get("gelar_belakang", old.get("gelar_belakang", ""))
    full = f"{depan} {name}".strip()
    return f"{full}, {belakang}" if belakang else full


def _entry(action: str, object_type: str, object_id: Any, label: str,
           changes: dict[str, Any], context: dict[str, Any]) -> AuditEntry:
    return AuditEntry(action=action, object_type=object_type, object_id=str(object_id),
                      object_label=label, changes=changes, context=context)
