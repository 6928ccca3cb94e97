"""The SKP as the official document (PDF), laid out as the SKP form of PermenPANRB 6/2022
(shared/domain/RULES.md 1.2): header with approach and assessment period, identity of the
pegawai yang dinilai and the pejabat penilai kinerja, HASIL KERJA (A. Utama, B. Tambahan),
PERILAKU KERJA (BerAKHLAK with guides and ekspektasi khusus pimpinan), signatures, and the
LAMPIRAN (dukungan sumber daya, skema pertanggungjawaban, konsekuensi).

The headings and labels are the form's own wording, fixed by the regulation: the document is
printed in Bahasa Indonesia whatever language the user's screen is in (rendered under
`translation.override("id")`, so dates and month names are Indonesian too).

HTML template -> PDF with WeasyPrint (DESIGN.md). The template loads nothing from outside
(fonts come from the system, no images or style sheets by URL), so rendering never touches the
network.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from kinerja.core.models import Instansi
from kinerja.org.models import Jabatan
from kinerja.people.models import Pegawai
from kinerja.people.rules import GOLONGAN_PNS, format_nip
from kinerja.people.selectors import atasan_of
from kinerja.plans import rules
from kinerja.plans.models import Indicator, Rhk, Skp, SkpStatus
from kinerja.plans.selectors import skp_detail

# Enumerations as the form prints them (RULES.md 1.2).
ASPEK = {"kuantitas": "Kuantitas", "kualitas": "Kualitas", "waktu": "Waktu", "biaya": "Biaya"}
PERSPEKTIF = {
    "penerima_layanan": "Penerima Layanan",
    "proses_bisnis": "Proses Bisnis",
    "penguatan_internal": "Penguatan Internal",
    "anggaran": "Anggaran",
}
STATUS: dict[str, str] = {
    SkpStatus.DRAFT: "Draf",
    SkpStatus.SUBMITTED: "Diajukan, menunggu persetujuan",
    SkpStatus.APPROVED: "Disetujui",
    SkpStatus.RETURNED: "Dikembalikan untuk diperbaiki",
    SkpStatus.CLOSED: "Ditutup",
}
LAMPIRAN = (
    ("dukungan_sumber_daya", "Dukungan Sumber Daya"),
    ("skema_pertanggungjawaban", "Skema Pertanggungjawaban"),
    ("konsekuensi", "Konsekuensi"),
)
# A draft or a returned SKP is not signed yet: it is printed with a DRAF watermark.
UNSIGNED = frozenset({SkpStatus.DRAFT, SkpStatus.RETURNED})


@dataclass(frozen=True)
class Person:
    """One column of the identity table (and a signature block)."""

    name: str = ""
    nip: str = ""
    pangkat: str = ""
    jabatan: str = ""
    unit: str = ""


@dataclass(frozen=True)
class IndicatorLine:
    aspek: str
    text: str
    target: str


@dataclass(frozen=True)
class RhkBlock:
    number: int
    intervened: str
    text: str
    perspektif: str
    indicators: list[IndicatorLine] = field(default_factory=list)

    @property
    def rowspan(self) -> int:
        return max(1, len(self.indicators))

    @property
    def first(self) -> IndicatorLine | None:
        return self.indicators[0] if self.indicators else None

    @property
    def rest(self) -> list[IndicatorLine]:
        return self.indicators[1:]


@dataclass(frozen=True)
class PerilakuRow:
    number: int
    name: str
    guides: list[str]
    expectation: str


def number_text(value: Decimal | None) -> str:
    """12.00 -> "12", 2.50 -> "2,5" (Indonesian decimal comma), 1000 -> "1.000"."""
    if value is None:
        return ""
    normal = value.normalize()
    if normal == normal.to_integral():
        normal = normal.quantize(Decimal(1))
    whole, _sep, frac = f"{normal:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = f"{int(digits):,}".replace(",", ".")
    return f"{sign}{grouped}" + (f",{frac}" if frac else "")


def target_text(indicator: Indicator) -> str:
    unit = f" {indicator.unit}" if indicator.unit else ""
    if indicator.target_kind == "angka":
        return f"{number_text(indicator.target_min)}{unit}"
    if indicator.target_kind == "rentang":
        low, high = number_text(indicator.target_min), number_text(indicator.target_max)
        return f"{low} – {high}{unit}"
    return indicator.target_text


def pangkat_of(pegawai: Pegawai) -> str:
    name = GOLONGAN_PNS.get(pegawai.golongan, "")
    if name and pegawai.golongan:
        return f"{name} ({pegawai.golongan})"
    return pegawai.golongan


def person(pegawai: Pegawai | None, jabatan: Jabatan | None, opd_name: str = "") -> Person:
    if pegawai is None:
        return Person()
    unit = ""
    if jabatan is not None:
        unit = jabatan.unit.name if jabatan.unit_id and jabatan.unit else ""
        if opd_name and opd_name != unit:
            unit = f"{unit}, {opd_name}" if unit else opd_name
    return Person(
        name=pegawai.full_name,
        nip=format_nip(pegawai.nip),
        pangkat=pangkat_of(pegawai),
        jabatan=jabatan.name if jabatan else "",
        unit=unit,
    )


def _intervened(rhk: Rhk, is_jpt: bool) -> str:
    if rhk.parent_id and rhk.parent is not None:
        return rhk.parent.text
    if rhk.iku_id and rhk.iku is not None:
        prefix = f"{rhk.iku.code} " if is_jpt and rhk.iku.code else ""
        return f"{prefix}{rhk.iku.indicator}"
    return ""


def hasil_kerja(skp: Skp, kind: str) -> list[RhkBlock]:
    rows = [r for r in skp.rhk.all() if r.kind == kind]
    return [
        RhkBlock(
            number=n,
            intervened=_intervened(r, skp.is_jpt),
            text=r.text,
            perspektif=PERSPEKTIF.get(r.perspektif, ""),
            indicators=[
                IndicatorLine(ASPEK.get(i.aspek, i.aspek), i.text, target_text(i))
                for i in sorted(r.indicators.all(), key=lambda i: (i.order, i.pk))
            ],
        )
        for n, r in enumerate(sorted(rows, key=lambda r: (r.order, r.pk)), start=1)
    ]


def perilaku_kerja(skp: Skp) -> list[PerilakuRow]:
    expectations = {p.value: p.expectation for p in skp.perilaku.all()}
    return [
        PerilakuRow(n, name, rules.guides_of(value), expectations.get(value, ""))
        for n, (value, name) in enumerate(rules.BERAKHLAK.items(), start=1)
    ]


def _place(instansi: Instansi) -> str:
    """Where the document is signed: the region's name (Pemerintah Kabupaten X -> Kabupaten X)."""
    name = instansi.name.strip()
    prefix = "pemerintah "
    return name[len(prefix):] if name.lower().startswith(prefix) else name


def skp_document_context(skp: Skp, *, on: dt.date) -> dict[str, Any]:
    """Everything the template prints, in a bounded number of queries (skp_detail's reads,
    the instansi, and for an SKP not yet submitted the pejabat penilai resolved on `on`)."""
    skp = skp_detail(skp)
    instansi = Instansi.objects.get(pk=skp.instansi_id)
    penilai, penilai_jabatan = skp.penilai, skp.penilai_jabatan
    if penilai is None and skp.status in UNSIGNED:
        found = atasan_of(skp.pegawai, on)
        if found is not None:
            penilai, penilai_jabatan = found.pegawai, found.jabatan
    same_opd = penilai_jabatan is not None and penilai_jabatan.opd_id == skp.opd_id
    signed_on = skp.approved_at or skp.submitted_at
    lampiran: dict[str, list[str]] = {kind: [] for kind, _label in LAMPIRAN}
    for item in skp.lampiran.all():
        lampiran.setdefault(item.kind, []).append(item.text)
    return {
        "skp": skp,
        "instansi": instansi,
        "instansi_title": instansi.name.upper(),
        "place": _place(instansi),
        "signed_on": signed_on.date() if signed_on else None,
        "is_jpt": skp.is_jpt,
        "approach": "KUALITATIF" if skp.approach == "kualitatif" else "KUANTITATIF",
        "audience": (
            "BAGI PEJABAT PIMPINAN TINGGI DAN PIMPINAN UNIT KERJA MANDIRI"
            if skp.is_jpt
            else "BAGI PEJABAT ADMINISTRASI DAN PEJABAT FUNGSIONAL"
        ),
        "pegawai": person(skp.pegawai, skp.jabatan, skp.opd.name),
        "penilai": person(penilai, penilai_jabatan, skp.opd.name if same_opd else ""),
        "hasil_groups": [
            ("A. UTAMA", hasil_kerja(skp, "utama"), "Belum ada rencana hasil kerja utama."),
            ("B. TAMBAHAN", hasil_kerja(skp, "tambahan"), "—"),
        ],
        "columns": 7 if skp.is_jpt else 6,
        "perilaku": perilaku_kerja(skp),
        "lampiran": [(label, lampiran.get(kind, [])) for kind, label in LAMPIRAN],
        "is_draft": skp.status in UNSIGNED,
        "status_label": STATUS.get(skp.status, skp.status),
        "printed_on": on,
    }


def render_skp_html(skp: Skp, *, on: dt.date) -> str:
    with translation.override("id"):
        return render_to_string("plans/skp_document.html", skp_document_context(skp, on=on))


def render_skp_pdf(skp: Skp, *, on: dt.date) -> bytes:
    """The SKP as PDF bytes (A4 landscape)."""
    from weasyprint import HTML  # heavy import: only when a document is asked for

    html = render_skp_html(skp, on=on)
    pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The template references nothing outside itself; refuse anything that slips in rather
    # than let a user-written text make the server fetch a URL.
    raise ValueError(f"external resource refused: {url}")


def skp_pdf_filename(skp: Skp) -> str:
    return f"SKP-{skp.year}-{skp.pegawai.nip}.pdf"
