"""The demo Pemda as plain data, before any database write: OPDs, units, positions, people and
their position history, drawn from one seeded random generator.

Pure (no ORM, no clock): the same seed, size, date and set of taken NIPs give the same plan, so
the loader only allocates ids and writes rows. Every NIP is built from the person's birth date,
TMT CPNS (or PPPK appointment year), gender and a sequence number, and is checked with
`kinerja.people.rules.parse_nip` as it is made.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from kinerja.demo import names
from kinerja.demo.structure import (
    Formasi,
    Node,
    OpdTemplate,
    core_templates,
    kecamatan,
    puskesmas,
    sekolah,
)
from kinerja.people.rules import parse_nip

# Under this many employees the OPDs are laid out compactly (fewer bidang and seksi), so that the
# structural posts do not outnumber the staff.
COMPACT_BELOW = 2000
COMPACT_LIMITS = {1: 3, 2: 1, 3: 1}
MIN_EMPLOYEES = 150


@dataclass
class OpdPlan:
    idx: int
    code: str
    name: str
    short: str


@dataclass
class UnitPlan:
    idx: int
    opd: int
    parent: int | None
    code: str
    name: str


@dataclass
class PositionPlan:
    idx: int
    opd: int
    unit: int
    code: str
    name: str
    jenis: str
    jenjang: str
    kelas: int
    supervisor: int | None
    profile: str
    weight: int = 0  # 0: one holder (a head); >0: a formasi shared by several holders
    holders: list[int] = field(default_factory=list)


@dataclass
class PersonPlan:
    idx: int
    nip: str
    name: str
    gelar_depan: str
    gelar_belakang: str
    asn_type: str
    golongan: str
    status: str
    gender: str
    birth_date: dt.date
    tmt_cpns: dt.date | None

    @property
    def full_name(self) -> str:
        name = f"{self.gelar_depan} {self.name}".strip()
        return f"{name}, {self.gelar_belakang}" if self.gelar_belakang else name


@dataclass
class AssignmentPlan:
    person: int
    position: int
    kind: str
    start: dt.date
    end: dt.date | None = None
    movement: str = ""
    sk_number: str = ""


@dataclass
class DemoPlan:
    today: dt.date
    opds: list[OpdPlan] = field(default_factory=list)
    units: list[UnitPlan] = field(default_factory=list)
    positions: list[PositionPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    assignments: list[AssignmentPlan] = field(default_factory=list)
    # role -> person idx, for the log-in table
    featured: dict[str, list[int]] = field(default_factory=dict)
    # position codes of the deliberate situations (for docs and tests)
    situations: dict[str, str] = field(default_factory=dict)

    def position_by_code(self, code: str) -> PositionPlan:
        return next(p for p in self.positions if p.code == code)


# Golongan a PNS may hold in a jabatan (PNS ladder, RULES.md 6.3/6.4).
GOLONGAN_BY_JENIS = {
    "jpt_madya": ("IV/d", "IV/e"),
    "jpt_pratama": ("IV/c", "IV/c", "IV/d"),
    "administrator": ("IV/a", "IV/a", "IV/b", "III/d"),
    "pengawas": ("III/c", "III/d", "III/d", "IV/a"),
}
GOLONGAN_BY_JENJANG = {
    "pemula": ("II/a", "II/b"),
    "terampil": ("II/b", "II/c", "II/d"),
    "mahir": ("III/a", "III/b"),
    "penyelia": ("III/c", "III/d"),
    "ahli_pertama": ("III/a", "III/b"),
    "ahli_muda": ("III/c", "III/d"),
    "ahli_madya": ("IV/a", "IV/b", "IV/c"),
    "ahli_utama": ("IV/d", "IV/e"),
}
GOLONGAN_PELAKSANA = {
    "pelaksana_sma": ("II/a", "II/b", "II/c", "II/d"),
    "pelaksana_d3": ("II/c", "II/d", "III/a", "III/b"),
    "pelaksana_s1": ("III/a", "III/b", "III/c"),
}
CPNS_GOLONGAN = {"pelaksana_sma": "II/a", "pelaksana_d3": "II/c", "pelaksana_s1": "III/a"}
# PPPK golongan I-XVII (Perpres 98/2020, U): IX Ahli Pertama, X Ahli Muda, VII keterampilan.
PPPK_GOLONGAN = {
    "ahli_pertama": "IX",
    "ahli_muda": "X",
    "ahli_madya": "XI",
    "terampil": "VII",
    "pelaksana_sma": "V",
    "pelaksana_d3": "VII",
    "pelaksana_s1": "IX",
}
AGE_RANGE = {
    "jpt_madya": (50, 58),
    "jpt_pratama": (45, 58),
    "administrator": (40, 56),
    "pengawas": (33, 55),
    "pelaksana": (21, 57),
    "pemula": (21, 40),
    "terampil": (22, 50),
    "mahir": (30, 55),
    "penyelia": (38, 57),
    "ahli_pertama": (24, 45),
    "ahli_muda": (32, 54),
    "ahli_madya": (40, 58),
    "ahli_utama": (50, 60),
}
FEMALE_SHARE = {
    "bidan_terampil": 1.0,
    "bidan_ahli": 1.0,
    "perawat_terampil": 0.7,
    "perawat_ahli": 0.7,
    "guru": 0.65,
    "nutrisionis": 0.8,
}


def _ladder_key(position: PositionPlan) -> str:
    return position.jenjang or position.jenis


class Planner:
    def __init__(
        self,
        *,
        employees: int,
        seed: int,
        today: dt.date,
        sekda_jenis: str,
        taken_nips: Iterable[str] = (),
    ) -> None:
        if employees < MIN_EMPLOYEES:
            raise ValueError(f"the demo needs at least {MIN_EMPLOYEES} employees")
        self.n = employees
        self.rng = random.Random(seed)
        self.today = today
        self.sekda_jenis = sekda_jenis
        self.compact = employees < COMPACT_BELOW
        self.taken = set(taken_nips)
        self.seq: dict[str, int] = {}
        self.plan = DemoPlan(today)
        self.sk = 0

    # --- structure ---------------------------------------------------------------------------

    def _add_node(
        self,
        node: Node,
        *,
        opd: OpdPlan,
        parent_unit: int | None,
        parent_code: str,
        supervisor: int | None,
        depth: int,
    ) -> None:
        code = node.key if parent_unit is None else f"{parent_code}-{node.key}"
        unit = UnitPlan(len(self.plan.units), opd.idx, parent_unit, code, node.unit)
        self.plan.units.append(unit)
        head_name = node.head
        if node.key == "SEK" and head_name in ("Sekretaris Dinas", "Sekretaris Badan"):
            head_name = f"Sekretaris {opd.name}"
        head = PositionPlan(
            len(self.plan.positions),
            opd.idx,
            unit.idx,
            f"{code}-K",
            head_name,
            node.jenis,
            node.jenjang,
            node.kelas,
            supervisor,
            node.profile,
        )
        self.plan.positions.append(head)
        for i, formasi in enumerate(node.staff, start=1):
            self._add_formasi(formasi, opd=opd, unit=unit, code=f"{code}-F{i}", head=head.idx)
        children = node.children
        if self.compact and depth + 1 in COMPACT_LIMITS:
            children = children[: COMPACT_LIMITS[depth + 1]]
        for child in children:
            self._add_node(
                child,
                opd=opd,
                parent_unit=unit.idx,
                parent_code=code,
                supervisor=head.idx,
                depth=depth + 1,
            )

    def _add_formasi(
        self, formasi: Formasi, *, opd: OpdPlan, unit: UnitPlan, code: str, head: int
    ) -> None:
        self.plan.positions.append(
            PositionPlan(
                len(self.plan.positions),
                opd.idx,
                unit.idx,
                code,
                formasi.name,
                formasi.jenis,
                formasi.jenjang,
                formasi.kelas,
                head,
                formasi.profile,
                weight=formasi.weight,
            )
        )

    def _add_opd(self, template: OpdTemplate, supervisor: int | None) -> int:
        opd = OpdPlan(len(self.plan.opds), template.code, template.name, template.short)
        self.plan.opds.append(opd)
        root_position = len(self.plan.positions)
        self._add_node(
            template.root, opd=opd, parent_unit=None, parent_code="", supervisor=supervisor, depth=0
        )
        if template.grows:
            self._grow(template, opd, root_position)
        return root_position

    def _places(self, count: int, offset: int) -> list[str]:
        places = names.PLACES
        result = []
        for i in range(count):
            j = (i + offset) % len(places)
            round_ = (i + offset) // len(places)
            result.append(places[j] if round_ == 0 else f"{places[j]} {round_ + 1}")
        return result

    def _grow(self, template: OpdTemplate, opd: OpdPlan, head: int) -> None:
        root_unit = self.plan.positions[head].unit
        root_code = self.plan.units[root_unit].code
        if template.grows == "puskesmas":
            count = max(2, self.n // 150)
            for i, place in enumerate(self._places(count, 0), start=1):
                self._add_node(
                    puskesmas(i, place, not self.compact),
                    opd=opd,
                    parent_unit=root_unit,
                    parent_code=root_code,
                    supervisor=head,
                    depth=1,
                )
        elif template.grows == "sekolah":
            count = max(3, self.n // 60)
            places = self._places(count, 7)
            for i in range(count):
                level = "SMP" if i % 3 == 2 else "SD"
                self._add_node(
                    sekolah(i + 1, level, i // len(names.PLACES) + 1, places[i]),
                    opd=opd,
                    parent_unit=root_unit,
                    parent_code=root_code,
                    supervisor=head,
                    depth=1,
                )

    def build_structure(self) -> None:
        templates = core_templates(self.sekda_jenis)
        sekda = self._add_opd(templates[0], None)
        for template in templates[1:]:
            self._add_opd(template, sekda)
        for i, place in enumerate(self._places(max(2, self.n // 250), 20), start=1):
            self._add_opd(kecamatan(i, place), sekda)

    # --- people ------------------------------------------------------------------------------

    def _nip(self, birth: dt.date, middle: str, gender_digit: str, asn_type: str) -> str:
        prefix = f"{birth:%Y%m%d}{middle}{gender_digit}"
        seq = self.seq.get(prefix, 0)
        while True:
            seq += 1
            nip = f"{prefix}{seq:03d}"
            if nip not in self.taken:
                break
        self.seq[prefix] = seq
        self.taken.add(nip)
        parse_nip(nip, asn_type=asn_type)  # every demo NIP must pass the real rule
        return nip

    def _birth(self, age: int) -> dt.date:
        return dt.date(self.today.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def _name(self, gender: str) -> str:
        rng = self.rng
        if gender == "P":
            parts = [rng.choice(names.FEMALE_GIVEN)]
            if rng.random() < 0.3:
                parts.append(rng.choice(names.FEMALE_MIDDLE))
        else:
            parts = [rng.choice(names.MALE_GIVEN)]
            if rng.random() < 0.3:
                parts.append(rng.choice(names.MALE_MIDDLE))
        if rng.random() < 0.85:
            parts.append(rng.choice(names.FAMILY))
        # "Nur Nur" and the like read wrong: drop a repeated word.
        seen: list[str] = []
        for part in parts:
            if part not in seen:
                seen.append(part)
        return " ".join(seen)

    def _asn_type(self, position: PositionPlan) -> str:
        if position.weight == 0:
            return "PNS"
        r = self.rng.random()
        key = _ladder_key(position)
        if key in ("ahli_pertama", "terampil", "pemula"):
            pppk = 0.45 if position.profile == "guru" else 0.3
            return "CPNS" if r < 0.12 else "PPPK" if r < 0.12 + pppk else "PNS"
        if key == "ahli_muda":
            return "PPPK" if r < 0.15 else "PNS"
        if key == "pelaksana":
            return "CPNS" if r < 0.06 else "PPPK" if r < 0.2 else "PNS"
        return "PNS"

    def make_person(
        self, position: PositionPlan, *, age: int | None = None, status: str = "aktif"
    ) -> PersonPlan:
        rng = self.rng
        asn_type = self._asn_type(position)
        key = _ladder_key(position)
        low, high = AGE_RANGE[key]
        if asn_type == "CPNS":
            high = min(high, 34)
            low = min(low, high)
        age = age if age is not None else rng.randint(low, high)
        female = FEMALE_SHARE.get(position.profile, 0.45)
        gender = "P" if rng.random() < female else "L"
        birth = self._birth(age)
        tmt: dt.date | None = None
        if asn_type == "PPPK":
            year = rng.randint(max(self.today.year - 4, birth.year + 21), self.today.year)
            year = min(year, self.today.year)
            code = "24" if year >= 2024 else "21"
            nip = self._nip(birth, f"{year}{code}", "1" if gender == "L" else "2", asn_type)
            golongan = PPPK_GOLONGAN.get(key, PPPK_GOLONGAN.get(position.profile, "IX"))
        else:
            if asn_type == "CPNS":
                back = rng.randint(1, 11)
                month0 = self.today.year * 12 + self.today.month - 1 - back
                tmt = dt.date(month0 // 12, month0 % 12 + 1, 1)
                golongan = CPNS_GOLONGAN.get(position.profile, "III/a")
                if key == "terampil":
                    golongan = "II/c"
            else:
                cpns_age = rng.randint(21, min(32, max(21, age - 1)))
                tmt = dt.date(birth.year + cpns_age, rng.randint(1, 12), 1)
                if tmt > self.today - dt.timedelta(days=400):
                    tmt = dt.date(self.today.year - 2, 3, 1)
                if position.jenis in GOLONGAN_BY_JENIS:
                    golongan = rng.choice(GOLONGAN_BY_JENIS[position.jenis])
                elif position.jenjang:
                    golongan = rng.choice(GOLONGAN_BY_JENJANG[position.jenjang])
                else:
                    golongan = rng.choice(GOLONGAN_PELAKSANA.get(position.profile, ("II/c",)))
            nip = self._nip(birth, f"{tmt:%Y%m}", "1" if gender == "L" else "2", "PNS")
        front, back_title = self._titles(position, age)
        person = PersonPlan(
            len(self.plan.people),
            nip,
            self._name(gender),
            front,
            back_title,
            asn_type,
            golongan,
            status,
            gender,
            birth,
            tmt,
        )
        self.plan.people.append(person)
        return person

    def _titles(self, position: PositionPlan, age: int) -> tuple[str, str]:
        rng = self.rng
        profile = position.profile
        front = rng.choice(names.FRONT_TITLES[profile]) if profile in names.FRONT_TITLES else ""
        if profile.startswith("struktural") and age >= 54 and rng.random() < 0.25:
            return rng.choice(names.OLD_FRONT), rng.choice(("", "M.Si.", "M.M."))
        if profile == "struktural_kesehatan" and rng.random() < 0.3:
            return "dr.", rng.choice(("", "M.Kes.", "M.Kes."))
        return front, rng.choice(names.TITLES.get(profile, ("",)))

    def _start(self, person: PersonPlan) -> dt.date:
        """TMT in the current position: after the first appointment, before today."""
        first = person.tmt_cpns or dt.date(int(person.nip[8:12]), 1, 1)
        earliest = max(first, dt.date(2016, 1, 1))
        latest = self.today - dt.timedelta(days=45)
        if earliest >= latest:
            return first if first <= self.today else self.today
        span = (latest - earliest).days
        day = earliest + dt.timedelta(days=self.rng.randint(0, span))
        return day.replace(day=1)

    def _sk(self, kind: str, on: dt.date) -> str:
        self.sk += 1
        return f"800.1.3.{kind}/{self.sk:04d}/BKPSDM/{on.year}"

    def assign(
        self,
        person: PersonPlan,
        position: PositionPlan,
        start: dt.date,
        *,
        kind: str = "definitif",
        end: dt.date | None = None,
        movement: str = "",
        sk: str = "",
    ) -> AssignmentPlan:
        a = AssignmentPlan(person.idx, position.idx, kind, start, end, movement, sk)
        self.plan.assignments.append(a)
        if kind == "definitif" and end is None:
            position.holders.append(person.idx)
        return a

    def _spread(self, staff: int, formasi: list[PositionPlan]) -> list[int]:
        """Holders per formasi position: one each while it lasts, the rest by weight (largest
        remainder), so the counts add up to exactly `staff`."""
        if staff <= 0 or not formasi:
            return [0] * len(formasi)
        if staff < len(formasi):
            chosen = set(self.rng.sample(range(len(formasi)), staff))
            return [1 if i in chosen else 0 for i in range(len(formasi))]
        counts = [1] * len(formasi)
        rest = staff - len(formasi)
        total = sum(p.weight for p in formasi)
        shares = [rest * p.weight / total for p in formasi]
        for i, share in enumerate(shares):
            counts[i] += int(share)
        left = staff - sum(counts)
        order = sorted(range(len(formasi)), key=lambda i: (-(shares[i] - int(shares[i])), i))
        for i in order[:left]:
            counts[i] += 1
        return counts

    def build_people(self) -> None:
        plan = self.plan
        today = self.today
        code = plan.position_by_code
        plt_post = code("DINKES-B2-K")  # Kabid Pelayanan Kesehatan: vacant, Plt by Sekretaris
        vacant = {plt_post.idx, code("DLH-B1-S1-K").idx, code("DUKCAPIL-B2-K").idx}
        plan.situations = {
            "plt_vacant": "DINKES-B2-K",
            "plt_by": "DINKES-SEK-K",
            "plh_for": "DISHUB-K",
            "plh_by": "DISHUB-SEK-K",
            "vacant_pengawas": "DLH-B1-S1-K",
            "vacant_administrator": "DUKCAPIL-B2-K",
        }
        heads = [p for p in plan.positions if p.weight == 0]
        formasi = [p for p in plan.positions if p.weight > 0]
        filled_heads = [p for p in heads if p.idx not in vacant]
        # one retired former holder of the Plt post is part of the headcount
        staff = self.n - len(filled_heads) - 1
        if staff < 0:
            raise ValueError("too few employees for the structure")
        for position in filled_heads:
            person = self.make_person(position)
            self.assign(person, position, self._start(person))
        for position, count in zip(formasi, self._spread(staff, formasi), strict=True):
            for _ in range(count):
                person = self.make_person(position)
                movement = "pengangkatan" if person.asn_type in ("CPNS", "PPPK") else ""
                self.assign(person, position, self._start(person), movement=movement)

        # The Plt story: the Kabid retired 75 days ago, the Sekretaris acts since the day after.
        retired = self.make_person(plt_post, age=60, status="pensiun")
        retired_end = today - dt.timedelta(days=75)
        self.assign(
            retired,
            plt_post,
            dt.date(2019, 7, 1),
            end=retired_end,
            movement="promosi",
            sk=self._sk("3", dt.date(2019, 7, 1)),
        )
        sekretaris = plan.people[code(plan.situations["plt_by"]).holders[0]]
        plt_start = retired_end + dt.timedelta(days=1)
        self.assign(
            sekretaris,
            plt_post,
            plt_start,
            kind="plt",
            movement="penugasan",
            sk=self._sk("3", plt_start),
        )
        # The Plh story: the Kepala Dinas Perhubungan is on leave, the Sekretaris stands in.
        kadis = plan.people[code(plan.situations["plh_for"]).holders[0]]
        kadis.status = "cuti"
        plh_by = plan.people[code(plan.situations["plh_by"]).holders[0]]
        self.assign(
            plh_by,
            code(plan.situations["plh_for"]),
            today - dt.timedelta(days=3),
            end=today + dt.timedelta(days=11),
            kind="plh",
            movement="penugasan",
            sk=self._sk("3", today),
        )
        self._feature()
        self._history()
        self._statuses()

    def _feature(self) -> None:
        plan = self.plan

        def holders(code: str) -> list[int]:
            try:
                return plan.position_by_code(code).holders[:1]
            except StopIteration:
                return []

        atasan_post = plan.position_by_code("DINKES-B1-S1-K")
        staff_posts = [p for p in plan.positions if p.supervisor == atasan_post.idx and p.holders]
        bkpsdm_analis = [
            i
            for p in plan.positions
            if p.code.startswith("BKPSDM-") and p.name.startswith("Analis SDM")
            for i in p.holders
            if plan.people[i].asn_type == "PNS"
        ]
        plan.featured = {
            "pegawai": staff_posts[0].holders[:1] if staff_posts else [],
            "atasan": atasan_post.holders[:1],
            "admin_opd": holders("DINKES-SEK-SB1-K") + holders("DISDIK-SEK-SB1-K"),
            "admin_bkpsdm": bkpsdm_analis[:1],
            "pimpinan": holders("SETDA-K"),
            "auditor": holders("INSPEKTORAT-K"),
            "plt": holders(plan.situations["plt_by"]),
            "plh": holders(plan.situations["plh_by"]),
        }

    def _protected(self) -> set[int]:
        keep = {i for ids in self.plan.featured.values() for i in ids}
        for key in ("plt_by", "plh_for", "plh_by"):
            keep.update(self.plan.position_by_code(self.plan.situations[key]).holders)
        return keep

    def _history(self) -> None:
        """Mutations (same kind of job, another OPD) and promotions (a step up the jenjang, or
        pengawas to administrator), each closing the old position the day before the new TMT."""
        plan, rng = self.plan, self.rng
        keep = self._protected()
        current = {a.person: a for a in plan.assignments if a.kind == "definitif" and a.end is None}
        moved: set[int] = set()

        def movable(person: int, new_assignment: AssignmentPlan) -> bool:
            p = plan.people[person]
            first = p.tmt_cpns or dt.date(int(p.nip[8:12]), 1, 1)
            return new_assignment.start - dt.timedelta(days=400) >= first

        def move(
            person: int, old: PositionPlan, new_assignment: AssignmentPlan, movement: str
        ) -> None:
            p = plan.people[person]
            first = p.tmt_cpns or dt.date(int(p.nip[8:12]), 1, 1)
            tmt = new_assignment.start
            old_start = first + (tmt - first) // 3
            self.assign(p, old, old_start, end=tmt - dt.timedelta(days=1))
            new_assignment.movement = movement
            new_assignment.sk_number = self._sk("2" if movement == "mutasi" else "3", tmt)
            moved.add(person)

        pelaksana_by_opd: dict[int, list[PositionPlan]] = {}
        for p in plan.positions:
            if p.jenis == "pelaksana":
                pelaksana_by_opd.setdefault(p.opd, []).append(p)
        opd_ids = sorted(pelaksana_by_opd)
        first_pertama: dict[tuple[int, str], PositionPlan] = {}
        pengawas_by_opd: dict[int, list[PositionPlan]] = {}
        for p in plan.positions:
            if p.jenjang == "ahli_pertama":
                first_pertama.setdefault((p.opd, p.profile), p)
            if p.jenis == "pengawas" and p.holders:
                pengawas_by_opd.setdefault(p.opd, []).append(p)
        for person, a in current.items():
            if person in keep or plan.people[person].asn_type != "PNS" or not movable(person, a):
                continue
            position = plan.positions[a.position]
            if position.jenis == "pelaksana" and rng.random() < 0.08 and len(opd_ids) > 1:
                other = rng.choice([o for o in opd_ids if o != position.opd])
                move(person, rng.choice(pelaksana_by_opd[other]), a, "mutasi")
            elif position.jenjang == "ahli_muda" and rng.random() < 0.2:
                lower = first_pertama.get((position.opd, position.profile))
                if lower is not None:
                    move(person, lower, a, "promosi")
        # Structural promotions: a pengawas of the same OPD becomes administrator; whoever holds
        # the pengawas post now was appointed to it on the same day.
        used: set[int] = set()
        for person, a in current.items():
            position = plan.positions[a.position]
            if (
                person in keep
                or position.jenis != "administrator"
                or rng.random() > 0.3
                or not movable(person, a)
            ):
                continue
            old = next(
                (
                    p
                    for p in pengawas_by_opd.get(position.opd, ())
                    if p.idx not in used and p.holders[0] not in keep and p.holders[0] not in moved
                ),
                None,
            )
            if old is None:
                continue
            successor = current[old.holders[0]]
            if successor.start < a.start:
                successor.start = a.start
            used.add(old.idx)
            move(person, old, a, "promosi")

    def _statuses(self) -> None:
        plan, rng = self.plan, self.rng
        keep = self._protected()
        current = {
            a.person: plan.positions[a.position]
            for a in plan.assignments
            if a.kind == "definitif" and a.end is None
        }
        eligible = [p for p in plan.people if p.idx not in keep and p.status == "aktif"]
        cuti = rng.sample(eligible, max(2, len(eligible) // 50))
        for person in cuti:
            person.status = "cuti"
        # Tugas belajar: PNS staff (not heads), about 1%.
        students = [
            p
            for p in eligible
            if p.status == "aktif" and p.asn_type == "PNS" and current[p.idx].weight > 0
        ]
        for person in rng.sample(students, min(len(students), max(2, len(eligible) // 100))):
            person.status = "tugas_belajar"


def build_plan(
    *,
    employees: int,
    seed: int,
    today: dt.date,
    sekda_jenis: str = "jpt_pratama",
    taken_nips: Iterable[str] = (),
) -> DemoPlan:
    planner = Planner(
        employees=employees, seed=seed, today=today, sekda_jenis=sekda_jenis, taken_nips=taken_nips
    )
    planner.build_structure()
    planner.build_people()
    return planner.plan
