"""The people endpoints: me, employees in scope, history, atasan, team, tokens, password."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kinerja.core.models import AuditRecord
from kinerja.org.rules import HoldingKind
from kinerja.people.models import AccessToken, Pegawai, PositionAssignment
from kinerja.people.services import token_create
from kinerja.testing import PASSWORD, START, make_nip

API = "/api/v1"


def add_staff(cast, n: int, *, position: str = "pengadministrasi", offset: int = 0) -> None:
    """n more employees holding `position` definitively (in bulk: three queries)."""
    people = Pegawai.objects.bulk_create(
        Pegawai(
            instansi=cast.instansi,
            nip=make_nip(dt.date(1990, 1, 1), dt.date(2015, 3, 1), 1, 100 + offset + i),
            name=f"Staf {offset + i:03d}",
            gender="L",
            birth_date=dt.date(1990, 1, 1),
            golongan="II/c",
        )
        for i in range(n)
    )
    if connection.vendor == "sqlite" and people and people[0].pk is None:  # pragma: no cover
        people = list(Pegawai.objects.filter(name__startswith="Staf ").order_by("pk"))
    PositionAssignment.objects.bulk_create(
        PositionAssignment(
            instansi=cast.instansi, pegawai=p, jabatan=cast.positions[position],
            kind=HoldingKind.DEFINITIF, start_date=START,
        )
        for p in people
    )


def count_queries(client: Client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


# --- /me ----------------------------------------------------------------------------------------


def test_me_shows_identity_roles_positions_and_atasan(cast, client_for):
    body = client_for(cast.pegawai).get(f"{API}/me").json()
    assert body["account"]["username"] == cast.people["pegawai"].nip
    assert body["account"]["instansi"]["code"] == cast.instansi.code
    assert body["pegawai"]["nip"] == cast.people["pegawai"].nip
    assert body["roles"] == ["pegawai"]
    assert [p["position"]["code"] for p in body["positions"]] == ["PENGADMINISTRASI"]
    assert body["atasan"]["nip"] == cast.people["atasan"].nip
    assert body["atasan"]["kind"] == "definitif"
    assert body["admin_opd_ids"] == []


def test_me_of_an_atasan_and_admins(cast, client_for):
    assert "atasan" in client_for(cast.atasan).get(f"{API}/me").json()["roles"]
    admin = client_for(cast.admin_opd).get(f"{API}/me").json()
    assert "admin_opd" in admin["roles"]
    assert admin["admin_opd_ids"] == [cast.opds["dinkes"].pk]
    pimpinan = client_for(cast.pimpinan).get(f"{API}/me").json()
    assert pimpinan["roles"] == ["pegawai", "pimpinan"]
    assert pimpinan["positions"] == [] and pimpinan["atasan"] is None


def test_me_lists_acting_positions(cast, client_for):
    PositionAssignment.objects.create(
        instansi=cast.instansi, pegawai=cast.people["kasi"], jabatan=cast.positions["kabid"],
        kind=HoldingKind.PLT, start_date=START,
    )
    body = client_for(cast.kasi).get(f"{API}/me").json()
    assert [(p["position"]["code"], p["kind"]) for p in body["positions"]] == [
        ("KASI", "definitif"), ("KABID", "plt"),
    ]
    assert body["atasan"]["nip"] == cast.people["kadis"].nip  # nobody rates themself


def test_me_of_the_kadis_has_no_atasan(cast, client_for):
    assert client_for(cast.kadis).get(f"{API}/me").json()["atasan"] is None


# --- /employees ---------------------------------------------------------------------------------


def _nips(body: dict) -> set[str]:
    return {item["nip"] for item in body["items"]}


def test_employee_list_is_scoped(cast, client_for):
    people = cast.people
    assert _nips(client_for(cast.pegawai).get(f"{API}/employees").json()) == {people["pegawai"].nip}
    atasan = _nips(client_for(cast.atasan).get(f"{API}/employees").json())
    assert atasan == {people[k].nip for k in ("atasan", "pegawai", "pegawai2", "admin_opd")}
    kadis = _nips(client_for(cast.kadis).get(f"{API}/employees").json())
    assert people["staf_kasi"].nip in kadis and people["outsider"].nip not in kadis
    admin_opd = _nips(client_for(cast.admin_opd).get(f"{API}/employees").json())
    assert people["kadis"].nip in admin_opd and people["outsider"].nip not in admin_opd
    everyone = client_for(cast.admin_bkpsdm).get(f"{API}/employees").json()
    assert everyone["count"] == Pegawai.objects.count() == len(everyone["items"])


def test_employee_list_envelope_and_pages(cast, client_for):
    body = client_for(cast.admin_bkpsdm).get(f"{API}/employees?page=2&page_size=5").json()
    assert set(body) == {"items", "count", "page", "page_size"}
    assert body["page"] == 2 and body["page_size"] == 5 and len(body["items"]) == 5
    assert body["count"] == 12
    last = client_for(cast.admin_bkpsdm).get(f"{API}/employees?page=9&page_size=5").json()
    assert last["items"] == [] and last["count"] == 12
    capped = client_for(cast.admin_bkpsdm).get(f"{API}/employees?page_size=100000").json()
    assert capped["page_size"] == 200


def test_employee_search_by_name_or_nip(cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    body = client.get(f"{API}/employees?q=kasubag").json()
    assert _nips(body) == {cast.people["atasan"].nip}
    nip = cast.people["staf_kasi"].nip
    assert _nips(client.get(f"{API}/employees?q={nip}").json()) == {nip}


def test_employee_filters(cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    disdik = client.get(f"{API}/employees?opd={cast.opds['disdik'].pk}").json()
    assert _nips(disdik) == {cast.people["outsider"].nip}
    Pegawai.objects.filter(pk=cast.people["pegawai2"].pk).update(status="cuti", asn_type="PPPK")
    assert _nips(client.get(f"{API}/employees?status=cuti").json()) == {
        cast.people["pegawai2"].nip
    }
    assert _nips(client.get(f"{API}/employees?asn_type=PPPK").json()) == {
        cast.people["pegawai2"].nip
    }


def test_employee_list_shows_the_current_position(cast, client_for):
    body = client_for(cast.pegawai).get(f"{API}/employees").json()
    position = body["items"][0]["position"]
    assert position["code"] == "PENGADMINISTRASI"
    assert position["opd"]["code"] == "DINKES" and position["unit"]["code"] == "UMUM"


def test_employee_list_queries_do_not_grow_with_rows(cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    add_staff(cast, 5)
    few, body = count_queries(client, f"{API}/employees?page_size=200")
    assert len(body["items"]) == 12 + 5
    add_staff(cast, 45, offset=5)
    many, body = count_queries(client, f"{API}/employees?page_size=200")
    assert len(body["items"]) == 12 + 50
    assert few == many


def test_employee_detail_in_scope(cast, client_for):
    nip = cast.people["pegawai"].nip
    body = client_for(cast.atasan).get(f"{API}/employees/{nip}").json()
    assert body["nip"] == nip and body["birth_date"]
    assert [p["kind"] for p in body["positions"]] == ["definitif"]


def test_employee_outside_scope_is_404_like_a_missing_one(cast, client_for):
    client = client_for(cast.pegawai)
    outsider = client.get(f"{API}/employees/{cast.people['outsider'].nip}")
    missing = client.get(f"{API}/employees/199901012020011999")
    assert outsider.status_code == missing.status_code == 404
    assert outsider.json() == missing.json()


def test_employee_of_another_instansi_is_404_even_for_admin_bkpsdm(cast, client_for):
    from kinerja.testing import build_cast

    other = build_cast("kab-lain")
    nip = other.people["pegawai"].nip
    assert client_for(cast.admin_bkpsdm).get(f"{API}/employees/{nip}").status_code == 404


def test_history_lists_mutations_newest_first(cast, client_for):
    pegawai = cast.people["pegawai"]
    PositionAssignment.objects.filter(pegawai=pegawai).update(end_date=dt.date(2023, 12, 31))
    PositionAssignment.objects.create(
        instansi=cast.instansi, pegawai=pegawai, jabatan=cast.positions["pengelola"],
        kind=HoldingKind.DEFINITIF, start_date=dt.date(2024, 1, 1), movement="mutasi",
    )
    body = client_for(cast.admin_bkpsdm).get(f"{API}/employees/{pegawai.nip}/history").json()
    assert [(i["position"]["code"], i["start_date"]) for i in body["items"]] == [
        ("PENGELOLA", "2024-01-01"), ("PENGADMINISTRASI", "2020-01-01"),
    ]
    assert body["items"][0]["movement"] == "mutasi"
    assert body["count"] == 2


def test_history_outside_scope_is_404(cast, client_for):
    url = f"{API}/employees/{cast.people['outsider'].nip}/history"
    assert client_for(cast.atasan).get(url).status_code == 404


def test_atasan_on_a_date(cast, client_for):
    nip = cast.people["staf_kasi"].nip
    client = client_for(cast.admin_bkpsdm)
    body = client.get(f"{API}/employees/{nip}/atasan").json()
    assert body["atasan"]["nip"] == cast.people["kasi"].nip
    # Before anyone held the kasi post, rating passes up: kabid is vacant, so the kadis rates.
    PositionAssignment.objects.filter(pegawai=cast.people["kasi"]).update(
        start_date=dt.date(2024, 1, 1)
    )
    body = client.get(f"{API}/employees/{nip}/atasan?date=2023-06-01").json()
    assert body["date"] == "2023-06-01"
    assert body["atasan"]["nip"] == cast.people["kadis"].nip
    assert body["atasan"]["skipped_position_ids"] == [
        cast.positions["kasi"].pk, cast.positions["kabid"].pk,
    ]


def test_atasan_bad_date_is_422(cast, client_for):
    url = f"{API}/employees/{cast.people['pegawai'].nip}/atasan?date=31-12-2024"
    assert client_for(cast.pegawai).get(url).status_code == 422


def test_atasan_of_someone_at_the_top_is_null(cast, client_for):
    url = f"{API}/employees/{cast.people['kadis'].nip}/atasan"
    assert client_for(cast.kadis).get(url).json()["atasan"] is None


# --- /team --------------------------------------------------------------------------------------


def test_team_marks_direct_reports(cast, client_for):
    body = client_for(cast.kadis).get(f"{API}/team").json()
    members = {item["nip"]: item for item in body["items"]}
    people = cast.people
    assert members[people["sekretaris"].nip]["direct"] is True
    assert members[people["kasi"].nip]["direct"] is True  # kabid is vacant: kadis rates
    assert members[people["pegawai"].nip]["direct"] is False
    assert people["outsider"].nip not in members
    assert body["count"] == len(members)


def test_team_of_a_pegawai_is_empty(cast, client_for):
    body = client_for(cast.pegawai).get(f"{API}/team").json()
    assert body == {"items": [], "count": 0, "page": 1, "page_size": 50}


def test_team_on_a_past_date(cast, client_for):
    PositionAssignment.objects.filter(pegawai=cast.people["pegawai"]).update(
        start_date=dt.date(2025, 1, 1)
    )
    before = client_for(cast.atasan).get(f"{API}/team?date=2024-06-01").json()
    assert cast.people["pegawai"].nip not in {i["nip"] for i in before["items"]}


def test_team_queries_do_not_grow_with_rows(cast, client_for):
    client = client_for(cast.atasan)
    add_staff(cast, 5)
    few, body = count_queries(client, f"{API}/team?page_size=200")
    assert body["count"] == 3 + 5
    add_staff(cast, 45, offset=5)
    many, body = count_queries(client, f"{API}/team?page_size=200")
    assert body["count"] == 3 + 50
    assert few == many


# --- Tokens -------------------------------------------------------------------------------------


def test_token_create_shows_the_token_once(cast, client_for):
    client = client_for(cast.pegawai)
    response = client.post(
        f"{API}/tokens", {"name": "SIMPEG", "expires_in_days": 30}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("knj_") and body["prefix"] == body["token"][:12]
    assert body["expires_at"] is not None
    listed = client.get(f"{API}/tokens").json()["items"]
    assert [t["name"] for t in listed] == ["SIMPEG"]
    assert "token" not in listed[0]
    assert AuditRecord.objects.filter(action="token.create").count() == 1
    me = Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200


def test_token_create_needs_a_name(cast, client_for):
    response = client_for(cast.pegawai).post(
        f"{API}/tokens", {"name": ""}, content_type="application/json"
    )
    assert response.status_code == 422


def test_token_list_shows_only_own_tokens(cast, client_for):
    token_create(account=cast.pegawai2, name="milik orang lain")
    token_create(account=cast.pegawai, name="milik sendiri")
    body = client_for(cast.pegawai).get(f"{API}/tokens").json()
    assert [t["name"] for t in body["items"]] == ["milik sendiri"]


def test_token_delete_revokes_own_token(cast, client_for):
    token, plain = token_create(account=cast.pegawai, name="lama")
    response = client_for(cast.pegawai).delete(f"{API}/tokens/{token.pk}")
    assert response.status_code == 204 and response.content == b""
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401


def test_someone_elses_token_is_404(cast, client_for):
    token, _plain = token_create(account=cast.pegawai2, name="orang lain")
    response = client_for(cast.admin_bkpsdm).delete(f"{API}/tokens/{token.pk}")
    assert response.status_code == 404
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None


# --- Password -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "status", "code"),
    [
        ("salah", "Baru-sekali-2026", 400, "wrong_password"),
        (PASSWORD, "123", 400, "weak_password"),
    ],
)
def test_password_change_refusals(cast, client_for, old, new, status, code):
    response = client_for(cast.pegawai).put(
        f"{API}/me/password", {"old_password": old, "new_password": new},
        content_type="application/json",
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_password_change(cast, client_for):
    response = client_for(cast.pegawai).put(
        f"{API}/me/password", {"old_password": PASSWORD, "new_password": "Baru-sekali-2026"},
        content_type="application/json",
    )
    assert response.status_code == 204
    cast.pegawai.refresh_from_db()
    assert cast.pegawai.check_password("Baru-sekali-2026")


def test_nip_may_be_written_with_spaces(cast, client_for):
    nip = cast.people["pegawai"].nip
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    response = client_for(cast.pegawai).get(f"{API}/employees/{spaced}")
    assert response.status_code == 200 and response.json()["nip"] == nip


def test_token_list_queries_do_not_grow_with_rows(cast, client_for):
    client = client_for(cast.pegawai)
    for i in range(5):
        token_create(account=cast.pegawai, name=f"t{i}")
    few, body = count_queries(client, f"{API}/tokens?page_size=200")
    assert body["count"] == 5
    for i in range(45):
        token_create(account=cast.pegawai, name=f"u{i}")
    many, body = count_queries(client, f"{API}/tokens?page_size=200")
    assert body["count"] == 50
    assert few == many


def _add_history(cast, n: int, offset: int = 0) -> None:
    PositionAssignment.objects.bulk_create(
        PositionAssignment(
            instansi=cast.instansi, pegawai=cast.people["pegawai"],
            jabatan=cast.positions["pengelola" if i % 2 else "analis"], kind=HoldingKind.PLH,
            start_date=dt.date(2010, 1, 1) + dt.timedelta(days=30 * (offset + i)),
            end_date=dt.date(2010, 1, 1) + dt.timedelta(days=30 * (offset + i) + 10),
        )
        for i in range(n)
    )


def test_history_queries_do_not_grow_with_rows(cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    url = f"{API}/employees/{cast.people['pegawai'].nip}/history?page_size=200"
    _add_history(cast, 4)
    few, body = count_queries(client, url)
    assert body["count"] == 5
    _add_history(cast, 45, offset=4)
    many, body = count_queries(client, url)
    assert body["count"] == 50
    assert few == many
