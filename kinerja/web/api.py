"""API for cross-cutting reads: the audit trail and its verification.

Readers: the auditor (Inspektorat) and the admin BKPSDM (kinerja.people.access.may_read_audit),
over their own instansi. Everyone else gets 403: the audit trail is a feature they lack, not an
object hidden from them.
"""


import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from kinerja.core.audit import audit_verify
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.models import AuditRecord, Instansi
from kinerja.people.access import may_read_audit
from kinerja.people.models import Account
from kinerja.people.schemas import ERRORS, Pages
from kinerja.web.schemas import AuditFilter, AuditOut, AuditVerifyOut

router = Router(tags=["audit"])


def _require_audit_reader(account: Account) -> None:
    if not may_read_audit(account):
        raise Forbidden("forbidden", _("Only the auditor and the BKPSDM administrator may read "
                                       "the audit trail."))


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _actor_id(actor: str) -> int | None:
    """An account id, or a NIP/username (18 digits are a NIP, never an id)."""
    actor = actor.strip()
    if actor.isdigit() and len(actor) < 18:
        return int(actor)
    return Account.objects.filter(username=actor).values_list("pk", flat=True).first() or -1


@router.get("/audit", response={200: list[AuditOut], **ERRORS}, summary="The audit trail")
@paginate(Pages)
def audit_list(request: HttpRequest, filters: Query[AuditFilter]) -> QuerySet[AuditRecord]:
    account: Account = request.user  # type: ignore[assignment]
    _require_audit_reader(account)
    qs = AuditRecord.objects.all()
    if account.instansi_id is not None or not account.is_superuser:
        qs = qs.filter(instansi_id=account.instansi_id)
    for name in ("action", "object_type", "object_id"):
        value = getattr(filters, name).strip()
        if value:
            qs = qs.filter(**{name: value})
    if filters.actor.strip():
        qs = qs.filter(actor_id=_actor_id(filters.actor))
    if filters.since is not None:
        qs = qs.filter(at__gte=_aware(filters.since))
    if filters.until is not None:
        until = _aware(filters.until)
        if filters.until.time() == dt.time(0) and filters.until.tzinfo is None:
            qs = qs.filter(at__lt=until + dt.timedelta(days=1))  # a date: the whole day
        else:
            qs = qs.filter(at__lte=until)
    return qs.order_by("-seq")


@router.get(
    "/audit/verify",
    response={200: AuditVerifyOut, **ERRORS},
    summary="Check the hash chain of the caller's instansi",
)
def audit_chain_verify(request: HttpRequest) -> dict[str, Any]:
    account: Account = request.user  # type: ignore[assignment]
    _require_audit_reader(account)
    instansi = Instansi.objects.filter(pk=account.instansi_id).first()
    if instansi is None:
        raise ApplicationError("no_instansi", _("Your account belongs to no instansi."))
    result = audit_verify(instansi)
    return {"instansi": result.instansi_code, "checked": result.checked, "ok": result.ok,
            "problems": result.problems}
