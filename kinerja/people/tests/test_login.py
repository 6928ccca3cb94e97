"""Log-in with NIP and password, argon2 hashing, lockout after repeated failures."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import override_settings
from django.urls import reverse

from kinerja.core.errors import ApplicationError
from kinerja.core.models import AuditRecord
from kinerja.people.access import today_in
from kinerja.people.services import account_change_password
from kinerja.testing import PASSWORD


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_with_nip_and_password_lands_on_home(client, cast):
    response = _login(client, cast.pegawai.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_is_refused_with_a_clear_message(client, cast):
    response = _login(client, cast.pegawai.username, "salah")
    assert response.status_code == 200
    assert "NIP" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_nip_is_locked_after_repeated_failures(client, cast):
    for _ in range(3):
        _login(client, cast.pegawai.username, "salah")
    response = _login(client, cast.pegawai.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another NIP from the same office (same IP) can still log in.
    assert _login(client, cast.pegawai2.username, PASSWORD).status_code == 302


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2():
    assert identify_hasher(make_password("x" * 12)).algorithm == "argon2"


def test_password_change_checks_the_old_one_and_is_audited(cast):
    account = cast.pegawai
    with pytest.raises(ApplicationError) as exc:
        account_change_password(
            account=account, old_password="salah", new_password="Baru-sekali-2026"
        )
    assert exc.value.code == "wrong_password"
    with pytest.raises(ApplicationError) as exc:
        account_change_password(account=account, old_password=PASSWORD, new_password="123")
    assert exc.value.code == "weak_password"
    account_change_password(account=account, old_password=PASSWORD, new_password="Baru-sekali-2026")
    account.refresh_from_db()
    assert account.check_password("Baru-sekali-2026")
    assert AuditRecord.objects.filter(
        action="account.password_change", actor_id=account.pk
    ).exists()


def test_today_follows_the_instansi_time_zone(cast, monkeypatch):
    from django.utils import timezone

    cast.instansi.time_zone = "Asia/Jayapura"
    cast.instansi.save()
    account = cast.pegawai
    account.refresh_from_db()
    # 16:30 UTC is 01:30 the next day in Papua (WIT, UTC+9) and 23:30 in Jakarta.
    instant = dt.datetime(2026, 3, 31, 16, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    assert today_in(account) == dt.date(2026, 4, 1)
    assert instant.astimezone(ZoneInfo("Asia/Jakarta")).date() == dt.date(2026, 3, 31)
