"""Two-factor authentication: a TOTP code (authenticator app, RFC 6238) after the password.

Required for the roles in `settings.KINERJA_2FA_REQUIRED_ROLES` (admin BKPSDM, auditor and
superusers by default: they read or change the whole Pemda), optional for everyone else.
django-otp keeps the devices (`TOTPDevice`: the key, the throttle after wrong codes, `last_t`
so a code is never accepted twice) and marks a session verified (`django_otp.login`);
this module decides who needs what, and its services enable, disable and reset with an audit
record each. `kinerja.people.middleware.TwoFactorMiddleware` enforces it on every request.

What an unverified session needs is kept in the session (`SESSION_KEY`), written at log-in by
the `user_logged_in` receiver below, so an account without 2FA costs no query per request; it is
asked again after `KINERJA_2FA_RECHECK_SECONDS` (a role granted during the session).
"""

from __future__ import annotations

import base64
import enum
import re
import time
from binascii import unhexlify
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinerja.core.audit import audit_record
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.roles import Role
from kinerja.people.models import Account, RoleGrant

SESSION_KEY = "kinerja_2fa"
SUPERUSER = "superuser"
DEVICE_NAME = "Authenticator"
CODE_RE = re.compile(r"^\d{6}$")


class Need(enum.StrEnum):
    """What an unverified session must do before it may use the site."""

    NONE = "none"  # no device, not required: the password was enough
    CODE = "code"  # has a confirmed device: enter its current code (/masuk/kode/)
    ENROL = "enrol"  # required and no device yet: set one up (/akun/2fa/)


# --- Rules (plain values) -----------------------------------------------------------------------


def required_roles() -> frozenset[str]:
    """The setting, checked: an unknown role name would silently require nobody."""
    roles = frozenset(getattr(settings, "KINERJA_2FA_REQUIRED_ROLES", ()))
    unknown = roles - set(Role.values) - {SUPERUSER}
    if unknown:
        raise ImproperlyConfigured(
            f"KINERJA_2FA_REQUIRED_ROLES has unknown roles {sorted(unknown)}; use "
            f"{', '.join([*Role.values, SUPERUSER])}"
        )
    return roles


def need_for(*, required: bool, has_device: bool) -> Need:
    """A confirmed device is always asked for, required or not (2FA a user turned on is on);
    without one, only a required role is stopped."""
    if has_device:
        return Need.CODE
    return Need.ENROL if required else Need.NONE


def normalise_code(raw: str) -> str:
    """Codes as people type them: "123 456" and "123-456" are 123456."""
    return re.sub(r"[\s-]", "", raw or "")


def secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in (RFC 4648 base32, no padding),
    grouped by four for reading aloud."""
    plain = base64.b32encode(unhexlify(device.key)).decode().rstrip("=")
    return " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the device's authenticator shows at `at` (now by default): for the DEBUG-only
    `kinerja twofactor code` and for tests. The server never needs it to verify."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def next_code(device: TOTPDevice, *, at: float | None = None) -> str | None:
    """The code the device will accept next: the current one, or, when that was already used
    (django-otp refuses a time step twice), the next step's within the tolerance; None when
    even that is used. For the DEBUG-only CLI and the browser tests."""
    now = time.time() if at is None else at
    step_now = int((now - device.t0) // device.step) + device.drift
    step = max(step_now, device.last_t + 1)
    if step > step_now + device.tolerance:
        return None
    return current_code(device, at=now + (step - step_now) * device.step)


# --- Selectors ----------------------------------------------------------------------------------


def confirmed_device(account: Account) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=account, confirmed=True).order_by("pk").first()


@dataclass(frozen=True)
class Status:
    enabled: bool
    required: bool


def _granted_required(roles: frozenset[str]) -> list[str]:
    return [r for r in roles if r in Role.values and r not in (Role.PEGAWAI, Role.ATASAN)]


def _status(accounts: Any) -> Status | None:
    """One query: a confirmed device? a granted role that requires 2FA? (The pegawai and atasan
    roles, if an operator requires them, cost one more.) None when there is no such account."""
    roles = required_roles()
    row = (
        accounts.annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_role=Exists(
                RoleGrant.objects.filter(account=OuterRef("pk"), role__in=_granted_required(roles))
            ),
        )
        .values("pk", "has_device", "has_role", "is_superuser", "pegawai_id")
        .first()
    )
    if row is None:
        return None
    required = bool(row["has_role"]) or (SUPERUSER in roles and row["is_superuser"])
    if not required and row["pegawai_id"] is not None:
        if Role.PEGAWAI in roles:
            required = True
        elif Role.ATASAN in roles:
            from kinerja.people.access import scope_for

            # A fresh instance: scope_for caches on the object it is given.
            required = scope_for(Account.objects.get(pk=row["pk"])).is_atasan
    return Status(enabled=bool(row["has_device"]), required=required)


def status_of(account: Account) -> Status:
    return _status(Account.objects.filter(pk=account.pk)) or Status(enabled=False, required=False)


def status_of_pegawai(pegawai_id: int) -> Status | None:
    """The 2FA status of the employee's account (None: the employee has no account)."""
    return _status(Account.objects.filter(pegawai_id=pegawai_id))


def is_required(account: Account) -> bool:
    return status_of(account).required


# --- Session state ------------------------------------------------------------------------------


def remember_need(request: HttpRequest, account: Account) -> Need:
    """Ask the database what this session needs and keep the answer in the session."""
    status = status_of(account)
    need = need_for(required=status.required, has_device=status.enabled)
    request.session[SESSION_KEY] = {"need": need.value, "at": int(time.time())}
    return need


def session_need(request: HttpRequest, account: Account) -> Need:
    """What the (unverified) session needs: from the session while fresh, else asked again."""
    state = request.session.get(SESSION_KEY)
    recheck = getattr(settings, "KINERJA_2FA_RECHECK_SECONDS", 300)
    if isinstance(state, dict) and time.time() - state.get("at", 0) < recheck:
        try:
            return Need(str(state.get("need")))
        except ValueError:
            pass
    return remember_need(request, account)


@receiver(user_logged_in, dispatch_uid="kinerja_twofactor_need")
def _on_log_in(sender: Any, request: HttpRequest | None, user: Account, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        remember_need(request, user)


# --- Services -----------------------------------------------------------------------------------


class CodeRefused(ApplicationError):
    """A wrong, reused or malformed code, or one sent too soon after wrong ones."""


def _check_code(device_pk: int, code: str) -> TOTPDevice:
    """Verify `code` against the device, locked so two requests cannot both use one code.

    The transaction ends before a refusal is raised: the failure count django-otp increments
    (the throttle) must be committed, not rolled back with the exception."""
    code = normalise_code(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device_pk)
        allowed, info = device.verify_is_allowed()
        ok = allowed and bool(CODE_RE.match(code)) and device.verify_token(code)
        if allowed and not ok and not CODE_RE.match(code):
            device.throttle_increment(commit=True)  # malformed counts as wrong
    if not allowed:
        wait = 1
        if info and info.get("locked_until"):
            wait = max(1, int((info["locked_until"] - timezone.now()).total_seconds() + 0.999))
        raise CodeRefused(
            "otp_throttled",
            _("Too many wrong codes. Wait %(seconds)s seconds, then try again.")
            % {"seconds": wait},
            status=429,
            details={"retry_after": wait},
        )
    if not ok:
        raise CodeRefused(
            "otp_invalid",
            _(
                "That code is not right. Enter the 6-digit code your authenticator app shows "
                "now; each code can be used once."
            ),
        )
    return device


def twofactor_verify(*, account: Account, code: str) -> TOTPDevice:
    """The log-in's second step: the current code of the account's confirmed device."""
    device = confirmed_device(account)
    if device is None:
        raise ApplicationError(
            "otp_no_device", _("Two-factor authentication is not set up for this account.")
        )
    return _check_code(device.pk, code)


def twofactor_pending_device(*, account: Account) -> TOTPDevice:
    """The device being set up: a fresh key, unconfirmed (it verifies nothing at log-in) until
    the user proves with one code that the app holds it. One per account, reused on reload."""
    device = TOTPDevice.objects.filter(user=account, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=account, name=DEVICE_NAME, confirmed=False)
    return device


def twofactor_enable(*, account: Account, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm the pending device with a code from the app; other devices of the account go."""
    if device.user_id != account.pk or device.confirmed:
        raise Forbidden("forbidden", _("This is not your pending authenticator."))
    device = _check_code(device.pk, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=account).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        if account.instansi_id:
            audit_record(
                actor=account,
                instansi=account.instansi_id,
                action="twofactor.enable",
                obj=account,
                changes={"two_factor": [False, True]},
            )
    return device


def twofactor_disable(*, account: Account, code: str) -> None:
    """Turn 2FA off: only for roles that do not require it, and only with a current code (a
    session left open on a shared computer must not be enough)."""
    if is_required(account):
        raise Forbidden(
            "otp_required_for_role",
            _("Your role requires two-factor authentication; it cannot be turned off."),
        )
    device = confirmed_device(account)
    if device is None:
        return
    _check_code(device.pk, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=account).delete()
        if account.instansi_id:
            audit_record(
                actor=account,
                instansi=account.instansi_id,
                action="twofactor.disable",
                obj=account,
                changes={"two_factor": [True, False]},
            )


def twofactor_reset(*, actor: Account | None, account: Account) -> int:
    """Remove every device of `account` (a lost phone): admin BKPSDM of the account's
    instansi, or an operator on the command line (`actor=None`). The account sets up a new
    authenticator at its next log-in if its role requires one. Returns the devices removed."""
    if actor is not None:
        from kinerja.people.access import instansi_managed_by

        instansi_id = instansi_managed_by(
            actor, _("Only the BKPSDM administrator resets two-factor authentication.")
        )
        if account.instansi_id != instansi_id:
            raise Forbidden(
                "forbidden", _("Only the BKPSDM administrator resets two-factor authentication.")
            )
    with transaction.atomic():
        had = TOTPDevice.objects.filter(user=account, confirmed=True).exists()
        removed: int = TOTPDevice.objects.filter(user=account).delete()[0]
        if account.instansi_id:
            audit_record(
                actor=actor,
                instansi=account.instansi_id,
                action="twofactor.reset",
                obj=account,
                changes={"two_factor": [had, False]},
                context={"via": "web" if actor is not None else "cli"},
            )
    return removed


def require_session_for_token(request: HttpRequest, account: Account) -> None:
    """A token of an account whose role requires 2FA is made from a verified session (the
    middleware already holds unverified sessions), never from another token: a stolen token
    must not be able to mint tokens that outlive its revocation."""
    is_token = request.headers.get("Authorization", "").startswith("Bearer ")
    if is_token and is_required(account):
        raise Forbidden(
            "otp_required",
            _("Your role requires two-factor authentication: create tokens from a logged-in "
              "session (/akun/token/), not with a token."),
        )
