"""Writes about people and accounts: permission check, transaction, audit record."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record, diff, snapshot
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.models import Instansi
from kinerja.core.roles import GRANTABLE_ROLES, Role
from kinerja.org.models import Jabatan, Opd
from kinerja.org.rules import HoldingKind
from kinerja.people.access import scope_for
from kinerja.people.models import (
    AccessToken,
    Account,
    Pegawai,
    PositionAssignment,
    RoleGrant,
)
from kinerja.people.rules import RuleViolation, normalise_golongan, normalise_nip, parse_nip

PEGAWAI_FIELDS = (
    "nip",
    "name",
    "gelar_depan",
    "gelar_belakang",
    "asn_type",
    "golongan",
    "status",
    "gender",
    "birth_date",
    "tmt_cpns",
    "email",
    "phone",
)
ASSIGNMENT_FIELDS = (
    "pegawai",
    "jabatan",
    "kind",
    "movement",
    "start_date",
    "end_date",
    "sk_number",
)
TOKEN_PREFIX = "knj_"


def _require_instansi_admin(actor: Account, instansi_id: int) -> None:
    scope = scope_for(actor)
    if scope.is_superuser and scope.instansi_id is None:
        return
    if not scope.writes_whole_instansi or scope.instansi_id != instansi_id:
        raise Forbidden("forbidden", _("Only the BKPSDM administrator may do this."))


@transaction.atomic
def pegawai_save(
    *, actor: Account, instansi: Instansi, pegawai: Pegawai | None = None, **values: Any
) -> Pegawai:
    """Create or change an employee's personnel data (admin BKPSDM; SIMPEG is the source)."""
    if pegawai is not None and pegawai.instansi_id != instansi.pk:
        raise Forbidden("forbidden", _("Only the BKPSDM administrator may do this."))
    _require_instansi_admin(actor, instansi.pk)
    before = snapshot(pegawai, PEGAWAI_FIELDS) if pegawai else None
    pegawai = pegawai or Pegawai(instansi=instansi)
    for key, value in values.items():
        setattr(pegawai, key, value)
    pegawai.nip = normalise_nip(pegawai.nip)
    try:
        info = parse_nip(pegawai.nip, asn_type=pegawai.asn_type)
        pegawai.golongan = normalise_golongan(pegawai.golongan, asn_type=pegawai.asn_type)
    except RuleViolation as exc:
        raise ApplicationError(exc.code, exc.message) from exc
    pegawai.birth_date = pegawai.birth_date or info.birth_date
    pegawai.gender = pegawai.gender or info.gender
    try:
        pegawai.full_clean(exclude=["instansi"])
    except ValidationError as exc:
        raise ApplicationError(
            "invalid", _("Invalid employee data."), details=exc.message_dict
        ) from exc
    pegawai.save()
    changes = diff(before, snapshot(pegawai, PEGAWAI_FIELDS))
    if changes:
        action = "pegawai.create" if before is None else "pegawai.update"
        audit_record(actor=actor, instansi=instansi, action=action, obj=pegawai, changes=changes)
    return pegawai


@transaction.atomic
def assignment_add(
    *,
    actor: Account,
    pegawai: Pegawai,
    jabatan: Jabatan,
    kind: HoldingKind = HoldingKind.DEFINITIF,
    start_date: dt.date,
    end_date: dt.date | None = None,
    movement: str = "",
    sk_number: str = "",
) -> PositionAssignment:
    """Record a mutation, promotion or acting appointment. A new definitive position closes the
    previous open one the day before its TMT (the person holds one definitive position)."""
    _require_instansi_admin(actor, pegawai.instansi_id)
    if jabatan.instansi_id != pegawai.instansi_id:
        raise ApplicationError("jabatan_instansi", _("The position belongs to another instansi."))
    if end_date is not None and end_date < start_date:
        raise ApplicationError(
            "end_before_start", _("The end date is before the start date (TMT).")
        )
    if kind == HoldingKind.DEFINITIF:
        open_rows = PositionAssignment.objects.select_for_update().filter(
            pegawai=pegawai,
            kind=HoldingKind.DEFINITIF,
            end_date__isnull=True,
            start_date__lt=start_date,
        )
        for row in open_rows:
            before = snapshot(row, ("end_date",))
            row.end_date = start_date - dt.timedelta(days=1)
            row.save(update_fields=["end_date"])
            audit_record(
                actor=actor,
                instansi=pegawai.instansi_id,
                action="assignment.close",
                obj=row,
                changes=diff(before, snapshot(row, ("end_date",))),
            )
    assignment = PositionAssignment.objects.create(
        instansi_id=pegawai.instansi_id,
        pegawai=pegawai,
        jabatan=jabatan,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        movement=movement,
        sk_number=sk_number,
    )
    audit_record(
        actor=actor,
        instansi=pegawai.instansi_id,
        action="assignment.create",
        obj=assignment,
        changes=diff(None, snapshot(assignment, ASSIGNMENT_FIELDS)),
    )
    return assignment


@transaction.atomic
def account_create_for_pegawai(
    *, actor: Account | None, pegawai: Pegawai, password: str | None = None
) -> Account:
    """An employee's log-in: the NIP is the username."""
    if actor is not None:
        _require_instansi_admin(actor, pegawai.instansi_id)
    account = Account(
        username=pegawai.nip,
        instansi_id=pegawai.instansi_id,
        pegawai=pegawai,
        display_name=pegawai.full_name,
    )
    if password:
        account.set_password(password)
    else:
        account.set_unusable_password()
    account.save()
    audit_record(
        actor=actor,
        instansi=pegawai.instansi_id,
        action="account.create",
        obj=account,
        changes={"username": [None, account.username]},
    )
    return account


def account_change_password(
    *, account: Account, old_password: str, new_password: str, request: HttpRequest | None = None
) -> None:
    """Change the account's password after checking the current one.

    With the request (pages and API), the current password is checked through Django's
    authenticate(), so the log-in throttle (django-axes) counts a wrong one as a failed log-in of
    the NIP and refuses every attempt while the NIP is locked: a stolen session or API token is
    not a way to guess the password without limit. The check runs outside the transaction of
    the change, so the failure axes records is not rolled back with it."""
    if request is None:
        if not account.check_password(old_password):
            raise ApplicationError("wrong_password", _("The current password is wrong."))
    else:
        _check_current_password(request, account, old_password)
    _set_password(account, new_password)


@transaction.atomic
def _set_password(account: Account, new_password: str) -> None:
    try:
        validate_password(new_password, user=account)
    except ValidationError as exc:
        raise ApplicationError("weak_password", " ".join(exc.messages)) from exc
    account.set_password(new_password)
    account.password_changed_at = timezone.now()
    account.save(update_fields=["password", "password_changed_at"])
    if account.instansi_id:
        audit_record(
            actor=account,
            instansi=account.instansi_id,
            action="account.password_change",
            obj=account,
        )


ACCOUNT_LOCKED = "account_locked"


def _check_current_password(request: HttpRequest, account: Account, password: str) -> None:
    from axes.handlers.proxy import AxesProxyHandler
    from django.contrib.auth import authenticate

    credentials = {"username": account.username}
    locked = ApplicationError(
        ACCOUNT_LOCKED,
        _("The account is locked after repeated failed log-ins. Try again later."),
        status=429,
    )
    if AxesProxyHandler.is_locked(request, credentials=credentials):
        raise locked
    if authenticate(request, username=account.username, password=password) is None:
        # authenticate() sent user_login_failed: axes counted the failure for this NIP. When it
        # was the one that locks, axes marks the request for its middleware to answer with the
        # log-in lockout page; this error answers instead (JSON on the API).
        if getattr(request, "axes_locked_out", False):
            request.axes_locked_out = False  # type: ignore[attr-defined]
            raise locked
        raise ApplicationError("wrong_password", _("The current password is wrong."))


@transaction.atomic
def role_grant(
    *, actor: Account | None, account: Account, role: str, opd: Opd | None = None
) -> RoleGrant:
    if role not in GRANTABLE_ROLES:
        raise ApplicationError(
            "role_not_grantable", _("This role follows from positions and cannot be granted.")
        )
    if role == Role.ADMIN_OPD and opd is None:
        raise ApplicationError("opd_required", _("An OPD administrator needs an OPD."))
    if account.instansi_id is None:
        raise ApplicationError("no_instansi", _("The account belongs to no instansi."))
    if opd is not None and opd.instansi_id != account.instansi_id:
        raise ApplicationError("opd_instansi", _("The OPD belongs to another instansi."))
    if actor is not None:
        _require_instansi_admin(actor, account.instansi_id)
    grant, created = RoleGrant.objects.get_or_create(
        account=account,
        role=role,
        opd=opd if role == Role.ADMIN_OPD else None,
        defaults={"instansi_id": account.instansi_id},
    )
    if created:
        audit_record(
            actor=actor,
            instansi=account.instansi_id,
            action="role.grant",
            obj=grant,
            changes={"role": [None, role], "opd": [None, opd.pk if opd else None]},
        )
    return grant


@transaction.atomic
def role_revoke(*, actor: Account, grant: RoleGrant) -> None:
    _require_instansi_admin(actor, grant.instansi_id)
    audit_record(
        actor=actor,
        instansi=grant.instansi_id,
        action="role.revoke",
        obj=grant,
        changes={"role": [grant.role, None]},
    )
    grant.delete()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, account: Account, name: str, expires_in_days: int | None = None
) -> tuple[AccessToken, str]:
    """A personal access token; the plain token is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ApplicationError("name_required", _("Give the token a name."))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    token = AccessToken.objects.create(
        account=account,
        name=name[:100],
        prefix=plain[:12],
        token_hash=hash_token(plain),
        expires_at=expires_at,
    )
    if account.instansi_id:
        audit_record(
            actor=account,
            instansi=account.instansi_id,
            action="token.create",
            obj=token,
            changes={"name": [None, token.name]},
        )
    return token, plain


@transaction.atomic
def token_revoke(*, account: Account, token: AccessToken) -> None:
    if token.account_id != account.pk:
        raise Forbidden("forbidden", _("This is not your token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        if account.instansi_id:
            audit_record(
                actor=account, instansi=account.instansi_id, action="token.revoke", obj=token
            )


def token_authenticate(plain: str) -> Account | None:
    """The active account behind a Bearer token, or None. Touches last_used_at at most once a
    minute so API reads do not become writes."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = (
        # The account's instansi (its time zone) and pegawai come along: every API request
        # needs them, and this is the request's first query.
        AccessToken.objects.select_related("account", "account__instansi", "account__pegawai")
        .filter(token_hash=hash_token(plain), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if (
        token is None
        or not token.account.is_active
        or (token.expires_at and token.expires_at <= now)
    ):
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.account
