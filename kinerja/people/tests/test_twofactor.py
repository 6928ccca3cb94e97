"""Two-factor authentication (kinerja/people/twofactor.py, middleware.py, twofactor_views.py):
required for admin BKPSDM and the auditor, optional for everyone else; the code step after the
password, enrolment with a QR code and the secret as text, throttled wrong codes, no code twice,
turning it off, the BKPSDM administrator's reset, the operator's CLI, and the API (the session
is held, a Bearer token is not asked)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinerja.core.models import AuditRecord
from kinerja.people import twofactor
from kinerja.people.models import Account
from kinerja.people.services import token_create
from kinerja.testing import PASSWORD, login_verified, totp_device

API = "/api/v1"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def password_login(account: Any) -> Client:
    """A fresh client through the real log-in form (NIP and password), nothing more."""
    client = Client()
    response = client.post(reverse("login"), {"username": account.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def plain_session(account: Any) -> Client:
    client = Client()
    client.force_login(account, backend=BACKEND)
    return client


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    code = twofactor.next_code(device)
    assert code is not None
    return code


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def no_throttle(settings):
    """Wrong codes then a right one within a second: the throttle (tested on its own) off."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


# --- Required roles -----------------------------------------------------------------------------


def test_required_role_without_device_reaches_only_the_enrolment_page(cast):
    admin = plain_session(cast.admin_bkpsdm)
    for path in ("/", "/audit/", "/akun/token/", "/pegawai/", "/admin/"):
        response = admin.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{reverse('twofactor')}?next={path.replace('/', '%2F')}"
    page = admin.get(reverse("twofactor"))
    assert page.status_code == 200
    body = text(page)
    assert "Your role requires two-factor authentication." in body
    assert '<svg role="img"' in body and "style=" not in page.content.decode().split("<svg")[1]
    assert page["Cache-Control"] == "no-store"
    # The secret as text, for those who cannot scan: the same key as the device being set up.
    device = TOTPDevice.objects.get(user=cast.admin_bkpsdm)
    assert not device.confirmed
    assert twofactor.secret_base32(device) in body
    # Log-out and the language switch stay open.
    assert admin.post(reverse("logout")).status_code == 302


def test_required_role_without_device_is_refused_by_the_session_api(cast):
    auditor = plain_session(cast.auditor)
    for method, path in (("get", f"{API}/me"), ("get", f"{API}/audit"), ("post", f"{API}/tokens")):
        response = getattr(auditor, method)(path, {} if method == "post" else None,
                                            content_type="application/json")
        assert response.status_code == 403, path
        error = response.json()["error"]
        assert error["code"] == "otp_required"
        assert "/akun/2fa/" in error["message"] and error["details"] == {"need": "enrol"}
    assert not TOTPDevice.objects.filter(user=cast.auditor).exists()


def test_htmx_requests_are_sent_on_with_hx_redirect(cast):
    response = plain_session(cast.admin_bkpsdm).get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/akun/2fa/")


def test_enrolment_with_a_wrong_code_fails_and_the_right_code_turns_it_on(cast, no_throttle):
    admin = plain_session(cast.admin_bkpsdm)
    admin.get(reverse("twofactor"))
    device = TOTPDevice.objects.get(user=cast.admin_bkpsdm)
    wrong = admin.post(reverse("twofactor"), {"code": "000000", "next": "/audit/"})
    assert wrong.status_code == 200 and "That code is not right." in text(wrong)
    device.refresh_from_db()
    assert not device.confirmed
    assert admin.get("/audit/").status_code == 302  # still held
    right = admin.post(reverse("twofactor"), {"code": code_for(device), "next": "/audit/"})
    assert right.status_code == 302 and right["Location"] == "/audit/"
    device.refresh_from_db()
    assert device.confirmed
    assert admin.get("/audit/").status_code == 200
    assert admin.get(f"{API}/me").status_code == 200
    record = AuditRecord.objects.get(action="twofactor.enable")
    assert record.actor_id == cast.admin_bkpsdm.pk
    assert record.changes == {"two_factor": [False, True]}


# --- The code step at log-in --------------------------------------------------------------------


def test_log_in_with_a_device_asks_for_a_valid_code(cast, no_throttle):
    device = totp_device(cast.auditor)
    client = password_login(cast.auditor)
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('otp_verify')}?next=%2Faudit%2F"
    assert client.get(f"{API}/audit").json()["error"]["code"] == "otp_required"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Enter your code" in text(page)
    wrong = client.post(reverse("otp_verify"), {"code": "123 456", "next": "/audit/"})
    assert wrong.status_code == 200 and "That code is not right." in text(wrong)
    assert client.get("/audit/").status_code == 302
    right = client.post(reverse("otp_verify"), {"code": code_for(device), "next": "/audit/"})
    assert right.status_code == 302 and right["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200


@pytest.mark.indonesian
def test_wrong_codes_are_throttled_with_a_message_in_indonesian(cast):
    device = totp_device(cast.pegawai)
    client = password_login(cast.pegawai)
    client.post(reverse("otp_verify"), {"code": "000000"})
    # Right away, even the right code is refused until the wait is over.
    response = client.post(reverse("otp_verify"), {"code": code_for(device)})
    assert response.status_code == 429
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert client.get("/").status_code == 302  # not let in
    assert "lang=\"id\"" in response.content.decode()


def test_throttled_attempts_do_not_count_and_a_later_right_code_works(cast, settings):
    device = totp_device(cast.pegawai)
    client = password_login(cast.pegawai)
    client.post(reverse("otp_verify"), {"code": "000000"})
    assert client.post(reverse("otp_verify"), {"code": "111111"}).status_code == 429
    assert "Too many wrong codes" in text(client.post(reverse("otp_verify"), {"code": "1"}))
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp.replace(year=2000)
    )
    assert client.post(reverse("otp_verify"), {"code": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_the_same_code_is_not_accepted_twice(cast, no_throttle):
    device = totp_device(cast.atasan)
    first = password_login(cast.atasan)
    device.refresh_from_db()
    code = twofactor.next_code(device)
    assert first.post(reverse("otp_verify"), {"code": code}).status_code == 302
    second = password_login(cast.atasan)
    replay = second.post(reverse("otp_verify"), {"code": code})
    assert replay.status_code == 200 and "each code can be used once" in text(replay)
    assert second.get("/").status_code == 302


def test_a_session_is_held_only_until_its_code_is_entered_not_across_accounts(cast):
    totp_device(cast.pegawai)
    client = password_login(cast.pegawai2)  # no device: the password is enough
    assert client.get("/").status_code == 200
    assert client.get(reverse("otp_verify")).status_code == 302  # nothing to ask


# --- Optional for everyone else -----------------------------------------------------------------


def test_pegawai_turns_two_factor_on_and_off(cast, no_throttle):
    client = plain_session(cast.pegawai)
    assert client.get("/").status_code == 200  # optional: not held
    account_page = text(client.get(reverse("account")))
    assert "Two-factor authentication" in account_page and "Off" in account_page
    client.get(reverse("twofactor"))
    device = TOTPDevice.objects.get(user=cast.pegawai)
    assert client.post(reverse("twofactor"), {"code": code_for(device)}).status_code == 302
    assert "On" in text(client.get(reverse("account")))
    # The next log-in asks for the code.
    assert password_login(cast.pegawai).get("/").status_code == 302
    # Turning it off needs a current code.
    wrong = client.post(reverse("twofactor_disable"), {"code": "000000"})
    assert wrong.status_code == 200 and "That code is not right." in text(wrong)
    assert TOTPDevice.objects.filter(user=cast.pegawai, confirmed=True).exists()
    off = client.post(reverse("twofactor_disable"), {"code": code_for(device)})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.pegawai).exists()
    assert password_login(cast.pegawai).get("/").status_code == 200
    records = AuditRecord.objects.filter(action__startswith="twofactor.").order_by("seq")
    actions = list(records.values_list("action", "actor_id"))
    me = cast.pegawai.pk
    assert actions == [("twofactor.enable", me), ("twofactor.disable", me)]


def test_a_role_that_requires_it_cannot_turn_it_off(cast):
    admin = login_verified(Client(), cast.admin_bkpsdm)
    device = TOTPDevice.objects.get(user=cast.admin_bkpsdm)
    page = text(admin.get(reverse("twofactor")))
    assert "cannot be turned off" in page and "twofactor_disable" not in page
    response = admin.post(reverse("twofactor_disable"), {"code": code_for(device)})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=cast.admin_bkpsdm, confirmed=True).exists()
    assert not AuditRecord.objects.filter(action="twofactor.disable").exists()


# --- Recovery -----------------------------------------------------------------------------------


def test_admin_bkpsdm_resets_an_auditors_two_factor_and_it_is_audited(cast):
    totp_device(cast.auditor)
    auditor = login_verified(Client(), cast.auditor)
    assert auditor.get("/audit/").status_code == 200
    admin = login_verified(Client(), cast.admin_bkpsdm)
    nip = cast.people["auditor"].nip
    detail = text(admin.get(reverse("people:detail", args=[nip])))
    assert "Reset two-factor authentication" in detail
    response = admin.post(reverse("twofactor_reset", args=[nip]))
    assert response.status_code == 302 and response["Location"] == f"/pegawai/{nip}/"
    assert not TOTPDevice.objects.filter(user=cast.auditor).exists()
    record = AuditRecord.objects.get(action="twofactor.reset")
    assert record.actor_id == cast.admin_bkpsdm.pk
    assert record.object_id == str(cast.auditor.pk)
    assert record.changes == {"two_factor": [True, False]}
    # The auditor's verified session is verified no more: it must set up a new authenticator.
    step = auditor.get("/audit/")
    assert step.status_code == 302
    assert auditor.get(step["Location"])["Location"] == reverse("twofactor")


def test_others_cannot_reset_two_factor(cast):
    device = totp_device(cast.pegawai)
    pegawai2 = login_verified(Client(), cast.pegawai2)
    url = reverse("twofactor_reset", args=[cast.people["pegawai"].nip])
    assert pegawai2.post(url).status_code == 404  # does not see the colleague
    for who in ("atasan", "admin_opd", "auditor", "pimpinan"):  # see them, may not reset
        assert login_verified(Client(), cast.accounts[who]).post(url).status_code == 403, who
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not AuditRecord.objects.filter(action="twofactor.reset").exists()
    # Nor is the panel shown to them.
    page = text(login_verified(Client(), cast.atasan).get(
        reverse("people:detail", args=[cast.people["pegawai"].nip])))
    assert "Reset two-factor authentication" not in page


def test_operator_resets_from_the_command_line_audited(cast):
    totp_device(cast.admin_bkpsdm)
    out = io.StringIO()
    call_command("twofactor", "reset", cast.admin_bkpsdm.username, stdout=out)
    assert "reset (1 device(s) removed)" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=cast.admin_bkpsdm).exists()
    record = AuditRecord.objects.get(action="twofactor.reset")
    assert record.actor_id is None and record.context == {"via": "cli"}
    out = io.StringIO()
    call_command("twofactor", "status", cast.admin_bkpsdm.username, stdout=out)
    assert "two-factor off, required" in out.getvalue()


def test_the_code_command_is_for_debug_only(cast, settings):
    device = totp_device(cast.auditor)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("twofactor", "code", cast.auditor.username, stdout=io.StringIO())
    settings.DEBUG = True
    out = io.StringIO()
    call_command("twofactor", "code", cast.auditor.username, stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert twofactor.twofactor_verify(account=cast.auditor, code=code) == device


# --- API tokens ---------------------------------------------------------------------------------


def test_a_bearer_token_is_not_asked_for_a_code(cast):
    _token, plain = token_create(account=cast.auditor, name="integrasi")
    totp_device(cast.auditor)
    response = Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 200
    # Even beside an unverified session in the same browser: the token decides.
    client = plain_session(cast.auditor)
    assert client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200


def test_a_required_role_makes_tokens_from_a_verified_session_not_from_a_token(cast):
    _token, plain = token_create(account=cast.admin_bkpsdm, name="integrasi")
    refused = Client().post(f"{API}/tokens", {"name": "lagi"}, content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "otp_required"
    admin = login_verified(Client(), cast.admin_bkpsdm)
    made = admin.post(f"{API}/tokens", {"name": "lagi"}, content_type="application/json")
    assert made.status_code == 201
    # Accounts without the requirement keep making tokens with a token.
    _token, mine = token_create(account=cast.pegawai, name="integrasi")
    response = Client().post(f"{API}/tokens", {"name": "lagi"}, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {mine}")
    assert response.status_code == 201


# --- Rules and settings -------------------------------------------------------------------------


def test_required_roles_follow_the_setting(cast, settings):
    assert twofactor.is_required(cast.admin_bkpsdm) and twofactor.is_required(cast.auditor)
    assert not twofactor.is_required(cast.pimpinan) and not twofactor.is_required(cast.pegawai)
    settings.KINERJA_2FA_REQUIRED_ROLES = ["pimpinan", "atasan"]
    assert twofactor.is_required(cast.pimpinan) and twofactor.is_required(cast.atasan)
    assert not twofactor.is_required(cast.admin_bkpsdm) and not twofactor.is_required(cast.pegawai)
    settings.KINERJA_2FA_REQUIRED_ROLES = ["admin"]
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="admin"):
        twofactor.required_roles()


def test_a_role_granted_during_a_session_is_enforced_after_the_recheck(cast, settings):
    from kinerja.people.models import RoleGrant

    client = plain_session(cast.pimpinan)
    assert client.get("/").status_code == 200
    RoleGrant.objects.create(account=cast.pimpinan, instansi=cast.instansi, role="auditor")
    settings.KINERJA_2FA_RECHECK_SECONDS = 0
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(("required", "has_device", "need"), [
    (True, True, twofactor.Need.CODE), (False, True, twofactor.Need.CODE),
    (True, False, twofactor.Need.ENROL), (False, False, twofactor.Need.NONE),
])
def test_need_for(required, has_device, need):
    assert twofactor.need_for(required=required, has_device=has_device) is need


def test_an_account_without_two_factor_costs_no_query_per_request(cast, django_assert_num_queries):
    from django.test import RequestFactory

    from kinerja.people.middleware import TwoFactorMiddleware

    client = plain_session(cast.pegawai)
    request = RequestFactory().get("/")
    request.session = client.session
    assert request.session[twofactor.SESSION_KEY]["need"] == "none"  # written at log-in
    request.user = Account.objects.get(pk=cast.pegawai.pk)
    request.user.is_verified = lambda: False
    middleware = TwoFactorMiddleware(lambda r: "passed")
    with django_assert_num_queries(0):
        assert middleware._hold(request) is None
