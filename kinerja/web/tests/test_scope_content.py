"""Scope by content: the lists (API and pages) that show people's objects show only those inside
the viewer's scope (kinerja/people/access.py), which the authorization matrix cannot see (a list
answers 200 to everyone).

Lists: employees and teams; daily logs, the verification queue, team monitoring, assignments;
SKPs; evaluations, objections, feedback notes, dialogues; attendance days and summary, discipline
cases, TPP lines; notifications; the audit trail; and the lists of OPDs (monitoring,
calibration). Four owners have one object of each kind, marked in its text where it has one
(`MRK-<owner>`):
- `pegawai` (Dewi, Dinas Kesehatan, under the atasan kasubag, the kadis above);
- `staf_kasi` (Gita, Dinas Kesehatan, another line: under the kasi);
- `outsider` (Hadi, kepala Dinas Pendidikan, another OPD);
- `foreign` (the pegawai of another instansi, renamed "Zaskia Asing" there, so a name shared
  by the two casts is not mistaken for a leak).

Every logged-in member of the cast looks at every list, and none may see the name, NIP or marker
of an owner outside their reach: the scope (the owner themself; the line below, direct and
indirect; the admin OPD's OPD; the whole instansi for admin BKPSDM, pimpinan and auditor) or, for
a list of one's own things, only the viewer. Each list also shows at least one owner to someone
(`shows`), so an empty list cannot pass for a scoped one. Filters that name someone (`nip`,
`pegawai_id`, `opd`) must not widen the scope (`probe`). And the writes whose object is in the
body, not the path (bulk verification, a new assignment, calendar overrides, discipline cases,
feedback, dialogues, handing an RHK down), refuse what is out of reach and store nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from kinerja.testing import Cast, build_cast, login_verified

VIEWERS = ("pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor",
           "outsider")
OWNERS = ("pegawai", "staf_kasi", "outsider", "foreign")
WHOLE_INSTANSI = {"pegawai", "staf_kasi", "outsider"}
# The owners each viewer's scope reaches (access.pegawai_visible_to).
SCOPE: dict[str, set[str]] = {
    "pegawai": {"pegawai"},
    "atasan": {"pegawai"},
    "kadis": {"pegawai", "staf_kasi"},
    "admin_opd": {"pegawai", "staf_kasi"},
    "admin_bkpsdm": WHOLE_INSTANSI,
    "pimpinan": WHOLE_INSTANSI,
    "auditor": WHOLE_INSTANSI,
    "outsider": {"outsider"},
}
OWN: dict[str, set[str]] = {viewer: {viewer} & set(OWNERS) for viewer in VIEWERS}
FOREIGN_NAME = "Zaskia Asing"


@dataclass
class Scene:
    cast: Cast
    foreign: Cast
    clients: dict[str, Client] = field(default_factory=dict)

    def owner(self, key: str) -> tuple[Cast, str]:
        return (self.foreign, "pegawai") if key == "foreign" else (self.cast, key)

    def needles(self, key: str) -> list[str]:
        cast, who = self.owner(key)
        person = cast.people[who]
        return [person.nip, person.name, f"MRK-{key}"]

    def client(self, viewer: str) -> Client:
        if viewer not in self.clients:
            client = Client()
            login_verified(client, self.cast.accounts[viewer])
            self.clients[viewer] = client
        return self.clients[viewer]


@pytest.fixture
def scene(cast) -> Scene:
    from kinerja.people.models import Account, Pegawai

    foreign = build_cast("kab-lain")
    Pegawai.objects.filter(instansi=foreign.instansi).update(name=FOREIGN_NAME)
    Account.objects.filter(instansi=foreign.instansi).update(display_name=FOREIGN_NAME)
    for person in foreign.people.values():
        person.refresh_from_db()
    return Scene(cast, foreign)


def _text(scene: Scene, viewer: str, url: str) -> str:
    response = scene.client(viewer).get(url)
    assert response.status_code == 200, (viewer, url, response.status_code)
    return response.content.decode()


def check(scene: Scene, url: str, *, reach: dict[str, set[str]] | None = None,
          shows: tuple[tuple[str, str], ...] = (), viewers: tuple[str, ...] = VIEWERS) -> None:
    """Each viewer's answer names no owner outside `reach[viewer]` (the scope by default);
    each (viewer, owner) of `shows` is named."""
    reach = reach or SCOPE
    leaks = []
    for viewer in viewers:
        text = _text(scene, viewer, url)
        for owner in OWNERS:
            if owner in reach[viewer]:
                continue
            found = [needle for needle in scene.needles(owner) if needle in text]
            if found:
                leaks.append(f"{viewer} sees {owner} ({found[0]})")
    missing = [
        f"{viewer} does not see {owner}" for viewer, owner in shows
        if not any(needle in _text(scene, viewer, url) for needle in scene.needles(owner))
    ]
    assert not leaks and not missing, f"{url}: {leaks + missing}"


def probe(scene: Scene, url: str, viewers: tuple[str, ...], *, hidden: str) -> None:
    """A filter naming someone out of the viewers' scope does not widen it: the answer is a
    refusal (403/404) or a list without them."""
    for viewer in viewers:
        response = scene.client(viewer).get(url)
        assert response.status_code in (200, 403, 404), (viewer, url, response.status_code)
        text = response.content.decode()
        # A needle in the URL itself (the NIP asked for) may come back as the page's own
        # address (the language form's `next`): only the others count.
        found = [needle for needle in scene.needles(hidden) if needle in text and needle not in url]
        assert not found, f"{url}: {viewer} sees {hidden} ({found[0]})"


API = "/api/v1"
PAGE = "?page_size=200"


# --- Employees ------------------------------------------------------------------------------


def test_employee_lists_show_only_the_scope(scene: Scene) -> None:
    check(scene, f"{API}/employees{PAGE}",
          shows=(("atasan", "pegawai"), ("admin_opd", "staf_kasi"), ("auditor", "outsider")))
    check(scene, "/pegawai/", shows=(("admin_opd", "staf_kasi"), ("pimpinan", "outsider")))
    check(scene, f"{API}/team{PAGE}", shows=(("atasan", "pegawai"), ("kadis", "staf_kasi")))
    check(scene, "/tim/", shows=(("atasan", "pegawai"),))
    disdik = scene.cast.opds["disdik"].pk
    probe(scene, f"{API}/employees{PAGE}&opd={disdik}", ("pegawai", "atasan", "admin_opd"),
          hidden="outsider")
    probe(scene, f"/pegawai/?opd={disdik}", ("pegawai", "atasan", "admin_opd"),
          hidden="outsider")


def test_opd_lists_show_only_the_scope(scene: Scene) -> None:
    """The admin OPD's monitoring page lists Dinas Kesehatan, not Dinas Pendidikan; no list of
    OPDs (monitoring, calibration) shows another instansi's (renamed there)."""
    from kinerja.org.models import Opd

    Opd.objects.filter(instansi=scene.foreign.instansi).update(name="Dinas MRK-foreign")
    page = _text(scene, "admin_opd", "/pemantauan/opd/")
    assert "Dinas Kesehatan" in page and "Dinas Pendidikan" not in page
    for viewer in ("admin_opd", "admin_bkpsdm", "pimpinan"):
        assert "MRK-foreign" not in _text(scene, viewer, "/pemantauan/opd/"), viewer
    assert "Dinas Pendidikan" in _text(scene, "admin_bkpsdm", "/pemantauan/opd/")
    disdik = scene.cast.opds["disdik"].pk
    probe(scene, f"/pemantauan/opd/?opd={disdik}", ("admin_opd",), hidden="outsider")
    assert scene.client("admin_opd").get(f"/pemantauan/opd/?opd={disdik}").status_code == 404
    # Calibration lists every OPD of the instansi to its readers, and no other instansi's.
    for viewer in ("admin_bkpsdm", "pimpinan", "auditor"):
        for url in (f"{API}/calibration", "/kalibrasi/"):
            text = _text(scene, viewer, url)
            assert "Dinas Pendidikan" in text and "MRK-foreign" not in text, (viewer, url)


# --- Daily logs, verification, assignments ----------------------------------------------------


def _logs(scene: Scene) -> Any:
    """A submitted log of each owner (the foreign one made directly: its instansi has no
    plan), and an assignment to each one who has a supervisor among the cast."""
    from kinerja.activities import services
    from kinerja.activities.models import Activity
    from kinerja.activities.services import assignment_create
    from kinerja.activities.testing import work_cast

    cast = scene.cast
    work = work_cast(cast)
    for who in ("pegawai", "staf_kasi", "outsider"):
        extra = {"rhk": work.rhk["pegawai"]} if who == "pegawai" else {
            "is_additional_task": True}
        activity = services.activity_save(
            actor=cast.accounts[who], date=work.today, minutes=30,
            description=f"Kegiatan MRK-{who}", output_unit="surat", **extra,
        )
        services.activity_submit(actor=cast.accounts[who], activity=activity)
    foreign = scene.foreign
    Activity.objects.create(
        instansi=foreign.instansi, pegawai=foreign.people["pegawai"], date=work.today,
        minutes=30, description="Kegiatan MRK-foreign", output_unit="surat",
        is_additional_task=True, status="diajukan",
    )
    due = work.today + dt.timedelta(days=3)
    for owner, by, to in (("pegawai", cast, ("atasan", "pegawai")),
                          ("staf_kasi", cast, ("kasi", "staf_kasi")),
                          ("foreign", foreign, ("atasan", "pegawai"))):
        assignment_create(actor=by.accounts[to[0]], assignee_ids=[by.people[to[1]].pk],
                          title=f"Tugas MRK-{owner}", due_date=due)
    return work


def test_activity_and_assignment_lists_show_only_the_scope(scene: Scene) -> None:
    _logs(scene)
    check(scene, f"{API}/activities{PAGE}", reach=OWN,
          shows=(("pegawai", "pegawai"), ("outsider", "outsider")))
    check(scene, "/kegiatan/", reach=OWN, shows=(("pegawai", "pegawai"),))
    check(scene, f"{API}/verification-queue{PAGE}", shows=(("atasan", "pegawai"),))
    check(scene, "/verifikasi/", shows=(("atasan", "pegawai"),))
    check(scene, "/pemantauan/tim/", shows=(("atasan", "pegawai"), ("kadis", "staf_kasi")))
    check(scene, f"{API}/assignments{PAGE}", reach=OWN, shows=(("pegawai", "pegawai"),))
    check(scene, f"{API}/assignments{PAGE}&role=given", shows=(("atasan", "pegawai"),))
    check(scene, f"{API}/assignments{PAGE}&role=team", shows=(("kadis", "staf_kasi"),))
    check(scene, "/penugasan/", shows=(("pegawai", "pegawai"),))
    check(scene, "/penugasan/?tab=diberikan", shows=(("atasan", "pegawai"),))
    check(scene, "/penugasan/tim/", shows=(("kadis", "staf_kasi"),))
    nip = scene.cast.people["outsider"].nip
    for url in (f"{API}/activities{PAGE}&nip={nip}", f"{API}/verification-queue{PAGE}&nip={nip}"):
        probe(scene, url, ("pegawai", "atasan", "kadis", "admin_opd"), hidden="outsider")


def test_bulk_verification_refuses_logs_out_of_reach(scene: Scene) -> None:
    """Verifying many at once (API and page) verifies only the logs the caller verifies: the
    pegawai's log stays submitted for everyone but the atasan, read-only roles included."""
    import json

    from kinerja.activities.models import Activity

    _logs(scene)
    log = Activity.objects.get(description="Kegiatan MRK-pegawai")
    for viewer in ("pegawai", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor",
                   "outsider"):
        client = scene.client(viewer)
        answer = client.post(f"{API}/activities/verify", json.dumps({"ids": [log.pk]}),
                             content_type="application/json")
        assert answer.status_code == 200, viewer
        assert answer.json()["refused"] == [log.pk], viewer
        assert client.post("/verifikasi/pilihan/", {"ids": str(log.pk)}).status_code == 302
        log.refresh_from_db()
        assert log.status == "diajukan", viewer
    answer = scene.client("atasan").post(f"{API}/activities/verify",
                                         json.dumps({"ids": [log.pk]}),
                                         content_type="application/json")
    assert answer.json()["refused"] == []
    log.refresh_from_db()
    assert log.status == "diverifikasi"


def test_new_assignment_for_someone_out_of_reach_makes_nothing(scene: Scene) -> None:
    """The form offers only the caller's subordinates: naming the pegawai makes nothing for
    anyone but the supervisors above them."""
    from kinerja.activities.models import Assignment

    _logs(scene)
    before = Assignment.objects.count()
    body = {"assignees": str(scene.cast.people["pegawai"].pk), "title": "Tugas liar",
            "due_date": "2999-12-31", "priority": "sedang"}
    for viewer in ("pegawai", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor", "outsider"):
        assert scene.client(viewer).post("/penugasan/baru/", body).status_code == 200, viewer
    assert Assignment.objects.count() == before


# --- SKPs -------------------------------------------------------------------------------------


def _skps(scene: Scene) -> None:
    from kinerja.plans import services
    from kinerja.plans.testing import plan_cast

    cast = scene.cast
    plan = plan_cast(cast)
    for who in ("staf_kasi", "outsider"):
        services.skp_create(actor=cast.accounts[who], pegawai=cast.people[who], year=plan.year)
    _foreign_skp(scene)


def _foreign_skp(scene: Scene) -> Any:
    from kinerja.plans.models import Skp

    foreign = scene.foreign
    year = timezone.localdate().year
    position = foreign.positions["pengadministrasi"]
    return Skp.objects.create(
        instansi=foreign.instansi, pegawai=foreign.people["pegawai"], jabatan=position,
        opd=position.opd, year=year, start_date=dt.date(year, 1, 1),
        end_date=dt.date(year, 12, 31), form="non_jpt", status="disetujui",
    )


def test_skp_lists_show_only_the_scope(scene: Scene) -> None:
    _skps(scene)
    check(scene, f"{API}/skp{PAGE}",
          shows=(("atasan", "pegawai"), ("kadis", "staf_kasi"), ("auditor", "outsider")))
    check(scene, f"{API}/team/skp{PAGE}", shows=(("atasan", "pegawai"),))
    check(scene, "/skp/", shows=(("admin_bkpsdm", "outsider"),))
    check(scene, "/tim/skp/", shows=(("atasan", "pegawai"), ("kadis", "staf_kasi")))
    check(scene, "/tim/matriks/", shows=(("atasan", "pegawai"),))
    nip = scene.cast.people["outsider"].nip
    probe(scene, f"{API}/skp{PAGE}&nip={nip}", ("pegawai", "atasan", "admin_opd"),
          hidden="outsider")


# --- Evaluations and objections ---------------------------------------------------------------


def _evaluations(scene: Scene) -> None:
    """An evaluation under objection for each owner, made directly (the workflow is tested in
    kinerja/evaluations)."""
    from kinerja.evaluations.models import Dialogue, Evaluation, FeedbackNote, Objection
    from kinerja.plans.models import Skp

    today = timezone.localdate()
    positions = {"pegawai": "pengadministrasi", "staf_kasi": "pengelola",
                 "outsider": "kadis_disdik"}
    for owner in OWNERS:
        cast, who = scene.owner(owner)
        position = cast.positions[positions[who]]
        person = cast.people[who]
        skp = Skp.objects.create(
            instansi=cast.instansi, pegawai=person, jabatan=position, opd=position.opd,
            year=today.year, start_date=dt.date(today.year, 1, 1),
            end_date=dt.date(today.year, 12, 31), form="non_jpt", status="disetujui",
        )
        evaluation = Evaluation.objects.create(
            instansi=cast.instansi, pegawai=person, skp=skp, opd=position.opd,
            jabatan=position, year=today.year, period_kind="bulanan", period_no=today.month,
            start_date=today.replace(day=1), end_date=today, status="keberatan",
            predikat="baik", matrix_predikat="baik",
        )
        Objection.objects.create(
            instansi=cast.instansi, evaluation=evaluation, filed_by=person,
            reason=f"Keberatan MRK-{owner}", filed_at=timezone.now(), original_predikat="baik",
        )
        # Written by the sekretaris of that instansi, who is none of the viewers.
        author = cast.people["sekretaris"]
        FeedbackNote.objects.create(instansi=cast.instansi, pegawai=person, author=author,
                                    kind="atasan", date=today, text=f"Catatan MRK-{owner}")
        Dialogue.objects.create(instansi=cast.instansi, pegawai=person, held_by=author,
                                date=today, topics=f"Dialog MRK-{owner}")


def test_evaluation_and_objection_lists_show_only_the_scope(scene: Scene) -> None:
    _evaluations(scene)
    check(scene, f"{API}/evaluations{PAGE}",
          shows=(("atasan", "pegawai"), ("admin_opd", "staf_kasi"), ("pimpinan", "outsider")))
    check(scene, "/penilaian/", shows=(("pegawai", "pegawai"),))
    check(scene, "/penilaian/tim/", shows=(("atasan", "pegawai"), ("kadis", "staf_kasi")))
    check(scene, "/penilaian/ringkasan/")
    # Objections: those one filed and those one decides; nobody is named as decider here, so
    # admin BKPSDM decides them all (docs/evaluation.md).
    objections = {**OWN, "admin_bkpsdm": WHOLE_INSTANSI}
    check(scene, f"{API}/objections{PAGE}", reach=objections,
          shows=(("pegawai", "pegawai"), ("admin_bkpsdm", "outsider")))
    check(scene, "/keberatan/", reach=objections, shows=(("outsider", "outsider"),))
    # Feedback notes and dialogues: about oneself or the people one sees.
    check(scene, f"{API}/feedback{PAGE}", shows=(("pegawai", "pegawai"), ("kadis", "staf_kasi"),
                                                 ("auditor", "outsider")))
    check(scene, f"{API}/dialogues{PAGE}", shows=(("atasan", "pegawai"),))
    check(scene, "/umpan-balik/", shows=(("pegawai", "pegawai"),))
    outsider = scene.cast.people["outsider"].pk
    probe(scene, f"{API}/evaluations{PAGE}&pegawai_id={outsider}",
          ("pegawai", "atasan", "admin_opd"), hidden="outsider")


# --- Attendance, discipline, TPP --------------------------------------------------------------


def test_attendance_and_tpp_lists_show_only_the_scope(scene: Scene) -> None:
    from kinerja.allowances import services
    from kinerja.allowances.testing import tpp_cast

    cast, foreign = scene.cast, scene.foreign
    for owner in (cast, foreign):
        tpp = tpp_cast(owner)
        services.month_compute(actor=owner.accounts["admin_bkpsdm"], month=tpp.month)
    month = tpp.month.label
    _cases(scene)
    check(scene, f"{API}/attendance/days?month={month}", reach=OWN,
          shows=(("pegawai", "pegawai"),))
    check(scene, f"/kehadiran/?bulan={month}", shows=(("atasan", "pegawai"),))
    summary_readers = ("admin_opd", "admin_bkpsdm", "pimpinan", "auditor")
    check(scene, f"{API}/attendance/summary?month={month}", viewers=summary_readers,
          shows=(("admin_opd", "staf_kasi"), ("auditor", "outsider")))
    check(scene, f"/kehadiran/rekap/?bulan={month}", viewers=summary_readers,
          shows=(("admin_opd", "pegawai"),))
    check(scene, f"{API}/discipline-cases{PAGE}",
          reach={viewer: OWN[viewer] | (SCOPE[viewer] if viewer in (
              "admin_bkpsdm", "pimpinan", "auditor") else set()) for viewer in VIEWERS},
          shows=(("pegawai", "pegawai"), ("auditor", "outsider")))
    check(scene, "/kehadiran/disiplin/", viewers=("admin_bkpsdm", "pimpinan", "auditor"),
          shows=(("auditor", "pegawai"),))
    check(scene, f"{API}/tpp/months/{month}/lines{PAGE}",
          reach={**OWN, "admin_opd": SCOPE["admin_opd"] | OWN["admin_opd"],
                 "admin_bkpsdm": WHOLE_INSTANSI, "pimpinan": WHOLE_INSTANSI,
                 "auditor": WHOLE_INSTANSI},
          shows=(("pegawai", "pegawai"), ("admin_opd", "staf_kasi"), ("auditor", "outsider")))
    # The caller's own lines name no person: one line (the computed month), of the own position.
    positions = {"pegawai": "pengadministrasi", "atasan": "kasubag", "kadis": "kadis",
                 "admin_opd": "pengadministrasi", "admin_bkpsdm": "analis",
                 "outsider": "kadis_disdik"}
    for viewer in VIEWERS:
        items = scene.client(viewer).get(f"{API}/tpp/me{PAGE}").json()["items"]
        expected = [cast.positions[positions[viewer]].name] if viewer in positions else []
        assert [item["jabatan_name"] for item in items] == expected, viewer
    check(scene, f"/tpp/{month}/daftar/", viewers=("admin_bkpsdm", "pimpinan", "auditor"),
          shows=(("pimpinan", "outsider"),))
    disdik, nip = cast.opds["disdik"].pk, cast.people["outsider"].nip
    for url in (f"{API}/attendance/summary?month={month}&opd={disdik}",
                f"{API}/tpp/months/{month}/lines{PAGE}&opd_id={disdik}",
                f"{API}/discipline-cases{PAGE}&nip={nip}",
                f"{API}/attendance/days?month={month}&nip={nip}",
                f"/kehadiran/rekap/?bulan={month}&opd={disdik}",
                f"/kehadiran/?bulan={month}&nip={nip}"):
        probe(scene, url, ("pegawai", "atasan", "admin_opd"), hidden="outsider")


def _cases(scene: Scene) -> None:
    from kinerja.attendance import services

    for owner in ("pegawai", "outsider", "foreign"):
        cast, who = scene.owner(owner)
        services.discipline_create(
            actor=cast.accounts["admin_bkpsdm"], pegawai=cast.people[who],
            values={"sanction": "teguran_tertulis", "decree_number": f"800/MRK-{owner}",
                    "decree_date": dt.date(2026, 1, 5), "start_month": dt.date(2026, 2, 1)})


# --- Notifications and the audit trail --------------------------------------------------------


def test_notification_lists_show_only_ones_own(scene: Scene) -> None:
    from kinerja.people.models import Notification

    for owner in ("pegawai", "staf_kasi", "outsider", "foreign"):
        cast, who = scene.owner(owner)
        account = cast.accounts[who]
        Notification.objects.create(instansi_id=account.instansi_id, account=account,
                                    kind="matrix", title=f"Pesan MRK-{owner}", link="/")
    # The needles are the markers only: a notification does not name its reader.
    check_markers(scene, f"{API}/notifications{PAGE}", reach=OWN,
                  shows=(("pegawai", "pegawai"), ("outsider", "outsider")))
    check_markers(scene, "/notifikasi/", reach=OWN, shows=(("pegawai", "pegawai"),))


def check_markers(scene: Scene, url: str, **kwargs: Any) -> None:
    original: Callable[[str], list[str]] = scene.needles
    scene.needles = lambda key: [f"MRK-{key}"]  # type: ignore[method-assign]
    try:
        check(scene, url, **kwargs)
    finally:
        scene.needles = original  # type: ignore[method-assign]


def test_audit_trail_shows_only_the_own_instansi(scene: Scene) -> None:
    from kinerja.core.audit import audit_record

    for cast, label in ((scene.cast, "MRK-pegawai"), (scene.foreign, "MRK-foreign")):
        with transaction.atomic():
            audit_record(actor=None, instansi=cast.instansi, action="matrix",
                         object_type="marker", object_id="1", object_label=label)
    for viewer in ("admin_bkpsdm", "auditor"):
        for url in (f"{API}/audit{PAGE}", "/audit/"):
            text = _text(scene, viewer, url)
            assert "MRK-pegawai" in text and "MRK-foreign" not in text, (viewer, url)


# --- Writes that name another instansi's object in the body -----------------------------------


def test_writes_naming_another_instansis_object_in_the_body_are_refused(scene: Scene) -> None:
    """The path says nothing about the object here: the body names it by id or NIP. Another
    instansi's person or OPD is refused (403/404/422) even to the widest writer of this one,
    and nothing is stored."""
    import json

    from kinerja.activities.models import Assignment
    from kinerja.attendance.models import DisciplineCase, WorkSchedule
    from kinerja.evaluations.models import Dialogue, FeedbackNote
    from kinerja.plans.models import Rhk

    work = _logs(scene)
    foreign = scene.foreign
    stranger = foreign.people["pegawai"]
    year = timezone.localdate().year
    hours = {str(day): ["07:30", "16:00"] for day in range(1, 6)}
    calls = [
        ("admin_bkpsdm", f"{API}/calendar/{year}/overrides",
         {"opd_id": foreign.opds["dinkes"].pk, "name": "Asing", "hours": hours}),
        ("admin_bkpsdm", f"{API}/discipline-cases",
         {"nip": stranger.nip, "sanction": "teguran_lisan", "decree_number": "800/9",
          "decree_date": "2026-03-02", "start_month": "2026-04"}),
        ("atasan", f"{API}/assignments",
         {"assignee_ids": [stranger.pk], "title": "Asing", "due_date": "2999-12-31"}),
        ("atasan", f"{API}/feedback", {"pegawai_id": stranger.pk, "text": "Asing"}),
        ("atasan", f"{API}/dialogues",
         {"pegawai_id": stranger.pk, "date": work.today.isoformat(), "topics": "Asing"}),
        ("atasan", f"{API}/rhk/{work.rhk['atasan'].pk}/hand-down",
         {"pegawai_ids": [stranger.pk], "nips": [stranger.nip]}),
    ]
    counts = [Assignment.objects.count(), DisciplineCase.objects.count(),
              WorkSchedule.objects.count(), FeedbackNote.objects.count(),
              Dialogue.objects.count()]
    for viewer, url, body in calls:
        response = scene.client(viewer).post(url, json.dumps(body),
                                             content_type="application/json")
        # Handing down answers 200 with a result per person named: each must be a refusal.
        refused = response.status_code in (403, 404, 422) or (
            response.status_code == 200 and "hand-down" in url
            and all(item["code"] != "created" and item["rhk_id"] is None
                    for item in _results(response.json()))
        )
        assert refused, (viewer, url, response.status_code, response.content[:300])
    assert [Assignment.objects.count(), DisciplineCase.objects.count(),
            WorkSchedule.objects.count(), FeedbackNote.objects.count(),
            Dialogue.objects.count()] == counts
    assert not Rhk.objects.filter(skp__pegawai=stranger).exists()


def _results(answer: Any) -> list[dict[str, Any]]:
    return answer if isinstance(answer, list) else answer["results"]
