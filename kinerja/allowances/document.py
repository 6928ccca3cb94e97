"""The daftar nominatif TPP as the official document: the shape shared by the page, the Excel
file (allowances/excel.py) and the PDF printed here with WeasyPrint.

The layout is the one Pemdas pay from: the heading "DAFTAR NOMINATIF PEMBAYARAN TAMBAHAN
PENGHASILAN PEGAWAI (TPP)", the Pemerintah, the OPD (or every OPD for the instansi's list) and
the month; one row per person (No, Nama / NIP, Golongan, Jabatan, Kelas, the TPP ceiling, what
the kinerja and disiplin parts make payable, the deductions, TPP bruto, PPh 21, BPJS 1% of the
employee and 4% of the Pemda, jumlah bersih, the adjustments of an approved month and what is
paid); subtotals per OPD in the instansi's list, the totals, and the signatures (Mengetahui,
the head; the Bendahara Pengeluaran with place and date; names left blank to be written by
hand). A month that is not approved yet is printed with the BELUM DISETUJUI watermark.

As the SKP and evaluation documents: printed in Bahasa Indonesia whatever the user's language,
numbers and dates in Indonesian format (kinerja.core.formats), loading nothing from outside.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from kinerja.allowances.models import TppMonthStatus
from kinerja.allowances.selectors import Nominative, NominativeRow
from kinerja.core.formats import date_id, month_id
from kinerja.core.models import Instansi
from kinerja.people.rules import format_nip

ZERO = Decimal(0)
TITLE = "DAFTAR NOMINATIF PEMBAYARAN TAMBAHAN PENGHASILAN PEGAWAI (TPP)"
DRAFT_MARK = "BELUM DISETUJUI"
# The money columns, in the order of the official list, with their headings.
MONEY: tuple[tuple[str, str], ...] = (
    ("ceiling", "TPP (Pagu)"),
    ("payable", "Hasil Kinerja dan Disiplin"),
    ("deductions", "Potongan"),
    ("gross", "TPP Bruto"),
    ("pph21", "PPh 21"),
    ("bpjs_employee", "BPJS 1% (Pegawai)"),
    ("bpjs_employer", "BPJS 4% (Pemda)"),
    ("net", "Jumlah Bersih"),
    ("adjustments", "Penyesuaian"),
    ("paid", "Dibayarkan"),
)
MONEY_KEYS = tuple(key for key, _label in MONEY)
STATUS: dict[str, str] = {
    TppMonthStatus.COMPUTING: "Sedang dihitung",
    TppMonthStatus.COMPUTED: "Dihitung, belum disetujui",
    TppMonthStatus.APPROVED: "Disetujui",
    TppMonthStatus.FAILED: "Perhitungan gagal",
}


def values_of(row: NominativeRow) -> tuple[Decimal, ...]:
    """The money of one row in the order of MONEY."""
    line = row.line
    by_key = {
        "ceiling": line.ceiling, "payable": line.payable, "deductions": line.deductions,
        "gross": line.gross, "pph21": line.pph21, "bpjs_employee": line.bpjs_employee,
        "bpjs_employer": line.bpjs_employer, "net": line.net, "adjustments": row.adjustments,
        "paid": row.paid,
    }
    return tuple(by_key[key] for key in MONEY_KEYS)


def add(totals: tuple[Decimal, ...], values: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    return tuple(a + b for a, b in zip(totals, values, strict=True))


EMPTY: tuple[Decimal, ...] = tuple(ZERO for _key in MONEY_KEYS)


@dataclass(frozen=True)
class DocRow:
    """One person's row as the list prints it."""

    no: int
    pegawai_id: int
    name: str
    nip: str  # the 18 digits, as SIMPEG keys them
    golongan: str
    jabatan: str
    kelas: int | None
    values: tuple[Decimal, ...]
    pph21_borne: bool  # PPh 21 borne by the APBD: shown, not deducted

    @property
    def nip_display(self) -> str:
        return format_nip(self.nip)

    def value(self, key: str) -> Decimal:
        return self.values[MONEY_KEYS.index(key)]

    @property
    def cells(self) -> list[tuple[Decimal, str]]:
        """The values with their mark: "*" on PPh 21 borne by the APBD."""
        return [(value, "*" if key == "pph21" and self.pph21_borne else "")
                for key, value in zip(MONEY_KEYS, self.values, strict=True)]


def doc_row(row: NominativeRow) -> DocRow:
    line = row.line
    return DocRow(
        no=row.no, pegawai_id=line.pegawai_id, name=line.pegawai.full_name,
        nip=line.pegawai.nip, golongan=line.golongan, jabatan=line.jabatan_name,
        kelas=line.kelas, values=values_of(row),
        pph21_borne=bool(line.pph21) and not line.pph21_withheld,
    )


@dataclass
class Group:
    """The rows of one OPD with their subtotals (in the order of MONEY)."""

    opd_id: int | None
    name: str
    rows: list[DocRow] = field(default_factory=list)
    totals: tuple[Decimal, ...] = EMPTY

    @property
    def people(self) -> int:
        return len(self.rows)

    def total(self, key: str) -> Decimal:
        return self.totals[MONEY_KEYS.index(key)]

    @property
    def gross(self) -> Decimal:
        return self.total("gross")

    @property
    def net(self) -> Decimal:
        return self.total("net")

    @property
    def adjustments(self) -> Decimal:
        return self.total("adjustments")

    @property
    def paid(self) -> Decimal:
        return self.total("paid")


def groups_of(rows: list[NominativeRow]) -> list[Group]:
    """The rows per OPD, in the list's order (by OPD name), each with its subtotals."""
    found: dict[int | None, Group] = {}
    for row in rows:
        opd_id = row.line.opd_id
        group = found.get(opd_id)
        if group is None:
            name = row.line.opd.name if row.line.opd is not None else "-"
            group = found[opd_id] = Group(opd_id, name)
        printed = doc_row(row)
        group.rows.append(printed)
        group.totals = add(group.totals, printed.values)
    return list(found.values())


def instansi_title(instansi: Instansi) -> str:
    """"Kabupaten Uji" -> "PEMERINTAH KABUPATEN UJI"; a name already saying Pemerintah stays."""
    name = instansi.name.strip()
    if not name.lower().startswith("pemerintah"):
        name = f"Pemerintah {name}"
    return name.upper()


def place_of(instansi: Instansi) -> str:
    """Where the list is signed: the region's name (Pemerintah Kabupaten X -> Kabupaten X)."""
    name = instansi.name.strip()
    prefix = "pemerintah "
    return name[len(prefix):] if name.lower().startswith(prefix) else name


def period_code(period: dt.date) -> str:
    return f"{period:%Y-%m}"


def filename(nominative: Nominative, instansi: Instansi, extension: str) -> str:
    """TPP-2026-10-DINKES.xlsx for an OPD, TPP-2026-10-kab-uji.pdf for the instansi."""
    if nominative.opd is not None:
        who = slugify(nominative.opd.code or nominative.opd.name).upper() or str(nominative.opd.pk)
    else:
        who = slugify(instansi.code) or "instansi"
    return f"TPP-{period_code(nominative.month.period)}-{who}.{extension}"


@dataclass(frozen=True)
class Signer:
    """One signature column: the lines above the blank space; the name and NIP are left blank
    to be written by hand."""

    above: str
    title: str


@dataclass
class NominativeDocument:
    """Everything the PDF and the Excel file print."""

    instansi_title: str
    opd_title: str
    opd_name: str
    month_label: str
    place: str
    printed_on: dt.date
    approved: bool
    status_label: str
    groups: list[Group]
    totals: tuple[Decimal, ...]
    by_opd: bool
    left: Signer
    right: Signer
    pph21_borne: bool  # some PPh 21 is borne by the APBD (shown, not deducted)
    people: int
    # Whole rupiah, or sen for the whole list when any amount has them (an adjustment of
    # -75.500,50 must not print as -75.501).
    places: int = 0

    title: str = TITLE

    def total(self, key: str) -> Decimal:
        return self.totals[MONEY_KEYS.index(key)]

    @property
    def column_count(self) -> int:
        return 5 + len(MONEY)

    @property
    def column_numbers(self) -> range:
        return range(1, self.column_count + 1)

    @property
    def printed_on_text(self) -> str:
        return date_id(self.printed_on)

    @property
    def watermark(self) -> str:
        return "" if self.approved else DRAFT_MARK

    @property
    def draft_note(self) -> str:
        if self.approved:
            return ""
        return (f"{DRAFT_MARK}: hasil perhitungan ({self.status_label.lower()}), dapat berubah "
                "sampai disetujui Admin BKPSDM.")


def build_document(nominative: Nominative, instansi: Instansi, *,
                   on: dt.date) -> NominativeDocument:
    """The document of a nominative list (no query: the instansi is passed)."""
    month = nominative.month
    approved = month.status == TppMonthStatus.APPROVED
    status = STATUS.get(month.status, month.status)
    if approved and month.approved_at is not None:
        status = f"Disetujui {date_id(timezone.localtime(month.approved_at).date())}"
    groups = groups_of(nominative.rows)
    opd = nominative.opd
    if opd is not None:
        opd_title, opd_name = opd.name.upper(), opd.name
        left = Signer("Mengetahui,", f"Kepala {opd.name}")
        right = Signer("", "Bendahara Pengeluaran")
    else:
        opd_title, opd_name = "SELURUH PERANGKAT DAERAH", "Seluruh Perangkat Daerah"
        left = Signer("Mengetahui,", "Sekretaris Daerah")
        right = Signer("", "Bendahara Umum Daerah")
    return NominativeDocument(
        instansi_title=instansi_title(instansi),
        opd_title=opd_title,
        opd_name=opd_name,
        month_label=month_id(month.period),
        place=place_of(instansi),
        printed_on=on,
        approved=approved,
        status_label=status,
        groups=groups,
        totals=tuple(nominative.totals.get(key, ZERO) for key in MONEY_KEYS),
        by_opd=opd is None,
        left=left,
        right=right,
        pph21_borne=any(r.pph21_borne for g in groups for r in g.rows),
        people=len(nominative.rows),
        places=2 if any(v != v.to_integral_value() for g in groups for r in g.rows
                        for v in r.values) else 0,
    )


def render_nominative_html(document: NominativeDocument) -> str:
    with translation.override("id"):
        return render_to_string("allowances/nominative_document.html", {"doc": document,
                                                                        "money": MONEY})


def render_nominative_pdf(document: NominativeDocument) -> bytes:
    """The list as PDF bytes (A4 landscape)."""
    from weasyprint import HTML  # heavy import: only when a document is asked for

    pdf = HTML(string=render_nominative_html(document), url_fetcher=_no_fetch).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The template references nothing outside itself; refuse anything that slips in rather
    # than let a name from SIMPEG make the server fetch a URL.
    raise ValueError(f"external resource refused: {url}")
