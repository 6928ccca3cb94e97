"""API for cross-cutting reads: the audit trail and its verification.

Readers: the auditor (Inspektorat) and the admin BKPSDM (kinerja.people.access.may_read_audit),
over their own instansi. Everyone else gets 403: the audit trail is a feature they lack, not an
object hidden from them.
"""


from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from kinerja.core.audit import audit_verify
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.models import AuditRecord, Instansi
from kinerja.people.access import may_read_audit
from kinerja.people.models import Account
from kinerja.people.schemas import ERRORS, Pages
from kinerja.people.selectors import audit_trail
from kinerja.web.schemas import AuditFilter, AuditOut, AuditVerifyOut

router = Router(tags=["audit"])


def _require_audit_reader(account: Account) -> None:
    if not may_read_audit(account):
        raise Forbidden("forbidden", _("Only the auditor and the BKPSDM administrator may read "
                                       "the audit trail."))


@router.get("/audit", response={200: list[AuditOut], **ERRORS}, summary="The audit trail")
@paginate(Pages)
def audit_list(request: HttpRequest, filters: Query[AuditFilter]) -> QuerySet[AuditRecord]:
    account: Account = request.user  # type: ignore[assignment]
    _require_audit_reader(account)
    return audit_trail(
        account,
        action=filters.action.strip(),
        object_type=filters.object_type.strip(),
        object_id=filters.object_id.strip(),
        actor=filters.actor.strip(),
        since=filters.since,
        until=filters.until,
    )


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
