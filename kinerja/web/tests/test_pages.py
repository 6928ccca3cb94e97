"""The cross-cutting pages as a user meets them: home per role, navigation, team, account, audit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.core.audit import audit_record
from kinerja.core.models import AuditRecord
from kinerja.people.models import AccessToken, PositionAssignment
from kinerja.people.services import token_authenticate
from kinerja.testing import PASSWORD


def _text(response) -> str:
    return response.content.decode()


def _nav(response) -> str:
    match = re.search(r'<nav class="nav".*?</nav>', _text(response), re.S)
    return match.group(0) if match else ""


# --- Home and navigation ------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_login_page_asks_for_nip_and_accepts_it_typed_with_spaces(client, cast):
    page = client.get(reverse("login"))
    assert 'inputmode="numeric"' in _text(page)
    nip = cast.pegawai.username
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    response = client.post(reverse("login"), {"username": spaced, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_logout_is_a_post(client_for, cast):
    client = client_for(cast.pegawai)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_employee_home_shows_identity_position_and_atasan(client_for, cast):
    page = _text(client_for(cast.pegawai).get(reverse("home")))
    assert "Dewi Pelaksana" in page
    assert "Pengadministrasi Perkantoran" in page
    assert "Citra Kasubag" in page  # the atasan
    assert "Penata Muda" in page  # pangkat of III/a


def test_atasan_home_counts_direct_and_indirect_subordinates(client_for, cast):
    response = client_for(cast.kadis).get(reverse("home"))
    # kadis rates sekretaris and (kabid being vacant) kasi directly; five people below in all.
    assert response.context["team_direct"] == 2
    assert response.context["team_indirect"] == 5
    assert reverse("team") in _text(response)


def test_admin_opd_home_links_to_their_filtered_employee_list(client_for, cast):
    response = client_for(cast.admin_opd).get(reverse("home"))
    dinkes = cast.opds["dinkes"]
    assert f"{reverse('people:list')}?opd={dinkes.pk}" in _text(response)
    assert response.context["admin_opds"] == [(dinkes, 8)]


def test_admin_bkpsdm_home_counts_the_pemda(client_for, cast):
    response = client_for(cast.admin_bkpsdm).get(reverse("home"))
    counts = response.context["instansi_counts"]
    assert counts.opd == 3
    assert counts.employees == 12
    assert counts.positions == 10
    assert counts.vacant_structural == 2  # kabid yankes and kepala BKPSDM
    page = _text(response)
    assert 'href="/impor/"' in page and reverse("audit") in page


def test_pimpinan_home_lists_employees_per_opd(client_for, cast):
    response = client_for(cast.pimpinan).get(reverse("home"))
    per_opd = {opd.code: count for opd, count in response.context["opd_counts"]}
    assert per_opd == {"DINKES": 8, "DISDIK": 1, "BKPSDM": 1}


def test_auditor_home_links_to_the_audit_trail(client_for, cast):
    page = _text(client_for(cast.auditor).get(reverse("home")))
    assert "Open the audit trail" in page


@pytest.mark.parametrize(
    ("who", "present", "absent"),
    [
        (
            "pegawai",
            ["My profile", "Organisation"],
            ["My team", "Employees", "Audit trail", "Import"],
        ),
        ("atasan", ["My team", "Employees"], ["Audit trail", "Import", "Admin"]),
        ("admin_opd", ["Employees"], ["Audit trail", "Import"]),
        ("admin_bkpsdm", ["Employees", "Audit trail", "Import"], ["My team"]),
        ("auditor", ["Audit trail", "Employees"], ["Import", "My team"]),
        ("pimpinan", ["Employees"], ["Audit trail", "Import"]),
    ],
)
def test_navigation_shows_only_what_the_roles_allow(client_for, cast, who, present, absent):
    nav = _nav(client_for(cast.accounts[who]).get(reverse("home")))
    for label in present:
        assert label in nav, label
    for label in absent:
        assert label not in nav, label


def test_navigation_marks_the_active_page(client_for, cast):
    nav = _nav(client_for(cast.atasan).get(reverse("team")))
    assert re.search(r'href="/tim/" aria-current="page"', nav)
    assert nav.count('aria-current="page"') == 1


def test_django_admin_link_only_for_staff(client_for, cast):
    account = cast.admin_bkpsdm
    assert "/admin/" not in _nav(client_for(account).get(reverse("home")))
    account.is_staff = True
    account.save()
    assert "/admin/" in _nav(client_for(account).get(reverse("home")))


def test_language_switch_to_english_and_back(client_for, cast):
    client = client_for(cast.pegawai)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in _text(client.get(reverse("home")))
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert '<html lang="id">' in _text(client.get(reverse("home")))


# --- Team ---------------------------------------------------------------------------------------


def _team(response) -> tuple[list[str], list[str]]:
    ctx = response.context
    return [m.pegawai.name for m in ctx["direct"]], [m.pegawai.name for m in ctx["indirect"]]


def test_atasan_team_lists_both_pelaksana_as_direct(client_for, cast):
    response = client_for(cast.atasan).get(reverse("team"))
    direct, indirect = _team(response)
    assert sorted(direct) == ["Dewi Pelaksana", "Eko Pelaksana", "Indah Admin Dinkes"]
    assert indirect == []
    page = _text(response)
    assert page.count("rated by you") == 3


def test_kadis_rates_kasi_directly_because_kabid_is_vacant(client_for, cast):
    direct, indirect = _team(client_for(cast.kadis).get(reverse("team")))
    assert "Fajar Kasi" in direct and "Budi Sekretaris" in direct
    assert "Gita Pengelola" in indirect and "Citra Kasubag" in indirect
    assert "Fajar Kasi" not in indirect


def test_team_lists_direct_before_indirect(client_for, cast):
    page = _text(client_for(cast.kadis).get(reverse("team")))
    assert page.index("Fajar Kasi") < page.index("Gita Pengelola")
    assert page.index("Direct subordinates") < page.index("Indirect subordinates")


def test_employee_without_subordinates_sees_an_explanation(client_for, cast):
    response = client_for(cast.pegawai).get(reverse("team"))
    assert response.status_code == 200
    assert "No subordinates" in _text(response)


def test_team_on_another_date(client_for, cast):
    client = client_for(cast.atasan)
    # Before the cast's positions started (2020-01-01) nobody reported to anyone.
    response = client.get(reverse("team"), {"tanggal": "2019-06-01"})
    assert _team(response) == ([], [])
    assert "No subordinates" in _text(response)
    assert response.context["on"] == dt.date(2019, 6, 1)


def test_team_with_a_bad_date_explains_and_falls_back_to_today(client_for, cast):
    response = client_for(cast.atasan).get(reverse("team"), {"tanggal": "31-12-2025"})
    assert "is not a date" in _text(response)
    assert len(response.context["direct"]) == 3


def test_team_htmx_request_gets_the_partial(client_for, cast):
    response = client_for(cast.atasan).get(reverse("team"), HTTP_HX_REQUEST="true")
    page = _text(response)
    assert "<html" not in page and "Dewi Pelaksana" in page


def test_team_page_query_count_does_not_grow_with_the_team(client_for, cast):
    client = client_for(cast.kadis)
    client.get(reverse("team"))  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("team"))
    pos = cast.positions["pengelola"]
    for i in range(20):
        _add_person(cast, f"Staf Tambahan {i:02d}", pos, i)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("team"))
    assert len(response.context["indirect"]) == 25
    assert len(large) == len(small) <= 12


def _add_person(cast, name, jabatan, i):
    from kinerja.people.models import Pegawai

    nip = f"19900101201501{1 + i % 2}{100 + i:03d}"
    p = Pegawai.objects.create(
        instansi=cast.instansi, nip=nip, name=name, gender="L", birth_date=dt.date(1990, 1, 1)
    )
    PositionAssignment.objects.create(
        instansi=cast.instansi, pegawai=p, jabatan=jabatan, start_date=dt.date(2020, 1, 1)
    )
    return p


# --- Account ------------------------------------------------------------------------------------


def test_password_change_with_wrong_current_password_says_so(client_for, cast):
    response = client_for(cast.pegawai).post(
        reverse("password_change"),
        {
            "old_password": "salah",
            "new_password1": "Baru-sekali-2026",
            "new_password2": "Baru-sekali-2026",
        },
    )
    assert response.status_code == 200
    assert "The current password is wrong." in _text(response)


def test_password_change_refuses_a_weak_or_mismatched_password(client_for, cast):
    client = client_for(cast.pegawai)
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert "too short" in _text(weak)
    differ = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Baru-sekali-2026", "new_password2": "lain"},
    )
    assert "The two new passwords differ." in _text(differ)


def test_password_change_keeps_the_user_logged_in(client_for, cast):
    client = client_for(cast.pegawai)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Baru-sekali-2026",
            "new_password2": "Baru-sekali-2026",
        },
        follow=True,
    )
    assert "Your password has been changed." in _text(response)
    assert client.get(reverse("home")).status_code == 200
    cast.pegawai.refresh_from_db()
    assert cast.pegawai.check_password("Baru-sekali-2026")


def test_token_is_shown_once_and_works(client_for, cast):
    client = client_for(cast.pegawai)
    response = client.post(reverse("tokens"), {"name": "Aplikasi HP", "expires_in_days": "30"})
    plain = response.context["new_token"]
    assert plain.startswith("knj_") and plain in _text(response)
    assert response["Cache-Control"] == "no-store"
    assert token_authenticate(plain) == cast.pegawai
    listing = _text(client.get(reverse("tokens")))
    assert "Aplikasi HP" in listing and plain not in listing


def test_token_needs_a_name(client_for, cast):
    response = client_for(cast.pegawai).post(reverse("tokens"), {"name": ""})
    assert response.context["form"].errors["name"]
    assert not AccessToken.objects.exists()


def test_token_revoke_stops_it_working(client_for, cast):
    client = client_for(cast.pegawai)
    plain = client.post(reverse("tokens"), {"name": "Sync"}).context["new_token"]
    token = AccessToken.objects.get()
    response = client.post(reverse("token_revoke", args=[token.pk]), follow=True)
    assert "revoked" in _text(response)
    assert token_authenticate(plain) is None


def test_cannot_revoke_someone_elses_token(client_for, cast):
    client = client_for(cast.pegawai)
    client.post(reverse("tokens"), {"name": "Milik Dewi"})
    token = AccessToken.objects.get()
    other = client_for(cast.pegawai2)
    assert other.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert "Milik Dewi" not in _text(other.get(reverse("tokens")))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_revoke_is_post_only(client_for, cast):
    client = client_for(cast.pegawai)
    client.post(reverse("tokens"), {"name": "Sync"})
    token = AccessToken.objects.get()
    assert client.get(reverse("token_revoke", args=[token.pk])).status_code == 405


# --- Audit trail --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pegawai", "atasan", "admin_opd", "pimpinan", "outsider"])
def test_audit_trail_is_missing_for_others(client_for, cast, who):
    assert client_for(cast.accounts[who]).get(reverse("audit")).status_code == 404


def _record(cast, actor, i):
    return audit_record(
        actor=actor,
        instansi=cast.instansi,
        action="pegawai.update" if i % 2 else "opd.update",
        object_type="people.pegawai" if i % 2 else "org.opd",
        object_id=str(i),
        changes={"name": [f"Lama {i}", f"Baru {i}"]},
    )


def test_audit_trail_shows_before_and_after_newest_first(client_for, cast, django_db_blocker):
    from django.db import transaction

    with transaction.atomic():
        for i in range(3):
            _record(cast, cast.admin_bkpsdm, i)
    response = client_for(cast.auditor).get(reverse("audit"))
    page = _text(response)
    assert response.status_code == 200
    assert "Lama 2" in page and "Baru 2" in page
    assert page.index("Baru 2") < page.index("Baru 1") < page.index("Baru 0")


def test_audit_trail_filters(client_for, cast):
    from django.db import transaction

    with transaction.atomic():
        for i in range(6):
            _record(cast, cast.admin_bkpsdm if i < 4 else cast.admin_opd, i)
    client = client_for(cast.admin_bkpsdm)

    def ids(**params):
        response = client.get(reverse("audit"), params)
        return sorted(int(r.object_id) for r, _c in response.context["rows"])

    assert ids(action="opd.update") == [0, 2, 4]
    assert ids(object_type="people.pegawai", object_id="3") == [3]
    assert ids(actor_nip=cast.admin_opd.username) == [4, 5]
    today = dt.date.today()
    assert ids(date_from=(today - dt.timedelta(days=1)).isoformat()) == [0, 1, 2, 3, 4, 5]
    assert ids(date_to=(today - dt.timedelta(days=2)).isoformat()) == []


def test_audit_trail_other_instansi_is_not_shown(client_for, cast):
    from django.db import transaction

    from kinerja.core.models import Instansi

    other = Instansi.objects.create(code="lain", name="Kabupaten Lain")
    with transaction.atomic():
        audit_record(
            actor=None, instansi=other, action="rahasia.lain", object_type="x", object_id="1"
        )
    page = _text(client_for(cast.auditor).get(reverse("audit")))
    assert "rahasia.lain" not in page


def test_audit_trail_query_count_is_bounded(client_for, cast):
    from django.db import transaction

    client = client_for(cast.auditor)
    client.get(reverse("audit"))
    with transaction.atomic():
        _record(cast, cast.admin_bkpsdm, 0)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit"))
    with transaction.atomic():
        for i in range(1, 60):
            _record(cast, cast.admin_bkpsdm, i)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("audit"), {"page": 2})
    assert len(response.context["rows"]) == 10
    assert AuditRecord.objects.count() >= 60
    assert len(many) == len(few) <= 10


def test_audit_htmx_request_gets_the_partial(client_for, cast):
    response = client_for(cast.auditor).get(reverse("audit"), HTTP_HX_REQUEST="true")
    assert "<html" not in _text(response)


def test_stylesheet_and_htmx_are_found_by_the_static_finders():
    from django.contrib.staticfiles import finders

    assert finders.find("css/kinerja.css") and finders.find("js/htmx.min.js")


@pytest.mark.parametrize(
    "who", ["pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor"]
)
def test_home_query_count_is_bounded_for_every_role(
    client_for, cast, who, django_assert_max_num_queries
):
    client = client_for(cast.accounts[who])
    client.get(reverse("home"))
    # 17: the supervisor's card counts the activity logs waiting for verification (one query).
    with django_assert_max_num_queries(17):
        assert client.get(reverse("home")).status_code == 200


def test_htmx_history_restore_gets_the_full_page(client_for, cast):
    response = client_for(cast.atasan).get(
        reverse("team"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in _text(response)
    assert "HX-Request" in response["Vary"]


def test_token_revoke_through_htmx_answers_with_the_updated_list(client_for, cast):
    client = client_for(cast.pegawai)
    client.post(reverse("tokens"), {"name": "Sync"})
    token = AccessToken.objects.get()
    response = client.post(reverse("token_revoke", args=[token.pk]), HTTP_HX_REQUEST="true")
    page = _text(response)
    assert "<html" not in page and "revoked" in page


def test_invalid_token_form_through_htmx_still_shows_the_errors(client_for, cast):
    response = client_for(cast.pegawai).post(
        reverse("tokens"), {"name": "", "expires_in_days": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"name", "expires_in_days"}


def test_missing_page_is_friendly_and_keeps_the_menu(client_for, cast, settings):
    settings.DEBUG = False
    response = client_for(cast.pegawai).get(
        reverse("people:detail", args=[cast.people["kadis"].nip])
    )
    assert response.status_code == 404
    page = _text(response)
    assert "outside what your role lets you see" in page and 'class="nav"' in page


def test_home_shows_an_acting_post_and_the_team_it_brings(client_for, cast):
    # The sekretaris is made Plt of the vacant kabid: Fajar Kasi now reports to them.
    PositionAssignment.objects.create(
        instansi=cast.instansi,
        pegawai=cast.people["sekretaris"],
        jabatan=cast.positions["kabid"],
        kind="plt",
        start_date=dt.date(2024, 1, 1),
    )
    client = client_for(cast.sekretaris)
    home = _text(client.get(reverse("home")))
    assert "Also acting as" in home and "Kepala Bidang Pelayanan Kesehatan" in home
    team = client.get(reverse("team"))
    kasi = next(m for m in team.context["direct"] if m.pegawai.name == "Fajar Kasi")
    assert kasi.via == "plt"
    assert "rated by you (Plt)" in _text(team)
