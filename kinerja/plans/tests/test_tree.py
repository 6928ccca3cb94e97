"""The pohon kinerja: IKU down to individual RHKs, coverage over approved SKPs, orphans, and a
query count that does not grow with the size of the OPD."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kinerja.org.models import Jabatan, JenisJabatan, Opd
from kinerja.people.models import Pegawai
from kinerja.plans.goals.tree import goal_tree
from kinerja.plans.models import Iku, PerjanjianKinerja, Rhk, SasaranStrategis, Skp, SkpStatus
from kinerja.plans.testing import add_rhk, approve


def test_plan_cast_tree_reaches_the_kasubag_but_no_individual(plan, cast):
    tree = goal_tree(cast.opds["dinkes"], plan.year)
    [root] = tree.roots
    assert root.iku == plan.iku
    [kadis] = root.children
    assert kadis.id == plan.rhk["kadis"].pk
    assert kadis.text == plan.rhk["kadis"].text
    assert kadis.owner_nip == cast.people["kadis"].nip
    assert kadis.children[0].id == plan.rhk["sekretaris"].pk
    assert kadis.children[0].children[0].id == plan.rhk["atasan"].pk
    # kadis > sekretaris > kasubag: no pelaksana or fungsional RHK yet.
    assert not root.covered and tree.coverage == 0
    assert tree.orphans == []
    assert tree.node_count == 4


def test_approved_pelaksana_rhk_covers_the_iku(plan, cast):
    rhk = add_rhk(cast, "pegawai", plan.skp["pegawai"], "Surat", parent=plan.rhk["atasan"],
                  intervention="langsung")
    tree = goal_tree(cast.opds["dinkes"], plan.year)
    # Still a draft: shown in the tree, not counted.
    assert rhk.pk in {n.id for n in tree.roots[0].children[0].children[0].children[0]
                      .children}
    assert tree.coverage == 0
    approve(cast, "pegawai", plan.skp["pegawai"], "atasan")
    tree = goal_tree(cast.opds["dinkes"], plan.year)
    assert tree.roots[0].covered and tree.coverage_percent == 100


def test_unlinked_rhk_utama_is_an_orphan_unless_its_skp_is_closed(plan, cast):
    rhk = add_rhk(cast, "pegawai", plan.skp["pegawai"], "Arsip")
    tree = goal_tree(cast.opds["dinkes"], plan.year)
    assert [o.pk for o in tree.orphans] == [rhk.pk]
    assert tree.orphans[0].owner_nip == cast.people["pegawai"].nip
    Skp.objects.filter(pk=plan.skp["pegawai"].pk).update(status=SkpStatus.CLOSED)
    assert goal_tree(cast.opds["dinkes"], plan.year).orphans == []


def test_other_opd_and_year_are_separate(plan, cast):
    assert goal_tree(cast.opds["disdik"], plan.year).roots == []
    assert goal_tree(cast.opds["dinkes"], plan.year + 1).roots == []


def build_opd(cast, size: int, year: int) -> Opd:
    """An OPD of `size` people: a head on the IKU, ten administrators, ten pengawas each, the
    rest pelaksana under the pengawas; each with an approved SKP and one RHK linked upward."""
    instansi = cast.instansi
    opd = Opd.objects.create(instansi=instansi, code=f"BIG{size}", name=f"Dinas {size}")
    pk = PerjanjianKinerja.objects.create(instansi=instansi, opd=opd, year=year)
    sasaran = SasaranStrategis.objects.create(instansi=instansi, perjanjian=pk, code="S",
                                              text="S")
    iku = Iku.objects.create(instansi=instansi, sasaran=sasaran, code="I", indicator="I",
                             unit="%", annual_target=Decimal(1))
    seq = [0]

    def level(jenis: str, parents: list[tuple[Jabatan | None, Rhk | None]], count: int
              ) -> list[tuple[Jabatan, Rhk]]:
        slots = [parents[i % len(parents)] for i in range(count)]
        jabatan = Jabatan.objects.bulk_create(
            Jabatan(instansi=instansi, opd=opd, code=f"J{seq[0] + i}", name=f"{jenis} {i}",
                    jenis=jenis, supervisor=p[0]) for i, p in enumerate(slots))
        people = Pegawai.objects.bulk_create(
            Pegawai(instansi=instansi, nip=f"{size:04d}{seq[0] + i:014d}", name=f"P{seq[0] + i}",
                    gender="L", birth_date=dt.date(1980, 1, 1)) for i in range(count))
        seq[0] += count
        skps = Skp.objects.bulk_create(
            Skp(instansi=instansi, pegawai=person, jabatan=j, opd=opd, year=year,
                start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31), form="non_jpt",
                status=SkpStatus.APPROVED) for person, j in zip(people, jabatan, strict=True))
        rhks = Rhk.objects.bulk_create(
            Rhk(instansi=instansi, skp=skp, text=f"RHK {skp.pk}",
                iku=iku if p[1] is None else None, parent=p[1])
            for skp, p in zip(skps, slots, strict=True))
        return list(zip(jabatan, rhks, strict=True))

    remaining = size
    head = level(JenisJabatan.JPT_PRATAMA, [(None, None)], 1)
    remaining -= 1
    admins = level(JenisJabatan.ADMINISTRATOR, head, min(10, remaining))
    remaining -= len(admins)
    if remaining > 0:
        pengawas = level(JenisJabatan.PENGAWAS, admins, min(100, remaining))
        remaining -= len(pengawas)
        if remaining > 0:
            level(JenisJabatan.PELAKSANA, pengawas, remaining)
    return opd


@pytest.mark.parametrize("size", [10, 1000])
def test_tree_queries_do_not_grow_with_the_opd(cast, size, django_assert_max_num_queries,
                                               client_for):
    year = 2031
    opd = build_opd(cast, size, year)
    with django_assert_max_num_queries(2):
        tree = goal_tree(opd, year)
    assert tree.node_count == size + 1
    assert tree.covered_count == (1 if size > 111 else 0)
    client = client_for(cast.pimpinan)
    client.get("/")
    # 13: the page's queries plus the header's unread notification count (one COUNT).
    with django_assert_max_num_queries(13):
        response = client.get(f"/pohon-kinerja/?opd={opd.pk}&tahun={year}")
    assert response.status_code == 200
    # 10 people: the whole tree (IKU and head open, the admins are leaves). 1,000: the IKU,
    # head, 10 administrators and 100 pengawas fit in PAGE_NODES, their 889 staff do not: the
    # pengawas' nodes are closed and fetch their children when opened.
    assert response.content.count(b"<details") == {10: 2, 1000: 112}[size]
    assert response.content.count(b'hx-trigger="toggle once"') == {10: 0, 1000: 100}[size]
    assert response.content.count(b'class="pohon-text"') == {10: 10, 1000: 111}[size]
    with django_assert_max_num_queries(8):
        api = client.get(f"/api/v1/goals/tree?opd_id={opd.pk}&year={year}")
    assert api.status_code == 200
    assert api.json()["node_count"] == size + 1


@pytest.mark.parametrize("size", [10, 1000])
def test_opening_a_node_fetches_its_children_in_bounded_queries(
        cast, size, django_assert_max_num_queries, client_for):
    year = 2031
    opd = build_opd(cast, size, year)
    tree = goal_tree(opd, year)
    head = tree.roots[0].children[0]
    admin = head.children[0]
    client = client_for(cast.pimpinan)
    client.get("/")
    with django_assert_max_num_queries(8):
        response = client.get(f"/pohon-kinerja/rhk/{admin.id}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.count('class="pohon-text"') == len(admin.children)
    for child in admin.children:
        assert child.text in html
    # Pengawas with staff under them open lazily in turn, with the count shown.
    assert html.count('hx-trigger="toggle once"') == sum(1 for c in admin.children
                                                          if c.children)


def test_node_page_works_without_javascript(plan, cast, client_for):
    client = client_for(cast.pegawai)
    response = client.get(f"/pohon-kinerja/rhk/{plan.rhk['sekretaris'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert plan.rhk["sekretaris"].text in html and plan.rhk["atasan"].text in html
    # Back to the tree and up to the RHK it serves.
    assert f"/pohon-kinerja/rhk/{plan.rhk['kadis'].pk}/" in html
    assert f"/pohon-kinerja/?opd={cast.opds['dinkes'].pk}" in html
    # The kasubag's RHK has no RHK under it yet.
    leaf = client.get(f"/pohon-kinerja/rhk/{plan.rhk['atasan'].pk}/", HTTP_HX_REQUEST="true")
    assert "No RHK of this OPD and year serves it yet." in leaf.content.decode()


def test_lazy_children_follow_the_tree_scope(plan, cast, client_for):
    """Only children in the same OPD and year, as in goal_tree; counts agree with the tree."""
    tree = goal_tree(cast.opds["dinkes"], plan.year)
    kadis = tree.roots[0].children[0]
    response = client_for(cast.kadis).get(f"/pohon-kinerja/rhk/{kadis.id}/",
                                          HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().count('class="pohon-text"') == len(kadis.children)


def test_another_instansi_rhk_is_not_found(plan, cast, client_for):
    from kinerja.testing import build_cast

    other = build_cast("kab-lain")
    client = client_for(other.pimpinan)
    response = client.get(f"/pohon-kinerja/rhk/{plan.rhk['kadis'].pk}/")
    assert response.status_code == 404


def test_orphans_beyond_the_page_limit_are_behind_a_link(plan, cast, client_for, monkeypatch):
    from kinerja.plans.goals import tree as tree_module

    monkeypatch.setattr(tree_module, "PAGE_ORPHANS", 1)
    monkeypatch.setattr("kinerja.plans.views_goals.PAGE_ORPHANS", 1)
    for text in ("Arsip", "Surat"):
        add_rhk(cast, "pegawai", plan.skp["pegawai"], text)
    client = client_for(cast.pegawai)
    url = f"/pohon-kinerja/?opd={cast.opds['dinkes'].pk}&tahun={plan.year}"
    html = client.get(url).content.decode()
    assert html.count('class="pohon-text"') == 3 + 1  # kadis > sekretaris > kasubag, 1 orphan
    assert "yatim=semua" in html
    html = client.get(url + "&yatim=semua").content.decode()
    assert html.count('class="pohon-text"') == 3 + 2
