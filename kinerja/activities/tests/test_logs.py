"""Activity logs: plausibility refusals and flags, workflow per role, locked months."""

from __future__ import annotations

import datetime as dt

import pytest

from kinerja.activities import services
from kinerja.activities.models import Activity, ActivityStatus
from kinerja.activities.testing import log
from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.people.models import Leave

pytestmark = pytest.mark.django_db


def _weekday_before(day: dt.date) -> dt.date:
    while day.isoweekday() > 5:
        day -= dt.timedelta(days=1)
    return day


def test_log_submit_verify(cast, work):
    activity = log(cast, "pegawai", work)
    assert activity.minutes == 60 and activity.status == ActivityStatus.DRAFT
    services.activity_submit(actor=cast.pegawai, activity=activity)
    services.activity_verify(actor=cast.atasan, activity=activity)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.VERIFIED
    assert activity.verified_by == cast.people["atasan"]


def test_return_with_reason_then_fix_and_resubmit(cast, work):
    activity = log(cast, "pegawai", work)
    services.activity_submit(actor=cast.pegawai, activity=activity)
    services.activity_return(actor=cast.atasan, activity=activity, reason="Bukti kurang")
    assert activity.status == ActivityStatus.RETURNED and activity.return_reason == "Bukti kurang"
    from kinerja.people.models import Notification

    assert Notification.objects.filter(account=cast.pegawai, kind="activity_returned").exists()
    services.activity_save(actor=cast.pegawai, activity=activity, date=activity.date,
                           start_time=activity.start_time, end_time=activity.end_time,
                           description="Mencatat 5 surat masuk", output_unit="surat",
                           rhk=work.rhk["pegawai"])
    services.activity_submit(actor=cast.pegawai, activity=activity)
    assert activity.status == ActivityStatus.SUBMITTED


@pytest.mark.parametrize("who", ["sekretaris", "kadis", "pegawai2", "admin_opd", "admin_bkpsdm",
                                 "outsider"])
def test_only_the_rating_supervisor_verifies(cast, work, who):
    activity = log(cast, "pegawai", work)
    services.activity_submit(actor=cast.pegawai, activity=activity)
    with pytest.raises(Forbidden):
        services.activity_verify(actor=cast.accounts[who], activity=activity)
    result = services.activity_verify_many(actor=cast.accounts[who], ids=[activity.pk])
    assert result == {"verified": [], "refused": [activity.pk]}


def test_indirect_supervisor_verifies_where_the_instansi_allows(cast, work):
    from kinerja.activities.models import ActivityPolicy

    ActivityPolicy.objects.create(instansi=cast.instansi, verify_indirect=True)
    activity = log(cast, "pegawai", work)
    services.activity_submit(actor=cast.pegawai, activity=activity)
    services.activity_verify(actor=cast.sekretaris, activity=activity)
    assert activity.status == ActivityStatus.VERIFIED


def test_bulk_verify_is_one_update_and_audited(cast, work, django_assert_max_num_queries):
    ids = []
    for hour in range(8, 13):
        a = log(cast, "pegawai", work, start=(hour, 0), end=(hour, 50))
        services.activity_submit(actor=cast.pegawai, activity=a)
        ids.append(a.pk)
    draft = log(cast, "pegawai2", work)
    with django_assert_max_num_queries(14):
        result = services.activity_verify_many(actor=cast.atasan, ids=[*ids, draft.pk, 999999])
    assert sorted(result["verified"]) == sorted(ids)
    assert result["refused"] == [draft.pk, 999999]
    assert Activity.objects.filter(pk__in=ids, status="diverifikasi").count() == 5


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"start": (10, 0), "end": (9, 0)}, "end_before_start"),
        ({"start": (8, 30), "end": (9, 30)}, "overlap"),
        ({"start": (9, 0), "end": (19, 0)}, "daily_total_exceeded"),
    ],
)
def test_plausibility_refusals(cast, work, kwargs, code):
    log(cast, "pegawai", work)  # 08:00-09:00
    with pytest.raises(ApplicationError) as caught:
        log(cast, "pegawai", work, **kwargs)
    assert caught.value.code == code
    assert Activity.objects.filter(pegawai=cast.people["pegawai"]).count() == 1


def test_future_date_is_refused(cast, work):
    with pytest.raises(ApplicationError) as caught:
        log(cast, "pegawai", work, date=work.today + dt.timedelta(days=1))
    assert caught.value.code in ("future_date", "rhk_not_approved")


def test_leave_and_odd_hours_are_flagged_not_refused(cast, work):
    day = _weekday_before(work.today)
    Leave.objects.create(instansi=cast.instansi, pegawai=cast.people["pegawai"], kind="tahunan",
                         start_date=day, end_date=day)
    activity = log(cast, "pegawai", work, date=day, start=(17, 0), end=(18, 0))
    assert set(activity.flags) == {"on_leave", "outside_hours"}


def test_locked_month_refuses_edits(cast, work):
    from kinerja.core.models import PerformanceMonth

    activity = log(cast, "pegawai", work)
    PerformanceMonth.objects.filter(performance_year__instansi=cast.instansi,
                                    month=work.today.month).update(state="closed")
    with pytest.raises(Conflict) as caught:
        services.activity_submit(actor=cast.pegawai, activity=activity)
    assert caught.value.code == "period_closed"


def test_rhk_of_someone_else_is_refused(cast, work):
    with pytest.raises(ApplicationError) as caught:
        log(cast, "pegawai", work, rhk=work.rhk["pegawai2"])
    assert caught.value.code == "rhk_not_approved"


def test_work_on_an_assignment_cannot_be_dated_before_it_was_given(cast, work):
    """The evaluation counts an assignment from the day it was given; a log dated earlier would
    be accepted and then silently count for nothing."""
    from kinerja.people.access import today_in

    today = today_in(cast.pegawai)
    assignment = services.assignment_create(
        actor=cast.atasan, assignee_ids=[cast.people["pegawai"].pk], title="Rekap surat",
        description="", due_date=today + dt.timedelta(days=5),
    )[0]
    earlier = _weekday_before(today - dt.timedelta(days=1))
    with pytest.raises(ApplicationError) as refused:
        log(cast, "pegawai", work, date=earlier, rhk=None, assignment=assignment)
    assert refused.value.code == "assignment_not_yet_given"
    assert today.isoformat() in refused.value.message
    assert not Activity.objects.filter(assignment=assignment).exists()
    logged = log(cast, "pegawai", work, date=today, rhk=None, assignment=assignment)
    assert logged.assignment_id == assignment.pk
