"""Pure rules of performance planning (PermenPANRB 6/2022 and BKN's technical rules).

Sources: shared/domain/RULES.md 1.2 (SKP sections, enumerations, JPT vs non-JPT, cascading via
Matriks Peran Hasil), 1.3 (BerAKHLAK values and their guides, SE MenPANRB 20/2021), 3.1 and 3.3
(Perjanjian Kinerja as the root of the JPT's SKP). The workflow states follow BKN e-Kinerja
(Draft, Submitted, Approved) with "dikembalikan" for a return with notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# --- BerAKHLAK (SE MenPANRB 20/2021; RULES.md 1.3) ------------------------------------------

BERAKHLAK: dict[str, str] = {
    "BO": "Berorientasi Pelayanan",
    "AK": "Akuntabel",
    "KO": "Kompeten",
    "HA": "Harmonis",
    "LO": "Loyal",
    "AD": "Adaptif",
    "KL": "Kolaboratif",
}

# The three guides (panduan perilaku) of each value, keyed BO1..KL3, as in the official list.
PANDUAN_PERILAKU: dict[str, str] = {
    "BO1": "Memahami dan memenuhi kebutuhan masyarakat",
    "BO2": "Ramah, cekatan, solutif, dan dapat diandalkan",
    "BO3": "Melakukan perbaikan tiada henti",
    "AK1": (
        "Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin, "
        "dan berintegritas tinggi"
    ),
    "AK2": (
        "Menggunakan kekayaan dan barang milik negara secara bertanggung jawab, efektif, "
        "dan efisien"
    ),
    "AK3": "Tidak menyalahgunakan kewenangan jabatan",
    "KO1": "Meningkatkan kompetensi diri untuk menjawab tantangan yang selalu berubah",
    "KO2": "Membantu orang lain belajar",
    "KO3": "Melaksanakan tugas dengan kualitas terbaik",
    "HA1": "Menghargai setiap orang apapun latar belakangnya",
    "HA2": "Suka menolong orang lain",
    "HA3": "Membangun lingkungan kerja yang kondusif",
    "LO1": (
        "Memegang teguh ideologi Pancasila, Undang-Undang Dasar Negara Republik Indonesia "
        "Tahun 1945, setia kepada Negara Kesatuan Republik Indonesia serta pemerintahan yang sah"
    ),
    "LO2": "Menjaga nama baik sesama ASN, pimpinan, instansi, dan negara",
    "LO3": "Menjaga rahasia jabatan dan negara",
    "AD1": "Cepat menyesuaikan diri menghadapi perubahan",
    "AD2": "Terus berinovasi dan mengembangkan kreativitas",
    "AD3": "Bertindak proaktif",
    "KL1": "Memberi kesempatan kepada berbagai pihak untuk berkontribusi",
    "KL2": "Terbuka dalam bekerja sama untuk menghasilkan nilai tambah",
    "KL3": "Menggerakkan pemanfaatan berbagai sumber daya untuk tujuan bersama",
}


def guides_of(value: str) -> list[str]:
    return [PANDUAN_PERILAKU[f"{value}{n}"] for n in (1, 2, 3)]


# --- Form ---------------------------------------------------------------------------------

JPT_JENIS = frozenset({"jpt_utama", "jpt_madya", "jpt_pratama"})


def skp_form_for(jenis_jabatan: str) -> str:
    """JPT positions write the JPT form (with perspektif, derived from the Perjanjian Kinerja);
    everyone else the non-JPT form (RHK intervening the supervisor's RHK)."""
    return "jpt" if jenis_jabatan in JPT_JENIS else "non_jpt"


# --- Workflow -----------------------------------------------------------------------------

DRAFT, SUBMITTED, APPROVED, RETURNED, CLOSED = (
    "draft",
    "diajukan",
    "disetujui",
    "dikembalikan",
    "ditutup",
)

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({DRAFT, RETURNED}), SUBMITTED),
    "approve": (frozenset({SUBMITTED}), APPROVED),
    "return": (frozenset({SUBMITTED}), RETURNED),
    # Changing an approved SKP opens a revision: it needs a new approval.
    "revise": (frozenset({APPROVED}), DRAFT),
    "close": (frozenset({DRAFT, SUBMITTED, APPROVED, RETURNED}), CLOSED),
}


def next_status(status: str, action: str) -> str | None:
    """The state after `action`, or None when the action is not allowed from `status`."""
    sources, target = TRANSITIONS[action]
    return target if status in sources else None


def content_editable(status: str) -> bool:
    """The owner edits RHK, indicators and lampiran of a draft or returned SKP; an approved one
    is edited by first opening a revision (back to draft)."""
    return status in (DRAFT, RETURNED)


# --- Cascading (intervensi) -----------------------------------------------------------------


@dataclass(frozen=True)
class LinkTarget:
    """The RHK an RHK wants to serve, as plain values."""

    owner_id: int  # pegawai who owns the parent RHK's SKP
    skp_status: str
    year: int


def link_refusal(
    *, target: LinkTarget, year: int, supervisor_id: int | None, own_id: int
) -> str | None:
    """Why an RHK of `own_id`'s SKP for `year` may not intervene `target`, or None when it may.

    PermenPANRB 6/2022: an employee below JPT derives RHK by intervening their leader's RHK
    (Matriks Peran Hasil). The leader is the pejabat penilai resolved today, and the leader's RHK
    must be settled (approved) and of the same year.
    """
    if target.owner_id == own_id:
        return "link_self"
    if supervisor_id is None or target.owner_id != supervisor_id:
        return "link_not_supervisor"
    if target.year != year:
        return "link_other_year"
    if target.skp_status != APPROVED:
        return "link_not_approved"
    return None


# --- Submission checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorDraft:
    aspek: str
    text: str
    target_kind: str
    target_min: Decimal | None = None
    target_max: Decimal | None = None
    target_text: str = ""
    unit: str = ""


@dataclass(frozen=True)
class RhkDraft:
    kind: str
    text: str
    has_parent: bool = False
    has_iku: bool = False
    perspektif: str = ""
    indicators: Sequence[IndicatorDraft] = field(default_factory=tuple)


@dataclass(frozen=True)
class Problem:
    code: str
    rhk_index: int | None = None  # position in the list given, for the UI to point at


def target_problem(indicator: IndicatorDraft) -> str | None:
    """A target is a number with its unit, a range low <= high with its unit, or a text."""
    kind = indicator.target_kind
    if kind == "angka":
        if indicator.target_min is None or not indicator.unit.strip():
            return "target_number_required"
        if indicator.target_min < 0:
            return "target_negative"
    elif kind == "rentang":
        if indicator.target_min is None or indicator.target_max is None:
            return "target_range_required"
        if indicator.target_min > indicator.target_max or indicator.target_min < 0:
            return "target_range_order"
        if not indicator.unit.strip():
            return "target_number_required"
    elif kind == "kualitatif":
        if not indicator.target_text.strip():
            return "target_text_required"
    else:
        return "target_kind_unknown"
    return None


def submission_problems(
    *, form: str, is_opd_head: bool, has_supervisor: bool, rhk: Sequence[RhkDraft]
) -> list[Problem]:
    """What keeps an SKP from being submitted, in the order a person would fix it.

    - at least one RHK utama;
    - every RHK has a text and at least one indicator with a valid target;
    - an RHK utama of a non-JPT employee intervenes a supervisor's RHK; an OPD head's RHK utama
      hangs from an IKU (or, for a JPT under another JPT, from that leader's RHK);
    - a JPT's RHK carries a perspektif.
    """
    problems: list[Problem] = []
    if not any(r.kind == "utama" for r in rhk):
        problems.append(Problem("no_rhk_utama"))
    for i, r in enumerate(rhk):
        if not r.text.strip():
            problems.append(Problem("rhk_text_required", i))
        if not r.indicators:
            problems.append(Problem("rhk_no_indicator", i))
        for indicator in r.indicators:
            code = target_problem(indicator)
            if code:
                problems.append(Problem(code, i))
            if not indicator.text.strip():
                problems.append(Problem("indicator_text_required", i))
        if r.kind == "utama":
            if is_opd_head and not (r.has_iku or r.has_parent):
                problems.append(Problem("rhk_needs_iku", i))
            elif not is_opd_head and has_supervisor and not r.has_parent:
                problems.append(Problem("rhk_needs_parent", i))
        if form == "jpt" and not r.perspektif:
            problems.append(Problem("rhk_needs_perspektif", i))
    return problems


# --- Monthly plan (rencana aksi) ------------------------------------------------------------


def monthly_total_problem(
    *, aspek: str, target_kind: str, annual: Decimal | None, monthly: Sequence[Decimal | None]
) -> str | None:
    """A quantity target with a number is the sum of its months: the monthly plan of a
    kuantitas indicator must add up to the annual target. Other aspects (quality, time, cost)
    are levels, not sums, so any monthly values are accepted."""
    if aspek != "kuantitas" or target_kind != "angka" or annual is None:
        return None
    total = sum((m for m in monthly if m is not None), Decimal(0))
    if any(m is not None and m < 0 for m in monthly):
        return "monthly_negative"
    if total != annual:
        return "monthly_sum_mismatch"
    return None


def spread_evenly(annual: Decimal, months: Sequence[int]) -> dict[int, Decimal]:
    """A starting monthly plan: the annual quantity spread over the months, whole units first,
    the remainder on the last months (12 reports a year -> 1 a month)."""
    if not months:
        return {}
    whole = int(annual)
    base, extra = divmod(whole, len(months))
    plan = {m: Decimal(base) for m in months}
    for m in list(months)[len(months) - extra :]:
        plan[m] += 1
    plan[months[-1]] += annual - whole
    return plan
