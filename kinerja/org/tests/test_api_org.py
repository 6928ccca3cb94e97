"""The organisation endpoints: OPD, units, positions with their supervisor and holders."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.org.models import Jabatan, JenisJabatan, UnitKerja
from kinerja.org.rules import HoldingKind
from kinerja.people.models import PositionAssignment
from kinerja.testing import START, build_cast

API = "/api/v1"


def count_queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def add_units(cast, n: int, offset: int = 0) -> None:
    parent = cast.units["dinkes"]
    for i in range(n):
        unit = UnitKerja.objects.create(
            instansi=cast.instansi, opd=cast.opds["dinkes"], parent=parent,
            code=f"UPT{offset + i:03d}", name=f"UPT Puskesmas {offset + i}",
        )
        unit.path = f"{parent.path}{unit.pk}/"
        unit.depth = 1
        unit.save(update_fields=["path", "depth"])


def add_positions(cast, n: int, offset: int = 0) -> None:
    boss = cast.positions["kasi"]
    for i in range(n):
        j = Jabatan.objects.create(
            instansi=cast.instansi, opd=cast.opds["dinkes"], unit=cast.units["rujukan"],
            code=f"PERAWAT{offset + i:03d}", name=f"Perawat {offset + i}",
            jenis=JenisJabatan.FUNGSIONAL, jenjang="terampil", kelas=7, supervisor=boss,
        )
        j.path = f"{boss.path}{j.pk}/"
        j.save(update_fields=["path"])


def test_opd_list_and_detail(cast, client_for):
    client = client_for(cast.pegawai)
    body = client.get(f"{API}/opd").json()
    assert {o["code"] for o in body["items"]} == {"DINKES", "DISDIK", "BKPSDM"}
    assert body["count"] == 3 and body["page"] == 1
    opd = cast.opds["disdik"]
    assert client.get(f"{API}/opd/{opd.pk}").json()["name"] == "Dinas Pendidikan"


def test_another_instansi_is_invisible(cast, client_for):
    other = build_cast("kab-lain")
    client = client_for(cast.admin_bkpsdm)
    assert client.get(f"{API}/opd/{other.opds['dinkes'].pk}").status_code == 404
    assert client.get(f"{API}/units/{other.units['umum'].pk}").status_code == 404
    assert client.get(f"{API}/positions/{other.positions['kadis'].pk}").status_code == 404
    assert client.get(f"{API}/opd").json()["count"] == 3
    assert client.get(f"{API}/missing/1").status_code == 404


def test_units_filtered_by_opd_with_tree_fields(cast, client_for):
    client = client_for(cast.pegawai)
    body = client.get(f"{API}/units?opd={cast.opds['dinkes'].pk}").json()
    assert [u["code"] for u in body["items"]] == [
        "DINKES", "SEKRETARIAT", "UMUM", "YANKES", "RUJUKAN",
    ]
    umum = next(u for u in body["items"] if u["code"] == "UMUM")
    assert umum["depth"] == 2 and umum["parent_id"] == cast.units["sekretariat"].pk


def test_unit_detail_has_parent_and_opd(cast, client_for):
    body = client_for(cast.pegawai).get(f"{API}/units/{cast.units['rujukan'].pk}").json()
    assert body["parent"]["code"] == "YANKES"
    assert body["opd"]["code"] == "DINKES"
    assert body["path"] == cast.units["rujukan"].path and body["depth"] == 2
    root = client_for(cast.pegawai).get(f"{API}/units/{cast.units['dinkes'].pk}").json()
    assert root["parent"] is None and root["depth"] == 0


def test_position_filters(cast, client_for):
    client = client_for(cast.pegawai)
    by_unit = client.get(f"{API}/positions?unit={cast.units['rujukan'].pk}").json()
    assert {p["code"] for p in by_unit["items"]} == {"KASI", "PENGELOLA"}
    by_jenis = client.get(f"{API}/positions?jenis=jpt_pratama").json()
    assert {p["code"] for p in by_jenis["items"]} == {"KADIS", "KADIS_DISDIK", "KABAN"}
    by_opd = client.get(f"{API}/positions?opd={cast.opds['bkpsdm'].pk}&q=analis").json()
    assert [p["code"] for p in by_opd["items"]] == ["ANALIS"]
    assert by_opd["items"][0]["jenjang"] == "ahli_pertama"
    assert client.get(f"{API}/positions?jenis=raja").status_code == 422


def test_position_detail_with_supervisor_and_holders(cast, client_for):
    kabid = cast.positions["kabid"]
    PositionAssignment.objects.create(
        instansi=cast.instansi, pegawai=cast.people["kasi"], jabatan=kabid,
        kind=HoldingKind.PLT, start_date=START,
    )
    body = client_for(cast.pegawai).get(f"{API}/positions/{kabid.pk}").json()
    assert body["supervisor"]["code"] == "KADIS"
    assert [(h["employee"]["nip"], h["kind"]) for h in body["holders"]] == [
        (cast.people["kasi"].nip, "plt"),
    ]
    pengadm = client_for(cast.pegawai).get(
        f"{API}/positions/{cast.positions['pengadministrasi'].pk}"
    ).json()
    assert {h["employee"]["name"] for h in pengadm["holders"]} == {
        "Dewi Pelaksana", "Eko Pelaksana", "Indah Admin Dinkes",
    }


def test_position_holders_exclude_ended_and_future_assignments(cast, client_for):
    kasubag = cast.positions["kasubag"]
    PositionAssignment.objects.filter(jabatan=kasubag).update(end_date=dt.date(2021, 1, 1))
    PositionAssignment.objects.create(
        instansi=cast.instansi, pegawai=cast.people["pegawai2"], jabatan=kasubag,
        kind=HoldingKind.DEFINITIF, start_date=dt.date(2999, 1, 1),
    )
    body = client_for(cast.pegawai).get(f"{API}/positions/{kasubag.pk}").json()
    assert body["holders"] == []


def test_unit_list_queries_do_not_grow_with_rows(cast, client_for):
    client = client_for(cast.pegawai)
    add_units(cast, 5)
    few, body = count_queries(client, f"{API}/units?page_size=200")
    add_units(cast, 45, offset=5)
    many, body2 = count_queries(client, f"{API}/units?page_size=200")
    assert body2["count"] == body["count"] + 45
    assert few == many


def test_position_list_queries_do_not_grow_with_rows(cast, client_for):
    client = client_for(cast.pegawai)
    add_positions(cast, 5)
    few, body = count_queries(client, f"{API}/positions?page_size=200")
    add_positions(cast, 45, offset=5)
    many, body2 = count_queries(client, f"{API}/positions?page_size=200")
    assert body2["count"] == body["count"] + 45
    assert few == many


def test_opd_list_queries_are_bounded(cast, client_for):
    few, _ = count_queries(client_for(cast.pegawai), f"{API}/opd")
    assert few <= 8  # session, account, instansi zone, scope (2), count, page
