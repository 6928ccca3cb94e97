"""The feedback page: what each account sees (received, given, one team member), the forms a
supervisor gets, adding a note and recording a dialogue (supervisors above the employee only;
an outsider, a subordinate or an unknown id refused with 403), peer notes on a BerAKHLAK value
only where the instansi enables them, refusals on the form, bounded queries. Assertions use
ids, values and the database, not the wording."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinerja.evaluations import services
from kinerja.evaluations.models import Dialogue, EvaluationPolicy, FeedbackNote
from kinerja.people.access import today_in

pytestmark = pytest.mark.django_db

LIST = "/umpan-balik/"
ADD = "/umpan-balik/baru/"
DIALOGUE = "/umpan-balik/dialog/"


def note(cast, author="atasan", about="pegawai", text="Laporan rapi", **extra):
    return services.feedback_note_add(
        actor=cast.accounts[author], pegawai=cast.people[about], text=text, **extra
    )


def dialogue(cast, held_by="atasan", about="pegawai", topics="Capaian bulan ini", **extra):
    return services.dialogue_record(
        actor=cast.accounts[held_by], pegawai=cast.people[about],
        date=extra.pop("date", today_in(cast.pegawai) - dt.timedelta(days=1)), topics=topics,
        **extra,
    )


def enable_peers(cast):
    EvaluationPolicy.objects.update_or_create(
        instansi=cast.instansi, defaults={"peer_feedback": True}
    )


def test_url_names():
    assert reverse("feedback_list") == LIST
    assert reverse("feedback_add") == ADD
    assert reverse("dialogue_add") == DIALOGUE


def test_the_employee_sees_what_they_received_and_no_forms(cast, work, client_for):
    mine = note(cast, text="Surat masuk tertib", value="AK")
    other = note(cast, about="pegawai2", text="Arsip milik orang lain")
    talk = dialogue(cast, topics="Target triwulan", follow_ups="Pelatihan naskah dinas")
    page = client_for(cast.pegawai).get(LIST)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'id="umpan-balik-{mine.pk}"' in body and "Surat masuk tertib" in body
    assert 'data-value="AK"' in body
    assert f'id="umpan-balik-{other.pk}"' not in body
    assert f'id="dialog-{talk.pk}"' in body and "Pelatihan naskah dinas" in body
    assert f'action="{ADD}"' not in body and f'action="{DIALOGUE}"' not in body
    assert page.context["note_form"] is None and page.context["dialogue_form"] is None


def test_a_supervisor_gets_the_forms_with_the_team_and_sees_what_they_gave(cast, work,
                                                                           client_for):
    given = note(cast, text="Bagus sekali")
    page = client_for(cast.atasan).get(LIST)
    body = page.content.decode()
    assert f'action="{ADD}"' in body and f'action="{DIALOGUE}"' in body
    offered = {int(v) for v, _label in page.context["note_form"].fields["pegawai"].widget.choices
               if v}
    assert offered == {cast.people[n].pk for n in ("pegawai", "pegawai2", "admin_opd")}
    assert f'id="umpan-balik-{given.pk}"' in body  # given by you
    assert [r.note.pk for r in page.context["given_notes"]] == [given.pk]
    # Values of BerAKHLAK are offered by code.
    for code in ("BO", "AK", "KO", "HA", "LO", "AD", "KL"):
        assert f'<option value="{code}"' in body


@pytest.mark.parametrize("who", ["pegawai", "outsider", "auditor"])
def test_no_forms_for_people_without_a_team(cast, work, client_for, who):
    page = client_for(cast.accounts[who]).get(LIST)
    assert page.status_code == 200
    assert f'action="{ADD}"' not in page.content.decode()


def test_filter_by_team_member_shows_everything_about_them_and_their_rhk(cast, work, client_for):
    by_kadis = note(cast, author="kadis", text="Dari kepala dinas")
    by_atasan = note(cast, text="Dari kasubag", rhk=work.rhk["pegawai"])
    other = note(cast, about="pegawai2", text="Tentang Eko")
    talk = dialogue(cast)
    pegawai = cast.people["pegawai"]
    page = client_for(cast.atasan).get(LIST, {"pegawai": pegawai.pk})
    assert page.context["chosen"] == pegawai
    assert {r.note.pk for r in page.context["about_notes"]} == {by_kadis.pk, by_atasan.pk}
    assert [d.pk for d in page.context["about_dialogues"]] == [talk.pk]
    body = page.content.decode()
    assert f'id="umpan-balik-{other.pk}"' not in body
    form = page.context["note_form"]
    assert form.initial["pegawai"] == pegawai.pk
    assert list(form.fields["rhk"].queryset) == [work.rhk["pegawai"]]
    assert f'<option value="{work.rhk["pegawai"].pk}"' in body


def test_filter_outside_the_team_is_ignored(cast, work, client_for):
    page = client_for(cast.atasan).get(LIST, {"pegawai": cast.people["outsider"].pk})
    assert page.status_code == 200
    assert page.context["chosen"] is None
    assert page.context["filter_form"].errors


@pytest.mark.parametrize("who", ["atasan", "kadis"])
def test_supervisors_add_a_note(cast, work, client_for, who):
    pegawai = cast.people["pegawai"]
    response = client_for(cast.accounts[who]).post(ADD, {
        "pegawai": pegawai.pk, "text": "Pelayanan ramah", "rhk": work.rhk["pegawai"].pk,
        "value": "BO", "date": (today_in(cast.pegawai) - dt.timedelta(days=2)).isoformat(),
    })
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?pegawai={pegawai.pk}"
    [saved] = FeedbackNote.objects.all()
    assert (saved.pegawai, saved.author, saved.kind) == (
        pegawai, cast.people[who], "atasan"
    )
    assert (saved.rhk, saved.value, saved.text) == (work.rhk["pegawai"], "BO", "Pelayanan ramah")
    assert saved.date == today_in(cast.pegawai) - dt.timedelta(days=2)


def test_a_note_without_a_date_is_dated_today(cast, work, client_for):
    client_for(cast.atasan).post(ADD, {"pegawai": cast.people["pegawai"].pk, "text": "Baik"})
    assert FeedbackNote.objects.get().date == today_in(cast.pegawai)


@pytest.mark.parametrize(
    ("who", "about"),
    [("outsider", "pegawai"), ("pegawai", "atasan"), ("pegawai", "pegawai"),
     ("pegawai2", "pegawai"), ("admin_bkpsdm", "pegawai"), ("pimpinan", "pegawai")],
)
def test_others_may_not_add_a_note(cast, work, client_for, who, about):
    response = client_for(cast.accounts[who]).post(
        ADD, {"pegawai": cast.people[about].pk, "text": "Catatan", "value": "AK"}
    )
    assert response.status_code == 403
    assert not FeedbackNote.objects.exists()


def test_an_unknown_or_foreign_person_is_refused_the_same_way(cast, work, client_for):
    from kinerja.testing import build_cast

    foreign = build_cast("kab-lain").people["pegawai"]
    client = client_for(cast.atasan)
    for pk in (foreign.pk, 999_999):
        assert client.post(ADD, {"pegawai": pk, "text": "x"}).status_code == 403
        assert client.post(
            DIALOGUE, {"pegawai": pk, "date": "2020-01-01", "topics": "x"}
        ).status_code == 403
    assert not FeedbackNote.objects.exists() and not Dialogue.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "Baik", "date": "2999-01-01"}, "date"),
        ({"text": "Baik", "value": "XX"}, "value"),
        ({"text": "Baik", "rhk": "other"}, "rhk"),
        ({"text": "Baik", "pegawai": ""}, "pegawai"),
    ],
)
def test_refusals_on_the_note_come_back_on_the_form(cast, work, client_for, data, field):
    body = {"pegawai": cast.people["pegawai"].pk, **data}
    if body.get("rhk") == "other":
        body["rhk"] = work.rhk["pegawai2"].pk  # an RHK of someone else
    page = client_for(cast.atasan).post(ADD, body)
    assert page.status_code == 200
    form = page.context["note_form"]
    assert field in form.errors, form.errors
    assert "has-error" in page.content.decode()
    assert not FeedbackNote.objects.exists()


def test_supervisors_record_a_dialogue_the_employee_then_sees(cast, work, client_for):
    pegawai = cast.people["pegawai"]
    day = today_in(cast.pegawai) - dt.timedelta(days=3)
    response = client_for(cast.atasan).post(DIALOGUE, {
        "pegawai": pegawai.pk, "date": day.isoformat(), "topics": "Kendala arsip",
        "follow_ups": "Ikut bimtek",
    })
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?pegawai={pegawai.pk}"
    [saved] = Dialogue.objects.all()
    assert (saved.pegawai, saved.held_by, saved.date) == (pegawai, cast.people["atasan"], day)
    assert (saved.topics, saved.follow_ups) == ("Kendala arsip", "Ikut bimtek")
    body = client_for(cast.pegawai).get(LIST).content.decode()
    assert f'id="dialog-{saved.pk}"' in body and "Ikut bimtek" in body


@pytest.mark.parametrize(("who", "about"), [("outsider", "pegawai"), ("pegawai", "atasan"),
                                            ("pegawai2", "pegawai")])
def test_others_may_not_record_a_dialogue(cast, work, client_for, who, about):
    enable_peers(cast)  # peers give notes on values, never dialogues
    response = client_for(cast.accounts[who]).post(DIALOGUE, {
        "pegawai": cast.people[about].pk, "date": "2020-01-01", "topics": "Capaian",
    })
    assert response.status_code == 403
    assert not Dialogue.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [({"topics": ""}, "topics"), ({"topics": "  "}, "topics"), ({"date": ""}, "date"),
     ({"date": "2999-01-01"}, "date")],
)
def test_refusals_on_the_dialogue_come_back_on_the_form(cast, work, client_for, data, field):
    body = {"pegawai": cast.people["pegawai"].pk, "date": "2020-01-01", "topics": "Capaian",
            **data}
    page = client_for(cast.atasan).post(DIALOGUE, body)
    assert page.status_code == 200
    assert field in page.context["dialogue_form"].errors
    assert not Dialogue.objects.exists()


def test_no_peer_form_and_no_peer_note_when_the_instansi_has_it_off(cast, work, client_for):
    page = client_for(cast.pegawai).get(LIST)
    assert page.context["peer_form"] is None
    assert 'value="rekan"' not in page.content.decode()
    response = client_for(cast.pegawai2).post(ADD, {
        "jenis": "rekan", "pegawai": cast.people["pegawai"].pk, "text": "Ramah", "value": "HA",
    })
    assert response.status_code == 403
    assert not FeedbackNote.objects.exists()


def test_with_peer_feedback_colleagues_give_a_note_on_a_value_only(cast, work, client_for):
    enable_peers(cast)
    page = client_for(cast.pegawai2).get(LIST)
    form = page.context["peer_form"]
    assert form is not None and "rhk" not in form.fields
    offered = {int(v) for v, _label in form.fields["pegawai"].widget.choices if v}
    # Colleagues under the same kasubag, not oneself.
    assert offered == {cast.people["pegawai"].pk, cast.people["admin_opd"].pk}
    body = page.content.decode()
    assert 'name="jenis" value="rekan"' in body
    client = client_for(cast.pegawai2)
    refused = client.post(ADD, {"jenis": "rekan", "pegawai": cast.people["pegawai"].pk,
                                "text": "Ramah"})
    assert refused.status_code == 200
    assert "value" in refused.context["peer_form"].errors
    response = client.post(ADD, {"jenis": "rekan", "pegawai": cast.people["pegawai"].pk,
                                 "text": "Ramah", "value": "HA"})
    assert response.status_code == 302 and response["Location"] == LIST
    [saved] = FeedbackNote.objects.all()
    assert (saved.kind, saved.value, saved.rhk, saved.author) == (
        "rekan", "HA", None, cast.people["pegawai2"]
    )
    # The colleague's note reaches the employee, marked as a colleague's.
    body = client_for(cast.pegawai).get(LIST).content.decode()
    assert f'id="umpan-balik-{saved.pk}"' in body
    assert 'class="feedback-note is-peer"' in body


def test_a_peer_note_on_an_rhk_is_refused(cast, work, client_for):
    """Without the peer form's hidden field, the supervisor's form is used: the service still
    refuses a colleague's note that is not on a value only."""
    enable_peers(cast)
    page = client_for(cast.pegawai2).post(ADD, {
        "pegawai": cast.people["pegawai"].pk, "text": "Rapi", "rhk": work.rhk["pegawai"].pk,
        "value": "AK",
    })
    assert page.status_code == 200
    assert "value" in page.context["note_form"].errors
    assert not FeedbackNote.objects.exists()


def test_outsiders_are_no_peers_even_when_enabled(cast, work, client_for):
    enable_peers(cast)
    response = client_for(cast.outsider).post(ADD, {
        "jenis": "rekan", "pegawai": cast.people["pegawai"].pk, "text": "x", "value": "AK",
    })
    assert response.status_code == 403


@pytest.mark.indonesian
def test_the_page_renders_in_indonesian(cast, work, client_for):
    note(cast)
    page = client_for(cast.atasan).get(LIST)
    assert page.status_code == 200
    assert f'action="{ADD}"' in page.content.decode()


def _grow(cast, work, n):
    for i in range(n):
        note(cast, text=f"Catatan {i}", rhk=work.rhk["pegawai"], value="AK")
        note(cast, about="pegawai2", text=f"Catatan lain {i}")
        dialogue(cast, topics=f"Dialog {i}")
        dialogue(cast, about="pegawai2", topics=f"Dialog lain {i}")


@pytest.mark.parametrize("who", ["atasan", "pegawai"])
def test_list_queries_do_not_grow_with_the_notes(cast, work, client_for, who,
                                                 django_assert_max_num_queries):
    enable_peers(cast)
    client = client_for(cast.accounts[who])
    client.get(LIST)  # the first request after logging in does more
    _grow(cast, work, 1)
    # About 14 queries, 8 more to find the colleagues where peer feedback is on.
    with django_assert_max_num_queries(24) as small:
        client.get(LIST)
    _grow(cast, work, 5)
    with django_assert_max_num_queries(24) as large:
        client.get(LIST)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_filtered_list_queries_do_not_grow(cast, work, client_for, django_assert_max_num_queries):
    client = client_for(cast.atasan)
    query = {"pegawai": cast.people["pegawai"].pk}
    client.get(LIST)
    _grow(cast, work, 1)
    with django_assert_max_num_queries(20) as small:
        client.get(LIST, query)
    _grow(cast, work, 5)
    with django_assert_max_num_queries(20) as large:
        client.get(LIST, query)
    assert len(large.captured_queries) == len(small.captured_queries)
