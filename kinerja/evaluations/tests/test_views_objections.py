"""The objection pages: who sees the list and one objection, the decide form only for the one
who decides, deciding upheld (the predikat follows the matrix of the new ratings) and rejected
(it stays), refusals on the form, bounded queries. Assertions use values, ids and data
attributes, not the wording, except where English is the point (tests run in English)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinerja.evaluations import services
from kinerja.evaluations.models import Evaluation, Objection
from kinerja.evaluations.testing import finalised

pytestmark = pytest.mark.django_db

LIST = "/keberatan/"


def detail(objection: Objection) -> str:
    return f"/keberatan/{objection.pk}/"


@pytest.fixture
def objection(cast, ev) -> Objection:
    """The pegawai objects to the finalised evaluation (sesuai/sesuai: baik); sekretaris, the
    atasan's atasan, decides."""
    evaluation = finalised(cast, ev.evaluation)
    return services.objection_file(
        actor=cast.pegawai, evaluation=evaluation, reason="Hasil kerja saya melebihi target"
    )


def test_url_names():
    assert reverse("objection_list") == LIST
    assert reverse("objection_detail", args=[7]) == "/keberatan/7/"


def test_decider_sees_it_to_decide_and_the_employee_as_filed(cast, objection, client_for):
    body = client_for(cast.sekretaris).get(LIST).content.decode()
    assert f'id="keberatan-{objection.pk}"' in body
    assert detail(objection) in body
    assert "Hasil kerja saya melebihi target" in body
    body = client_for(cast.pegawai).get(LIST).content.decode()
    assert f'id="keberatan-{objection.pk}"' in body


@pytest.mark.parametrize("who", ["atasan", "kadis", "admin_bkpsdm", "outsider"])
def test_others_have_nothing_in_their_list(cast, objection, client_for, who):
    page = client_for(cast.accounts[who]).get(LIST)
    assert page.status_code == 200
    assert f'id="keberatan-{objection.pk}"' not in page.content.decode()


def test_admin_bkpsdm_decides_where_nobody_is_above_the_supervisor(cast, objection, client_for):
    Objection.objects.filter(pk=objection.pk).update(decider=None)
    body = client_for(cast.admin_bkpsdm).get(LIST).content.decode()
    assert f'id="keberatan-{objection.pk}"' in body


def test_detail_for_the_decider_has_the_form_contract(cast, objection, client_for):
    page = client_for(cast.sekretaris).get(detail(objection))
    assert page.status_code == 200
    body = page.content.decode()
    evaluation = objection.evaluation
    assert cast.people["pegawai"].full_name in body
    assert cast.people["atasan"].full_name in body  # the pejabat penilai
    assert "Hasil kerja saya melebihi target" in body
    assert f"/penilaian/{evaluation.pk}/rincian/" in body
    assert 'data-predikat="baik"' in body
    assert f'action="{detail(objection)}"' in body
    assert 'type="radio" name="outcome" value="dikabulkan"' in body
    assert 'type="radio" name="outcome" value="ditolak"' in body
    assert '<textarea name="note"' in body
    for name in ("hasil_rating", "perilaku_rating"):
        assert f'<select name="{name}"' in body
        for value in ("di_atas", "sesuai", "di_bawah"):
            assert f'value="{value}"' in body
    # Prefilled with the supervisor's ratings.
    assert body.count('<option value="sesuai" selected>') == 2
    assert ">Decide</button>" in body


@pytest.mark.parametrize(
    "who", ["pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor"]
)
def test_those_who_see_the_evaluation_see_the_objection_without_the_form(
    cast, objection, client_for, who
):
    page = client_for(cast.accounts[who]).get(detail(objection))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Hasil kerja saya melebihi target" in body
    assert 'name="outcome"' not in body


def test_outside_the_scope_it_does_not_exist(cast, objection, client_for):
    assert client_for(cast.outsider).get(detail(objection)).status_code == 404
    assert client_for(cast.outsider).post(
        detail(objection), {"outcome": "ditolak", "note": "x"}
    ).status_code == 404
    assert client_for(cast.sekretaris).get("/keberatan/999999/").status_code == 404


@pytest.mark.parametrize("who", ["pegawai", "atasan", "kadis", "admin_bkpsdm"])
def test_deciding_by_someone_else_is_forbidden(cast, objection, client_for, who):
    page = client_for(cast.accounts[who]).post(
        detail(objection),
        {"outcome": "dikabulkan", "note": "Saya kabulkan", "hasil_rating": "di_atas",
         "perilaku_rating": "di_atas"},
    )
    assert page.status_code == 403
    objection.refresh_from_db()
    assert objection.status == "diajukan"


def test_upheld_sets_the_ratings_and_the_predikat_follows_the_matrix(cast, objection, client_for):
    client = client_for(cast.sekretaris)
    page = client.post(
        detail(objection),
        {"outcome": "dikabulkan", "note": "Bukti kinerja cukup", "hasil_rating": "di_atas",
         "perilaku_rating": "di_atas"},
    )
    assert page.status_code == 302 and page["Location"] == detail(objection)
    objection.refresh_from_db()
    evaluation = Evaluation.objects.get(pk=objection.evaluation_id)
    assert objection.status == "dikabulkan"
    assert objection.decided_predikat == "sangat_baik"
    assert evaluation.status == "diputus"
    assert (evaluation.hasil_rating, evaluation.perilaku_rating) == ("di_atas", "di_atas")
    assert evaluation.predikat == "sangat_baik"
    body = client.get(detail(objection)).content.decode()
    assert 'name="outcome"' not in body
    assert "Bukti kinerja cukup" in body
    assert 'data-predikat="sangat_baik"' in body
    # The employee sees the decision too.
    body = client_for(cast.pegawai).get(detail(objection)).content.decode()
    assert 'data-status="dikabulkan"' in body and "Bukti kinerja cukup" in body


def test_rejected_keeps_the_predikat(cast, objection, client_for):
    page = client_for(cast.sekretaris).post(
        detail(objection),
        {"outcome": "ditolak", "note": "Penilaian sudah sesuai", "hasil_rating": "di_atas",
         "perilaku_rating": "di_atas"},
    )
    assert page.status_code == 302
    objection.refresh_from_db()
    evaluation = Evaluation.objects.get(pk=objection.evaluation_id)
    assert objection.status == "ditolak"
    assert evaluation.predikat == "baik"
    assert (evaluation.hasil_rating, evaluation.perilaku_rating) == ("sesuai", "sesuai")
    assert evaluation.status == "diputus"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "ditolak", "note": ""}, "note"),
        ({"outcome": "", "note": "Alasan"}, "outcome"),
        ({"outcome": "dikabulkan", "note": "Alasan", "hasil_rating": "",
          "perilaku_rating": "sesuai"}, "hasil_rating"),
        ({"outcome": "dikabulkan", "note": "   ", "hasil_rating": "sesuai",
          "perilaku_rating": "sesuai"}, "note"),
    ],
)
def test_refusals_come_back_on_the_form(cast, objection, client_for, data, field):
    page = client_for(cast.sekretaris).post(detail(objection), data)
    assert page.status_code == 200
    assert field in page.context["form"].errors
    body = page.content.decode()
    assert 'role="alert"' in body or "errorlist" in body
    objection.refresh_from_db()
    assert objection.status == "diajukan"


def test_deciding_twice_says_it_was_decided(cast, objection, client_for):
    client = client_for(cast.sekretaris)
    data = {"outcome": "ditolak", "note": "Tetap"}
    assert client.post(detail(objection), data).status_code == 302
    again = client.post(detail(objection), data, follow=True)
    assert again.status_code == 200
    assert [m.level_tag for m in again.context["messages"]][-1] == "error"
    objection.refresh_from_db()
    assert objection.status == "ditolak" and objection.decision_note == "Tetap"


def test_decided_by_you_lists_the_decision(cast, objection, client_for):
    client = client_for(cast.sekretaris)
    client.post(detail(objection), {"outcome": "ditolak", "note": "Tetap"})
    page = client.get(LIST)
    assert [r.objection.pk for r in page.context["to_decide"]] == []
    assert [r.objection.pk for r in page.context["decided"]] == [objection.pk]


@pytest.mark.indonesian
def test_the_page_renders_in_indonesian(cast, objection, client_for):
    page = client_for(cast.sekretaris).get(detail(objection))
    assert page.status_code == 200
    assert 'name="outcome"' in page.content.decode()


def _more_objections(cast, ev, n: int) -> None:
    """n more open objections for sekretaris to decide and for the pegawai (copies of the
    evaluation in other months of the year, each under objection)."""
    base = Evaluation.objects.get(pk=ev.evaluation.pk)
    taken = set(
        Evaluation.objects.filter(skp_id=base.skp_id, period_kind=base.period_kind)
        .values_list("period_no", flat=True)
    )
    free = [m for m in range(1, 13) if m not in taken][:n]
    assert len(free) == n
    for number in free:
        copy = Evaluation.objects.get(pk=base.pk)
        copy.pk = None
        copy.period_no = number
        copy.status = "keberatan"
        copy.save()
        Objection.objects.create(
            instansi=cast.instansi, evaluation=copy, filed_by=cast.people["pegawai"],
            reason="Lagi", filed_at=base.finalised_at, decider=cast.people["sekretaris"],
            original_predikat="baik",
        )


def test_list_queries_do_not_grow_with_the_objections(cast, ev, objection, client_for,
                                                       django_assert_max_num_queries):
    decider = client_for(cast.sekretaris)
    decider.get(LIST)  # the first request after logging in does more
    with django_assert_max_num_queries(12) as small:
        decider.get(LIST)
    _more_objections(cast, ev, 4)
    with django_assert_max_num_queries(12) as large:
        page = decider.get(LIST)
    assert len(page.context["to_decide"]) == 5
    assert len(large.captured_queries) == len(small.captured_queries)
    employee = client_for(cast.pegawai)
    employee.get(LIST)
    with django_assert_max_num_queries(12):
        page = employee.get(LIST)
    assert len(page.context["filed"]) == 5


def test_detail_queries_are_bounded(cast, objection, client_for, django_assert_max_num_queries):
    client = client_for(cast.sekretaris)
    client.get(LIST)
    with django_assert_max_num_queries(15):
        assert client.get(detail(objection)).status_code == 200
