"""Log-in throttling (django-axes, settings AXES_*): after LOGIN_FAILURE_LIMIT wrong passwords a
NIP is locked for LOGIN_COOLOFF_MINUTES, whatever the address, with the lockout page; another
NIP is not; and no other door that takes a password (the password change page, PUT
/api/v1/me/password, Django admin's log-in) lets someone keep guessing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kinerja.people.services import token_create
from kinerja.testing import PASSWORD

WRONG = "bukan-sandinya"
NEW_PASSWORD = "Sandi-baru-2026-aman"


def log_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def fail_until_locked(client: Client, username: str) -> None:
    """LOGIN_FAILURE_LIMIT wrong passwords: the form again until the last, which locks."""
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, username, WRONG)
        assert response.status_code == 200, attempt  # the form again, with its message
        assert "NIP" in response.content.decode()
    response = log_in(client, username, WRONG)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_limit_is_five_failures_by_default():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


@pytest.mark.indonesian
def test_sixth_wrong_password_meets_the_indonesian_lockout_page(cast):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, cast.pegawai.username, WRONG)
    response = log_in(client, cast.pegawai.username, WRONG)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Akun dikunci sementara" in page or "dikunci" in page.lower(), page[:500]
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def test_right_password_is_refused_while_locked(cast):
    client = Client()
    fail_until_locked(client, cast.pegawai.username)
    response = log_in(client, cast.pegawai.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # From another browser (another address) too: the lock is on the NIP.
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert log_in(other, cast.pegawai.username, PASSWORD).status_code == 429


def test_nip_typed_differently_is_the_same_nip(cast):
    """Spaces as printed on the ID card do not give fresh attempts."""
    client = Client()
    nip = cast.pegawai.username
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, spaced, WRONG)
    assert log_in(client, nip, PASSWORD).status_code == 429


def test_another_nip_from_the_same_office_is_not_locked(cast):
    client = Client()
    fail_until_locked(client, cast.pegawai.username)
    response = log_in(client, cast.pegawai2.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_api_password_change_counts_as_failed_log_ins(cast):
    """A stolen token must not be a way to guess the password: PUT /api/v1/me/password with a
    wrong current password counts against the NIP, and locks it like the log-in page."""
    _token, plain = token_create(account=cast.pegawai, name="uji")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    body = {"old_password": WRONG, "new_password": NEW_PASSWORD}
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = api.put("/api/v1/me/password", body, content_type="application/json")
        assert response.status_code == 400, (attempt, response.content)
        assert response.json()["error"]["code"] == "wrong_password"
    response = api.put("/api/v1/me/password", body, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "account_locked"
    # The right password is refused now too, and the log-in page is locked for this NIP.
    body["old_password"] = PASSWORD
    response = api.put("/api/v1/me/password", body, content_type="application/json")
    assert response.status_code in (401, 429)
    assert response.json()["error"]["code"] in ("account_locked", "invalid_token")
    assert log_in(Client(), cast.pegawai.username, PASSWORD).status_code == 429
    cast.pegawai.refresh_from_db()
    assert cast.pegawai.check_password(PASSWORD), "the password changed while locked"


def test_password_change_page_counts_as_failed_log_ins(cast, client_for):
    client = client_for(cast.pegawai)
    form = {"old_password": WRONG, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("password_change"), form)
        assert response.status_code == 200
        assert "The current password is wrong." in response.content.decode()
    response = client.post(reverse("password_change"), form)
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    form["old_password"] = PASSWORD
    response = client.post(reverse("password_change"), form)
    assert response.status_code == 200 and "locked" in response.content.decode()
    cast.pegawai.refresh_from_db()
    assert cast.pegawai.check_password(PASSWORD)
    assert log_in(Client(), cast.pegawai.username, PASSWORD).status_code == 429


def test_right_current_password_still_changes_it(cast):
    _token, plain = token_create(account=cast.pegawai, name="uji")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    response = api.put(
        "/api/v1/me/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 204
    cast.pegawai.refresh_from_db()
    assert cast.pegawai.check_password(NEW_PASSWORD)


def test_token_creation_takes_no_password(cast):
    """POST /api/v1/tokens needs an authenticated caller and takes no password: nothing to
    guess there. Anonymous callers hear 401, however often they try."""
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = Client().post(
            "/api/v1/tokens", {"name": "x", "password": WRONG}, content_type="application/json"
        )
        assert response.status_code == 401


def test_admin_log_in_shares_the_lock(cast):
    client = Client()
    fail_until_locked(client, cast.pegawai.username)
    response = client.post(
        "/admin/login/", {"username": cast.pegawai.username, "password": PASSWORD}
    )
    assert response.status_code == 429
