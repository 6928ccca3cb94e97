"""The evaluation as the official document (PDF): the evaluation form of PermenPANRB 6/2022
(shared/domain/RULES.md 1.2-1.7), "EVALUASI KINERJA PEGAWAI".

Header with the approach, the audience (JPT or pejabat administrasi/fungsional) and the period
(bulanan, triwulan I-IV, akhir); the identity of the pegawai yang dinilai, the pejabat penilai
kinerja and the atasan pejabat penilai; the CAPAIAN KINERJA ORGANISASI of the OPD and its POLA
DISTRIBUSI (the curve of SE MenPANRB 3/2023, evaluations.rules.CURVE, in words); HASIL KERJA
(A. Utama, B. Tambahan) with the target, the realisation based on evidence (the verified logs and
finished assignments behind it) and the continuous feedback; RATING HASIL KERJA; PERILAKU KERJA
(the seven BerAKHLAK values with their guides, the leader's expectations and the feedback);
RATING PERILAKU KERJA; PREDIKAT KINERJA PEGAWAI (with the score and its method where there is
one); signatures. Until it is finalised the document carries a DRAF watermark.

As for the SKP document (kinerja/plans/document.py) the wording is the form's own, fixed by the
regulation: printed in Bahasa Indonesia whatever the user's language (dates too), from an HTML
template by WeasyPrint, loading nothing from outside.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kinerja.core import rules as period_rules
from kinerja.core.models import Instansi
from kinerja.evaluations import rules, selectors
from kinerja.evaluations.models import (
    Evaluation,
    EvaluationStatus,
    FeedbackKind,
    FeedbackNote,
    ObjectionStatus,
    PeriodKind,
)
from kinerja.evaluations.selectors import Breakdown, IndicatorLine, breakdown
from kinerja.org.models import Jabatan
from kinerja.people.models import Account, Pegawai
from kinerja.people.selectors import atasan_of, definitive_assignment_on
from kinerja.plans.document import (
    ASPEK,
    PERSPEKTIF,
    Person,
    number_text,
    person,
    target_text,
)
from kinerja.plans.models import Rhk
from kinerja.plans.rules import guides_of

# Statuses of a finalised evaluation: printed without the DRAF watermark (RULES.md 1.6).
FINALISED = frozenset(
    {EvaluationStatus.FINAL, EvaluationStatus.ACKNOWLEDGED, EvaluationStatus.DECIDED}
)
STATUS: dict[str, str] = {
    EvaluationStatus.DRAFT: "Draf, penilaian mandiri pegawai",
    EvaluationStatus.SELF_SUBMITTED: "Diajukan, menunggu pejabat penilai kinerja",
    EvaluationStatus.FINAL: "Ditetapkan",
    EvaluationStatus.ACKNOWLEDGED: "Ditetapkan dan diterima pegawai",
    EvaluationStatus.OBJECTED: "Dalam proses keberatan",
    EvaluationStatus.DECIDED: "Ditetapkan, keberatan telah diputus",
}
RATING_LABEL = {
    rules.DI_ATAS: "Di Atas Ekspektasi",
    rules.SESUAI: "Sesuai Ekspektasi",
    rules.DI_BAWAH: "Di Bawah Ekspektasi",
}
# The distribution curve's groups as the SE writes them: the predikat in their own order.
_JOIN = " dan/atau "


@dataclass(frozen=True)
class RealisationCell:
    value: str
    evidence: list[str] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class IndicatorRow:
    aspek: str
    text: str
    target: str
    realisation: RealisationCell


@dataclass(frozen=True)
class Feedback:
    """The umpan balik of one RHK or value: the pejabat penilai's feedback with the rating,
    and the continuous feedback notes of the period (dated)."""

    rating: str = ""
    text: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.rating or self.text or self.notes)


@dataclass(frozen=True)
class RhkBlock:
    number: int
    intervened: str
    text: str
    perspektif: str
    feedback: Feedback
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def rowspan(self) -> int:
        return max(1, len(self.indicators))

    @property
    def first(self) -> IndicatorRow | None:
        return self.indicators[0] if self.indicators else None

    @property
    def rest(self) -> list[IndicatorRow]:
        return self.indicators[1:]


@dataclass(frozen=True)
class PerilakuRow:
    number: int
    name: str
    guides: list[str]
    expectation: str
    feedback: Feedback


# --- Pure helpers (no queries) ----------------------------------------------------------------


def predikat_label(code: str) -> str:
    return rules.PREDIKAT_LABEL.get(code, "")


def _group_label(group: tuple[str, ...] | frozenset[str]) -> str:
    ordered = [p for p in rules.PREDIKAT if p in group]
    return _JOIN.join(rules.PREDIKAT_LABEL[p] for p in ordered)


def curve_text(org_predikat: str) -> list[str]:
    """The distribution pattern of an organisation predikat in the SE's words, built from the
    rule's data (rules.CURVE) so the document says what the calibration checks."""
    rule = rules.CURVE.get(org_predikat)
    if rule is None:
        return []
    lines: list[str] = []
    most_cap = next(
        (b.pct for b in rule.max_pct if b.predikat == frozenset({rule.most})), None
    )
    most_floor = next(
        (b.pct for b in rule.min_pct if b.predikat == frozenset({rule.most})), None
    )
    most = rules.PREDIKAT_LABEL[rule.most]
    if most_cap is not None:
        lines.append(f"Sebagian besar (maksimal {most_cap}%) pegawai berpredikat {most}")
    elif most_floor is not None:
        lines.append(f"Paling sedikit {most_floor}% pegawai berpredikat {most}")
    else:
        lines.append(f"Sebagian besar pegawai berpredikat {most}")
    for bound in rule.min_pct:
        if bound.predikat != frozenset({rule.most}):
            lines.append(
                f"Paling sedikit {bound.pct}% pegawai berpredikat {_group_label(bound.predikat)}"
            )
    for bound in rule.max_pct:
        if bound.predikat != frozenset({rule.most}):
            lines.append(
                f"Paling banyak {bound.pct}% pegawai berpredikat {_group_label(bound.predikat)}"
            )
    for group in rule.must_exist:
        lines.append(
            f"Wajib ada paling sedikit 1 pegawai berpredikat {_group_label(group)}"
        )
    for p in rules.PREDIKAT:
        if p in rule.forbidden:
            lines.append(f"Tidak boleh ada pegawai berpredikat {rules.PREDIKAT_LABEL[p]}")
    named = {rule.most} | set(rule.forbidden)
    for bound in (*rule.min_pct, *rule.max_pct):
        named |= bound.predikat
    for group in rule.must_exist:
        named |= group
    others = [p for p in rules.PREDIKAT if p not in named]
    if others:
        lines.append(f"Pegawai lainnya dapat berpredikat {_group_label(tuple(others))}")
    return lines


def period_heading(evaluation: Evaluation) -> str:
    """The form's "PERIODE:" line: BULANAN (the month), TRIWULAN I-IV, or AKHIR (the year)."""
    if evaluation.period_kind == PeriodKind.ANNUAL:
        return f"AKHIR TAHUN {evaluation.year}"
    if evaluation.period_kind == PeriodKind.QUARTERLY:
        return f"TRIWULAN {period_rules.ROMAN[evaluation.period_no - 1]} TAHUN {evaluation.year}"
    month = dt.date(evaluation.year, evaluation.period_no, 1)
    from django.utils.dateformat import format as date_format

    return f"BULANAN ({date_format(month, 'F Y').upper()})"


def period_code(evaluation: Evaluation) -> str:
    """2026-03 for March, 2026-TW1 for the first quarter, 2026-TAHUNAN for the year."""
    if evaluation.period_kind == PeriodKind.ANNUAL:
        return f"{evaluation.year}-TAHUNAN"
    if evaluation.period_kind == PeriodKind.QUARTERLY:
        return f"{evaluation.year}-TW{evaluation.period_no}"
    return f"{evaluation.year}-{evaluation.period_no:02d}"


def evaluation_pdf_filename(evaluation: Evaluation) -> str:
    return f"Evaluasi-{period_code(evaluation)}-{evaluation.pegawai.nip}.pdf"


def _with_unit(value: Decimal | None, unit: str) -> str:
    if value is None:
        return ""
    return f"{number_text(value)} {unit}".strip()


def target_of(line: IndicatorLine) -> str:
    """The target of the period for what the logs count (a quantity: the rencana aksi of its
    months, or the annual target spread); the SKP's own target for the rest (a time, a quality
    or a written target is not divided among months)."""
    real = line.realisation
    if not real.countable or real.target is None:
        return target_text(real.indicator)
    if real.target_max is not None:
        low, high = number_text(real.target), number_text(real.target_max)
        return f"{low} – {high} {line.unit}".strip()
    return _with_unit(real.target, line.unit)


def realisation_of(line: IndicatorLine) -> RealisationCell:
    """What was realised and the evidence behind it: the effective figure (the employee's own
    when they changed it, else the one counted from verified logs), the logs and finished
    assignments counted, the capaian, and the employee's note."""
    real = line.realisation
    parts = []
    effective = real.effective
    if isinstance(effective, Decimal):
        parts.append(_with_unit(effective, line.unit))
    if real.realisation_text:
        parts.append(real.realisation_text)
    evidence = []
    if real.log_count:
        evidence.append(f"{number_text(Decimal(real.log_count))} log kegiatan terverifikasi")
    if real.assignment_count:
        evidence.append(
            f"{number_text(Decimal(real.assignment_count))} penugasan selesai"
        )
    if real.realisation is not None and real.prefilled is not None and (
        real.realisation != real.prefilled
    ):
        evidence.append(f"terhitung dari log: {_with_unit(real.prefilled, line.unit)}")
    if real.capaian is not None:
        evidence.append(f"capaian {number_text(real.capaian)}%")
    return RealisationCell(" · ".join(parts) or "—", evidence, real.note)


def _note_text(note: FeedbackNote) -> str:
    return f"{note.date:%d-%m-%Y}: {note.text}"


# --- Context ---------------------------------------------------------------------------------


def _place(instansi: Instansi) -> str:
    """Where the document is signed: the region's name (Pemerintah Kabupaten X -> Kabupaten X)."""
    name = instansi.name.strip()
    prefix = "pemerintah "
    return name[len(prefix):] if name.lower().startswith(prefix) else name


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


@dataclass(frozen=True)
class Raters:
    penilai: Pegawai | None
    penilai_jabatan: Jabatan | None
    atasan: Pegawai | None
    atasan_jabatan: Jabatan | None


def raters_of(evaluation: Evaluation, day: dt.date) -> Raters:
    """The pejabat penilai (the one who rated, or the one the org chart gives on `day`, or the
    one who approved the SKP) and their own supervisor, the atasan pejabat penilai (at most
    about eight queries)."""
    penilai: Pegawai | None = evaluation.penilai
    jabatan: Jabatan | None = None
    if penilai is not None:
        holding = definitive_assignment_on(penilai.pk, day)
        jabatan = holding.jabatan if holding is not None else None
    else:
        found = atasan_of(evaluation.pegawai, day)
        if found is not None:
            penilai, jabatan = found.pegawai, found.jabatan
        elif evaluation.skp.penilai_id is not None:
            # Nobody above in the system (an OPD head): whoever approved the SKP.
            penilai, jabatan = evaluation.skp.penilai, evaluation.skp.penilai_jabatan
    above = atasan_of(penilai, day) if penilai is not None else None
    return Raters(
        penilai, jabatan, above.pegawai if above else None, above.jabatan if above else None
    )


def _hasil_groups(
    found: Breakdown, intervened: dict[int, str], sees_ratings: bool
) -> list[tuple[str, list[RhkBlock], str]]:
    notes: dict[int, list[str]] = {}
    for note in sorted(found.feedback, key=lambda n: (n.date, n.pk)):
        if note.kind == FeedbackKind.SUPERVISOR and note.rhk_id is not None:
            notes.setdefault(note.rhk_id, []).append(_note_text(note))
    groups = []
    for kind, label, empty in (
        ("utama", "A. UTAMA", "Tidak ada rencana hasil kerja utama."),
        ("tambahan", "B. TAMBAHAN", "—"),
    ):
        lines = [line for line in found.rhk if line.rhk.kind == kind]
        blocks = []
        for number, line in enumerate(lines, start=1):
            rating = line.rating if sees_ratings else None
            blocks.append(RhkBlock(
                number=number,
                intervened=intervened.get(line.rhk.pk, ""),
                text=line.rhk.text,
                perspektif=PERSPEKTIF.get(line.rhk.perspektif, ""),
                feedback=Feedback(
                    RATING_LABEL.get(rating.rating, "") if rating else "",
                    rating.feedback if rating else "",
                    notes.get(line.rhk.pk, []),
                ),
                indicators=[
                    IndicatorRow(
                        ASPEK.get(ind.aspek, ind.aspek),
                        ind.indicator_text,
                        target_of(ind),
                        realisation_of(ind),
                    )
                    for ind in line.indicators
                ],
            ))
        groups.append((label, blocks, empty))
    return groups


def _perilaku(found: Breakdown, sees_ratings: bool) -> list[PerilakuRow]:
    notes: dict[str, list[str]] = {}
    for note in sorted(found.feedback, key=lambda n: (n.date, n.pk)):
        if note.kind == FeedbackKind.SUPERVISOR and note.value:
            notes.setdefault(note.value, []).append(_note_text(note))
    return [
        PerilakuRow(
            number, line.name, guides_of(line.value), line.expectation,
            Feedback(
                RATING_LABEL.get(line.rating.rating, "") if line.rating and sees_ratings else "",
                line.rating.feedback if line.rating and sees_ratings else "",
                notes.get(line.value, []),
            ),
        )
        for number, line in enumerate(found.perilaku, start=1)
    ]


def _intervened(evaluation: Evaluation) -> dict[int, str]:
    """The leader's RHK (or, for JPT, the IKU) each RHK of the SKP intervenes, in one query."""
    result = {}
    for pk, parent, code, iku in Rhk.objects.filter(skp_id=evaluation.skp_id).values_list(
        "pk", "parent__text", "iku__code", "iku__indicator"
    ):
        if parent:
            result[pk] = parent
        elif iku:
            prefix = f"{code} " if evaluation.skp.is_jpt and code else ""
            result[pk] = f"{prefix}{iku}"
    return result


def _predikat_notes(evaluation: Evaluation, found: Breakdown) -> list[str]:
    notes = []
    if evaluation.calibrated:
        reason = evaluation.calibration_reason
        reason = f" Alasan: {reason}" if reason else ""
        notes.append(
            "Ditetapkan melalui kalibrasi (predikat menurut matriks: "
            f"{predikat_label(evaluation.matrix_predikat) or '—'}).{reason}"
        )
    for objection in found.objections:
        filed = _local_date(objection.filed_at)
        if objection.status == ObjectionStatus.OPEN:
            notes.append(f"Keberatan diajukan pada {filed:%d-%m-%Y}, belum diputus.")
        else:
            decided = _local_date(objection.decided_at)
            verdict = "dikabulkan" if objection.status == ObjectionStatus.UPHELD else "ditolak"
            when = f" pada {decided:%d-%m-%Y}" if decided else ""
            notes.append(f"Keberatan tanggal {filed:%d-%m-%Y} {verdict}{when}.")
    return notes


def sees_ratings(account: Account, evaluation: Evaluation) -> bool:
    """The supervisor's draft ratings stay hidden from the employee until finalised."""
    return selectors.sees_ratings(account, evaluation)


def evaluation_document_context(
    evaluation: Evaluation, *, on: dt.date, show_ratings: bool = True
) -> dict[str, Any]:
    """Everything the template prints, in a bounded number of queries whatever the number of
    RHK, indicators, logs or notes (the breakdown's dozen, the intervened RHK, the instansi,
    the jabatan's unit and the raters). Without `show_ratings` (the employee, before
    finalising) the supervisor's ratings, feedback with them, predikat and notes are left out;
    the continuous feedback notes stay (the employee has them already)."""
    found = breakdown(evaluation)
    skp = evaluation.skp
    instansi = Instansi.objects.get(pk=evaluation.instansi_id)
    jabatan = Jabatan.objects.select_related("unit").get(pk=evaluation.jabatan_id)
    finalised_on = _local_date(evaluation.finalised_at)
    is_final = evaluation.status in FINALISED
    day = min(finalised_on or on, evaluation.end_date)
    raters = raters_of(evaluation, day)
    same_opd = raters.penilai_jabatan is not None and (
        raters.penilai_jabatan.opd_id == evaluation.opd_id
    )
    atasan_same_opd = raters.atasan_jabatan is not None and (
        raters.atasan_jabatan.opd_id == evaluation.opd_id
    )
    org = found.org_predikat
    method_name = (
        found.method.name if found.method is not None
        else str((evaluation.breakdown or {}).get("method_name", ""))
    )
    periodic = [
        (period_code(e), predikat_label(e.predikat) or "belum ada")
        for e in found.periodic
    ]
    watermark = "" if is_final else (
        "KEBERATAN" if evaluation.status == EvaluationStatus.OBJECTED else "DRAF"
    )
    return {
        "evaluation": evaluation,
        "skp": skp,
        "instansi_title": instansi.name.upper(),
        "opd_title": evaluation.opd.name.upper(),
        "place": _place(instansi),
        "is_jpt": skp.is_jpt,
        "approach": "KUALITATIF" if skp.approach == "kualitatif" else "KUANTITATIF",
        "audience": (
            "BAGI PEJABAT PIMPINAN TINGGI DAN PIMPINAN UNIT KERJA MANDIRI"
            if skp.is_jpt
            else "BAGI PEJABAT ADMINISTRASI DAN PEJABAT FUNGSIONAL"
        ),
        "period_heading": period_heading(evaluation),
        "pegawai": person(evaluation.pegawai, jabatan, evaluation.opd.name),
        "penilai": person(raters.penilai, raters.penilai_jabatan,
                          evaluation.opd.name if same_opd else ""),
        "atasan_penilai": person(raters.atasan, raters.atasan_jabatan,
                                 evaluation.opd.name if atasan_same_opd else ""),
        "org_predikat": rules.ORG_PREDIKAT_LABEL.get(org.predikat, "") if org else "",
        "curve": curve_text(org.predikat) if org else [],
        "hasil_groups": _hasil_groups(found, _intervened(evaluation), show_ratings),
        "columns": 9 if skp.is_jpt else 8,
        "hasil_rating": RATING_LABEL.get(evaluation.hasil_rating, "") if show_ratings else "",
        "perilaku": _perilaku(found, show_ratings),
        "perilaku_rating": (
            RATING_LABEL.get(evaluation.perilaku_rating, "") if show_ratings else ""
        ),
        "self_hasil_rating": RATING_LABEL.get(evaluation.self_hasil_rating, ""),
        "self_perilaku_rating": RATING_LABEL.get(evaluation.self_perilaku_rating, ""),
        "predikat": predikat_label(evaluation.predikat) if show_ratings else "",
        "predikat_notes": _predikat_notes(evaluation, found) if show_ratings else [],
        "score": number_text(evaluation.score) if evaluation.score is not None else "",
        "method_name": method_name,
        "periodic": periodic,
        "rater_note": evaluation.rater_note if show_ratings else "",
        "finalised_on": finalised_on,
        "acknowledged_on": _local_date(evaluation.acknowledged_at),
        "is_final": is_final,
        "watermark": watermark,
        "status_label": STATUS.get(evaluation.status, evaluation.status),
        "printed_on": on,
    }


def render_evaluation_html(
    evaluation: Evaluation, *, on: dt.date, show_ratings: bool = True
) -> str:
    with translation.override("id"):
        return render_to_string(
            "evaluations/document.html",
            evaluation_document_context(evaluation, on=on, show_ratings=show_ratings),
        )


def render_evaluation_pdf(
    evaluation: Evaluation, *, on: dt.date, show_ratings: bool = True
) -> bytes:
    """The evaluation as PDF bytes (A4 landscape)."""
    from weasyprint import HTML  # heavy import: only when a document is asked for

    html = render_evaluation_html(evaluation, on=on, show_ratings=show_ratings)
    pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The template references nothing outside itself; refuse anything that slips in rather
    # than let a user-written text make the server fetch a URL.
    raise ValueError(f"external resource refused: {url}")


__all__ = [
    "Person",
    "curve_text",
    "evaluation_document_context",
    "evaluation_pdf_filename",
    "render_evaluation_html",
    "render_evaluation_pdf",
    "sees_ratings",
]
