"""The organisation pages: the OPD list and one OPD's tree with holders and vacancies."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.core.models import Instansi
from kinerja.org.models import Jabatan, JenisJabatan, Opd, UnitKerja
from kinerja.people.models import Pegawai, PositionAssignment


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_opd_list_shows_the_instansi_opds_with_employee_counts(client_for, cast):
    response = client_for(cast.pegawai).get(reverse("org:index"))
    assert response.status_code == 200
    counts = {opd.code: n for opd, n in response.context["rows"]}
    assert counts == {"DINKES": 8, "DISDIK": 1, "BKPSDM": 1}


def test_opd_of_another_instansi_is_missing(client_for, cast):
    other = Instansi.objects.create(code="lain", name="Kabupaten Lain")
    opd = Opd.objects.create(instansi=other, code="X", name="Dinas Lain")
    client = client_for(cast.admin_bkpsdm)
    assert client.get(reverse("org:opd", args=[opd.pk])).status_code == 404
    assert "Dinas Lain" not in client.get(reverse("org:index")).content.decode()


def test_opd_tree_shows_units_positions_holders_and_vacancy(client_for, cast):
    response = client_for(cast.pegawai).get(reverse("org:opd", args=[cast.opds["dinkes"].pk]))
    page = response.content.decode()
    for text in [
        "Sekretariat",
        "Seksi Rujukan",
        "Kepala Dinas Kesehatan",
        "Citra Kasubag",
        "Dewi Pelaksana",
        "Eko Pelaksana",
        "Gita Pengelola",
    ]:
        assert text in page, text
    nodes = {}

    def walk(units):
        for u in units:
            for p in u.positions:
                nodes[p.jabatan.code] = p
            walk(u.children)

    walk(response.context["tree"])
    assert nodes["KABID"].vacant and not nodes["KASUBAG"].vacant
    assert {a.pegawai.name for a in nodes["PENGADMINISTRASI"].definitive} == {
        "Dewi Pelaksana",
        "Eko Pelaksana",
        "Indah Admin Dinkes",
    }
    # The tree nests: Seksi Rujukan sits under Bidang Pelayanan Kesehatan.
    assert page.index("Bidang Pelayanan Kesehatan") < page.index("Seksi Rujukan")


def test_plt_holder_is_shown_with_a_badge(client_for, cast):
    PositionAssignment.objects.create(
        instansi=cast.instansi,
        pegawai=cast.people["sekretaris"],
        jabatan=cast.positions["kabid"],
        kind="plt",
        start_date=dt.date(2024, 1, 1),
    )
    response = client_for(cast.kadis).get(reverse("org:opd", args=[cast.opds["dinkes"].pk]))
    page = response.content.decode()
    assert re.search(r'badge warn">Plt</span>\s*(<a [^>]*>)?Budi Sekretaris', page)
    kabid = next(
        p
        for u in response.context["tree"]
        for c in u.children
        for p in c.positions
        if p.jabatan.code == "KABID"
    )
    assert kabid.vacant and [a.pegawai.name for a in kabid.acting] == ["Budi Sekretaris"]


def test_employee_sees_names_but_profile_links_only_where_allowed(client_for, cast):
    page = (
        client_for(cast.pegawai)
        .get(reverse("org:opd", args=[cast.opds["dinkes"].pk]))
        .content.decode()
    )
    assert "Citra Kasubag" in page
    assert reverse("people:detail", args=[cast.people["atasan"].nip]) not in page
    assert reverse("people:detail", args=[cast.people["pegawai"].nip]) in page


def _grow(cast, n):
    """Add n units, each with a structural position and a holder, under Dinkes."""
    opd, root = cast.opds["dinkes"], cast.units["dinkes"]
    kadis = cast.positions["kadis"]
    for i in range(n):
        unit = UnitKerja.objects.create(
            instansi=cast.instansi, opd=opd, parent=root, code=f"U{i}", name=f"UPT {i}"
        )
        unit.path = f"{root.path}{unit.pk}/"
        unit.depth = 1
        unit.save()
        jab = Jabatan.objects.create(
            instansi=cast.instansi,
            opd=opd,
            unit=unit,
            code=f"J{i}",
            name=f"Kepala UPT {i}",
            jenis=JenisJabatan.PENGAWAS,
            supervisor=kadis,
        )
        jab.path = f"{kadis.path}{jab.pk}/"
        jab.save()
        p = Pegawai.objects.create(
            instansi=cast.instansi,
            nip=f"19900101201501{1 + i % 2}{200 + i}",
            name=f"Kepala {i}",
            gender="L",
            birth_date=dt.date(1990, 1, 1),
        )
        PositionAssignment.objects.create(
            instansi=cast.instansi, pegawai=p, jabatan=jab, start_date=dt.date(2020, 1, 1)
        )


def test_opd_tree_query_count_does_not_grow_with_the_opd(client_for, cast):
    client = client_for(cast.admin_opd)
    url = reverse("org:opd", args=[cast.opds["dinkes"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(cast, 30)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert "Kepala UPT 29" in page
    assert len(large) == len(small) <= 12


def test_org_pages_need_log_in(client, cast):
    assert client.get(reverse("org:index")).status_code == 302
