"""The demo Pemda's daily work, before any database write: three months of activity logs up to
`today`, with their verification, evidence, assignments (penugasan) with comments, leave, and a
few notifications for the log-in table's accounts.

Pure (no ORM, no clock), like `kinerja.demo.plans`: the same demo plan, planning data and seed
give the same logs, so the loader only allocates ids, writes rows and stores evidence bytes.

What it looks like:
- Everyone with an approved SKP covering a working day (the default ActivityPolicy: Monday to
  Friday, 07:30-16:00) logs 1-4 activities on most days against the RHKs of that SKP, with
  non-overlapping times and a daily total under the maximum; some days are skipped, and a few
  people have not logged at all this week (the supervisor's "not logged this week" list).
- A few logs run past working hours or fall on a day of leave (people.Leave rows are written),
  with the flags the application would set (`kinerja.activities.rules.check_log`).
- Logs are submitted the same or the next working day and verified 0-3 working days later by
  the pejabat penilai of that day (`kinerja.org.rules.resolve_atasan` through the plans
  planner's rating), so old logs are mostly verified, recent ones pending or still draft. Some
  are returned with a reason (most fixed, resubmitted and verified). A few supervisors are slow:
  their team's logs of the last two weeks still wait, past the 5-day verification limit, so the
  admin OPD's monitoring shows them.
- Supervisors give assignments to one or several of the people they rate (a shared `batch`),
  serving one of their own RHKs; old ones are done or cancelled, recent ones open, a few past
  their due date and still open (overdue). Assignees log work against them, some comment.
- About one log in five carries evidence (a file, or a link); a handful of files are the same
  bytes on two people's logs, both flagged `reused_evidence`.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import uuid
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal

from kinerja.activities import rules as activity_rules
from kinerja.demo.plan import DemoPlan
from kinerja.demo.plans import APPROVED, TIME_ZONE, PlansPlan, PlansPlanner, Rating

WINDOW_MONTHS = 3
DEADLINE_DAY = 5  # the demo's performance years: log_deadline_day (kinerja.demo.plans_load)
POLICY = activity_rules.Policy()  # the default ActivityPolicy (the demo stores none)
NOW = dt.time(11, 0)  # the demo's "now" on `today`: nothing happens after it
MAX_FILES = 5000  # evidence files stored at most; further evidence is a link
REUSED_PAIRS = 6

DRAFT, SUBMITTED, VERIFIED, RETURNED = (
    activity_rules.DRAFT,
    activity_rules.SUBMITTED,
    activity_rules.VERIFIED,
    activity_rules.RETURNED,
)
A = activity_rules  # assignment states
Q1 = Decimal(1)


# --- Plans --------------------------------------------------------------------------------


@dataclass(slots=True)
class LeavePlan:
    person: int
    kind: str
    start: dt.date
    end: dt.date
    note: str


@dataclass(slots=True)
class AssignmentPlan:
    idx: int
    batch: uuid.UUID
    assigner: int
    assignee: int
    rhk: int | None
    title: str
    description: str
    created: dt.datetime
    due: dt.date
    priority: str
    status: str
    progress: int
    steps: tuple[str, ...]
    updated: dt.datetime
    closed: dt.datetime | None = None


@dataclass(slots=True)
class CommentPlan:
    assignment: int
    author: int
    text: str
    at: dt.datetime


@dataclass(slots=True)
class LogPlan:
    idx: int
    person: int
    date: dt.date
    start: dt.time
    end: dt.time
    minutes: int
    description: str
    quantity: Decimal
    unit: str
    rhk: int | None
    assignment: int | None
    additional: bool
    created: dt.datetime
    status: str = DRAFT
    flags: tuple[str, ...] = ()
    return_reason: str = ""
    submitted: dt.datetime | None = None
    verified: dt.datetime | None = None
    verifier: int | None = None
    version: int = 1
    steps: tuple[str, ...] = ("create",)
    updated: dt.datetime | None = None


@dataclass(slots=True)
class EvidencePlan:
    log: int
    kind: str  # "file" or "link"
    content: str  # "jpg" or "pdf" for a file
    serial: int  # files with the same serial have the same bytes
    name: str
    url: str = ""


@dataclass(slots=True)
class NotificationPlan:
    person: int
    kind: str  # activity_returned, assignment_new, assignment_submitted
    log: int | None
    assignment: int | None
    at: dt.datetime
    read: bool


@dataclass
class ActivitiesPlan:
    start: dt.date
    today: dt.date
    leaves: list[LeavePlan] = field(default_factory=list)
    assignments: list[AssignmentPlan] = field(default_factory=list)
    comments: list[CommentPlan] = field(default_factory=list)
    logs: list[LogPlan] = field(default_factory=list)
    evidence: list[EvidencePlan] = field(default_factory=list)
    notifications: list[NotificationPlan] = field(default_factory=list)
    slow_verifiers: list[int] = field(default_factory=list)
    not_logged_this_week: list[int] = field(default_factory=list)
    reused_pairs: list[tuple[int, int]] = field(default_factory=list)  # log idx pairs


# --- Words ----------------------------------------------------------------------------------

# The first word of an RHK (a result, "Tersusunnya ...") -> the work that brings it about:
# the active verb and the noun of the act.
VERBS: dict[str, tuple[str, str]] = {
    "Terlaksananya": ("Melaksanakan", "pelaksanaan"),
    "Tersusunnya": ("Menyusun", "penyusunan"),
    "Meningkatnya": ("Melaksanakan upaya peningkatan", "peningkatan"),
    "Menurunnya": ("Melaksanakan upaya penurunan", "penurunan"),
    "Tertibnya": ("Menertibkan", "penertiban"),
    "Terpeliharanya": ("Memelihara", "pemeliharaan"),
    "Terverifikasinya": ("Memverifikasi", "verifikasi"),
    "Terlayaninya": ("Melayani", "pelayanan"),
    "Tertatanya": ("Menata", "penataan"),
    "Terpantaunya": ("Memantau", "pemantauan"),
    "Terselesaikannya": ("Menyelesaikan", "penyelesaian"),
    "Terkelolanya": ("Mengelola", "pengelolaan"),
    "Tersedianya": ("Menyediakan", "penyediaan"),
    "Terkoordinasinya": ("Mengoordinasikan", "koordinasi"),
    "Terselenggaranya": ("Menyelenggarakan", "penyelenggaraan"),
    "Tercapainya": ("Mengupayakan tercapainya", "pencapaian"),
    "Terwujudnya": ("Mewujudkan", "perwujudan"),
    "Terangkutnya": ("Mengangkut", "pengangkutan"),
    "Tertanganinya": ("Menangani", "penanganan"),
    "Menjadi": ("Melaksanakan tugas sebagai", "tugas sebagai"),
}
# Units counted one by one in a day's work (patients served, files checked); other units
# (reports, documents, programmes) take a year to finish, so a day's output is a step.
COUNTED = frozenset(
    {
        "pasien", "balita", "layanan", "orang", "berkas", "sampel", "kunjungan", "rujukan",
        "tindakan", "keluarga", "persalinan", "resep", "pemeriksaan", "kendaraan", "kartu",
        "surat", "rekam data", "tiket", "usaha", "titik", "lokasi", "desa", "sekolah", "bukti",
        "usulan", "konten", "informasi", "jam pelajaran", "rit", "paket", "sarana", "ruas",
    }
)  # fmt: skip
# (description, unit, low, high): {v} the verb, {n} the noun of the act, {o} the object, {u}
# the RHK's unit.
STEPS_COUNTED = (
    ("{v} {o}", "{u}", 2, 15),
    ("{v} {o}", "{u}", 1, 8),
    ("Mencatat dan menginput data {n} {o} ke aplikasi", "{u}", 5, 30),
    ("Menyiapkan bahan dan peralatan untuk {n} {o}", "kegiatan", 1, 1),
)
STEPS_WORK = (
    ("Mengumpulkan dan mengolah data untuk {n} {o}", "data", 3, 20),
    ("{v} {o}: menyusun draf {u}", "draf", 1, 1),
    ("Memperbaiki draf {u} {n} {o} sesuai arahan atasan", "draf", 1, 1),
    ("Mengikuti rapat koordinasi {n} {o}", "kegiatan", 1, 1),
    ("Menyiapkan bahan paparan {n} {o}", "dokumen", 1, 1),
    ("Melakukan pemantauan lapangan {n} {o}", "lokasi", 1, 3),
    ("Menyusun laporan kemajuan {n} {o}", "laporan", 1, 1),
)
ADDITIONAL = (
    ("Mengikuti apel dan pembinaan pegawai oleh pimpinan", "kegiatan"),
    ("Menjadi panitia kegiatan peringatan hari besar daerah", "kegiatan"),
    ("Mengikuti sosialisasi aplikasi kepegawaian", "kegiatan"),
    ("Membantu layanan pengaduan masyarakat di kantor", "layanan"),
    ("Mengikuti kegiatan kerja bakti lingkungan kantor", "kegiatan"),
)
LEAVE_KINDS = (
    ("tahunan", "Cuti tahunan"),
    ("sakit", "Sakit, dengan surat keterangan dokter"),
    ("dinas_luar", "Dinas luar: bimbingan teknis di ibu kota provinsi"),
    ("alasan_penting", "Cuti karena alasan penting (keluarga)"),
)
RETURN_REASONS = (
    "Bukti dukung belum dilampirkan; lampirkan foto atau dokumen hasil kerja.",
    "Uraian kegiatan terlalu umum, jelaskan apa yang dikerjakan dan hasilnya.",
    "Output tidak sesuai dengan RHK yang dipilih; pilih RHK yang tepat.",
    "Volume output tidak wajar untuk durasi kegiatan; periksa kembali.",
    "Jam kegiatan tidak sesuai dengan daftar hadir hari itu.",
)
ASSIGNMENT_TITLES = (
    "Menyiapkan bahan paparan {n} {o}",
    "Menghimpun data {n} {o} bulan ini",
    "Menyusun telaahan staf tentang {n} {o}",
    "Memverifikasi kelengkapan berkas {n} {o}",
    "Menyiapkan undangan dan bahan rapat {n} {o}",
    "Merekap capaian {n} {o} untuk rapat pimpinan",
)
ASSIGNMENT_NOTES = (
    "Koordinasikan dengan bidang terkait dan laporkan hasilnya sebelum tenggat.",
    "Gunakan format yang biasa dipakai; sertakan rekap per kecamatan.",
    "Bahan ini diperlukan untuk rapat evaluasi bersama Sekretaris Daerah.",
    "Mohon dikerjakan bersama; bagi tugas sesuai wilayah binaan masing-masing.",
)
COMMENTS_ASSIGNEE = (
    "Baik, segera saya kerjakan.",
    "Data dari dua puskesmas belum masuk, saya tunggu sampai besok.",
    "Draf sudah saya unggah, mohon arahan.",
    "Izin bertanya: rekapnya per bulan atau per triwulan?",
)
COMMENTS_ASSIGNER = (
    "Per triwulan saja, lengkapi dengan grafik.",
    "Terima kasih, lanjutkan.",
    "Tolong percepat, bahan diperlukan untuk rapat hari Senin.",
    "Sudah saya periksa, beberapa angka perlu dicek ulang.",
)
PRIORITIES = ("rendah", "sedang", "sedang", "sedang", "tinggi")


def _object(text: str) -> tuple[str, str, str]:
    """(verb, noun, object) of an RHK text, without the "(tahap 2)" or "(selaku Plt ...)"."""
    cut = text.find(" (")
    if cut > 0:
        text = text[:cut]
    first, _, rest = text.partition(" ")
    found = VERBS.get(first)
    if found is None or not rest:
        return "Melaksanakan kegiatan", "kegiatan", text[0].lower() + text[1:]
    return found[0], found[1], rest


# --- Calendar -------------------------------------------------------------------------------


def months_back(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError(day)


_MIDNIGHT: dict[dt.date, dt.datetime] = {}


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    base = _MIDNIGHT.get(day)
    if base is None:
        base = _MIDNIGHT[day] = dt.datetime(day.year, day.month, day.day, tzinfo=TIME_ZONE)
    return base + dt.timedelta(minutes=hour * 60 + minute)


def _t(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def _m(t: dt.time) -> int:
    return t.hour * 60 + t.minute


class Calendar:
    """Working days of the window, and stepping between them."""

    def __init__(self, start: dt.date, today: dt.date) -> None:
        self.days: list[dt.date] = []
        day = start
        while day <= today:
            if day.isoweekday() in POLICY.work_days:
                self.days.append(day)
            day += dt.timedelta(days=1)
        self.index = {d: i for i, d in enumerate(self.days)}

    def after(self, day: dt.date, n: int) -> dt.date:
        """The working day n working days after `day` (may run past the window: then a day
        after `today`)."""
        i = self.index.get(day)
        if i is None:
            i = bisect_right(self.days, day) - 1
        j = i + n
        if j < len(self.days):
            return self.days[j]
        return self.days[-1] + dt.timedelta(days=j - len(self.days) + 1)


# --- The planner ----------------------------------------------------------------------------


class ActivitiesPlanner:
    def __init__(self, demo: DemoPlan, plans: PlansPlan, seed: int) -> None:
        self.demo = demo
        self.plans = plans
        self.today = demo.today
        self.now = _at(demo.today, NOW.hour, NOW.minute)
        self.rng = random.Random(seed * 104723 + 15485863)
        self._r = self.rng.random
        self.start = months_back(demo.today, WINDOW_MONTHS)
        self.cal = Calendar(self.start, self.today)
        self.out = ActivitiesPlan(self.start, self.today)
        self.rating_planner = PlansPlanner(demo, seed)
        self._ratings: dict[dt.date, Rating] = {}
        self._raters: dict[tuple[int, int], int | None] = {}
        self._change_days = self._changes()
        # approved SKPs by person: (start, end, skp idx)
        self.skps: dict[int, list[tuple[dt.date, dt.date, int]]] = {}
        for s in plans.skps:
            if s.status == APPROVED and s.end >= self.start and s.start <= self.today:
                self.skps.setdefault(s.person, []).append((s.start, s.end, s.idx))
        self.rhk_of_skp: dict[int, list[int]] = {}
        for r in plans.rhk:
            self.rhk_of_skp.setdefault(r.skp, []).append(r.idx)
        self.unit_of_rhk: dict[int, str] = {}
        for i in plans.indicators:
            if i.aspek == "kuantitas" and i.unit and i.rhk not in self.unit_of_rhk:
                self.unit_of_rhk[i.rhk] = i.unit
        self._steps: dict[int, list[tuple[str, str, int, int]]] = {}
        self.leave_days: dict[int, set[dt.date]] = {}
        self.featured = demo.featured
        self.serial = 0

    # --- who rates whom, on the day the work is checked -------------------------------------

    def _changes(self) -> list[dt.date]:
        """Days in the window on which someone's holding starts or ends: the rating line only
        changes on them."""
        days = {self.start}
        for a in self.demo.assignments:
            for d in (a.start, a.end + dt.timedelta(days=1) if a.end else None):
                if d is not None and self.start < d <= self.today:
                    days.add(d)
        return sorted(days)

    def rating(self, on: dt.date) -> Rating:
        on = min(on, self.today)
        key = self._change_days[max(0, bisect_right(self._change_days, on) - 1)]
        found = self._ratings.get(key)
        if found is None:
            found = self._ratings[key] = self.rating_planner.rating(key)
        return found

    def rater(self, person: int, on: dt.date) -> int | None:
        on = min(on, self.today)
        key = (person, bisect_right(self._change_days, on))
        if key in self._raters:
            return self._raters[key]
        found = self.rating(on).atasan.get(person)
        self._raters[key] = result = found.person_id if found is not None else None
        return result

    # --- leave ---------------------------------------------------------------------------

    def build_leaves(self) -> None:
        demo, out, cal = self.demo, self.out, self.cal
        plh_for = demo.situations.get("plh_for")
        if plh_for:  # the Kepala Dinas on leave while the Plh stands in (kinerja.demo.plan)
            holders = demo.position_by_code(plh_for).holders
            if holders:
                start = self.today - dt.timedelta(days=3)
                end = self.today + dt.timedelta(days=11)
                out.leaves.append(LeavePlan(holders[0], "tahunan", start, end, "Cuti tahunan"))
        for person in sorted(self.skps):
            if self._r() >= 0.1 or len(cal.days) < 10:
                continue
            first = cal.days[int(self._r() * (len(cal.days) - 5))]
            kind, note = LEAVE_KINDS[int(self._r() * len(LEAVE_KINDS))]
            end = cal.after(first, int(self._r() * 4))
            out.leaves.append(LeavePlan(person, kind, first, end, note))
        for leave in out.leaves:
            days = self.leave_days.setdefault(leave.person, set())
            day = leave.start
            while day <= leave.end:
                days.add(day)
                day += dt.timedelta(days=1)

    # --- assignments ---------------------------------------------------------------------

    def build_assignments(self) -> None:
        today, cal, r = self.today, self.cal, self._r
        rating = self.rating(today)
        featured_atasan = set(self.featured.get("atasan", []))
        featured_pegawai = self.featured.get("pegawai", [])
        months = [cal.days[i] for i in range(0, max(1, len(cal.days) - 15), 20)]
        months.append(cal.after(today, -2))
        for rater in sorted(rating.subs):
            featured = rater in featured_atasan
            if not featured and r() >= 0.4:
                continue
            for when in months:
                if not featured and r() >= 0.6:
                    continue
                created_day = cal.after(when, int(r() * 8)) if when < today else when
                created_day = min(created_day, today)
                skp = self._skp_on(rater, created_day)
                rhk = None
                if skp is not None:
                    own = self.rhk_of_skp.get(skp, [])
                    rhk = own[int(r() * len(own))] if own else None
                team = self.rating(created_day).subs.get(rater, [])
                if not team:
                    continue
                count = min(len(team), 1 + int(r() * 3))
                first = int(r() * len(team))
                chosen = [team[(first + i) % len(team)] for i in range(count)]
                if featured:
                    chosen = list(dict.fromkeys([*featured_pegawai, *chosen]))[: max(count, 1)]
                    chosen = [p for p in chosen if p in team] or chosen[:1]
                self._batch(rater, chosen, rhk, created_day)
        self._force_overdue()

    def _batch(self, rater: int, people: list[int], rhk: int | None, day: dt.date) -> None:
        r, out = self._r, self.out
        text = self.plans.rhk[rhk].text if rhk is not None else "Tugas kedinasan unit kerja"
        _v, noun, obj = _object(text)
        title = ASSIGNMENT_TITLES[int(r() * len(ASSIGNMENT_TITLES))].format(n=noun, o=obj)
        title = title[:200]
        note = ASSIGNMENT_NOTES[int(r() * len(ASSIGNMENT_NOTES))]
        created = _at(day, 8 + int(r() * 6), int(r() * 60))
        if created > self.now:
            created = self.now - dt.timedelta(hours=1)
        due = day + dt.timedelta(days=5 + int(r() * 16))
        priority = PRIORITIES[int(r() * len(PRIORITIES))]
        batch = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        for person in people:
            a = AssignmentPlan(
                len(out.assignments), batch, rater, person, rhk, title, note, created, due,
                priority, A.ASSIGNED, 0, ("create",), created,
            )  # fmt: skip
            self._progress(a)
            out.assignments.append(a)
            self._comments(a)

    def _progress(self, a: AssignmentPlan) -> None:
        """Walk the assignment through its states up to `today`."""
        r, cal = self._r, self.cal
        created_day = a.created.date()
        steps = ["create"]
        moment = a.created

        def step(name: str, status: str, days: int, progress: int) -> bool:
            nonlocal moment
            day = cal.after(moment.date(), days)
            when = _at(day, 8 + int(r() * 7), int(r() * 60))
            when = max(when, moment + dt.timedelta(minutes=30))
            if when > self.now:
                return False
            moment = when
            steps.append(name)
            a.status, a.progress, a.updated = status, progress, when
            return True

        late = r() < 0.1  # never finished on time
        if not step("accept", A.ACCEPTED, int(r() * 2), 0):
            pass
        elif r() < 0.05 and step("cancel", A.CANCELLED, 1 + int(r() * 3), a.progress):
            a.closed = moment
        elif step("start", A.IN_PROGRESS, int(r() * 2), 20 + int(r() * 30)):
            span = max(1, (a.due - created_day).days * 5 // 7)
            if late:
                if moment.date() < a.due:
                    a.progress = 40 + int(r() * 40)
            elif step("progress", A.IN_PROGRESS, span // 2, 50 + int(r() * 30)) and step(
                "submit", A.A_SUBMITTED, max(1, span // 2 - 1), 100
            ):
                if step("done", A.DONE, int(r() * 3), 100):
                    a.closed = moment
        a.steps = tuple(steps)

    def _force_overdue(self) -> None:
        """At least three open assignments past their due date, one for the featured atasan."""
        out, today = self.out, self.today
        overdue = [a for a in out.assignments if A.is_overdue(status=a.status, due_date=a.due,
                                                               today=today)]  # fmt: skip
        featured = set(self.featured.get("atasan", []))
        need_featured = featured and not any(a.assigner in featured for a in overdue)
        for a in out.assignments:
            if len(overdue) >= 3 and not need_featured:
                break
            if a.due >= today or a.status in (A.CANCELLED,) or a in overdue:
                continue
            if need_featured and a.assigner not in featured and len(overdue) >= 3:
                continue
            a.status, a.closed = A.IN_PROGRESS, None
            a.progress = 60
            a.steps = tuple(s for s in a.steps if s not in ("submit", "done")) or ("create",)
            if "start" not in a.steps:
                a.steps = (*a.steps, "start")
            overdue.append(a)
            if a.assigner in featured:
                need_featured = False

    def _comments(self, a: AssignmentPlan) -> None:
        r = self._r
        if r() >= 0.3 or a.updated <= a.created:
            return
        span = (a.updated - a.created).total_seconds()
        for i in range(1 + int(r() * 3)):
            author = a.assignee if i % 2 == 0 else a.assigner
            pool = COMMENTS_ASSIGNEE if author == a.assignee else COMMENTS_ASSIGNER
            at = a.created + dt.timedelta(seconds=span * (i + 1) / 4)
            self.out.comments.append(CommentPlan(a.idx, author, pool[int(r() * len(pool))], at))

    def _skp_on(self, person: int, day: dt.date) -> int | None:
        for start, end, idx in self.skps.get(person, ()):
            if start <= day <= end:
                return idx
        return None

    # --- logs ----------------------------------------------------------------------------

    def _options(self, rhk: int) -> list[tuple[str, str, int, int]]:
        found = self._steps.get(rhk)
        if found is None:
            verb, noun, obj = _object(self.plans.rhk[rhk].text)
            unit = self.unit_of_rhk.get(rhk, "kegiatan")
            steps = STEPS_COUNTED if unit in COUNTED else STEPS_WORK
            found = [
                (text.format(v=verb, n=noun, o=obj, u=unit), u.format(u=unit), lo, hi)
                for text, u, lo, hi in steps
            ]
            self._steps[rhk] = found
        return found

    def build_logs(self) -> None:
        cal, r = self.cal, self._r
        by_assignee: dict[int, list[AssignmentPlan]] = {}
        for a in self.out.assignments:
            if "accept" in a.steps or "start" in a.steps:
                by_assignee.setdefault(a.assignee, []).append(a)
        week_start = self.today - dt.timedelta(days=self.today.weekday())
        people = sorted(set(self.skps) | set(by_assignee))
        # Who has not logged this week: a few, and one of the featured atasan's team.
        skip_week = {p for p in people if r() < 0.06}
        rating = self.rating(self.today)
        for atasan in self.featured.get("atasan", []):
            team = [
                p for p in rating.subs.get(atasan, ())
                if p in self.skps and p not in self.featured.get("pegawai", [])
            ]  # fmt: skip
            if len(team) > 1:
                skip_week.add(team[-1])
        self.out.not_logged_this_week = sorted(p for p in skip_week if p in self.skps)
        for person in people:
            diligence = 0.45 if r() < 0.05 else 0.78 + r() * 0.2
            leave = self.leave_days.get(person, set())
            logged_on_leave = r() < 0.25
            assigned = by_assignee.get(person, [])
            for day in cal.days:
                if day >= week_start and person in skip_week:
                    continue
                if day in leave:
                    if not logged_on_leave:
                        continue
                    logged_on_leave = False  # one day of leave logged at most
                elif r() >= diligence:
                    continue
                self._day(person, day, assigned, day in leave)

    def _day(self, person: int, day: dt.date, assigned: list[AssignmentPlan], leave: bool) -> None:
        r = self._r
        skp = self._skp_on(person, day)
        rhks = self.rhk_of_skp.get(skp, []) if skp is not None else []
        open_work = [
            a for a in assigned
            if a.created.date() <= day and (a.closed is None or day < a.closed.date())
        ]  # fmt: skip
        if not rhks and not open_work:
            return
        count = 1 if not rhks else (1, 2, 2, 3, 3, 3, 4)[int(r() * 7)]
        clock = _m(POLICY.work_start) + int(r() * 4) * 10
        end_of_day = _m(POLICY.work_end)
        total = 0
        for i in range(count):
            length = 30 * (1 + int(r() * 6))  # 30 minutes to 3 hours
            start = clock
            end = min(start + length, end_of_day)
            if end - start < 30:
                break
            serves_assignment = open_work and (not rhks or (i == 0 and r() < 0.5))
            rhk: int | None = None
            assignment: int | None = None
            additional = False
            if serves_assignment:
                a = open_work[int(r() * len(open_work))]
                assignment = a.idx
                description, unit, qty = a.title, "kegiatan", Q1
            elif r() < 0.04:
                additional = True
                description, unit = ADDITIONAL[int(r() * len(ADDITIONAL))]
                qty = Q1
            else:
                rhk = rhks[int(r() * len(rhks))]
                options = self._options(rhk)
                text, unit, lo, hi = options[int(r() * len(options))]
                description, qty = text, Decimal(lo + int(r() * (hi - lo + 1)))
            self._log(person, day, start, end, description, qty, unit, rhk, assignment,
                      additional, leave)  # fmt: skip
            total += end - start
            clock = end + 10 * int(r() * 4)
            if clock >= end_of_day:
                break
        # Now and then an evening's overtime, past working hours (flagged).
        if rhks and r() < 0.012 and total + 120 <= POLICY.max_daily_minutes:
            rhk = rhks[int(r() * len(rhks))]
            text, unit, lo, hi = self._options(rhk)[0]
            late_start = max(clock, end_of_day)
            self._log(person, day, late_start, late_start + 90 + 30 * int(r() * 2), text,
                      Decimal(lo), unit, rhk, None, False, leave)  # fmt: skip

    def _log(
        self,
        person: int,
        day: dt.date,
        start: int,
        end: int,
        description: str,
        qty: Decimal,
        unit: str,
        rhk: int | None,
        assignment: int | None,
        additional: bool,
        leave: bool,
    ) -> None:
        if day == self.today and end > _m(NOW):
            return  # not done yet
        flags: list[str] = []
        if leave:
            flags.append("on_leave")
        if start < _m(POLICY.work_start) or end > _m(POLICY.work_end):
            flags.append("outside_hours")
        created = _at(day, end // 60, end % 60) + dt.timedelta(minutes=5)
        log = LogPlan(
            len(self.out.logs), person, day, _t(start), _t(end), end - start, description, qty,
            unit, rhk, assignment, additional, created, flags=tuple(flags), updated=created,
        )  # fmt: skip
        self.out.logs.append(log)

    # --- verification --------------------------------------------------------------------

    def build_workflow(self) -> None:
        """Submit, verify or return every log along its days, stopping at `now`."""
        r, cal, today = self._r, self.cal, self.today
        rating = self.rating(today)
        raters = sorted(rating.subs)
        slow = {p for p in raters if r() < 0.08}
        opd_of = {p: self.demo.positions[pos].opd for p, pos in rating.position.items()}
        for code in ("DINKES", "DISDIK"):  # the admin OPD log-ins see overdue verifications
            opd = next((o.idx for o in self.demo.opds if o.code == code), None)
            here = [p for p in raters if opd_of.get(p) == opd]
            others = [p for p in here if p not in self.featured.get("atasan", [])] or here
            if here and not slow & set(here):
                slow.add(others[len(others) // 2])
        self.out.slow_verifiers = sorted(slow)
        slow_since = cal.after(today, -12)
        for log in self.out.logs:
            age = len(cal.days) - 1 - cal.index.get(log.date, len(cal.days) - 1)
            # submission: the same afternoon, the next morning, or a few days later
            roll = r()
            if roll < 0.65:
                submitted = log.created + dt.timedelta(minutes=5 + int(r() * 40))
            else:
                day = cal.after(log.date, 1 if roll < 0.93 else 2 + int(r() * 2))
                submitted = _at(day, 7, 45) + dt.timedelta(minutes=int(r() * 90))
            if age <= 2 and r() < 0.3:
                continue  # still a draft
            if submitted > self.now or submitted.date() > activity_rules.editable_until(
                log.date, DEADLINE_DAY
            ):
                continue
            self._submit(log, submitted)
            rater_now = self.rater(log.person, today)
            delay = int(r() * 4)
            if rater_now in slow and log.date >= slow_since:
                continue  # waits in a slow supervisor's queue
            self._review(log, delay)

    def _submit(self, log: LogPlan, when: dt.datetime) -> None:
        log.status, log.submitted, log.updated = SUBMITTED, when, when
        log.version += 1
        log.steps = (*log.steps, "submit")

    def _review(self, log: LogPlan, delay: int) -> None:
        r, cal = self._r, self.cal
        assert log.submitted is not None
        day = cal.after(log.submitted.date(), delay)
        when = _at(day, 8 + int(r() * 7), int(r() * 60))
        when = max(when, log.submitted + dt.timedelta(minutes=20))
        if when > self.now:
            return
        verifier = self.rater(log.person, when.date())
        if verifier is None:
            return
        if r() < 0.05:
            log.status, log.return_reason, log.updated = RETURNED, self._reason(), when
            log.version += 1
            log.steps = (*log.steps, "return")
            log.verifier = verifier  # who returned it (kept for the notification), not stored
            fixed = _at(cal.after(when.date(), int(r() * 2)), 9, int(r() * 60))
            fixed = max(fixed, when + dt.timedelta(minutes=30))
            deadline = activity_rules.editable_until(log.date, DEADLINE_DAY)
            if r() < 0.85 and fixed <= self.now and fixed.date() <= deadline:
                log.return_reason = ""
                log.version += 1
                log.steps = (*log.steps, "update")
                self._submit(log, fixed)
                self._review(log, int(r() * 3))
            return
        log.status, log.verified, log.verifier, log.updated = VERIFIED, when, verifier, when
        log.return_reason = ""
        log.version += 1
        log.steps = (*log.steps, "verify")

    def _reason(self) -> str:
        return RETURN_REASONS[int(self._r() * len(RETURN_REASONS))]

    def force_featured(self) -> None:
        """The featured atasan (and pegawai, if they logged) have one returned log each to act
        on: their most recent submitted or verified log of the open month."""
        deadline_ok = lambda log: activity_rules.log_is_open(  # noqa: E731
            date=log.date, today=self.today, deadline_day=DEADLINE_DAY, month_closed=False
        )
        for role in ("atasan", "pegawai"):
            for person in self.featured.get(role, []):
                mine = [log for log in self.out.logs if log.person == person]
                if any(log.status == RETURNED for log in mine):
                    continue
                for log in reversed(mine):
                    if log.status in (SUBMITTED, VERIFIED) and deadline_ok(log):
                        verifier = self.rater(person, self.today)
                        if verifier is None or log.submitted is None:
                            break
                        when = min(self.now, log.submitted + dt.timedelta(hours=3))
                        if log.status == VERIFIED:
                            log.steps = log.steps[:-1]
                            log.version -= 1
                        log.status, log.verified = RETURNED, None
                        log.verifier, log.return_reason = verifier, self._reason()
                        log.version += 1
                        log.steps = (*log.steps, "return")
                        log.updated = when
                        break

    # --- evidence --------------------------------------------------------------------------

    def build_evidence(self) -> None:
        r, out = self._r, self.out
        files = 0
        for log in out.logs:
            if r() >= 0.2:
                continue
            if files < MAX_FILES and r() < 0.65:
                files += 1
                self._file(log, "jpg" if r() < 0.7 else "pdf")
            else:
                out.evidence.append(
                    EvidencePlan(
                        log.idx, "link", "", 0, "",
                        f"https://drive.lembahhijau.go.id/bukti/{log.person}/{log.idx}",
                    )
                )  # fmt: skip
        self._reuse()

    def _file(self, log: LogPlan, content: str, serial: int | None = None) -> EvidencePlan:
        if serial is None:
            self.serial += 1
            serial = self.serial
        name = (
            f"IMG_{log.date:%Y%m%d}_{serial:05d}.jpg"
            if content == "jpg"
            else f"bukti-{log.date:%Y%m%d}-{serial}.pdf"
        )
        found = EvidencePlan(log.idx, "file", content, serial, name)
        self.out.evidence.append(found)
        return found

    def _reuse(self) -> None:
        """The same photo on two colleagues' logs (the cheapest way to fake work): the first
        pair in the featured atasan's team, recent and still waiting, the others anywhere."""
        out, rating = self.out, self.rating(self.today)
        by_person: dict[int, list[LogPlan]] = {}
        for log in out.logs:
            by_person.setdefault(log.person, []).append(log)
        teams = [rating.subs.get(a, []) for a in self.featured.get("atasan", [])]
        teams += [rating.subs[p] for p in sorted(rating.subs) if len(rating.subs[p]) > 1]
        used: set[int] = set()
        for team in teams:
            if len(out.reused_pairs) >= REUSED_PAIRS:
                break
            pair: list[LogPlan] = []
            for person in team:
                if person in used:
                    continue
                waiting = [
                    log for log in by_person.get(person, ())
                    if log.status == SUBMITTED and "on_leave" not in log.flags
                ]  # fmt: skip
                pool = waiting or [
                    log for log in by_person.get(person, ()) if log.status == VERIFIED
                ]
                if pool:
                    pair.append(pool[-1])
                    used.add(person)
                if len(pair) == 2:
                    break
            if len(pair) < 2:
                continue
            first = self._file(pair[0], "jpg")
            self._file(pair[1], "jpg", serial=first.serial)
            for log in pair:
                log.flags = tuple(sorted({*log.flags, "reused_evidence"}))
            out.reused_pairs.append((pair[0].idx, pair[1].idx))

    # --- notifications -----------------------------------------------------------------------

    def build_notifications(self) -> None:
        out = self.out
        featured = {p for role in ("pegawai", "atasan", "plt", "plh") for p in
                    self.featured.get(role, [])}  # fmt: skip
        recent = self.now - dt.timedelta(days=3)
        for log in out.logs:
            if log.person in featured and log.status == RETURNED:
                out.notifications.append(
                    NotificationPlan(log.person, "activity_returned", log.idx, None,
                                     log.updated or log.created, False)
                )  # fmt: skip
        for a in out.assignments:
            if a.assignee in featured:
                out.notifications.append(
                    NotificationPlan(a.assignee, "assignment_new", None, a.idx, a.created,
                                     a.created < recent)
                )  # fmt: skip
            if a.assigner in featured and a.status == A.A_SUBMITTED:
                out.notifications.append(
                    NotificationPlan(a.assigner, "assignment_submitted", None, a.idx, a.updated,
                                     False)
                )  # fmt: skip


def build_activities(demo: DemoPlan, plans: PlansPlan, *, seed: int) -> ActivitiesPlan:
    """Daily work of `demo` (see the module docstring). The cyclic garbage collector is paused
    meanwhile, as in `build_plans`."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        planner = ActivitiesPlanner(demo, plans, seed)
        planner.build_leaves()
        planner.build_assignments()
        planner.build_logs()
        planner.build_workflow()
        planner.force_featured()
        planner.build_evidence()
        planner.build_notifications()
        return planner.out
    finally:
        if enabled:
            gc.enable()
