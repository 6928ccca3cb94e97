"""Import of Perjanjian Kinerja from an Excel sheet (docs/import-format.md, "Perjanjian Kinerja
(Excel)"): one row per IKU, upserted by (OPD, year, sasaran code, IKU code).

Synchronous and simple (a file has tens of rows per OPD): every bad row is reported with its line
and reason and skipped, every good row is kept. Running the same file again changes nothing and
writes no audit records. A dry run checks and counts without writing.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.core.audit import AuditEntry, audit_record_many, diff, snapshot
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.models import PerformanceYear, PeriodState
from kinerja.org.models import Opd
from kinerja.people.access import scope_for
from kinerja.people.imports.readers import ReaderError, detect_format, read_rows
from kinerja.people.imports.values import text as cell_text
from kinerja.people.models import Account
from kinerja.plans.goals.selectors import goal_writable_opds
from kinerja.plans.goals.services import IKU_FIELDS, MAX_NUMBER, PERJANJIAN_FIELDS, SASARAN_FIELDS
from kinerja.plans.models import Iku, PerjanjianKinerja, SasaranStrategis

REQUIRED = ("opd_kode", "tahun", "sasaran_kode", "sasaran", "iku_kode", "indikator", "satuan",
            "target")
REALISATION = ("realisasi_tw1", "realisasi_tw2", "realisasi_tw3", "realisasi_tw4")
COLUMNS = REQUIRED + REALISATION
MAX_LENGTH = {"sasaran_kode": 40, "iku_kode": 40, "satuan": 60}
# The rows are held in memory while they are checked: a Pemda's goals are a few thousand IKU.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
EXAMPLE = ("DINKES", 2026, "SS1", "Meningkatnya derajat kesehatan masyarakat", "IKU1",
           "Persentase fasilitas kesehatan terakreditasi", "persen", 90, 20, 45, None, None)


@dataclass(frozen=True)
class RowError:
    """Why one row was skipped: its line in the sheet (header = 1), the column, a stable code."""

    line: int
    column: str
    code: str
    message: str
    value: str = ""


@dataclass
class GoalsImportResult:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    opd: Opd
    year: int
    sasaran_code: str
    sasaran_text: str
    iku_code: str
    indicator: str
    unit: str
    target: Decimal
    realisation: dict[str, Decimal]


class _Bad(Exception):
    def __init__(self, column: str, code: str, message: str, value: Any = "") -> None:
        super().__init__(message)
        self.error = (column, code, message, cell_text(value)[:100])


def parse_number(raw: Any, column: str) -> Decimal | None:
    """A number from Excel (int, float) or text ("85,5", "1.234,5" or "1234.5")."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise _Bad(column, "bad_number", _("%(column)s is not a number") % {"column": column}, raw)
    if isinstance(raw, (int, float, Decimal)):
        value = Decimal(str(raw))
    else:
        value_text = str(raw).strip().replace(" ", "")
        if "," in value_text and "." in value_text:
            value_text = value_text.replace(".", "").replace(",", ".")
        elif "," in value_text:
            value_text = value_text.replace(",", ".")
        try:
            value = Decimal(value_text)
        except InvalidOperation:
            value = Decimal("NaN")
    if not value.is_finite() or abs(value) > MAX_NUMBER:
        raise _Bad(column, "bad_number", _("%(column)s is not a number") % {"column": column}, raw)
    return value.quantize(Decimal("0.01"))


def _text(values: dict[str, Any], column: str) -> str:
    value = cell_text(values.get(column))
    if not value:
        raise _Bad(column, "required", _("%(column)s is required") % {"column": column})
    limit = MAX_LENGTH.get(column)
    if limit and len(value) > limit:
        raise _Bad(column, "too_long", _("%(column)s is longer than %(max)s characters")
                   % {"column": column, "max": limit}, value)
    return value


def _parse(line: int, values: dict[str, Any], opds: dict[str, Opd], writable: set[int],
           years: dict[int, str], present: frozenset[str]) -> _Row:
    code = _text(values, "opd_kode")
    opd = opds.get(code.upper())
    if opd is None:
        raise _Bad("opd_kode", "unknown_opd", _("No OPD has the code %(code)s") % {"code": code},
                   code)
    if opd.pk not in writable:
        raise _Bad("opd_kode", "opd_scope",
                   _("You may not change the goals of %(opd)s") % {"opd": opd.name}, code)
    year_text = _text(values, "tahun")
    if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
        raise _Bad("tahun", "bad_year", _("tahun must be a year such as 2026"), year_text)
    year = int(year_text)
    state = years.get(year)
    if state != PeriodState.OPEN:
        message = (_("Performance year %(year)s is closed") if state else
                   _("Performance year %(year)s has not been opened yet")) % {"year": year}
        raise _Bad("tahun", "period_closed" if state else "period_not_open", message, year_text)
    sasaran_code, sasaran_text = _text(values, "sasaran_kode"), _text(values, "sasaran")
    iku_code, indicator = _text(values, "iku_kode"), _text(values, "indikator")
    unit = _text(values, "satuan")
    target = parse_number(values.get("target"), "target")
    if target is None:
        raise _Bad("target", "required", _("%(column)s is required") % {"column": "target"})
    realisation: dict[str, Decimal] = {}
    for quarter, column in enumerate(REALISATION, start=1):
        if column in present:
            number = parse_number(values.get(column), column)
            # An empty cell leaves the stored realisation as it is (clear it on the page).
            if number is not None:
                realisation[f"realisation_q{quarter}"] = number
    return _Row(line, opd, year, sasaran_code, sasaran_text, iku_code, indicator, unit, target,
                realisation)


def _read(upload: IO[bytes], file_name: str) -> list[tuple[int, dict[str, Any], frozenset[str]]]:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ApplicationError(
            "file_too_large", _("The file is larger than %(mb)s MB.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, status=413,
        )
    try:
        fmt = detect_format(file_name)
        if fmt not in ("xlsx", "csv"):
            raise ApplicationError("format", _("Upload an Excel workbook (.xlsx) or a CSV file."))
        rows = []
        header: frozenset[str] | None = None
        for row in read_rows(upload, fmt):
            if len(rows) >= MAX_ROWS:
                raise ApplicationError(
                    "too_many_rows", _("The sheet has more than %(n)s rows: split it.")
                    % {"n": MAX_ROWS},
                )
            present = frozenset(k for k in row.values if k != "__extra__")
            header = header or present
            rows.append((row.line, row.values, present))
    except ReaderError as exc:
        raise ApplicationError(exc.code, exc.message) from exc
    if header is None:
        raise ApplicationError("empty_file", _("The sheet has no rows below the column names."))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ApplicationError(
            "missing_columns", _("The sheet lacks the columns: %(columns)s")
            % {"columns": ", ".join(missing)},
        )
    return rows


@transaction.atomic
def goals_import(
    *, actor: Account, upload: IO[bytes], file_name: str, dry_run: bool = False
) -> GoalsImportResult:
    """Import the sheet for the OPDs the actor may change (others' rows are reported)."""
    scope = scope_for(actor)
    if scope.instansi_id is None:
        raise Forbidden("forbidden", _("Only an account of an instansi imports goals."))
    writable = set(goal_writable_opds(actor).values_list("pk", flat=True))
    if not writable:
        raise Forbidden("forbidden", _("You may not change the goals of any OPD."))
    raw_rows = _read(upload, file_name)
    opds = {o.code.upper(): o for o in Opd.objects.filter(instansi_id=scope.instansi_id)}
    years = dict(
        PerformanceYear.objects.filter(instansi_id=scope.instansi_id).values_list("year", "state")
    )
    result = GoalsImportResult(dry_run=dry_run, rows=len(raw_rows))
    good: list[_Row] = []
    seen: dict[tuple[int, int, str, str], int] = {}
    sasaran_texts: dict[tuple[int, int, str], str] = {}
    for line, values, present in raw_rows:
        try:
            row = _parse(line, values, opds, writable, years, present)
            key = (row.opd.pk, row.year, row.sasaran_code, row.iku_code)
            if key in seen:
                raise _Bad("iku_kode", "duplicate",
                           _("The same IKU is already on line %(line)s") % {"line": seen[key]},
                           row.iku_code)
            sasaran_key = key[:3]
            if sasaran_texts.setdefault(sasaran_key, row.sasaran_text) != row.sasaran_text:
                raise _Bad("sasaran", "sasaran_conflict",
                           _("Another row gives objective %(code)s a different description")
                           % {"code": row.sasaran_code}, row.sasaran_text)
        except _Bad as bad:
            result.errors.append(RowError(line, *bad.error))
            continue
        seen[key] = line
        good.append(row)
    _apply(actor, scope.instansi_id, good, result, dry_run=dry_run)
    if dry_run:
        transaction.set_rollback(True)
    return result


def _apply(
    actor: Account, instansi_id: int, rows: list[_Row], result: GoalsImportResult, *,
    dry_run: bool,
) -> None:
    """Decide created / updated / unchanged per row with a constant number of reads, then write
    only what changed (all of it rolled back by the caller on a dry run)."""
    pairs = {(r.opd.pk, r.year) for r in rows}
    opd_ids = {opd_id for opd_id, _year in pairs}
    pks = {
        (p.opd_id, p.year): p
        for p in PerjanjianKinerja.objects.filter(opd_id__in=opd_ids)
        if (p.opd_id, p.year) in pairs
    }
    sasaran = {
        (s.perjanjian_id, s.code): s
        for s in SasaranStrategis.objects.filter(perjanjian__in=list(pks.values()))
    }
    ikus = {
        (i.sasaran_id, i.code): i
        for i in Iku.objects.filter(sasaran__in=list(sasaran.values()))
    }
    entries: list[AuditEntry] = []

    def record(action: str, obj: Any, changes: dict[str, Any], line: int) -> None:
        entries.append(AuditEntry(action, obj._meta.label_lower, str(obj.pk), str(obj), changes,
                                  {"import": "goals", "line": line}))

    for row in rows:
        perjanjian = pks.get((row.opd.pk, row.year))
        if perjanjian is None:
            perjanjian = PerjanjianKinerja.objects.create(
                instansi_id=instansi_id, opd=row.opd, year=row.year
            )
            pks[(row.opd.pk, row.year)] = perjanjian
            record("perjanjian.create", perjanjian,
                   diff(None, snapshot(perjanjian, PERJANJIAN_FIELDS)), row.line)
        objective = sasaran.get((perjanjian.pk, row.sasaran_code))
        if objective is None:
            objective = SasaranStrategis.objects.create(
                instansi_id=instansi_id, perjanjian=perjanjian, code=row.sasaran_code,
                text=row.sasaran_text,
                order=1 + max((s.order for (p, _c), s in sasaran.items() if p == perjanjian.pk),
                              default=0),
            )
            sasaran[(perjanjian.pk, row.sasaran_code)] = objective
            record("sasaran.create", objective,
                   diff(None, snapshot(objective, SASARAN_FIELDS)), row.line)
        elif objective.text != row.sasaran_text:
            before = snapshot(objective, SASARAN_FIELDS)
            objective.text = row.sasaran_text
            objective.save(update_fields=["text"])
            record("sasaran.update", objective,
                   diff(before, snapshot(objective, SASARAN_FIELDS)), row.line)
        values: dict[str, Any] = {"indicator": row.indicator, "unit": row.unit,
                                  "annual_target": row.target, **row.realisation}
        iku = ikus.get((objective.pk, row.iku_code))
        if iku is None:
            iku = Iku.objects.create(
                instansi_id=instansi_id, sasaran=objective, code=row.iku_code,
                order=1 + max((i.order for (s, _c), i in ikus.items() if s == objective.pk),
                              default=0),
                **values,
            )
            ikus[(objective.pk, row.iku_code)] = iku
            record("iku.create", iku, diff(None, snapshot(iku, IKU_FIELDS)), row.line)
            result.created += 1
            continue
        before = snapshot(iku, IKU_FIELDS)
        for name, value in values.items():
            setattr(iku, name, value)
        changes = diff(before, snapshot(iku, IKU_FIELDS))
        if changes:
            iku.save(update_fields=list(values))
            record("iku.update", iku, changes, row.line)
            result.updated += 1
        else:
            result.unchanged += 1
    if not dry_run:
        audit_record_many(actor=actor, instansi=instansi_id, entries=entries)


def template_workbook(example_rows: Iterable[tuple[Any, ...]] = (EXAMPLE,)) -> bytes:
    """An .xlsx with the header row and example rows, to fill in and upload."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Perjanjian Kinerja"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in example_rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows():
        for cell in cells:
            # openpyxl writes a text starting with "=" as a formula: keep such text text.
            if cell.data_type == "f":
                cell.data_type = "s"
    widths = {"A": 12, "B": 8, "C": 14, "D": 45, "E": 12, "F": 45, "G": 12, "H": 10}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
