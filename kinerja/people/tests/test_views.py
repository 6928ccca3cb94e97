"""The people pages: search and list, and the employee profile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.people.models import Pegawai, PositionAssignment
from kinerja.people.rules import format_nip


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _names(response) -> list[str]:
    return [p.name for p, _nip, _current in response.context["rows"]]


def test_admin_bkpsdm_lists_everyone_with_formatted_nip(client_for, cast):
    response = client_for(cast.admin_bkpsdm).get(reverse("people:list"))
    assert len(_names(response)) == 12
    assert format_nip(cast.people["pegawai"].nip) in response.content.decode()


def test_search_by_name_and_by_nip(client_for, cast):
    client = client_for(cast.admin_bkpsdm)
    assert _names(client.get(reverse("people:list"), {"q": "pelaksana"})) == [
        "Dewi Pelaksana",
        "Eko Pelaksana",
    ]
    nip = cast.people["kasi"].nip
    assert _names(client.get(reverse("people:list"), {"q": nip[:8] + " " + nip[8:14]})) == [
        "Fajar Kasi"
    ]


def test_filter_by_opd_status_and_asn_type(client_for, cast):
    client = client_for(cast.admin_bkpsdm)
    disdik = cast.opds["disdik"]
    assert _names(client.get(reverse("people:list"), {"opd": disdik.pk})) == ["Hadi Disdik"]
    Pegawai.objects.filter(pk=cast.people["pegawai2"].pk).update(status="cuti", asn_type="PPPK")
    assert _names(client.get(reverse("people:list"), {"status": "cuti"})) == ["Eko Pelaksana"]
    assert _names(client.get(reverse("people:list"), {"asn_type": "PPPK"})) == ["Eko Pelaksana"]
    both = {"opd": cast.opds["dinkes"].pk, "asn_type": "PNS", "q": "Pelaksana"}
    assert _names(client.get(reverse("people:list"), both)) == ["Dewi Pelaksana"]


def test_admin_opd_sees_only_their_opd(client_for, cast):
    names = _names(client_for(cast.admin_opd).get(reverse("people:list")))
    assert "Hadi Disdik" not in names and "Dewi Pelaksana" in names and len(names) == 8


def test_atasan_list_is_their_scope(client_for, cast):
    names = _names(client_for(cast.atasan).get(reverse("people:list")))
    assert sorted(names) == [
        "Citra Kasubag",
        "Dewi Pelaksana",
        "Eko Pelaksana",
        "Indah Admin Dinkes",
    ]


def test_htmx_search_returns_only_the_results(client_for, cast):
    response = client_for(cast.admin_bkpsdm).get(
        reverse("people:list"), {"q": "Kasi"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "<html" not in page and "Fajar Kasi" in page


def test_no_match_says_so(client_for, cast):
    page = client_for(cast.admin_bkpsdm).get(reverse("people:list"), {"q": "zzz"})
    assert "No employee matches" in page.content.decode()


def _add_people(cast, n, start=0):
    jab = cast.positions["pengelola"]
    for i in range(start, start + n):
        p = Pegawai.objects.create(
            instansi=cast.instansi,
            nip=f"19910202201601{1 + i % 2}{300 + i}",
            name=f"Zaenal {i:03d}",
            gender="L",
            birth_date=dt.date(1991, 2, 2),
        )
        PositionAssignment.objects.create(
            instansi=cast.instansi, pegawai=p, jabatan=jab, start_date=dt.date(2021, 1, 1)
        )


def test_list_is_paginated_by_25(client_for, cast):
    _add_people(cast, 30)
    client = client_for(cast.admin_bkpsdm)
    first = client.get(reverse("people:list"))
    assert len(first.context["rows"]) == 25 and first.context["page"].paginator.num_pages == 2
    second = client.get(reverse("people:list"), {"page": 2, "q": "Zaenal"})
    assert second.context["page"].paginator.count == 30
    assert len(second.context["rows"]) == 5
    assert "q=Zaenal&amp;page=1" in second.content.decode()


def test_list_query_count_is_the_same_for_5_and_50_employees(client_for, cast):
    client = client_for(cast.admin_bkpsdm)
    url = reverse("people:list")
    params = {"q": "Zaenal", "opd": cast.opds["dinkes"].pk}
    _add_people(cast, 5)
    client.get(url, params)
    with CaptureQueriesContext(connection) as five:
        r5 = client.get(url, params)
    _add_people(cast, 45, start=5)
    with CaptureQueriesContext(connection) as fifty:
        r50 = client.get(url, params)
    assert len(r5.context["rows"]) == 5 and len(r50.context["rows"]) == 25
    assert len(five) == len(fifty) <= 12


def test_profile_shows_identity_position_atasan_and_history(client_for, cast):
    pegawai = cast.people["pegawai"]
    old = PositionAssignment.objects.get(pegawai=pegawai)
    old.start_date = dt.date(2023, 1, 1)
    old.movement = "mutasi"
    old.save()
    PositionAssignment.objects.create(
        instansi=cast.instansi,
        pegawai=pegawai,
        jabatan=cast.positions["pengelola"],
        start_date=dt.date(2018, 1, 1),
        end_date=dt.date(2022, 12, 31),
        movement="pengangkatan",
    )
    PositionAssignment.objects.create(
        instansi=cast.instansi,
        pegawai=pegawai,
        jabatan=cast.positions["kasubag"],
        kind="plh",
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2024, 3, 10),
    )
    response = client_for(cast.pegawai).get(reverse("people:detail", args=[pegawai.nip]))
    page = response.content.decode()
    assert response.status_code == 200
    assert format_nip(pegawai.nip) in page and "Penata Muda" in page
    assert "Citra Kasubag" in page  # atasan today
    assert [a.jabatan.code for a in response.context["history"]] == [
        "KASUBAG",
        "PENGADMINISTRASI",
        "PENGELOLA",
    ]
    assert 'badge warn">Plh</span>' in page and "Transfer" in page and "Appointment" in page


def test_profile_shows_atasan_one_level_up_when_the_position_is_vacant(client_for, cast):
    page = (
        client_for(cast.kasi)
        .get(reverse("people:detail", args=[cast.people["kasi"].nip]))
        .content.decode()
    )
    assert "dr. Ahmad Kadis" in page and "vacant" in page


def test_employee_gets_404_on_another_employees_profile(client_for, cast):
    client = client_for(cast.pegawai)
    assert (
        client.get(reverse("people:detail", args=[cast.people["pegawai2"].nip])).status_code == 404
    )
    assert client.get(reverse("people:detail", args=["199999999999999999"])).status_code == 404


def test_atasan_opens_a_subordinate_but_not_an_outsider(client_for, cast):
    client = client_for(cast.atasan)
    assert (
        client.get(reverse("people:detail", args=[cast.people["pegawai"].nip])).status_code == 200
    )
    assert (
        client.get(reverse("people:detail", args=[cast.people["outsider"].nip])).status_code == 404
    )
    assert client.get(reverse("people:detail", args=[cast.people["kadis"].nip])).status_code == 404


def test_admin_opd_cannot_open_another_opds_employee(client_for, cast):
    client = client_for(cast.admin_opd)
    assert (
        client.get(reverse("people:detail", args=[cast.people["outsider"].nip])).status_code == 404
    )
    assert client.get(reverse("people:detail", args=[cast.people["kasi"].nip])).status_code == 200


def test_profile_query_count_is_bounded(client_for, cast, django_assert_max_num_queries):
    client = client_for(cast.admin_bkpsdm)
    url = reverse("people:detail", args=[cast.people["staf_kasi"].nip])
    client.get(url)
    with django_assert_max_num_queries(14):
        client.get(url)


def test_a_bad_filter_value_is_dropped_but_the_search_still_applies(client_for, cast):
    response = client_for(cast.admin_bkpsdm).get(
        reverse("people:list"), {"q": "Pelaksana", "opd": "999999"}
    )
    assert _names(response) == ["Dewi Pelaksana", "Eko Pelaksana"]
    assert response.context["form"].errors["opd"]
