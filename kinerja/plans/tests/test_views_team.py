"""The supervisor's and the employee's planning pages around the SKP: team SKP status, the
matriks peran hasil (matrix and hand-down), the monthly plan and starting from an earlier SKP.
Who may see and use each, what they do, and query counts that do not grow with the team."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.core.models import PerformanceMonth, PeriodState
from kinerja.people.models import Pegawai, PositionAssignment
from kinerja.plans import services
from kinerja.plans.models import MonthlyTarget, Rhk, Skp, SkpStatus
from kinerja.plans.testing import add_rhk, open_year, plan_cast, this_year
from kinerja.testing import make_nip

pytestmark = pytest.mark.django_db


def _complete(cast, plan, who="pegawai"):
    """The person's draft SKP with one RHK serving the atasan's (ready to submit)."""
    skp = plan.skp[who] if who in plan.skp else services.skp_create(
        actor=cast.accounts[who], pegawai=cast.people[who], year=plan.year
    )
    add_rhk(cast, who, skp, "Surat masuk tercatat", parent=plan.rhk["atasan"],
            intervention="langsung")
    return skp


def _add_subordinates(cast, count, *, with_skp=True):
    """`count` more people in the pengadministrasi position (below the atasan), each with an
    SKP of this year in a rotating status."""
    year = this_year()
    statuses = [SkpStatus.DRAFT, SkpStatus.SUBMITTED, SkpStatus.APPROVED, SkpStatus.RETURNED]
    jabatan = cast.positions["pengadministrasi"]
    first = Pegawai.objects.count()
    for n in range(first, first + count):
        nip = make_nip(dt.date(1990, 1, 1) + dt.timedelta(days=n), dt.date(2015, 1, 1), 1, n + 1)
        p = Pegawai.objects.create(instansi=cast.instansi, nip=nip, name=f"Staf {n:03d}",
                                   gender="L", birth_date=dt.date(1990, 1, 1))
        PositionAssignment.objects.create(instansi=cast.instansi, pegawai=p, jabatan=jabatan,
                                          kind="definitif", start_date=dt.date(2020, 1, 1))
        if with_skp and n % 5:
            Skp.objects.create(instansi=cast.instansi, pegawai=p, jabatan=jabatan,
                               opd=jabatan.opd, year=year, start_date=dt.date(year, 1, 1),
                               end_date=dt.date(year, 12, 31), form="non_jpt",
                               status=statuses[n % 4])


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


# --- Team SKP status ------------------------------------------------------------------------


def test_team_skp_shows_each_subordinate_with_the_status_of_their_skp(cast, plan, client_for):
    skp = _complete(cast, plan)
    services.skp_submit(actor=cast.pegawai, skp=skp)
    response = client_for(cast.atasan).get("/tim/skp/")
    assert response.status_code == 200
    body = response.content.decode()
    assert cast.people["pegawai"].full_name in body
    assert cast.people["pegawai2"].full_name in body
    assert f'href="/skp/{skp.pk}/"' in body
    assert "Review the SKP" in body  # submitted, and the atasan approves it
    assert "No SKP yet" in body  # pegawai2 has none
    direct = [r.member.pegawai.pk for r in response.context["direct"]]
    assert cast.people["pegawai"].pk in direct and not response.context["indirect"]
    assert response.context["counts"] == {"all": 3, "belum": 2, "menunggu": 1}


def test_team_skp_separates_direct_from_indirect_subordinates(cast, plan, client_for):
    response = client_for(cast.kadis).get("/tim/skp/")
    direct = {r.member.pegawai.pk: r for r in response.context["direct"]}
    indirect = {r.member.pegawai.pk: r for r in response.context["indirect"]}
    assert direct[cast.people["sekretaris"].pk].status == SkpStatus.APPROVED
    # The kabid post is vacant: its kasi is rated by the kadis directly.
    assert cast.people["kasi"].pk in direct
    assert indirect[cast.people["pegawai"].pk].status == SkpStatus.DRAFT
    assert indirect[cast.people["atasan"].pk].status == SkpStatus.APPROVED


def test_team_skp_filters_without_skp_and_waiting_for_approval(cast, plan, client_for):
    skp = _complete(cast, plan)
    services.skp_submit(actor=cast.pegawai, skp=skp)
    client = client_for(cast.atasan)
    without = client.get("/tim/skp/?tampil=belum").context
    assert {r.member.pegawai.pk for r in without["direct"]} == {
        cast.people["pegawai2"].pk, cast.people["admin_opd"].pk,
    }
    waiting = client.get("/tim/skp/?tampil=menunggu").context
    assert [r.member.pegawai.pk for r in waiting["direct"]] == [cast.people["pegawai"].pk]


def test_team_skp_of_another_year_and_a_bad_year(cast, plan, client_for):
    client = client_for(cast.atasan)
    other = client.get(f"/tim/skp/?tahun={plan.year - 1}").context
    assert other["counts"]["belum"] == other["counts"]["all"] == 3
    bad = client.get("/tim/skp/?tahun=abc")
    assert bad.context["year"] == plan.year
    assert "is not a year" in bad.content.decode()


def test_team_skp_htmx_answers_the_list_only(cast, plan, client_for):
    response = client_for(cast.atasan).get("/tim/skp/?tampil=belum", HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert cast.people["pegawai2"].full_name.encode() in response.content


@pytest.mark.parametrize("who", ["pegawai", "outsider", "auditor"])
def test_team_skp_without_subordinates_explains_itself(cast, plan, client_for, who):
    response = client_for(cast.accounts[who]).get("/tim/skp/")
    assert response.status_code == 200
    assert b"No subordinates" in response.content


def test_team_skp_query_count_does_not_grow_with_the_team(cast, plan, client_for):
    client = client_for(cast.atasan)
    _add_subordinates(cast, 2)
    small = _count_queries(client, "/tim/skp/")
    _add_subordinates(cast, 48)
    response = client.get("/tim/skp/")
    assert len(response.context["direct"]) == 53
    assert _count_queries(client, "/tim/skp/") == small
    assert small <= 15


# --- Matriks peran hasil: hand-down -----------------------------------------------------------


def _hand_down_url(plan):
    return f"/rhk/{plan.rhk['atasan'].pk}/turunkan/"


def test_hand_down_form_lists_direct_subordinates_ticked_when_they_can_receive(
    cast, plan, client_for
):
    response = client_for(cast.atasan).get(_hand_down_url(plan))
    assert response.status_code == 200
    names = [row.member.pegawai.pk for _choice, row, _serves in response.context["rows"]]
    assert set(names) == {cast.people[w].pk for w in ("pegawai", "pegawai2", "admin_opd")}
    assert set(response.context["form"].initial["pegawai"]) == set(names)
    body = response.content.decode()
    assert plan.rhk["atasan"].text in body
    assert f'value="{cast.people["pegawai"].pk}"' in body
    assert response.context["form"].initial["text"] == plan.rhk["atasan"].text


def test_hand_down_creates_linked_rhks_and_reports_who_was_skipped(cast, plan, client_for):
    pegawai, pegawai2 = cast.people["pegawai"], cast.people["pegawai2"]
    admin_opd = cast.people["admin_opd"]
    skp = _complete(cast, plan, "admin_opd")
    services.skp_submit(actor=cast.admin_opd, skp=skp)
    response = client_for(cast.atasan).post(
        _hand_down_url(plan),
        {
            "pegawai": [pegawai.pk, pegawai2.pk, admin_opd.pk, cast.people["staf_kasi"].pk],
            "text": "Arsip surat tertata",
            "intervention": "tidak_langsung",
        },
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    # In the pegawai's existing draft, and in a draft opened for pegawai2.
    for person in (pegawai, pegawai2):
        rhk = Rhk.objects.get(skp__pegawai=person, parent=plan.rhk["atasan"])
        assert rhk.text == "Arsip surat tertata" and rhk.intervention == "tidak_langsung"
        assert rhk.skp.status == SkpStatus.DRAFT and rhk.skp.year == plan.year
        assert f"{person.full_name}: RHK added to their draft SKP." in body
    # The submitted SKP is left alone, and said so.
    assert not Rhk.objects.filter(skp__pegawai=admin_opd, text="Arsip surat tertata").exists()
    assert f"{admin_opd.full_name}: skipped, an RHK of theirs already serves this RHK." in body
    # Someone outside the team: reported by number, their name is not the atasan's to see.
    staf_kasi = cast.people["staf_kasi"]
    assert f"Employee #{staf_kasi.pk}: skipped, not your direct subordinate." in body
    assert staf_kasi.full_name not in body
    assert not Rhk.objects.filter(skp__pegawai=cast.people["staf_kasi"]).exists()
    # Now marked as serving it (admin_opd's own RHK did already), so not ticked by default.
    served = {row.member.pegawai.pk for _c, row, serves in response.context["rows"] if serves}
    assert served == {pegawai.pk, pegawai2.pk, admin_opd.pk}
    assert set(response.context["form"].initial["pegawai"]) == set()


def test_hand_down_text_defaults_to_the_rhk_text(cast, plan, client_for):
    client_for(cast.atasan).post(
        _hand_down_url(plan),
        {"pegawai": [cast.people["pegawai"].pk], "text": "", "intervention": "langsung"},
    )
    rhk = Rhk.objects.get(skp__pegawai=cast.people["pegawai"], parent=plan.rhk["atasan"])
    assert rhk.text == plan.rhk["atasan"].text


def test_hand_down_needs_someone_chosen(cast, plan, client_for):
    response = client_for(cast.atasan).post(_hand_down_url(plan), {"intervention": "langsung"})
    assert response.status_code == 200
    assert b"Choose at least one subordinate." in response.content
    assert not Rhk.objects.filter(parent=plan.rhk["atasan"]).exists()


def test_hand_down_of_an_rhk_whose_skp_is_in_revision_is_refused(cast, plan, client_for):
    services.skp_revise(actor=cast.atasan, skp=plan.skp["atasan"])
    client = client_for(cast.atasan)
    page = client.get(_hand_down_url(plan))
    assert b"not approved yet" in page.content
    response = client.post(
        _hand_down_url(plan), {"pegawai": [cast.people["pegawai"].pk], "intervention": "langsung"}
    )
    assert response.status_code == 200
    assert b"is not approved yet" in response.content
    assert not Rhk.objects.filter(parent=plan.rhk["atasan"]).exists()


@pytest.mark.parametrize(
    "who", ["pegawai", "sekretaris", "kadis", "admin_opd", "admin_bkpsdm", "outsider"]
)
def test_only_the_owner_of_the_rhk_opens_its_hand_down(cast, plan, client_for, who):
    client = client_for(cast.accounts[who])
    assert client.get(_hand_down_url(plan)).status_code == 404
    response = client.post(
        _hand_down_url(plan), {"pegawai": [cast.people["pegawai"].pk], "intervention": "langsung"}
    )
    assert response.status_code == 404
    assert not Rhk.objects.filter(parent=plan.rhk["atasan"]).exists()


# --- Matriks peran hasil: the matrix --------------------------------------------------------


def test_team_matrix_marks_where_a_subordinate_serves_an_rhk(cast, plan, client_for):
    _complete(cast, plan)
    response = client_for(cast.atasan).get("/tim/matriks/")
    assert response.status_code == 200
    [(rhk, cells)] = response.context["matrix"]
    assert rhk == plan.rhk["atasan"]
    marks = {member.pegawai.pk: texts for member, texts in cells}
    assert marks[cast.people["pegawai"].pk] == ["Surat masuk tercatat"]
    assert marks[cast.people["pegawai2"].pk] == []
    assert f'href="/rhk/{rhk.pk}/turunkan/"'.encode() in response.content


def test_team_matrix_without_an_approved_skp_says_why(cast, plan, client_for):
    services.skp_revise(actor=cast.atasan, skp=plan.skp["atasan"])
    response = client_for(cast.atasan).get("/tim/matriks/")
    assert response.context["matrix"] == []
    assert b"No approved RHK" in response.content
    empty = client_for(cast.pegawai2).get("/tim/matriks/")
    assert b"You have no SKP for this year yet." in empty.content


def test_team_matrix_query_count_does_not_grow(cast, plan, client_for):
    client = client_for(cast.atasan)
    _complete(cast, plan)
    small = _count_queries(client, "/tim/matriks/")
    _add_subordinates(cast, 30)
    services.skp_revise(actor=cast.atasan, skp=plan.skp["atasan"])
    for n in range(5):
        add_rhk(cast, "atasan", plan.skp["atasan"], f"Tambahan {n}",
                parent=plan.rhk["sekretaris"], intervention="langsung")
    services.skp_submit(actor=cast.atasan, skp=plan.skp["atasan"])
    services.skp_approve(actor=cast.sekretaris, skp=plan.skp["atasan"])
    response = client.get("/tim/matriks/")
    assert len(response.context["matrix"]) == 6 and len(response.context["members"]) == 33
    assert _count_queries(client, "/tim/matriks/") == small


# --- Monthly plan -----------------------------------------------------------------------------


def _monthly(cast, plan):
    skp = _complete(cast, plan)
    indicator = Rhk.objects.get(skp=skp).indicators.get()
    return skp, indicator, f"/skp/{skp.pk}/rencana-aksi/"


def _months_post(indicator, targets, actions=None):
    data = {"indikator": str(indicator.pk)}
    for month, value in targets.items():
        data[f"i{indicator.pk}-t{month}"] = str(value)
        data[f"i{indicator.pk}-a{month}"] = (actions or {}).get(month, "")
    return data


def test_owner_saves_a_monthly_plan_that_adds_up(cast, plan, client_for):
    skp, indicator, url = _monthly(cast, plan)
    client = client_for(cast.pegawai)
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="i{indicator.pk}-t1"'.encode() in page.content
    data = _months_post(indicator, {m: 1 for m in range(1, 13)}, {3: "Rekap triwulan"})
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith(f"#ind-{indicator.pk}")
    saved = {t.month: t for t in MonthlyTarget.objects.filter(indicator=indicator)}
    assert sorted(saved) == list(range(1, 13))
    assert saved[3].target == Decimal(1) and saved[3].action == "Rekap triwulan"
    again = client.get(url)
    assert b"Monthly plan saved." in again.content


def test_monthly_plan_refuses_a_sum_that_does_not_match_and_keeps_what_was_typed(
    cast, plan, client_for
):
    _skp, indicator, url = _monthly(cast, plan)
    targets = {m: 1 for m in range(1, 13)}
    targets[12] = 0
    data = _months_post(indicator, targets, {5: "Rapat koordinasi"})
    response = client_for(cast.pegawai).post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The months add up to 11 dokumen, the annual target is 12." in body
    assert "Rapat koordinasi" in body
    assert f'name="i{indicator.pk}-t12" value="0"' in body
    assert not MonthlyTarget.objects.filter(indicator=indicator).exists()


def test_bagi_rata_fills_the_quantity_targets_without_saving(cast, plan, client_for):
    _skp, indicator, url = _monthly(cast, plan)
    data = _months_post(indicator, {m: "" for m in range(1, 13)}, {2: "Tetap ada"})
    data["aksi"] = "bagi-rata"
    response = client_for(cast.pegawai).post(url, data)
    body = response.content.decode()
    for month in range(1, 13):
        assert f'name="i{indicator.pk}-t{month}" value="1"' in body
    assert "Tetap ada" in body
    assert not MonthlyTarget.objects.filter(indicator=indicator).exists()


def test_closed_months_are_read_only_and_the_rest_still_saves(cast, plan, client_for):
    _skp, indicator, url = _monthly(cast, plan)
    client = client_for(cast.pegawai)
    client.post(url, _months_post(indicator, {m: 1 for m in range(1, 13)}))
    PerformanceMonth.objects.filter(
        instansi=cast.instansi, performance_year__year=plan.year, month=1
    ).update(state=PeriodState.CLOSED)
    page = client.get(url).content.decode()
    assert f'name="i{indicator.pk}-t1"' not in page
    assert f'name="i{indicator.pk}-t2"' in page
    # Bagi rata keeps what January holds and spreads the rest.
    spread = client.post(url, {**_months_post(indicator, {}), "aksi": "bagi-rata"})
    assert f'name="i{indicator.pk}-t2" value="1"' in spread.content.decode()
    targets = {m: 1 for m in range(2, 13)}
    targets[2], targets[3] = 2, 0
    response = client.post(url, _months_post(indicator, targets))
    assert response.status_code == 302
    saved = dict(MonthlyTarget.objects.filter(indicator=indicator).values_list("month", "target"))
    assert saved[1] == 1 and saved[2] == 2 and saved[3] == 0


def test_monthly_plan_htmx_save_answers_the_indicator_only(cast, plan, client_for):
    _skp, indicator, url = _monthly(cast, plan)
    response = client_for(cast.pegawai).post(
        url, _months_post(indicator, {m: 1 for m in range(1, 13)}), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Monthly plan saved." in response.content
    assert f'id="ind-{indicator.pk}"'.encode() in response.content


@pytest.mark.parametrize("who", ["atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan"])
def test_others_in_scope_see_the_monthly_plan_read_only(cast, plan, client_for, who):
    _skp, indicator, url = _monthly(cast, plan)
    services.monthly_plan_save(
        actor=cast.pegawai, indicator=indicator,
        months=[services.MonthPlan(m, Decimal(1), "Rekap" if m == 4 else "") for m in range(1, 13)],
    )
    client = client_for(cast.accounts[who])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "you see it read-only" in body
    assert 'name="indikator"' not in body and "Rekap" in body
    post = client.post(url, _months_post(indicator, {m: 2 for m in range(1, 13)}))
    assert post.status_code == 403
    assert MonthlyTarget.objects.get(indicator=indicator, month=1).target == 1


@pytest.mark.parametrize("who", ["outsider", "pegawai2"])
def test_monthly_plan_outside_scope_is_not_found(cast, plan, client_for, who):
    _skp, indicator, url = _monthly(cast, plan)
    client = client_for(cast.accounts[who])
    assert client.get(url).status_code == 404
    assert client.post(url, _months_post(indicator, {1: 12})).status_code == 404


def test_monthly_plan_of_another_skps_indicator_is_not_found(cast, plan, client_for):
    _skp, _indicator, url = _monthly(cast, plan)
    foreign = plan.rhk["atasan"].indicators.get()
    response = client_for(cast.pegawai).post(url, _months_post(foreign, {1: 12}))
    assert response.status_code == 404


def test_monthly_plan_query_count_does_not_grow_with_rhks(cast, plan, client_for):
    skp, _indicator, url = _monthly(cast, plan)
    client = client_for(cast.pegawai)
    small = _count_queries(client, url)
    for n in range(4):
        add_rhk(cast, "pegawai", skp, f"Laporan {n}", parent=plan.rhk["atasan"],
                intervention="langsung")
    assert len(client.get(url).context["rhks"]) == 5
    assert _count_queries(client, url) == small


# --- Start from an earlier SKP ---------------------------------------------------------------


@pytest.fixture
def last_year(cast):
    """Last year's approved chain, with the pegawai's SKP holding an RHK linked to the atasan's
    and a lampiran; this year opened with nothing written yet."""
    earlier = plan_cast(cast, this_year() - 1)
    source = earlier.skp["pegawai"]
    add_rhk(cast, "pegawai", source, "Surat masuk tercatat", parent=earlier.rhk["atasan"],
            intervention="langsung")
    services.lampiran_save(actor=cast.pegawai, skp=source, kind="konsekuensi",
                           text="Teguran tertulis")
    open_year(cast, this_year())
    return earlier


def test_copy_carries_rhks_and_indicators_and_drops_links(cast, last_year, client_for):
    source = last_year.skp["pegawai"]
    client = client_for(cast.pegawai)
    page = client.get("/skp/salin/")
    assert page.status_code == 200
    assert f'value="{source.pk}"'.encode() in page.content
    response = client.post("/skp/salin/", {"source": source.pk, "year": this_year()})
    new = Skp.objects.get(pegawai=cast.people["pegawai"], year=this_year())
    assert response.status_code == 302 and response["Location"] == f"/skp/{new.pk}/"
    assert new.copied_from == source and new.status == SkpStatus.DRAFT
    rhk = new.rhk.get()
    assert rhk.text == "Surat masuk tercatat" and rhk.parent is None and rhk.intervention == ""
    indicator = rhk.indicators.get()
    assert (indicator.target_min, indicator.unit) == (Decimal(12), "dokumen")
    assert new.lampiran.get().text == "Teguran tertulis"


def test_copy_when_an_skp_for_the_year_exists_says_so(cast, last_year, client_for):
    existing = services.skp_create(actor=cast.pegawai, pegawai=cast.people["pegawai"],
                                   year=this_year())
    client = client_for(cast.pegawai)
    page = client.get("/skp/salin/").content.decode()
    assert f"You already have an SKP for {this_year()}" in page
    response = client.post(
        "/skp/salin/", {"source": last_year.skp["pegawai"].pk, "year": this_year()}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "You already have an SKP for this position and year." in body
    assert f'href="/skp/{existing.pk}/"' in body
    assert Skp.objects.filter(pegawai=cast.people["pegawai"], year=this_year()).count() == 1


def test_copy_refuses_someone_elses_skp(cast, last_year, client_for):
    response = client_for(cast.pegawai).post(
        "/skp/salin/", {"source": last_year.skp["atasan"].pk, "year": this_year()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["source"]
    assert not Skp.objects.filter(pegawai=cast.people["pegawai"], year=this_year()).exists()
    assert not Skp.objects.filter(pegawai=cast.people["atasan"], year=this_year()).exists()


def test_copy_lists_only_ones_own_earlier_skps(cast, last_year, client_for):
    response = client_for(cast.atasan).get("/skp/salin/")
    assert [s.pk for s in response.context["sources"]] == [last_year.skp["atasan"].pk]


def test_copy_without_an_earlier_skp_explains_itself(cast, plan, client_for):
    response = client_for(cast.pegawai2).get("/skp/salin/")
    assert response.status_code == 200
    assert b"No earlier SKP" in response.content


# --- Home ------------------------------------------------------------------------------------


def test_home_shows_own_skp_status_and_the_teams_planning(cast, plan, client_for):
    skp = _complete(cast, plan)
    services.skp_submit(actor=cast.pegawai, skp=skp)
    own = client_for(cast.pegawai).get("/").content.decode()
    assert "Performance plan" in own and "Submitted" in own
    assert f'href="/skp/{skp.pk}/"' in own
    assert "/tim/skp/" not in own
    boss = client_for(cast.atasan)
    response = boss.get("/")
    assert response.context["team_without_skp"] == 2  # pegawai2 and admin_opd
    assert response.context["team_awaiting"] == 1
    assert b"/tim/skp/?tampil=menunggu" in response.content


def test_home_of_someone_without_an_skp_links_to_the_skp_pages(cast, plan, client_for):
    body = client_for(cast.pegawai2).get("/").content.decode()
    assert "not started" in body and 'href="/skp/"' in body
