"""Assignments (penugasan): who may give them to whom, the workflow per role, progress,
comments, notifications and the once-only reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from kinerja.activities import rules, services
from kinerja.activities.models import Assignment, AssignmentComment, AssignmentStatus
from kinerja.activities.selectors import get_assignment_for
from kinerja.activities.services.assignments import allowed_actions
from kinerja.core.errors import ApplicationError, Conflict, Forbidden, NotFound
from kinerja.core.models import AuditRecord
from kinerja.people.access import today_in
from kinerja.people.models import Notification

pytestmark = pytest.mark.django_db


def give(cast, *who, by="atasan", days=5, **extra):
    actor = cast.accounts[by]
    values = {
        "title": "Rekap surat masuk",
        "description": "Rekap bulan ini",
        "due_date": today_in(actor) + dt.timedelta(days=days),
    }
    values.update(extra)
    return services.assignment_create(
        actor=actor, assignee_ids=[cast.people[w].pk for w in who or ("pegawai",)], **values
    )


def notes(cast, who, kind):
    return Notification.objects.filter(account=cast.accounts[who], kind=kind)


# --- Creating -------------------------------------------------------------------------------


def test_one_row_per_assignee_sharing_a_batch_each_notified_and_audited(cast):
    rows = give(cast, "pegawai", "pegawai2")
    assert len(rows) == 2 and len({r.batch for r in rows}) == 1
    assert {r.assignee_id for r in rows} == {cast.people["pegawai"].pk, cast.people["pegawai2"].pk}
    assert all(r.status == AssignmentStatus.ASSIGNED and r.progress == 0 for r in rows)
    for who, row in zip(("pegawai", "pegawai2"), rows, strict=True):
        note = notes(cast, who, "assignment_new").get()
        assert "Rekap surat masuk" in note.title and note.link == f"/penugasan/{row.pk}/"
    assert AuditRecord.objects.filter(action="assignment.create").count() == 2


def test_duplicate_assignee_ids_give_one_row(cast):
    actor = cast.atasan
    rows = services.assignment_create(
        actor=actor,
        assignee_ids=[cast.people["pegawai"].pk, cast.people["pegawai"].pk],
        title="Satu",
        due_date=today_in(actor),
    )
    assert len(rows) == 1


def test_indirect_subordinates_may_be_assigned(cast):
    rows = give(cast, "pegawai", "staf_kasi", by="kadis")
    assert {r.assigner_id for r in rows} == {cast.people["kadis"].pk}


@pytest.mark.parametrize(
    "by,to",
    [
        ("pegawai", "pegawai2"),  # a peer
        ("pegawai", "atasan"),  # upwards
        ("atasan", "staf_kasi"),  # another supervisor's line
        ("kasi", "pegawai"),
        ("outsider", "pegawai"),
        ("admin_bkpsdm", "pegawai"),  # an admin is not a supervisor
    ],
)
def test_only_subordinates_can_be_assigned(cast, by, to):
    with pytest.raises(Forbidden) as err:
        give(cast, to, by=by)
    assert err.value.code == "not_subordinate"
    assert not Assignment.objects.exists()


def test_account_without_a_person_cannot_assign(cast):
    with pytest.raises(Forbidden):
        give(cast, "pegawai", by="pimpinan")


def test_due_date_in_the_past_is_refused_today_is_fine(cast):
    with pytest.raises(ApplicationError) as err:
        give(cast, days=-1)
    assert err.value.code == "due_date_past"
    assert give(cast, days=0)


@pytest.mark.parametrize(
    "extra,code",
    [
        ({"title": "   "}, "title_required"),
        ({"title": "x" * 201}, "title_too_long"),
        ({"priority": "darurat"}, "priority_invalid"),
    ],
)
def test_invalid_input_is_refused(cast, extra, code):
    with pytest.raises(ApplicationError) as err:
        give(cast, **extra)
    assert err.value.code == code


def test_no_assignee_is_refused(cast):
    with pytest.raises(ApplicationError) as err:
        services.assignment_create(
            actor=cast.atasan, assignee_ids=[], title="X", due_date=today_in(cast.atasan)
        )
    assert err.value.code == "assignee_required"


def test_rhk_must_be_the_assigners_approved_rhk(cast, plan):
    (row,) = give(cast, rhk=plan.rhk["atasan"])
    assert row.rhk == plan.rhk["atasan"]
    for other in (plan.rhk["kadis"], plan.rhk["sekretaris"]):
        with pytest.raises(ApplicationError) as err:
            give(cast, rhk=other)
        assert err.value.code == "rhk_not_approved"


# --- Workflow per role ----------------------------------------------------------------------


def test_full_workflow(cast):
    (a,) = give(cast)
    for who, action, status in [
        ("pegawai", "accept", AssignmentStatus.ACCEPTED),
        ("pegawai", "start", AssignmentStatus.IN_PROGRESS),
        ("pegawai", "submit", AssignmentStatus.SUBMITTED),
        ("atasan", "reopen", AssignmentStatus.IN_PROGRESS),
        ("pegawai", "submit", AssignmentStatus.SUBMITTED),
        ("atasan", "done", AssignmentStatus.DONE),
    ]:
        services.assignment_transition(actor=cast.accounts[who], assignment=a, action=action)
        assert a.status == status
    a.refresh_from_db()
    assert a.progress == 100 and a.closed_at is not None
    actions = list(
        AuditRecord.objects.filter(object_id=str(a.pk), object_type="activities.assignment")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "assignment.create",
        "assignment.accept",
        "assignment.start",
        "assignment.submit",
        "assignment.reopen",
        "assignment.submit",
        "assignment.done",
    ]
    assert notes(cast, "atasan", "assignment_submitted").count() == 2
    assert notes(cast, "pegawai", "assignment_reopen").count() == 1
    assert notes(cast, "pegawai", "assignment_done").count() == 1


@pytest.mark.parametrize("action", ["done", "reopen", "cancel"])
def test_assignee_cannot_take_the_assigners_steps(cast, action):
    (a,) = give(cast)
    services.assignment_transition(actor=cast.pegawai, assignment=a, action="start")
    services.assignment_transition(actor=cast.pegawai, assignment=a, action="submit")
    with pytest.raises(Forbidden):
        services.assignment_transition(actor=cast.pegawai, assignment=a, action=action)


@pytest.mark.parametrize("action", ["accept", "start", "submit"])
def test_assigner_cannot_take_the_assignees_steps(cast, action):
    (a,) = give(cast)
    with pytest.raises(Forbidden):
        services.assignment_transition(actor=cast.atasan, assignment=a, action=action)


@pytest.mark.parametrize("who", ["kadis", "admin_opd", "admin_bkpsdm", "pegawai2"])
def test_others_who_see_it_cannot_act(cast, who):
    (a,) = give(cast)
    for action in rules.ASSIGNMENT_TRANSITIONS:
        with pytest.raises(Forbidden):
            services.assignment_transition(actor=cast.accounts[who], assignment=a, action=action)
    with pytest.raises(Forbidden):
        services.assignment_progress(actor=cast.accounts[who], assignment=a, percent=10)
    with pytest.raises(Forbidden):
        services.assignment_comment_add(actor=cast.accounts[who], assignment=a, text="Hai")


@pytest.mark.parametrize("who", ["outsider", "kasi", "staf_kasi"])
def test_outsiders_do_not_find_it(cast, who):
    (a,) = give(cast)
    with pytest.raises(NotFound):
        get_assignment_for(cast.accounts[who], a.pk)


def test_another_supervisors_assignment_is_not_found_by_a_peer_supervisor(cast):
    (a,) = give(cast, "staf_kasi", by="kasi")
    with pytest.raises(NotFound):
        get_assignment_for(cast.atasan, a.pk)
    # The kadis sees the line below (indirect) but may not act in the kasi's place.
    assert get_assignment_for(cast.kadis, a.pk) == a
    with pytest.raises(Forbidden):
        services.assignment_transition(actor=cast.kadis, assignment=a, action="cancel")


def test_step_not_allowed_in_the_state_is_a_conflict(cast):
    (a,) = give(cast)
    with pytest.raises(Conflict):
        services.assignment_transition(actor=cast.atasan, assignment=a, action="done")
    services.assignment_transition(actor=cast.atasan, assignment=a, action="cancel")
    with pytest.raises(Conflict):
        services.assignment_transition(actor=cast.pegawai, assignment=a, action="accept")


def test_unknown_action_is_refused(cast):
    (a,) = give(cast)
    with pytest.raises(ApplicationError) as err:
        services.assignment_transition(actor=cast.pegawai, assignment=a, action="approve")
    assert err.value.code == "unknown_action"


def test_cancel_notifies_and_closes(cast):
    (a,) = give(cast)
    services.assignment_transition(actor=cast.atasan, assignment=a, action="cancel")
    assert a.status == AssignmentStatus.CANCELLED and a.closed_at is not None
    assert notes(cast, "pegawai", "assignment_cancel").exists()


def test_allowed_actions_follow_role_and_state(cast):
    (a,) = give(cast)
    assert allowed_actions(cast.pegawai, a) == ["accept", "start"]
    assert allowed_actions(cast.atasan, a) == ["cancel"]
    assert allowed_actions(cast.kadis, a) == []


# --- Progress -------------------------------------------------------------------------------


def test_progress_moves_an_assigned_one_to_in_progress(cast):
    (a,) = give(cast)
    services.assignment_progress(actor=cast.pegawai, assignment=a, percent=0)
    assert a.status == AssignmentStatus.ASSIGNED
    services.assignment_progress(actor=cast.pegawai, assignment=a, percent=40)
    a.refresh_from_db()
    assert (a.status, a.progress) == (AssignmentStatus.IN_PROGRESS, 40)
    record = AuditRecord.objects.filter(action="assignment.progress").get()
    assert record.changes["progress"] == [0, 40]


@pytest.mark.parametrize("percent", [-1, 101, 12.5, True])
def test_progress_outside_0_to_100_is_refused(cast, percent):
    (a,) = give(cast)
    with pytest.raises(ApplicationError) as err:
        services.assignment_progress(actor=cast.pegawai, assignment=a, percent=percent)
    assert err.value.code == "progress_invalid"


def test_progress_only_by_the_assignee_and_while_open(cast):
    (a,) = give(cast)
    with pytest.raises(Forbidden):
        services.assignment_progress(actor=cast.atasan, assignment=a, percent=50)
    services.assignment_transition(actor=cast.pegawai, assignment=a, action="start")
    services.assignment_transition(actor=cast.pegawai, assignment=a, action="submit")
    with pytest.raises(Conflict):
        services.assignment_progress(actor=cast.pegawai, assignment=a, percent=50)


# --- Comments -------------------------------------------------------------------------------


def test_comment_thread_between_both_sides_notifies_the_other(cast):
    (a,) = give(cast)
    services.assignment_comment_add(actor=cast.pegawai, assignment=a, text="Data dari mana?")
    services.assignment_comment_add(actor=cast.atasan, assignment=a, text="  Dari SIMPEG.  ")
    thread = list(AssignmentComment.objects.filter(assignment=a).values_list("author", "text"))
    assert thread == [
        (cast.people["pegawai"].pk, "Data dari mana?"),
        (cast.people["atasan"].pk, "Dari SIMPEG."),
    ]
    assert notes(cast, "atasan", "assignment_comment").get().body == "Data dari mana?"
    assert notes(cast, "pegawai", "assignment_comment").get().body == "Dari SIMPEG."
    assert AuditRecord.objects.filter(action="assignment.comment").count() == 2


def test_empty_comment_is_refused(cast):
    (a,) = give(cast)
    with pytest.raises(ApplicationError) as err:
        services.assignment_comment_add(actor=cast.pegawai, assignment=a, text="  ")
    assert err.value.code == "comment_required"


# --- Overdue and reminders ------------------------------------------------------------------


def test_overdue_is_derived_from_the_due_date_and_state(cast):
    (a,) = give(cast)
    today = today_in(cast.atasan)
    a.due_date = today - dt.timedelta(days=1)
    assert a.is_overdue(today) and rules.is_overdue(
        status=a.status, due_date=a.due_date, today=today
    )
    a.status = AssignmentStatus.SUBMITTED
    assert not a.is_overdue(today)


def test_reminders_are_sent_once(cast):
    soon, late, later, closed = (give(cast, days=days)[0] for days in (1, 0, 9, 0))
    today = today_in(cast.atasan)
    Assignment.objects.filter(pk=late.pk).update(due_date=today - dt.timedelta(days=2))
    Assignment.objects.filter(pk=closed.pk).update(
        due_date=today - dt.timedelta(days=2), status=AssignmentStatus.CANCELLED
    )
    first = services.assignment_remind()
    assert first == {"due_soon": 1, "overdue": 2}
    assert [n.link for n in notes(cast, "pegawai", "assignment_due_soon")] == [
        f"/penugasan/{soon.pk}/"
    ]
    assert [n.link for n in notes(cast, "pegawai", "assignment_overdue")] == [
        f"/penugasan/{late.pk}/"
    ]
    assert notes(cast, "atasan", "assignment_overdue").count() == 1
    assert services.assignment_remind() == {"due_soon": 0, "overdue": 0}
    assert Notification.objects.filter(kind__startswith="assignment_overdue").count() == 2
    assert later.pk not in {
        int(k.split(":")[1])
        for k in Notification.objects.exclude(dedupe_key="").values_list("dedupe_key", flat=True)
    }


def test_second_run_selects_nothing(cast, django_assert_max_num_queries):
    for days in (0, 1, 2):
        give(cast, "pegawai", "pegawai2", days=days)
    services.assignment_remind()
    # Instansi list, then one selection per kind per instansi: nothing is sent.
    with django_assert_max_num_queries(3):
        assert services.assignment_remind() == {"due_soon": 0, "overdue": 0}


def test_remind_command(cast):
    give(cast, days=1)
    call_command("remind_assignments")
    assert notes(cast, "pegawai", "assignment_due_soon").count() == 1
    call_command("remind_assignments")
    assert notes(cast, "pegawai", "assignment_due_soon").count() == 1
