"""Monitoring: the supervisor's team page and the OPD's logging compliance, their numbers, who
may open them, and queries that do not grow with the team, the units or the logs."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kinerja.activities import monitoring, services
from kinerja.activities.models import Activity, ActivityPolicy, ActivityStatus, Assignment
from kinerja.activities.testing import log
from kinerja.org.models import Jabatan, UnitKerja
from kinerja.people.models import Leave, Pegawai, PositionAssignment

pytestmark = pytest.mark.django_db

TEAM = "/pemantauan/tim/"
OPD = "/pemantauan/opd/"


def submitted(cast, work, who="pegawai", *, hour=8, days_waiting=0, **extra):
    activity = log(cast, who, work, start=(hour, 0), end=(hour, 30), **extra)
    services.activity_submit(actor=cast.accounts[who], activity=activity)
    if days_waiting:
        Activity.objects.filter(pk=activity.pk).update(
            submitted_at=timezone.now() - dt.timedelta(days=days_waiting, hours=1)
        )
    return activity


def assignment(cast, who, *, due, status="ditugaskan", title="Laporan bulanan"):
    return Assignment.objects.create(
        instansi=cast.instansi, batch=uuid.uuid4(), assigner=cast.people["atasan"],
        assignee=cast.people[who], title=title, due_date=due, status=status,
    )


def count_queries(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result


# --- Team ---------------------------------------------------------------------------------------


def test_team_monitor_counts_pending_overdue_and_silent_people(cast, work):
    today = work.today
    submitted(cast, work, "pegawai", hour=8)
    submitted(cast, work, "pegawai", hour=9)
    Leave.objects.create(instansi=cast.instansi, pegawai=cast.people["pegawai2"], kind="sakit",
                         start_date=monitoring.week_start(today), end_date=today)
    late = assignment(cast, "pegawai2", due=today - dt.timedelta(days=3))
    assignment(cast, "pegawai2", due=today - dt.timedelta(days=3), status="selesai",
               title="Sudah selesai")
    assignment(cast, "pegawai", due=today, title="Jatuh tempo hari ini")
    report = monitoring.team_monitor(cast.atasan)
    by_name = {m.member.pegawai.pk: m for m in report.members}
    pegawai, pegawai2 = cast.people["pegawai"].pk, cast.people["pegawai2"].pk
    assert by_name[pegawai].pending == 2 and by_name[pegawai].verifies
    assert report.pending_for_me == 2
    assert [m.member.pegawai.pk for m in report.with_pending] == [pegawai]
    silent = {m.member.pegawai.pk for m in report.not_logged}
    assert pegawai not in silent and pegawai2 in silent
    assert by_name[pegawai2].on_leave_this_week
    assert report.overdue == [late]


def test_indirect_supervisor_sees_pending_but_does_not_verify(cast, work):
    submitted(cast, work, "pegawai")
    report = monitoring.team_monitor(cast.kadis)
    member = next(m for m in report.members if m.member.pegawai == cast.people["pegawai"])
    assert member.pending == 1 and not member.verifies
    assert report.pending_for_me == 0
    ActivityPolicy.objects.create(instansi=cast.instansi, verify_indirect=True)
    assert monitoring.team_monitor(cast.kadis).pending_for_me == 1


def test_team_page_links_to_queue_people_and_assignments(cast, work, client_for):
    submitted(cast, work, "pegawai")
    overdue = assignment(cast, "pegawai2", due=work.today - dt.timedelta(days=2))
    body = client_for(cast.atasan).get(TEAM).content.decode()
    assert f"/verifikasi/?pegawai={cast.people['pegawai'].pk}" in body
    assert f"/pegawai/{cast.people['pegawai2'].nip}/" in body
    assert f"/penugasan/{overdue.pk}/" in body or f"{overdue.pk}" in body
    assert "2 days late" in body


@pytest.mark.parametrize("who", ["pegawai", "pimpinan", "auditor", "admin_bkpsdm"])
def test_team_page_without_subordinates_says_so(cast, client_for, who):
    page = client_for(cast.accounts[who]).get(TEAM)
    assert page.status_code == 200
    assert "No subordinates" in page.content.decode()


def _grow_team(cast, work, size):
    """`size` more people in the pengadministrasi position (rated by the atasan), each with a
    submitted log, half of them with an overdue assignment."""
    for i in range(size):
        p = Pegawai.objects.create(instansi=cast.instansi, nip=f"19900101201501{2000 + i:04d}",
                                   name=f"Staf {i}", gender="L", birth_date=dt.date(1990, 1, 1))
        PositionAssignment.objects.create(instansi=cast.instansi, pegawai=p,
                                          jabatan=cast.positions["pengadministrasi"],
                                          kind="definitif", start_date=dt.date(2020, 1, 1))
        Activity.objects.create(instansi=cast.instansi, pegawai=p, date=work.today, minutes=30,
                                description="x", output_unit="x", is_additional_task=True,
                                status=ActivityStatus.SUBMITTED, submitted_at=timezone.now())
        if i % 2:
            Assignment.objects.create(instansi=cast.instansi, batch=uuid.uuid4(),
                                      assigner=cast.people["atasan"], assignee=p, title="t",
                                      due_date=work.today - dt.timedelta(days=1))


def test_team_monitor_queries_do_not_grow_with_the_team(cast, work, client_for):
    client = client_for(cast.atasan)
    client.get(TEAM)
    small, _report = count_queries(lambda: client.get(TEAM))
    _grow_team(cast, work, 30)
    big, response = count_queries(lambda: client.get(TEAM))
    assert response.status_code == 200 and "Staf 29" in response.content.decode()
    assert small == big
    selector, _report = count_queries(lambda: monitoring.team_monitor(cast.atasan))
    assert selector <= 9


# --- OPD compliance -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_opd", 200), ("admin_bkpsdm", 200), ("pimpinan", 200), ("auditor", 404),
     ("pegawai", 404), ("atasan", 404), ("kadis", 404), ("outsider", 404)],
)
def test_opd_page_is_for_admins_and_pimpinan(cast, client_for, who, status):
    assert client_for(cast.accounts[who]).get(OPD).status_code == status


def test_admin_opd_sees_only_their_opd(cast, client_for):
    client = client_for(cast.accounts["admin_opd"])
    dinkes, disdik = cast.opds["dinkes"].pk, cast.opds["disdik"].pk
    assert client.get(f"{OPD}{dinkes}/").status_code == 200
    assert client.get(f"{OPD}{disdik}/").status_code == 404
    assert client.get(OPD, {"opd": disdik}).status_code == 404
    body = client.get(OPD).content.decode()
    assert "Dinas Kesehatan" in body and "Dinas Pendidikan" not in body


def test_bkpsdm_chooses_any_opd_of_the_instansi(cast, client_for):
    client = client_for(cast.accounts["admin_bkpsdm"])
    body = client.get(OPD, {"opd": cast.opds["disdik"].pk}).content.decode()
    assert "<h2>Dinas Pendidikan" in body
    assert 'name="opd"' in body and "Dinas Kesehatan" in body  # the chooser lists all


def test_compliance_per_unit_for_the_month(cast, work):
    verified = submitted(cast, work, "pegawai", hour=8)
    services.activity_verify(actor=cast.atasan, activity=verified)
    submitted(cast, work, "pegawai", hour=9)
    log(cast, "pegawai2", work, start=(10, 0), end=(10, 45))  # a draft still counts as logged
    today = work.today
    report = monitoring.opd_compliance(cast.opds["dinkes"], year=today.year, month=today.month,
                                       today=today)
    units = {u.unit.code if u.unit else None: u for u in report.units}
    umum = units["UMUM"]
    # kasubag (atasan), pegawai, pegawai2, admin_opd hold positions in Subbagian Umum.
    assert umum.employees == 4 and umum.logged == 2 and umum.verified_minutes == 30
    assert umum.percent == 50
    assert units["YANKES"].employees == 0 and units["YANKES"].percent is None
    assert report.total.employees == 8  # kadis, sekretaris, the 4 in umum, kasi, staf_kasi
    previous = (today.replace(day=1) - dt.timedelta(days=1))
    earlier = monitoring.opd_compliance(cast.opds["dinkes"], year=previous.year,
                                        month=previous.month, today=today)
    assert earlier.total.logged == 0 and earlier.total.employees == 8


def test_logs_waiting_too_long_are_listed_with_the_supervisor(cast, work):
    old = submitted(cast, work, "pegawai", hour=8, days_waiting=6)
    submitted(cast, work, "pegawai2", hour=9, days_waiting=2)
    today = work.today
    report = monitoring.opd_compliance(cast.opds["dinkes"], year=today.year, month=today.month,
                                       today=today)
    assert report.wait_days == 5 and report.late_total == 1
    assert [late.activity for late in report.late] == [old]
    assert report.late[0].supervisor == cast.people["atasan"]
    assert report.late[0].days_waiting == 6
    units = {u.unit.code if u.unit else None: u for u in report.units}
    assert units["UMUM"].waiting_late == 1
    ActivityPolicy.objects.create(instansi=cast.instansi, verification_wait_days=10)
    again = monitoring.opd_compliance(cast.opds["dinkes"], year=today.year, month=today.month,
                                      today=today)
    assert again.late_total == 0 and again.late == []


def test_opd_page_shows_the_late_log_and_its_supervisor(cast, work, client_for):
    submitted(cast, work, "pegawai", days_waiting=8)
    body = client_for(cast.accounts["admin_opd"]).get(OPD).content.decode()
    assert "Logs waiting for verification longer than 5 days" in body
    assert "Dewi Pelaksana" in body and "Citra Kasubag" in body


def test_a_bad_month_falls_back_with_a_message(cast, client_for):
    body = client_for(cast.accounts["admin_opd"]).get(OPD, {"bulan": "2026-13"}).content
    assert "is not a month" in body.decode()


def _grow_opd(cast, work, units):
    """`units` more units in the Dinas Kesehatan, each with a position and two people who log,
    one of them a log waiting for verification for a week."""
    dinkes = cast.opds["dinkes"]
    parent = cast.units["dinkes"]
    for i in range(units):
        unit = UnitKerja.objects.create(instansi=cast.instansi, opd=dinkes, parent=parent,
                                        code=f"U{i}", name=f"Puskesmas {i}")
        unit.path = f"{parent.path}{unit.pk}/"
        unit.save(update_fields=["path"])
        jabatan = Jabatan.objects.create(instansi=cast.instansi, opd=dinkes, unit=unit,
                                         code=f"J{i}", name=f"Pelaksana {i}", jenis="pelaksana",
                                         kelas=6, supervisor=cast.positions["kadis"])
        jabatan.path = f"{cast.positions['kadis'].path}{jabatan.pk}/"
        jabatan.save(update_fields=["path"])
        for k in range(2):
            p = Pegawai.objects.create(instansi=cast.instansi,
                                       nip=f"19900101201501{3000 + 2 * i + k:04d}",
                                       name=f"Nakes {i}-{k}", gender="P",
                                       birth_date=dt.date(1990, 1, 1))
            PositionAssignment.objects.create(instansi=cast.instansi, pegawai=p, jabatan=jabatan,
                                              kind="definitif", start_date=dt.date(2020, 1, 1))
            Activity.objects.create(
                instansi=cast.instansi, pegawai=p, date=work.today, minutes=60,
                description="Pelayanan", output_unit="pasien", is_additional_task=True,
                status=ActivityStatus.SUBMITTED if k else ActivityStatus.VERIFIED,
                submitted_at=timezone.now() - dt.timedelta(days=7),
            )


def test_opd_compliance_queries_do_not_grow_with_units(cast, work, client_for):
    """Disdik: one unit, two people, one late log; Dinkes grown to 17 units and 32 people
    with 13 late logs: the same number of queries."""
    today = work.today
    disdik, dinkes = cast.opds["disdik"], cast.opds["dinkes"]
    staff = Jabatan.objects.create(instansi=cast.instansi, opd=disdik, unit=cast.units["disdik"],
                                   code="STAF", name="Staf", jenis="pelaksana", kelas=6,
                                   supervisor=cast.positions["kadis_disdik"])
    staff.path = f"{cast.positions['kadis_disdik'].path}{staff.pk}/"
    staff.save(update_fields=["path"])
    guru = Pegawai.objects.create(instansi=cast.instansi, nip="199001012015012999", name="Guru",
                                  gender="P", birth_date=dt.date(1990, 1, 1))
    PositionAssignment.objects.create(instansi=cast.instansi, pegawai=guru, jabatan=staff,
                                      kind="definitif", start_date=dt.date(2020, 1, 1))
    Activity.objects.create(
        instansi=cast.instansi, pegawai=guru, date=today, minutes=60,
        description="Rapat", output_unit="rapat", is_additional_task=True,
        status=ActivityStatus.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(days=9),
    )
    submitted(cast, work, "pegawai", days_waiting=7)
    one, small = count_queries(lambda: monitoring.opd_compliance(
        disdik, year=today.year, month=today.month, today=today))
    assert small.late_total == 1 and len(small.units) == 1
    _grow_opd(cast, work, 12)
    many, report = count_queries(lambda: monitoring.opd_compliance(
        dinkes, year=today.year, month=today.month, today=today))
    assert report.late_total == 13 and len(report.units) == 5 + 12
    assert many == one <= 10
    client = client_for(cast.accounts["admin_bkpsdm"])
    client.get(OPD)
    small_page, _r = count_queries(lambda: client.get(OPD, {"opd": disdik.pk}))
    big_page, response = count_queries(lambda: client.get(OPD, {"opd": dinkes.pk}))
    assert response.status_code == 200 and "Puskesmas 11" in response.content.decode()
    assert big_page == small_page <= 18


def test_pending_count_follows_the_verify_indirect_policy(cast, work):
    from kinerja.people.selectors import team_of

    submitted(cast, work, "pegawai")
    atasan_team = team_of(cast.atasan, work.today)
    kadis_team = team_of(cast.kadis, work.today)
    assert monitoring.pending_count(cast.atasan, atasan_team) == 1
    assert monitoring.pending_count(cast.kadis, kadis_team) == 0
    assert monitoring.pending_count(cast.pegawai, []) == 0
    ActivityPolicy.objects.create(instansi=cast.instansi, verify_indirect=True)
    assert monitoring.pending_count(cast.kadis, kadis_team) == 1
    one, _n = count_queries(lambda: monitoring.pending_count(cast.kadis, kadis_team))
    assert one == 1


def test_home_shows_the_supervisor_the_logs_waiting(cast, work, client_for):
    submitted(cast, work, "pegawai")
    submitted(cast, work, "pegawai2", hour=9)
    body = client_for(cast.atasan).get("/").content.decode()
    assert "<strong>2</strong> <a href=\"/verifikasi/\">" in body
    assert "/pemantauan/tim/" in body
    admin = client_for(cast.accounts["admin_opd"]).get("/").content.decode()
    assert f"/pemantauan/opd/{cast.opds['dinkes'].pk}/" in admin


def test_team_page_links_opd_compliance_for_those_who_may_see_it(cast, client_for):
    assert "/pemantauan/opd/" in client_for(cast.accounts["admin_opd"]).get(TEAM).content.decode()
    assert "/pemantauan/opd/\"" not in client_for(cast.atasan).get(TEAM).content.decode()
