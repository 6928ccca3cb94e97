"""Assignment pages: lists with open and overdue highlighted, giving work, the assignment's page
(actions per viewer, progress, comments, logs against it), the team view; bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinerja.activities import services
from kinerja.activities.models import Assignment, AssignmentComment, AssignmentStatus
from kinerja.activities.testing import log
from kinerja.people.access import today_in

pytestmark = pytest.mark.django_db


def give(cast, *who, by="atasan", days=5, title="Rekap surat masuk", **extra):
    actor = cast.accounts[by]
    return services.assignment_create(
        actor=actor,
        assignee_ids=[cast.people[w].pk for w in who or ("pegawai",)],
        title=title,
        due_date=today_in(actor) + dt.timedelta(days=days),
        **extra,
    )


def overdue(assignment, days=3):
    Assignment.objects.filter(pk=assignment.pk).update(
        due_date=dt.date.today() - dt.timedelta(days=days)
    )


# --- Lists ----------------------------------------------------------------------------------


def test_received_list_highlights_overdue_and_shows_progress(cast, client_for):
    late, fine = give(cast, title="Laporan terlambat")[0], give(cast, title="Rekap biasa")[0]
    overdue(late)
    services.assignment_progress(actor=cast.pegawai, assignment=fine, percent=60)
    html = client_for(cast.pegawai).get(reverse("assignment_list")).content.decode()
    assert "Laporan terlambat" in html and "Rekap biasa" in html
    assert "asg-overdue" in html and "Overdue" in html
    assert 'value="60"' in html
    assert html.index("Laporan terlambat") < html.index("Rekap biasa")  # soonest due first


def test_given_tab_lists_what_the_supervisor_gave(cast, client_for):
    give(cast, "pegawai", "pegawai2", title="Arsip")
    client = client_for(cast.atasan)
    received = client.get(reverse("assignment_list")).content.decode()
    assert "Arsip" not in received
    given = client.get(reverse("assignment_list") + "?tab=diberikan").content.decode()
    assert given.count("Arsip") == 2
    assert "Dewi Pelaksana" in given and "Eko Pelaksana" in given


def test_closed_ones_leave_the_open_filter(cast, client_for):
    (a,) = give(cast, title="Dibatalkan")
    services.assignment_transition(actor=cast.atasan, assignment=a, action="cancel")
    client = client_for(cast.pegawai)
    assert "Dibatalkan" not in client.get(reverse("assignment_list")).content.decode()
    closed = client.get(reverse("assignment_list") + "?status=selesai").content.decode()
    assert "Dibatalkan" in closed


def test_htmx_tab_switch_answers_the_partial(cast, client_for):
    give(cast)
    response = client_for(cast.atasan).get(
        reverse("assignment_list") + "?tab=diberikan", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and "Rekap surat masuk" in html


@pytest.mark.parametrize("url", ["assignment_list", "assignment_team"])
def test_list_queries_do_not_grow_with_rows(cast, client_for, django_assert_max_num_queries, url):
    def load():
        client = client_for(cast.kadis)
        with django_assert_max_num_queries(16):
            response = client.get(reverse(url) + "?tab=diberikan")
        assert response.status_code == 200

    give(cast, "pegawai", by="kadis")
    load()
    for i in range(6):
        give(cast, "pegawai", "pegawai2", "staf_kasi", "kasi", by="kadis", title=f"Tugas {i}")
    load()


def test_team_view_shows_the_teams_open_assignments_whoever_gave_them(cast, client_for):
    give(cast, "pegawai", title="Dari kasubag")
    give(cast, "staf_kasi", by="kasi", title="Dari kasi")
    (late,) = give(cast, "pegawai2", title="Terlambat")
    overdue(late)
    (done,) = give(cast, "pegawai", title="Selesai dibatalkan")
    services.assignment_transition(actor=cast.atasan, assignment=done, action="cancel")
    kadis = client_for(cast.kadis).get(reverse("assignment_team")).content.decode()
    assert all(t in kadis for t in ("Dari kasubag", "Dari kasi", "Terlambat"))
    assert "Selesai dibatalkan" not in kadis and "asg-overdue" in kadis
    atasan = client_for(cast.atasan).get(reverse("assignment_team")).content.decode()
    assert "Dari kasubag" in atasan and "Dari kasi" not in atasan
    pegawai = client_for(cast.pegawai).get(reverse("assignment_team")).content.decode()
    assert "Dari kasubag" not in pegawai


# --- Giving work ----------------------------------------------------------------------------


def test_new_form_lists_direct_and_indirect_subordinates_and_own_rhk(cast, plan, client_for):
    html = client_for(cast.atasan).get(reverse("assignment_new")).content.decode()
    assert "Dewi Pelaksana" in html and "Eko Pelaksana" in html
    assert plan.rhk["atasan"].text in html and plan.rhk["kadis"].text not in html
    kadis = client_for(cast.kadis).get(reverse("assignment_new")).content.decode()
    assert "Indirect subordinates" in kadis and "Gita Pengelola" in kadis


def test_give_to_several_creates_one_each(cast, plan, client_for):
    client = client_for(cast.atasan)
    data = {
        "assignees": [cast.people["pegawai"].pk, cast.people["pegawai2"].pk],
        "title": "Inventaris",
        "description": "Hitung barang",
        "rhk": plan.rhk["atasan"].pk,
        "due_date": (today_in(cast.atasan) + dt.timedelta(days=3)).isoformat(),
        "priority": "tinggi",
    }
    response = client.post(reverse("assignment_new"), data)
    assert response.status_code == 302 and "tab=diberikan" in response["Location"]
    rows = Assignment.objects.filter(title="Inventaris")
    assert rows.count() == 2 and len({r.batch for r in rows}) == 1
    assert {r.priority for r in rows} == {"tinggi"}


def test_give_refusals_come_back_on_the_form(cast, client_for):
    client = client_for(cast.atasan)
    past = (today_in(cast.atasan) - dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("assignment_new"),
        {
            "assignees": [cast.people["pegawai"].pk],
            "title": "X",
            "due_date": past,
            "priority": "sedang",
        },
    )
    assert response.status_code == 200
    assert "The due date cannot be in the past." in response.content.decode()
    # Someone outside the team is not even a choice.
    response = client.post(
        reverse("assignment_new"),
        {
            "assignees": [cast.people["staf_kasi"].pk],
            "title": "X",
            "due_date": today_in(cast.atasan).isoformat(),
            "priority": "sedang",
        },
    )
    assert response.status_code == 200 and not Assignment.objects.exists()


def test_someone_without_subordinates_is_told(cast, client_for):
    html = client_for(cast.pegawai).get(reverse("assignment_new")).content.decode()
    assert "No subordinates" in html and '<form method="post" class="card asg-form"' not in html


# --- One assignment -------------------------------------------------------------------------


def test_assignee_sees_own_steps_and_progress_form(cast, client_for):
    (a,) = give(cast)
    html = client_for(cast.pegawai).get(reverse("assignment_detail", args=[a.pk])).content.decode()
    assert 'value="accept"' in html and 'value="start"' in html and 'value="cancel"' not in html
    assert 'name="percent"' in html and 'name="text"' in html


def test_assigner_sees_cancel_but_no_progress_form(cast, client_for):
    (a,) = give(cast)
    html = client_for(cast.atasan).get(reverse("assignment_detail", args=[a.pk])).content.decode()
    assert 'value="cancel"' in html and 'value="accept"' not in html
    assert 'name="percent"' not in html and 'name="text"' in html


def test_a_viewer_from_above_only_reads(cast, client_for):
    (a,) = give(cast)
    html = client_for(cast.kadis).get(reverse("assignment_detail", args=[a.pk])).content.decode()
    assert (
        'name="action"' not in html and 'name="percent"' not in html and 'name="text"' not in html
    )


def test_walk_through_the_pages(cast, client_for):
    (a,) = give(cast)
    pegawai = client_for(cast.pegawai)
    url = reverse("assignment_detail", args=[a.pk])
    assert (
        pegawai.post(reverse("assignment_transition", args=[a.pk]), {"action": "accept"})[
            "Location"
        ]
        == url
    )
    pegawai.post(reverse("assignment_progress", args=[a.pk]), {"percent": "35"})
    a.refresh_from_db()
    assert (a.status, a.progress) == (AssignmentStatus.IN_PROGRESS, 35)
    pegawai.post(reverse("assignment_transition", args=[a.pk]), {"action": "submit"})
    atasan = client_for(cast.atasan)
    atasan.post(reverse("assignment_transition", args=[a.pk]), {"action": "done"})
    a.refresh_from_db()
    assert a.status == AssignmentStatus.DONE


def test_wrong_role_step_is_403_and_state_refusal_is_a_message(cast, client_for):
    (a,) = give(cast)
    client = client_for(cast.atasan)
    assert (
        client.post(reverse("assignment_transition", args=[a.pk]), {"action": "accept"}).status_code
        == 403
    )
    response = client.post(
        reverse("assignment_transition", args=[a.pk]), {"action": "done"}, follow=True
    )
    assert "This cannot be done to an assignment that is assigned." in response.content.decode()


def test_bad_progress_is_a_message(cast, client_for):
    (a,) = give(cast)
    client = client_for(cast.pegawai)
    for value in ("abc", "150"):
        response = client.post(
            reverse("assignment_progress", args=[a.pk]), {"percent": value}, follow=True
        )
        assert "Progress is a whole number from 0 to 100." in response.content.decode()


def test_comment_thread_on_the_page_and_by_htmx(cast, client_for):
    (a,) = give(cast)
    client_for(cast.pegawai).post(
        reverse("assignment_comment", args=[a.pk]), {"text": "Formatnya apa?"}
    )
    response = client_for(cast.atasan).post(
        reverse("assignment_comment", args=[a.pk]), {"text": "Excel saja"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and "Formatnya apa?" in html and "Excel saja" in html
    assert AssignmentComment.objects.filter(assignment=a).count() == 2
    empty = client_for(cast.atasan).post(
        reverse("assignment_comment", args=[a.pk]), {"text": " "}, HTTP_HX_REQUEST="true"
    )
    assert "Write a comment first." in empty.content.decode()


def test_logs_against_the_assignment_are_listed(cast, work, client_for):
    (a,) = give(cast)
    log(cast, "pegawai", work, rhk=None, assignment=a, description="Mengumpulkan data rekap")
    html = client_for(cast.atasan).get(reverse("assignment_detail", args=[a.pk])).content.decode()
    assert "Mengumpulkan data rekap" in html


@pytest.mark.parametrize("who", ["outsider", "kasi", "pegawai2"])
def test_outsiders_get_404(cast, client_for, who):
    (a,) = give(cast)
    client = client_for(cast.accounts[who])
    assert client.get(reverse("assignment_detail", args=[a.pk])).status_code == 404
    assert client.post(reverse("assignment_comment", args=[a.pk]), {"text": "x"}).status_code == 404
