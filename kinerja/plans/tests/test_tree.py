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
    assert kadis.rhk == plan.rhk["kadis"]
    assert kadis.children[0].rhk == plan.rhk["sekretaris"]
    assert kadis.children[0].children[0].rhk == plan.rhk["atasan"]
    # kadis > sekretaris > kasubag: no pelaksana or fungsional RHK yet.
    assert not root.covered and tree.coverage == 0
    assert tree.orphans == []
    assert tree.node_count == 4


def test_approved_pelaksana_rhk_covers_the_iku(plan, cast):
    rhk = add_rhk(cast, "pegawai", plan.skp["pegawai"], "Surat", parent=plan.rhk["atasan"],
                  intervention="langsung")
    tree = goal_tree(cast.opds["dinkes"], plan.year)
    # Still a draft: shown in the tree, not counted.
    assert rhk.pk in {n.rhk.pk for n in tree.roots[0].children[0].children[0].children[0]
                      .children}
    assert tree.coverage == 0
    approve(cast, "pegawai", plan.skp["pegawai"], "atasan")
    tree = goal_tree(cast.opds["dinkes"], plan.year)
    assert tree.roots[0].covered and tree.coverage_percent == 100


def test_unlinked_rhk_utama_is_an_orphan_unless_its_skp_is_closed(plan, cast):
    rhk = add_rhk(cast, "pegawai", plan.skp["pegawai"], "Arsip")
    tree = goal_tree(cast.opds["dinkes"], plan.year)
    assert [o.pk for o in tree.orphans] == [rhk.pk]
    assert tree.orphans[0].skp.pegawai == cast.people["pegawai"]
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
    with django_assert_max_num_queries(12):
        response = client.get(f"/pohon-kinerja/?opd={opd.pk}&tahun={year}")
    assert response.status_code == 200
    assert response.content.count(b"<details") == {10: 2, 1000: 112}[size]
    with django_assert_max_num_queries(8):
        api = client.get(f"/api/v1/goals/tree?opd_id={opd.pk}&year={year}")
    assert api.status_code == 200
    assert api.json()["node_count"] == size + 1
