"""The e-presensi imports, on the SIMPEG import engine (people.imports): the same guarantees
(every good row in, every bad row reported with its line and reason, idempotent, streamed in
chunks, audited).

- `presensi`: check-in and check-out per person per day (nip, tanggal, jam_masuk, jam_pulang).
  Upserted by (nip, tanggal); the minutes late and early are measured against the working
  calendar of the person's unit on that day (PlaceHistory) when the row is written.
- `leaves`: leave and permission records (nip, jenis, tanggal_mulai, tanggal_selesai,
  keterangan). Upserted by (nip, jenis, tanggal_mulai).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.attendance.calendars import Calendars, measure
from kinerja.attendance.models import Presensi
from kinerja.core.audit import AuditEntry, audit_record_many
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
from kinerja.people.imports.values import CellError, choice, date_value, limited, nip_text
from kinerja.people.models import ImportKind, Leave, LeaveKind, Pegawai, PositionAssignment
from kinerja.people.rules import normalise_nip

_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")
# The import refuses days further ahead than this (a typo in the year).
FUTURE_DAYS = 1


def time_value(raw: Any, *, column: str) -> dt.time | None:
    """07:45, 7.45, 07:45:12, a datetime "2026-10-01 07:45:12", an Excel time cell or an Excel
    time fraction (0.3229...). Empty -> None (no check-in / check-out)."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.time().replace(microsecond=0)
    if isinstance(raw, dt.time):
        return raw.replace(microsecond=0)
    if isinstance(raw, (float, Decimal)) and not isinstance(raw, bool) and 0 <= raw < 1:
        # 0.99999 rounds to 86400 seconds: the last second of the day, not 23:00
        seconds = min(round(float(raw) * 86400), 86399)
        return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    value = str(raw).strip()
    if not value or value in {"-", "--"}:
        return None
    if " " in value or "T" in value:
        value = value.replace("T", " ").split(" ")[-1]
    match = _TIME.match(value)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        second = int(match.group(3) or 0)
        if hour < 24 and minute < 60 and second < 60:
            return dt.time(hour, minute, second)
    raise CellError("time_format",
                    _("%(column)s must be a time like 07:45 or 07:45:30") % {"column": column},
                    raw)


def nip_cell(cells: Cells, raw: Any) -> str:
    """The NIP of a row: 18 digits once spaces, dots and dashes are gone (the lookup is by
    NIP; a shorter or longer value is a typo, not an unknown employee)."""
    try:
        nip = normalise_nip(nip_text(raw))
    except CellError as exc:
        cells.error("nip", exc)
        return ""
    if not nip:
        cells.add("nip", "required", _("NIP is required"))
    elif not (nip.isascii() and nip.isdigit() and len(nip) == 18):
        cells.add("nip", "nip_format", _("NIP must be exactly 18 digits"), raw)
    return nip


def _people(ctx: Context, nips: set[str]) -> dict[str, int]:
    return dict(Pegawai.objects.filter(instansi=ctx.instansi, nip__in=nips)
                .values_list("nip", "id"))


class PlaceHistory:
    """Where each person worked on each day: their definitive positions (one query per set of
    people), so that a day is measured against the calendar of the place the person was at
    on that day, not where they are now (a transfer from an office to a school mid-month)."""

    def __init__(self) -> None:
        self._spans: dict[int, list[tuple[dt.date, dt.date | None, int, int | None]]] = {}

    def load(self, pegawai_ids: set[int]) -> None:
        missing = pegawai_ids - self._spans.keys()
        if not missing:
            return
        for pid in missing:
            self._spans[pid] = []
        rows = PositionAssignment.objects.filter(
            pegawai_id__in=missing, kind=HoldingKind.DEFINITIF).order_by(
            "pegawai_id", "start_date", "pk").values_list(
            "pegawai_id", "start_date", "end_date", "jabatan__opd_id", "jabatan__unit_id")
        for pid, start, end, opd_id, unit_id in rows:
            self._spans[pid].append((start, end, opd_id, unit_id))

    def on(self, pegawai_id: int, day: dt.date) -> tuple[int | None, int | None]:
        """(OPD, unit) on the day: the newest TMT in force (SIMPEG may leave an older post
        open); before the first TMT the first post, after the last one ended the last."""
        spans = self._spans.get(pegawai_id) or []
        found = None
        for start, end, opd_id, unit_id in spans:
            if start <= day and (end is None or end >= day):
                found = (opd_id, unit_id)
        if found is None and spans:
            first, last = spans[0], spans[-1]
            found = (first[2], first[3]) if day < first[0] else (last[2], last[3])
        return found or (None, None)


class PresensiImporter(Importer):
    kind = ImportKind.PRESENSI
    columns = {
        "nip": ("nip_baru", "ni_pppk", "id_pegawai"),
        "tanggal": ("tgl", "date", "tanggal_presensi", "hari_tanggal"),
        "jam_masuk": ("masuk", "check_in", "jam_datang", "datang", "scan_masuk", "checkin"),
        "jam_pulang": ("pulang", "check_out", "keluar", "scan_pulang", "checkout"),
    }
    required = ("nip", "tanggal")
    key_columns = ("nip", "tanggal")

    def prepare(self, ctx: Context) -> None:
        ctx.cache["calendars"] = Calendars(ctx.instansi.pk)
        ctx.cache["today"] = timezone.localdate()
        ctx.cache["places"] = PlaceHistory()

    def parse(self, ctx: Context, line: int, raw: dict[str, Any], present: frozenset[str],
              problems: list[RowProblem]) -> Parsed | None:
        cells = Cells(line, problems)
        v: dict[str, Any] = {"nip": nip_cell(cells, raw.get("nip"))}
        try:
            v["date"] = date_value(raw.get("tanggal"), column="tanggal")
        except CellError as exc:
            cells.error("tanggal", exc)
        if "date" in v:
            if v["date"] is None:
                cells.add("tanggal", "required", _("tanggal is required"))
            elif v["date"] > ctx.cache["today"] + dt.timedelta(days=FUTURE_DAYS):
                cells.add("tanggal", "future_date", _("tanggal is in the future"),
                          raw.get("tanggal"))
        for column, name in (("jam_masuk", "check_in"), ("jam_pulang", "check_out")):
            try:
                v[name] = time_value(raw.get(column), column=column)
            except CellError as exc:
                cells.error(column, exc)
        if v.get("check_in") and v.get("check_out") and v["check_out"] <= v["check_in"]:
            cells.add("jam_pulang", "out_before_in",
                      _("jam_pulang is not after jam_masuk"), raw.get("jam_pulang"))
        if cells.failed:
            return None
        return Parsed(line, (v["nip"], v["date"]), v, present)

    def apply(self, ctx: Context, rows: list[Parsed]) -> ChunkResult:
        result = ChunkResult()
        people = _people(ctx, {r.values["nip"] for r in rows})
        ids = set(people.values())
        days = {r.values["date"] for r in rows}
        places: PlaceHistory = ctx.cache["places"]
        places.load(ids)
        existing = {
            (p["pegawai_id"], p["date"]): p
            for p in Presensi.objects.filter(pegawai_id__in=ids, date__in=days).values(
                "id", "pegawai_id", "date", "check_in", "check_out")
        }
        calendars: Calendars = ctx.cache["calendars"]
        if not ctx.dry_run:
            # A year nobody opened on the calendar page yet gets its schedule and national
            # holidays before its days are measured (else a holiday would count as a working
            # day). A dry run writes nothing: it measures against the standard week.
            ready: set[int] = ctx.cache.setdefault("years_ready", set())
            for year in {day.year for day in days} - ready:
                from kinerja.attendance.services import calendar_year_ensure

                calendar_year_ensure(ctx.instansi.pk, year, actor=ctx.actor)
                ready.add(year)
        creates: list[Presensi] = []
        updates: list[tuple[Parsed, Presensi, dict[str, list[Any]]]] = []
        for row in rows:
            v = row.values
            pid = people.get(v["nip"])
            if pid is None:
                result.problems.append(RowProblem(
                    row.line, "nip", "unknown_employee",
                    _("NIP %(nip)s is not in Kinerja; import the employees first")
                    % {"nip": v["nip"]}, v["nip"]))
                continue
            opd_id, unit_id = places.on(pid, v["date"])
            derived = measure(calendars, v["date"], opd_id, unit_id, v["check_in"],
                              v["check_out"])
            old = existing.get((pid, v["date"]))
            if old is None:
                creates.append(Presensi(
                    instansi_id=ctx.instansi.pk, pegawai_id=pid, date=v["date"],
                    check_in=v["check_in"], check_out=v["check_out"], import_run_id=ctx.run.pk,
                    **derived))
                result.created += 1
                continue
            changes = {
                name: [_t(old[name]), _t(v[name])]
                for name in ("check_in", "check_out") if old[name] != v[name]
            }
            if changes:
                updates.append((row, Presensi(
                    pk=old["id"], check_in=v["check_in"], check_out=v["check_out"],
                    import_run_id=ctx.run.pk, **derived), changes))
                result.updated += 1
            else:
                result.unchanged += 1
        if not ctx.dry_run:
            Presensi.objects.bulk_create(creates, batch_size=2000)
            if updates:
                Presensi.objects.bulk_update(
                    [p for _r, p, _c in updates],
                    ["check_in", "check_out", "late_minutes", "early_minutes", "working_day",
                     "import_run"], batch_size=2000)
            entries: list[AuditEntry] = [
                entry("presensi.update", "attendance.presensi", p.pk,
                      f"{row.values['nip']} {row.values['date']}", changes,
                      ctx.entry_context(row.line))
                for row, p, changes in updates
            ]
            if creates:
                lines = [r.line for r in rows]
                entries.append(entry(
                    "presensi.import", "people.importrun", ctx.run.pk, ctx.run.file_name,
                    {"created": [None, len(creates)]},
                    {"import_run": ctx.run.pk, "lines": [min(lines), max(lines)]}))
            audit_record_many(actor=ctx.actor, instansi=ctx.instansi, entries=entries)
        return result


def _t(value: dt.time | None) -> str | None:
    return value.isoformat() if value else None


_LEAVE = {k: k for k in LeaveKind.values} | {
    "cuti_tahunan": "tahunan", "ct": "tahunan", "cuti_sakit": "sakit", "cs": "sakit",
    "cuti_besar": "besar", "cb": "besar", "cuti_melahirkan": "melahirkan",
    "cuti_bersalin": "melahirkan", "bersalin": "melahirkan", "cm": "melahirkan",
    "cuti_alasan_penting": "alasan_penting", "cap": "alasan_penting",
    "cuti_karena_alasan_penting": "alasan_penting",
    "cuti_di_luar_tanggungan_negara": "cltn", "cuti_diluar_tanggungan_negara": "cltn",
    "di_luar_tanggungan_negara": "cltn", "dl": "dinas_luar", "dinas": "dinas_luar",
    "perjalanan_dinas": "dinas_luar", "tb": "tugas_belajar", "ijin": "izin",
}


class LeaveImporter(Importer):
    kind = ImportKind.LEAVES
    columns = {
        "nip": ("nip_baru", "ni_pppk"),
        "jenis": ("jenis_cuti", "jenis_izin", "kind", "keterangan_jenis"),
        "tanggal_mulai": ("mulai", "dari", "start", "tgl_mulai"),
        "tanggal_selesai": ("selesai", "sampai", "end", "tgl_selesai"),
        "keterangan": ("catatan", "note", "alasan"),
    }
    required = ("nip", "jenis", "tanggal_mulai", "tanggal_selesai")
    key_columns = ("nip", "jenis", "tanggal_mulai")

    def parse(self, ctx: Context, line: int, raw: dict[str, Any], present: frozenset[str],
              problems: list[RowProblem]) -> Parsed | None:
        cells = Cells(line, problems)
        v: dict[str, Any] = {"nip": nip_cell(cells, raw.get("nip"))}
        try:
            v["kind"] = choice(raw.get("jenis"), _LEAVE, column="jenis",
                               allowed=", ".join(LeaveKind.values))
        except CellError as exc:
            cells.error("jenis", exc)
        for column, name in (("tanggal_mulai", "start_date"), ("tanggal_selesai", "end_date")):
            try:
                v[name] = date_value(raw.get(column), column=column)
            except CellError as exc:
                cells.error(column, exc)
                continue
            if v[name] is None:
                cells.add(column, "required", _("%(column)s is required") % {"column": column})
        if v.get("start_date") and v.get("end_date") and v["end_date"] < v["start_date"]:
            cells.add("tanggal_selesai", "end_before_start",
                      _("tanggal_selesai is before tanggal_mulai"), raw.get("tanggal_selesai"))
        try:
            v["note"] = limited(raw.get("keterangan"), max_length=200, column="keterangan")
        except CellError as exc:
            cells.error("keterangan", exc)
        if cells.failed:
            return None
        return Parsed(line, (v["nip"], v["kind"], v["start_date"]), v, present)

    def apply(self, ctx: Context, rows: list[Parsed]) -> ChunkResult:
        result = ChunkResult()
        people = _people(ctx, {r.values["nip"] for r in rows})
        existing = {
            (lv.pegawai_id, lv.kind, lv.start_date): lv
            for lv in Leave.objects.filter(pegawai_id__in=people.values(),
                                           start_date__in={r.values["start_date"] for r in rows})
        }
        creates: list[tuple[Parsed, Leave]] = []
        updates: list[tuple[Parsed, Leave, dict[str, list[Any]]]] = []
        for row in rows:
            v = row.values
            pid = people.get(v["nip"])
            if pid is None:
                result.problems.append(RowProblem(
                    row.line, "nip", "unknown_employee",
                    _("NIP %(nip)s is not in Kinerja; import the employees first")
                    % {"nip": v["nip"]}, v["nip"]))
                continue
            old = existing.get((pid, v["kind"], v["start_date"]))
            if old is None:
                creates.append((row, Leave(instansi_id=ctx.instansi.pk, pegawai_id=pid,
                                           kind=v["kind"], start_date=v["start_date"],
                                           end_date=v["end_date"], note=v["note"])))
                result.created += 1
                continue
            changes = {}
            if old.end_date != v["end_date"]:
                changes["end_date"] = [old.end_date.isoformat(), v["end_date"].isoformat()]
                old.end_date = v["end_date"]
            if "keterangan" in row.present and old.note != v["note"]:
                changes["note"] = [old.note, v["note"]]
                old.note = v["note"]
            if changes:
                updates.append((row, old, changes))
                result.updated += 1
            else:
                result.unchanged += 1
        if not ctx.dry_run:
            Leave.objects.bulk_create([lv for _r, lv in creates], batch_size=1000)
            Leave.objects.bulk_update([lv for _r, lv, _c in updates], ["end_date", "note"])
            entries = [
                entry("leave.create", "people.leave", lv.pk, str(lv),
                      {"kind": [None, lv.kind], "start_date": [None, lv.start_date.isoformat()],
                       "end_date": [None, lv.end_date.isoformat()]},
                      ctx.entry_context(row.line))
                for row, lv in creates
            ] + [
                entry("leave.update", "people.leave", lv.pk, str(lv), changes,
                      ctx.entry_context(row.line))
                for row, lv, changes in updates
            ]
            audit_record_many(actor=ctx.actor, instansi=ctx.instansi, entries=entries)
        return result


def register() -> None:
    from kinerja.people.imports.services import IMPORTERS

    IMPORTERS[ImportKind.PRESENSI] = PresensiImporter
    IMPORTERS[ImportKind.LEAVES] = LeaveImporter
