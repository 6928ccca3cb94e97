"""The demo Pemda's evaluations (kinerja.evaluations), written after its daily work.

What it looks like:
- Every past month with daily work (before the current month): the evaluations of everyone
  with an approved SKP covering it, finished: self-assessed, rated by the SKP's pejabat
  penilai, finalised a few days after the month, most acknowledged, the logs of the period
  locked. A spread of predikat: mostly Baik, some Sangat Baik, a few Butuh Perbaikan, Kurang
  and Sangat Kurang; ratings per RHK and per BerAKHLAK value, some with feedback.
- The last of those months has an organisation predikat for every OPD with evaluations (the
  complete OPD Istimewa, a small OPD Butuh Perbaikan, the others Baik), and each OPD's
  predikat follow its distribution curve except in one OPD, whose supervisors were lenient (the
  calibration case): there one evaluation is already calibrated, with a reason. The heads of
  the OPDs take their rating of hasil kerja from the organisation predikat.
- One open objection (keberatan) in the last month, from someone the log-in table's atasan
  rates, waiting for the atasan's own supervisor; one objection decided (rejected) earlier.
- Feedback notes from supervisors and one performance dialogue of the log-in table's atasan.
- The current month: evaluations opened (realisations pre-filled from the verified logs) and
  not rated; two of the atasan's team have submitted their self-assessment.

Fast, set-based: per period `batch.recompute` runs once and creates the evaluations with their
figures (targets, realisations from the verified logs, scores); the ratings, matrix predikat
and statuses follow in one executemany UPDATE; the other rows are bulk inserts. No service
runs per person. (A score method that depends on the ratings gets a second recompute.)

Audit, like the plans and the daily work: one record per evaluation named after the step that
brought it to its state (`evaluation.acknowledge`, `evaluation.finalise`, `evaluation.object`,
`evaluation.objection_decide`, `evaluation.calibrate`, `evaluation.self_submit`, and for the
current month's drafts `evaluation.start`) with its fields and the steps it went through
(`context.steps`), one per organisation predikat, feedback note and dialogue, sealed in bulk;
context `generator: kinerja.demo` and `as`, the NIP of the person whose step it stands for. The
recompute writes its own `evaluation.recompute` record per period.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from kinerja.core.audit import AuditEntry
from kinerja.core.models import Instansi, PersonPeriodLock
from kinerja.demo.activities import NOW, WINDOW_MONTHS, months_back
from kinerja.demo.plans import COMPLETE_OPD, TIME_ZONE
from kinerja.demo.plans_load import GENERATOR, _insert
from kinerja.evaluations import rules
from kinerja.evaluations.batch import PeriodSpec, period_for_month, recompute, score_method_of
from kinerja.evaluations.models import (
    Dialogue,
    Evaluation,
    EvaluationStatus,
    FeedbackKind,
    FeedbackNote,
    Objection,
    ObjectionStatus,
    OrgPredikat,
    PerilakuRating,
    RhkRating,
)
from kinerja.evaluations.selectors import decider_of, policy_for
from kinerja.org.models import Jabatan, Opd
from kinerja.people.models import Account, Pegawai
from kinerja.plans.models import Rhk
from kinerja.plans.rules import BERAKHLAK

SB, B, BP, K, SK = (rules.SANGAT_BAIK, rules.BAIK, rules.BUTUH_PERBAIKAN, rules.KURANG,
                    rules.SANGAT_KURANG)
ATAS, SESUAI, BAWAH = rules.DI_ATAS, rules.SESUAI, rules.DI_BAWAH
EVALUATION_OBJECT = Evaluation._meta.label_lower

# Months without an organisation predikat: the share of each predikat (percent).
FREE_SHARES = ((SB, 12), (B, 76), (BP, 6), (K, 4), (SK, 2))
# The ratings that give each predikat, with their weights (PermenPANRB 6/2022 matrix).
RATINGS_FOR: dict[str, tuple[tuple[tuple[str, str], int], ...]] = {
    SB: (((ATAS, ATAS), 1),),
    B: (((SESUAI, SESUAI), 8), ((ATAS, SESUAI), 1), ((SESUAI, ATAS), 1)),
    BP: (((BAWAH, SESUAI), 4), ((BAWAH, ATAS), 1)),
    K: (((SESUAI, BAWAH), 3), ((ATAS, BAWAH), 1)),
    SK: (((BAWAH, BAWAH), 1),),
}
UP = {BAWAH: SESUAI, SESUAI: ATAS, ATAS: ATAS}
# Score methods whose number depends on the ratings (recomputed once more after rating).
RATED_METHODS = frozenset({rules.PREDIKAT_VALUE, rules.SKP_2011})

RHK_FEEDBACK = {
    ATAS: ("Target terlampaui dengan kualitas baik.", "Hasil kerja melebihi ekspektasi."),
    SESUAI: ("Sesuai target bulan ini.", "Pertahankan ketepatan waktu."),
    BAWAH: ("Realisasi di bawah rencana aksi; perlu percepatan.",
            "Beberapa keluaran belum selesai tepat waktu."),
}
PERILAKU_FEEDBACK = {
    ATAS: "Menjadi teladan bagi rekan kerja.",
    SESUAI: "Sesuai ekspektasi pimpinan.",
    BAWAH: "Perlu perbaikan; sudah dibicarakan dalam dialog kinerja.",
}
NOTES = (
    "Laporan disusun rapi dan tepat waktu, terima kasih.",
    "Mohon bukti dukung kegiatan dilengkapi sebelum diajukan.",
    "Koordinasi dengan bidang lain sudah baik, lanjutkan.",
    "Perhatikan ketepatan waktu penyelesaian surat keluar.",
    "Inisiatif merapikan arsip digital sangat membantu tim.",
    "Catatan rapat perlu memuat tindak lanjut dan penanggung jawab.",
)
VALUE_NOTES = {
    "BO": "Pelayanan kepada masyarakat ramah dan cepat.",
    "AK": "Penggunaan anggaran dan barang milik negara tertib.",
    "KO": "Aktif mengikuti pelatihan dan berbagi ilmu dengan tim.",
    "HA": "Menjaga suasana kerja yang saling menghargai.",
    "LO": "Menjaga nama baik instansi.",
    "AD": "Cepat menyesuaikan diri dengan aplikasi baru.",
    "KL": "Terbuka bekerja sama lintas bidang.",
}
CALIBRATION_REASON = (
    "Kalibrasi kurva distribusi: OPD berpredikat Baik wajib memiliki pegawai Butuh Perbaikan "
    "atau Kurang; capaian rencana aksi pegawai ini terendah di unitnya."
)
OBJECTION_REASON = (
    "Realisasi bulan ini terhambat karena saya ditugaskan mendampingi akreditasi puskesmas "
    "selama dua minggu (surat tugas terlampir); mohon hasil kerja dinilai sesuai ekspektasi."
)
REJECTED_REASON = "Saya merasa perilaku kerja saya sudah sesuai ekspektasi."
REJECTED_NOTE = (
    "Keberatan ditolak: catatan umpan balik dan dialog kinerja bulan tersebut mendukung "
    "penilaian pejabat penilai."
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TIME_ZONE)


# --- The shape of a unit's predikat ----------------------------------------------------------


def shaped_counts(org: str, n: int) -> Counter[str]:
    """How many of `n` people get each predikat so that the unit follows the curve of its
    organisation predikat (rules.CURVE); units under rules.SMALL_UNIT may keep warnings."""
    c: Counter[str] = Counter()
    if n <= 0:
        return c
    cap = max(1, math.floor(0.7 * n))  # "most (max 70%)"
    if org == rules.ISTIMEWA:
        c[SB] = min(cap, max(n // 2 + 1, round(0.6 * n)))
        c[BP] = 1 if n >= rules.SMALL_UNIT else 0
        filler, others = B, (BP,)
    elif org == B:
        c[BP], c[K], c[SK] = max(1, round(0.08 * n)), round(0.04 * n), round(0.02 * n)
        c[B] = min(cap, max(1, round(0.68 * n)))
        filler, others = SB, (SK, K, BP)
    elif org == BP:
        c[BP] = math.ceil(0.65 * n)
        c[K] = round(0.1 * n)
        filler, others = B, (K,)
    elif org == K:
        c[K] = math.ceil(0.6 * n)
        c[BP] = math.ceil(0.1 * n)
        filler, others = B, (BP,)
    else:
        c[SK] = math.ceil(0.6 * n)
        c[K] = math.ceil(0.1 * n)
        filler, others = B, (K,)
    rest = n - sum(c.values())
    for p in others:  # a small unit cannot hold every minimum: the most common one stays
        if rest >= 0:
            break
        take = min(-rest, c[p])
        c[p] -= take
        rest += take
    c[filler] += max(rest, 0)
    return +c


def lenient_counts(n: int) -> Counter[str]:
    """The calibration case: supervisors who rated nearly everyone Baik (over the 70% cap, and
    nobody Butuh Perbaikan or Kurang)."""
    sb = round(0.1 * n) if n >= 20 else 0
    return +Counter({B: n - sb, SB: sb})


def _ratings(rng: random.Random, predikat: str) -> tuple[str, str]:
    choices = RATINGS_FOR[predikat]
    pick = rng.random() * sum(w for _, w in choices)
    for pair, weight in choices:
        pick -= weight
        if pick < 0:
            return pair
    return choices[-1][0]


def _free_predikat(rng: random.Random) -> str:
    pick = rng.random() * 100
    for predikat, share in FREE_SHARES:
        pick -= share
        if pick < 0:
            return predikat
    return B


# --- Plans of the rows ----------------------------------------------------------------------------


@dataclass
class EvalPlan:
    pk: int
    pegawai: int
    skp: int
    opd: int
    jabatan: int
    penilai: int | None
    start: dt.date
    end: dt.date
    hasil: str = ""
    perilaku: str = ""
    self_hasil: str = ""
    self_perilaku: str = ""
    calibrated_to: str = ""
    status: str = EvaluationStatus.DRAFT
    steps: list[str] = field(default_factory=list)
    self_submitted: dt.datetime | None = None
    rated: dt.datetime | None = None
    finalised: dt.datetime | None = None
    acknowledged: dt.datetime | None = None
    objection_deadline: dt.date | None = None
    objection: dict[str, Any] | None = None

    @property
    def predikat(self) -> str:
        return self.calibrated_to or rules.predikat(self.hasil, self.perilaku)

    @property
    def matrix(self) -> str:
        return rules.predikat(self.hasil, self.perilaku)


@dataclass
class Context:
    instansi: Instansi
    today: dt.date
    now: dt.datetime
    rng: random.Random
    nip: dict[int, str]
    account: dict[int, int]
    heads: set[int]  # OPD head positions
    featured: dict[str, int | None]  # role -> pegawai id
    objection_days: int
    entries: list[AuditEntry] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def as_nip(self, pegawai: int | None, fallback: str = "admin_bkpsdm") -> str:
        if pegawai is not None:
            return self.nip.get(pegawai, fallback)
        person = self.featured.get(fallback)
        return self.nip.get(person, fallback) if person is not None else fallback

    def account_of(self, pegawai: int | None) -> int | None:
        if pegawai is None:
            pegawai = self.featured.get("admin_bkpsdm")
        return self.account.get(pegawai) if pegawai is not None else None


def periods(instansi_id: int, today: dt.date) -> tuple[list[PeriodSpec], PeriodSpec]:
    """The periods of the daily work's months that ended before the current month, and the
    current month's period."""
    start = months_back(today, WINDOW_MONTHS)
    first = today.replace(day=1)
    past: list[PeriodSpec] = []
    year, month = start.year, start.month
    while (year, month) < (today.year, today.month):
        spec = period_for_month(instansi_id, year, month)
        if spec.end < first and spec not in past:
            past.append(spec)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return past, period_for_month(instansi_id, today.year, today.month)


def _rows(instansi_id: int, spec: PeriodSpec) -> list[EvalPlan]:
    return [
        EvalPlan(pk, pegawai, skp, opd, jabatan, penilai, start, end)
        for pk, pegawai, skp, opd, jabatan, penilai, start, end in Evaluation.objects.filter(
            instansi_id=instansi_id, year=spec.year, period_kind=spec.kind,
            period_no=spec.number,
        ).order_by("pegawai_id", "skp_id").values_list(
            "pk", "pegawai_id", "skp_id", "opd_id", "jabatan_id", "skp__penilai_id",
            "start_date", "end_date",
        )
    ]


# --- Writing ---------------------------------------------------------------------------------


def write_evaluations(
    instansi: Instansi,
    *,
    today: dt.date,
    seed: int,
    logins: dict[str, list[str]],
    timings: dict[str, float],
) -> dict[str, int]:
    """Evaluations of the daily work's past months (finished) and of the current month
    (opened), as described in the module docstring. Runs inside the demo's transaction."""
    from kinerja.demo.load import _timed

    inst = instansi.pk
    nip = dict(Pegawai.objects.filter(instansi=instansi).values_list("pk", "nip"))
    by_nip = {v: k for k, v in nip.items()}
    positions = {
        pk: (supervisor, opd)
        for pk, supervisor, opd in Jabatan.objects.filter(instansi=instansi).values_list(
            "pk", "supervisor_id", "opd_id"
        )
    }
    heads = {
        pk for pk, (supervisor, opd) in positions.items()
        if supervisor is None or positions.get(supervisor, (None, None))[1] != opd
    }
    featured = {
        role: by_nip.get(nips[0]) if nips else None for role, nips in logins.items()
    }
    ctx = Context(
        instansi=instansi,
        today=today,
        now=_at(today, NOW.hour, NOW.minute),
        rng=random.Random(seed * 15485863 + 32452843),
        nip=nip,
        account=dict(Account.objects.filter(instansi=instansi, pegawai__isnull=False)
                     .values_list("pegawai_id", "pk")),
        heads=heads,
        featured=featured,
        objection_days=policy_for(inst).objection_days,
    )
    past, current = periods(inst, today)
    finished: list[tuple[PeriodSpec, list[EvalPlan]]] = []
    for i, spec in enumerate(past):
        last = i == len(past) - 1
        plans = _timed(timings, f"evaluations_{spec.year}_{spec.number}",
                       lambda spec=spec, last=last, first=i == 0: _finish_period(
                           ctx, spec, last=last, first=first))
        finished.append((spec, plans))
    _timed(timings, "evaluations_current", lambda: _open_current(ctx, current))
    _timed(timings, "evaluations_rows", lambda: _ratings_rows(ctx, finished))
    _timed(timings, "evaluations_feedback", lambda: _feedback(ctx, finished, current))

    def audit() -> int:
        from kinerja.demo.activities_load import _audit

        return _audit(inst, ctx.entries)

    ctx.counts["evaluation_audit_records"] = _timed(timings, "evaluations_audit", audit)
    return dict(ctx.counts)


def _finish_period(ctx: Context, spec: PeriodSpec, *, last: bool, first: bool) -> list[EvalPlan]:
    inst, rng = ctx.instansi.pk, ctx.rng
    # The recompute creates the evaluations with their figures (targets, realisations from the
    # verified logs, scores) in one insert stream; the ratings and statuses follow in one UPDATE.
    recompute(inst, spec)
    rows = _rows(inst, spec)
    orgs: dict[int, str] = {}
    outside: int | None = None
    if last:
        orgs, outside = _org_predikat(ctx, spec, rows)
        by_opd: dict[int, list[EvalPlan]] = defaultdict(list)
        for row in rows:
            by_opd[row.opd].append(row)
        for opd, members in by_opd.items():
            _shape(ctx, members, orgs[opd], lenient=opd == outside)
    else:
        for row in rows:
            row.hasil, row.perilaku = _ratings(rng, _free_predikat(rng))

    objection = decided = calibrated = None
    if last:
        objection = _pick_objection(ctx, rows, avoid={outside})
        if outside is not None:
            calibrated = next(
                (r for r in rows if r.opd == outside and r.matrix == B and r is not objection
                 and r.jabatan not in ctx.heads), None,
            )
            if calibrated is not None:
                calibrated.calibrated_to = BP
    if first:
        decided = next(
            (r for r in rows if r.penilai is not None and r.matrix in (BP, K)
             and r.jabatan not in ctx.heads and r is not objection and r is not calibrated),
            None,
        )
    for row in rows:
        _dates_and_status(ctx, spec, row)
    if objection is not None:
        _open_objection_dates(ctx, spec, objection)
        _write_objection(ctx, objection, open_=True)
    if decided is not None:
        _write_objection(ctx, decided, open_=False)
    if calibrated is not None:
        calibrated.steps.append("calibrate")

    _update_rows(
        Evaluation,
        ("hasil_rating", "perilaku_rating", "matrix_predikat", "predikat", "calibrated",
         "calibration_reason", "self_hasil_rating", "self_perilaku_rating", "self_submitted_at",
         "penilai_id", "rated_at", "status", "finalised_at", "finalised_by", "acknowledged_at",
         "objection_deadline", "version"),
        [
            (r.pk, r.hasil, r.perilaku, r.matrix, r.predikat, bool(r.calibrated_to),
             CALIBRATION_REASON if r.calibrated_to else "", r.self_hasil, r.self_perilaku,
             r.self_submitted, r.penilai, r.rated, r.status, r.finalised,
             ctx.account_of(r.penilai), r.acknowledged, r.objection_deadline, len(r.steps) + 1)
            for r in rows
        ],
    )
    if score_method_of(inst).kind in RATED_METHODS:
        # A score that depends on the predikat or the perilaku rating: once more, now rated.
        recompute(inst, spec, evaluation_ids=[r.pk for r in rows], include_locked=True)
    _insert(
        PersonPeriodLock,
        ("instansi_id", "pegawai_id", "start_date", "end_date", "source"),
        [(inst, r.pegawai, r.start, r.end, f"evaluation:{r.pk}") for r in rows],
    )
    for r in rows:
        ctx.entries.append(_entry(ctx, spec, r))
    ctx.counts["evaluations_finished"] += len(rows)
    ctx.counts["person_period_locks"] += len(rows)
    return rows


def _update_rows(model: Any, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE rows (pk, *values of `names`) with one executemany: Django's bulk_update builds
    a CASE expression per field and row, seconds for a few hundred rows on SQLite."""
    if not rows:
        return
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in names]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {sets} "
           f"WHERE {quote(model._meta.pk.column)} = %s")
    params = [
        [f.get_db_prep_save(value, connection) for f, value in zip(fields, row[1:], strict=True)]
        + [row[0]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _shape(ctx: Context, members: list[EvalPlan], org: str, *, lenient: bool) -> None:
    """Give a unit's people predikat following its curve (or, `lenient`, outside it); the
    head's hasil comes from the organisation predikat (SE MenPANRB 3/2023 step 3)."""
    rng = ctx.rng
    counts = lenient_counts(len(members)) if lenient else shaped_counts(org, len(members))
    rest = []
    for row in members:
        if row.jabatan in ctx.heads:
            hasil = rules.hasil_from_org_predikat(org)
            row.hasil, row.perilaku = hasil, ATAS if hasil == ATAS else SESUAI
            predikat = row.matrix
            if counts[predikat] == 0:  # take the head's place from the largest group
                predikat = counts.most_common(1)[0][0]
            counts[predikat] -= 1
        else:
            rest.append(row)
    pool = [p for p, n in sorted(counts.items()) for _ in range(n)]
    rng.shuffle(pool)
    for row, predikat in zip(rest, pool, strict=True):
        row.hasil, row.perilaku = _ratings(rng, predikat)


def _org_predikat(ctx: Context, spec: PeriodSpec,
                  rows: list[EvalPlan]) -> tuple[dict[int, str], int | None]:
    """Organisation predikat of the OPDs with evaluations: the complete OPD Istimewa, the
    smallest other OPD of five or more Butuh Perbaikan, the rest Baik; the largest OPD of at
    least SMALL_UNIT people besides the complete one is the calibration case."""
    size = Counter(r.opd for r in rows)
    opds = dict(Opd.objects.filter(pk__in=list(size)).values_list("pk", "code"))
    complete = next((pk for pk, code in opds.items() if code == COMPLETE_OPD), None)
    candidates = sorted(
        (pk for pk, n in size.items() if n >= rules.SMALL_UNIT and pk != complete),
        key=lambda pk: (-size[pk], opds[pk]),
    )
    outside = candidates[0] if candidates else (
        complete if complete is not None and size[complete] >= rules.SMALL_UNIT else None
    )
    orgs = dict.fromkeys(size, B)
    if complete is not None and complete != outside:
        orgs[complete] = rules.ISTIMEWA
    small = sorted(
        (pk for pk, n in size.items() if n >= 5 and pk not in (complete, outside)),
        key=lambda pk: (size[pk], opds[pk]),
    )
    if small:
        orgs[small[0]] = BP
    admin = ctx.featured.get("admin_bkpsdm")
    ids = _allocate(OrgPredikat, len(orgs))
    notes = {
        rules.ISTIMEWA: "Seluruh rencana aksi bulan ini melampaui target.",
        B: "Rencana aksi sebagian besar tercapai sesuai target.",
        BP: "Sebagian rencana aksi belum menunjukkan kemajuan.",
    }
    written = []
    for pk, (opd, predikat) in zip(ids, sorted(orgs.items()), strict=True):
        written.append((pk, ctx.instansi.pk, opd, spec.year, spec.kind, spec.number, predikat,
                        notes[predikat], ctx.account_of(admin)))
        ctx.entries.append(AuditEntry(
            "org_predikat.set", OrgPredikat._meta.label_lower, str(pk),
            f"{opds[opd]} {spec.label}",
            {"before": None, "after": {"predikat": predikat, "note": notes[predikat]}},
            {"generator": GENERATOR, "as": ctx.as_nip(admin)},
        ))
    _insert(
        OrgPredikat,
        ("id", "instansi_id", "opd_id", "year", "period_kind", "period_no", "predikat", "note",
         "set_by"),
        written,
    )
    ctx.counts["org_predikat"] += len(written)
    return orgs, outside


def _pick_objection(ctx: Context, rows: list[EvalPlan], avoid: set[int | None]) -> EvalPlan | None:
    """Someone the log-in table's atasan rates (else anyone with a pejabat penilai who has a
    supervisor), outside the calibration case; rated Butuh Perbaikan, which they dispute."""
    atasan = ctx.featured.get("atasan")
    candidates = [r for r in rows if r.penilai is not None and r.jabatan not in ctx.heads
                  and r.opd not in avoid]
    mine = [r for r in candidates if r.penilai == atasan]
    chosen = next((r for r in mine if r.matrix == B), mine[0] if mine else None)
    if chosen is None:
        chosen = next((r for r in candidates if r.matrix == B), None)
    if chosen is None:
        return None
    if chosen.matrix != BP:
        # Swap with someone of the same OPD rated Butuh Perbaikan, so the curve still holds.
        other = next((r for r in rows if r.opd == chosen.opd and r.matrix == BP
                      and r.jabatan not in ctx.heads), None)
        if other is not None:
            (chosen.hasil, chosen.perilaku), (other.hasil, other.perilaku) = (
                (other.hasil, other.perilaku), (chosen.hasil, chosen.perilaku))
        else:
            chosen.hasil, chosen.perilaku = BAWAH, SESUAI
    return chosen


def _dates_and_status(ctx: Context, spec: PeriodSpec, row: EvalPlan) -> None:
    """Self-assessed the first days after the period, finalised a few days later (not after
    today), acknowledged by most a day or three after that."""
    rng, today = ctx.rng, ctx.today
    after = spec.end + dt.timedelta(days=1)
    submitted_on = min(today, after + dt.timedelta(days=int(rng.random() * 3)))
    finalised_on = min(today, submitted_on + dt.timedelta(days=1 + int(rng.random() * 6)))
    row.self_hasil = UP[row.hasil] if rng.random() < 0.3 else row.hasil
    row.self_perilaku = UP[row.perilaku] if rng.random() < 0.2 else row.perilaku
    row.self_submitted = min(ctx.now, _at(submitted_on, 8, int(rng.random() * 60)))
    row.rated = min(ctx.now, _at(finalised_on, 9, int(rng.random() * 60)))
    row.finalised = min(ctx.now, _at(finalised_on, 10, int(rng.random() * 60)))
    row.objection_deadline = rules.objection_deadline(finalised_on, ctx.objection_days)
    row.steps = ["start", "self_save", "self_submit", "rate", "finalise"]
    row.status = EvaluationStatus.FINAL
    share = 0.8 if row.objection_deadline < today else 0.5
    if rng.random() < share:
        acknowledged_on = finalised_on + dt.timedelta(days=1 + int(rng.random() * 3))
        if acknowledged_on <= today:
            row.status = EvaluationStatus.ACKNOWLEDGED
            row.acknowledged = min(ctx.now, _at(acknowledged_on, 8, int(rng.random() * 60)))
            row.steps.append("acknowledge")


def _open_objection_dates(ctx: Context, spec: PeriodSpec, row: EvalPlan) -> None:
    """Finalised recently enough that the objection was in time."""
    finalised_on = max(spec.end + dt.timedelta(days=1), ctx.today - dt.timedelta(days=4))
    finalised_on = min(finalised_on, ctx.today)
    row.rated = min(ctx.now, _at(finalised_on, 9))
    row.finalised = min(ctx.now, _at(finalised_on, 10))
    row.self_submitted = min(row.self_submitted or row.rated, row.rated)
    row.objection_deadline = rules.objection_deadline(finalised_on, ctx.objection_days)
    row.acknowledged = None


def _write_objection(ctx: Context, row: EvalPlan, *, open_: bool) -> None:
    """The objection row; the decider by the application's own rule (selectors.decider_of:
    the pejabat penilai's own supervisor at the end of the period)."""
    unsaved = Evaluation(pk=row.pk, penilai_id=row.penilai, end_date=row.end)
    decider = decider_of(unsaved, ctx.today)
    decider_id = decider.pk if decider is not None else None
    assert row.finalised is not None
    filed = min(ctx.now, row.finalised + dt.timedelta(days=1))
    row.acknowledged = None
    row.steps = ["start", "self_save", "self_submit", "rate", "finalise", "object"]
    predikat = row.matrix
    if open_:
        row.status = EvaluationStatus.OBJECTED
        values: tuple[Any, ...] = (ObjectionStatus.OPEN, "", "", None, None)
        reason = OBJECTION_REASON
    else:
        row.status = EvaluationStatus.DECIDED
        row.steps.append("objection_decide")
        decided_at = min(ctx.now, filed + dt.timedelta(days=3))
        values = (ObjectionStatus.REJECTED, predikat, REJECTED_NOTE, decided_at,
                  ctx.account_of(decider_id))
        reason = REJECTED_REASON
    [pk] = _allocate(Objection, 1)
    _insert(
        Objection,
        ("id", "instansi_id", "evaluation_id", "filed_by_id", "reason", "filed_at", "decider_id",
         "original_predikat", "status", "decided_predikat", "decision_note", "decided_at",
         "decided_by"),
        [(pk, ctx.instansi.pk, row.pk, row.pegawai, reason, filed, decider_id, predikat,
          *values)],
    )
    ctx.counts["objections"] += 1
    row.objection = {"id": pk, "decider": decider_id, "reason": reason, "outcome": values[0]}


def _entry(ctx: Context, spec: PeriodSpec, r: EvalPlan) -> AuditEntry:
    action = r.steps[-1]
    changes: dict[str, Any] = {
        "status": [None, r.status],
        "self_hasil_rating": [None, r.self_hasil],
        "self_perilaku_rating": [None, r.self_perilaku],
        "penilai_id": [None, r.penilai],
        "hasil_rating": [None, r.hasil],
        "perilaku_rating": [None, r.perilaku],
        "matrix_predikat": [None, r.matrix],
        "predikat": [None, r.predikat],
        "objection_deadline": [None, r.objection_deadline.isoformat()
                               if r.objection_deadline else None],
    }
    context: dict[str, Any] = {"generator": GENERATOR, "steps": list(r.steps)}
    if action in ("acknowledge", "object", "self_submit"):
        context["as"] = ctx.as_nip(r.pegawai)
    elif action == "calibrate":
        changes["calibrated"] = [False, True]
        changes["predikat"] = [r.matrix, r.predikat]
        context["as"] = ctx.as_nip(None)
        context["reason"] = CALIBRATION_REASON
    elif action == "objection_decide":
        objection = r.objection or {}
        context["as"] = ctx.as_nip(objection["decider"])
        context.update(objection=objection["id"], outcome=objection["outcome"],
                       note=REJECTED_NOTE)
    else:
        context["as"] = ctx.as_nip(r.penilai)
    if action == "object":
        objection = r.objection or {}
        context.update(objection=objection["id"], reason=objection["reason"],
                       decider=objection["decider"])
    return AuditEntry(
        f"evaluation.{action}", EVALUATION_OBJECT, str(r.pk),
        f"{r.pegawai} {spec.year}/{spec.kind}/{spec.number}", changes, context,
    )


def _open_current(ctx: Context, spec: PeriodSpec) -> None:
    """The current month: opened with pre-filled realisations, not rated; two of the log-in
    table's atasan's team have submitted their self-assessment."""
    inst = ctx.instansi.pk
    recompute(inst, spec)
    rows = _rows(inst, spec)
    ctx.counts["evaluations_open"] += len(rows)
    atasan = ctx.featured.get("atasan")
    submitted = [r for r in rows if r.penilai == atasan and atasan is not None][:2]
    for r in submitted:
        r.self_hasil, r.self_perilaku = SESUAI, ATAS if r.pk % 2 else SESUAI
        r.self_submitted = ctx.now - dt.timedelta(hours=2)
        r.status = EvaluationStatus.SELF_SUBMITTED
        r.steps = ["start", "self_save", "self_submit"]
    _update_rows(
        Evaluation,
        ("self_hasil_rating", "self_perilaku_rating", "self_submitted_at", "self_note", "status",
         "version"),
        [(r.pk, r.self_hasil, r.self_perilaku, r.self_submitted,
          "Seluruh keluaran bulan ini tercatat di log harian.", r.status, 3) for r in submitted],
    )
    for r in rows:  # opened by the employee (evaluation.start), two also self-assessed
        ctx.entries.append(AuditEntry(
            f"evaluation.{r.steps[-1] if r.steps else 'start'}", EVALUATION_OBJECT, str(r.pk),
            f"{r.pegawai} {spec.year}/{spec.kind}/{spec.number}",
            {"status": [None, r.status], "self_hasil_rating": [None, r.self_hasil],
             "self_perilaku_rating": [None, r.self_perilaku]},
            {"generator": GENERATOR, "steps": r.steps or ["start"], "period": spec.label,
             "skp": r.skp, "as": ctx.as_nip(r.pegawai)},
        ))


def _ratings_rows(ctx: Context, finished: Sequence[tuple[PeriodSpec, list[EvalPlan]]]) -> None:
    """The supervisor's rating and feedback per RHK and per BerAKHLAK value, agreeing with the
    ratings of hasil and perilaku (rules.suggest_* would suggest them)."""
    rng = ctx.rng
    skps = {r.skp for _, rows in finished for r in rows}
    rhks: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, skp, kind in Rhk.objects.filter(skp_id__in=skps).order_by(
        "skp_id", "kind", "order", "pk"
    ).values_list("pk", "skp_id", "kind"):
        rhks[skp].append((pk, kind))
    rhk_rows, perilaku_rows = [], []
    for _, rows in finished:
        for r in rows:
            for i, (rhk, kind) in enumerate(rhks.get(r.skp, ())):
                rating = r.hasil
                if r.hasil == SESUAI and kind != "utama" and rng.random() < 0.3:
                    rating = ATAS
                feedback = RHK_FEEDBACK[rating][i % 2] if rng.random() < 0.5 else ""
                rhk_rows.append((r.pk, rhk, rating, feedback))
            odd = rng.choice(list(BERAKHLAK)) if r.perilaku == SESUAI else None
            for value in BERAKHLAK:
                rating = ATAS if value == odd else r.perilaku
                feedback = PERILAKU_FEEDBACK[rating] if rating != SESUAI else ""
                perilaku_rows.append((r.pk, value, rating, feedback))
    _insert(RhkRating, ("evaluation_id", "rhk_id", "rating", "feedback"), rhk_rows)
    _insert(PerilakuRating, ("evaluation_id", "value", "rating", "feedback"), perilaku_rows)
    ctx.counts["rhk_ratings"] += len(rhk_rows)
    ctx.counts["perilaku_ratings"] += len(perilaku_rows)


def _feedback(ctx: Context, finished: Sequence[tuple[PeriodSpec, list[EvalPlan]]],
              current: PeriodSpec) -> None:
    """Notes from the pejabat penilai to about one person in six a month (everyone the log-in
    table's atasan rates this month), and one dialogue of that atasan."""
    rng, inst, today = ctx.rng, ctx.instansi.pk, ctx.today
    first_rhk = dict(
        Rhk.objects.filter(instansi=ctx.instansi, kind="utama").order_by("skp_id", "-order")
        .values_list("skp_id", "pk")
    )
    notes: list[tuple[Any, ...]] = []

    def note(r: EvalPlan, day: dt.date) -> None:
        assert r.penilai is not None
        if rng.random() < 0.5 and r.skp in first_rhk:
            rhk, value, text = first_rhk[r.skp], "", NOTES[int(rng.random() * len(NOTES))]
        else:
            value = list(BERAKHLAK)[int(rng.random() * len(BERAKHLAK))]
            rhk, text = None, VALUE_NOTES[value]
        notes.append((r, day, rhk, value, text))

    for spec, rows in finished:
        for r in rows:
            if r.penilai is not None and rng.random() < 1 / 6:
                note(r, spec.start + dt.timedelta(days=int(rng.random() * 25)))
    atasan = ctx.featured.get("atasan")
    current_rows = _rows(inst, current)
    team = [r for r in current_rows if r.penilai == atasan and atasan is not None]
    for r in team:
        note(r, max(current.start, today - dt.timedelta(days=1 + int(rng.random() * 6))))
    ids = _allocate(FeedbackNote, len(notes))
    _insert(
        FeedbackNote,
        ("id", "instansi_id", "pegawai_id", "author_id", "kind", "date", "rhk_id", "value",
         "text", "created_at"),
        [
            (pk, inst, r.pegawai, r.penilai, FeedbackKind.SUPERVISOR, day, rhk, value, text,
             min(ctx.now, _at(day, 14)))
            for pk, (r, day, rhk, value, text) in zip(ids, notes, strict=True)
        ],
    )
    for pk, (r, day, rhk, value, text) in zip(ids, notes, strict=True):
        ctx.entries.append(AuditEntry(
            "feedback.add", FeedbackNote._meta.label_lower, str(pk), text[:60],
            {"pegawai": r.pegawai, "kind": FeedbackKind.SUPERVISOR, "rhk": rhk, "value": value,
             "text": text, "date": day.isoformat()},
            {"generator": GENERATOR, "as": ctx.as_nip(r.penilai)},
        ))
    ctx.counts["feedback_notes"] += len(notes)

    who = team[0] if team else next((r for r in current_rows if r.penilai is not None), None)
    if who is None:
        return
    day = max(current.start, today - dt.timedelta(days=3))
    topics = "Capaian rencana aksi bulan lalu dan kendala penyelesaian laporan."
    follow_ups = "Laporan mingguan setiap Jumat; pendampingan penggunaan aplikasi arsip."
    [pk] = _allocate(Dialogue, 1)
    _insert(
        Dialogue,
        ("id", "instansi_id", "pegawai_id", "held_by_id", "date", "topics", "follow_ups",
         "created_at"),
        [(pk, inst, who.pegawai, who.penilai, day, topics, follow_ups, min(ctx.now, _at(day, 13)))],
    )
    ctx.entries.append(AuditEntry(
        "dialogue.record", Dialogue._meta.label_lower, str(pk), topics[:60],
        {"pegawai": who.pegawai, "date": day.isoformat(), "topics": topics,
         "follow_ups": follow_ups},
        {"generator": GENERATOR, "as": ctx.as_nip(who.penilai)},
    ))
    ctx.counts["dialogues"] += 1


def _allocate(model: Any, count: int) -> list[int]:
    from kinerja.demo.load import allocate_ids

    return allocate_ids(model, count)


def reset_evaluations(instansi: Instansi) -> dict[str, int]:
    """Delete the instansi's evaluations and what hangs from them (called by `reset_instansi`
    first: evaluations point at SKPs, RHKs, indicators, people and OPDs)."""
    from kinerja.demo.load import _delete
    from kinerja.evaluations.models import RecomputeRun

    deleted: dict[str, int] = {}
    deleted["objections"] = _delete(Objection, instansi=instansi)
    deleted["evaluations"] = _delete(Evaluation, instansi=instansi)
    deleted["feedback_notes"] = _delete(FeedbackNote, instansi=instansi)
    deleted["dialogues"] = _delete(Dialogue, instansi=instansi)
    deleted["org_predikat"] = _delete(OrgPredikat, instansi=instansi)
    deleted["recompute_runs"] = _delete(RecomputeRun, instansi=instansi)
    deleted["person_period_locks"] = _delete(PersonPeriodLock, instansi=instansi)
    return deleted
