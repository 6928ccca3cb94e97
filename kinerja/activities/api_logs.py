"""Activities API: logs, their evidence, and verification.

Reads go through the scoped selectors (kinerja.activities.selectors: a log is seen by whoever
sees its owner; anything else is 404). Writes call one service, which decides who may do it
(the owner writes and submits; the supervisor who rates the owner verifies or returns: anyone
else who sees the log hears 403 `forbidden`), in which state (409) and refuses implausible logs
(400 with the rule's code and message). Creating operations accept an `Idempotency-Key` header
(kinerja.core.idempotency).
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kinerja.activities import selectors, services
from kinerja.activities.models import Activity, Assignment, Evidence
from kinerja.activities.schemas import (
    ActivityFilter,
    ActivityIn,
    ActivityOut,
    ActivityReasonIn,
    BulkVerifyIn,
    BulkVerifyOut,
    EvidenceOut,
    LinkIn,
    QueueFilter,
    VersionIn,
)
from kinerja.activities.services.evidence import refuse_size
from kinerja.core.errors import ApplicationError, NotFound
from kinerja.core.idempotency import idempotent
from kinerja.people.access import get_pegawai_for, request_account
from kinerja.people.models import Account
from kinerja.people.rules import normalise_nip
from kinerja.people.schemas import ERRORS, Pages
from kinerja.plans.models import Rhk

router = Router(tags=["activities"])

NO_CONTENT = {204: None, **ERRORS}
# Shown in the browser (re-encoded images, PDF); anything else is a download.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})


def _with_related(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    related = qs.select_related("pegawai", "rhk", "assignment", "verified_by")
    return related.prefetch_related("evidence")


def _detail(account: Account, pk: int) -> Activity:
    """The log as answered: scoped (404 outside), with its relations and evidence."""
    found = _with_related(selectors.activity_visible_to(account).filter(pk=pk)).first()
    if found is None:
        raise NotFound("not_found", _("Activity not found."))
    return found


def _created(account: Account, activity: Activity) -> Activity:
    """A log just created, answered from the instance the service returned: it is the caller's
    own, has no evidence and no verifier yet, so re-reading it through the scope (the costliest
    part of a create) would only fetch what is already here."""
    activity.pegawai = account.pegawai  # loaded with the account (token or session)
    activity._prefetched_objects_cache = {"evidence": Evidence.objects.none()}
    return activity


def get_evidence_for(account: Account, pk: int) -> Evidence:
    """Evidence of a log the account sees; 404 otherwise."""
    found = (
        Evidence.objects.filter(pk=pk, activity__in=selectors.activity_visible_to(account))
        .select_related("activity")
        .first()
    )
    if found is None:
        raise NotFound("not_found", _("Evidence not found."))
    return found


def _links(account: Account, payload: ActivityIn) -> dict[str, Any]:
    """The RHK and assignment as objects of the caller's instansi (else 400); the service then
    judges whether the log may serve them (own approved SKP, own open assignment)."""
    rhk = assignment = None
    instansi_id = account.instansi_id or 0
    if payload.rhk_id is not None:
        rhk = Rhk.objects.filter(pk=payload.rhk_id, instansi_id=instansi_id).first()
        if rhk is None:
            raise ApplicationError("rhk_not_found", _("The RHK does not exist."))
    if payload.assignment_id is not None:
        assignment = Assignment.objects.filter(
            pk=payload.assignment_id, instansi_id=instansi_id
        ).first()
        if assignment is None:
            raise ApplicationError("assignment_not_found", _("The assignment does not exist."))
    return {"rhk": rhk, "assignment": assignment}


def _fields(payload: ActivityIn) -> dict[str, Any]:
    return {
        "date": payload.date,
        "start_time": payload.start_time,
        "end_time": payload.end_time,
        "minutes": payload.minutes,
        "description": payload.description,
        "output_quantity": payload.output_quantity,
        "output_unit": payload.output_unit,
        "is_additional_task": payload.is_additional_task,
    }


def _month_range(month: str) -> tuple[dt.date, dt.date]:
    year, number = (int(part) for part in month.split("-"))
    if not 1 <= number <= 12:
        raise ApplicationError("invalid_month", _("Give the month as YYYY-MM."))
    first = dt.date(year, number, 1)
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


# --- Logs -------------------------------------------------------------------------------------


@router.get(
    "/activities", response={200: list[ActivityOut], **ERRORS},
    summary="Activity logs: your own, or someone's in your scope (?nip=)",
)
@paginate(Pages)
def activity_list(request: HttpRequest, filters: Query[ActivityFilter]) -> QuerySet[Activity]:
    account = request_account(request)
    if filters.nip.strip():
        pegawai = get_pegawai_for(account, nip=normalise_nip(filters.nip))
        qs = selectors.activity_visible_to(account).filter(pegawai=pegawai)
    else:
        qs = Activity.objects.filter(pegawai_id=account.pegawai_id) if account.pegawai_id else (
            Activity.objects.none()
        )
    if filters.month:
        first, last = _month_range(filters.month)
        qs = qs.filter(date__gte=first, date__lte=last)
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return _with_related(qs).order_by("-date", "-start_time", "-pk")


@router.post("/activities", response={201: ActivityOut, **ERRORS}, summary="Log work")
@idempotent
def activity_create(request: HttpRequest, payload: ActivityIn) -> Status[Any]:
    account = request_account(request)
    activity = services.activity_save(
        actor=account, **_fields(payload), **_links(account, payload)
    )
    return Status(201, _created(account, activity))


# Before /activities/{activity_id}: ninja's path parameters match any text.
@router.post(
    "/activities/verify", response={200: BulkVerifyOut, **ERRORS},
    summary="Verify many submitted logs at once",
)
def activity_verify_many(request: HttpRequest, payload: BulkVerifyIn) -> dict[str, Any]:
    return services.activity_verify_many(actor=request_account(request), ids=payload.ids)


@router.get(
    "/activities/{activity_id}", response={200: ActivityOut, **ERRORS},
    summary="One log, with its evidence",
)
def activity_detail(request: HttpRequest, activity_id: int) -> Activity:
    return _detail(request_account(request), activity_id)


@router.put(
    "/activities/{activity_id}", response={200: ActivityOut, **ERRORS},
    summary="Change a draft or returned log of your own",
)
def activity_update(request: HttpRequest, activity_id: int, payload: ActivityIn) -> Activity:
    account = request_account(request)
    activity = selectors.get_activity_for(account, activity_id)
    services.activity_save(
        actor=account, activity=activity, expected_version=payload.version,
        **_fields(payload), **_links(account, payload),
    )
    return _detail(account, activity_id)


@router.delete(
    "/activities/{activity_id}", response=NO_CONTENT, summary="Delete a draft or returned log"
)
def activity_delete(
    request: HttpRequest, activity_id: int, version: int | None = None
) -> Status[Any]:
    account = request_account(request)
    activity = selectors.get_activity_for(account, activity_id)
    services.activity_delete(actor=account, activity=activity, expected_version=version)
    return Status(204, None)


@router.post(
    "/activities/{activity_id}/submit", response={200: ActivityOut, **ERRORS},
    summary="Submit (ajukan) to the supervisor",
)
def activity_submit(
    request: HttpRequest, activity_id: int, payload: VersionIn | None = None
) -> Activity:
    account = request_account(request)
    activity = selectors.get_activity_for(account, activity_id)
    services.activity_submit(
        actor=account, activity=activity, expected_version=payload.version if payload else None
    )
    return _detail(account, activity_id)


# --- Evidence ---------------------------------------------------------------------------------


@router.post(
    "/activities/{activity_id}/evidence", response={201: EvidenceOut, **ERRORS},
    summary="Attach a file (photo, PDF, office document)",
)
@idempotent
def evidence_upload(
    request: HttpRequest, activity_id: int, file: File[UploadedFile]
) -> Status[Any]:
    account = request_account(request)
    activity = selectors.get_activity_for(account, activity_id)
    # Refuse an oversized file before reading it into memory.
    refuse_size(activity.instansi_id, file.size or 0)
    evidence = services.evidence_add_file(
        actor=account, activity=activity, name=file.name or "", data=file.read()
    )
    return Status(201, evidence)


@router.post(
    "/activities/{activity_id}/links", response={201: EvidenceOut, **ERRORS},
    summary="Attach a link",
)
@idempotent
def evidence_link(request: HttpRequest, activity_id: int, payload: LinkIn) -> Status[Any]:
    account = request_account(request)
    activity = selectors.get_activity_for(account, activity_id)
    evidence = services.evidence_add_link(actor=account, activity=activity, url=payload.url)
    return Status(201, evidence)


@router.get(
    "/evidence/{evidence_id}/file", response={200: None, **ERRORS}, url_name="evidence_file",
    summary="Download an evidence file (in your scope)",
)
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = get_evidence_for(request_account(request), evidence_id)
    if not evidence.file:
        raise NotFound("not_found", _("This evidence is a link, not a file."))
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise NotFound("not_found", _("The file is no longer stored.")) from error
    response = FileResponse(
        handle,
        content_type=evidence.content_type or "application/octet-stream",
        as_attachment=evidence.content_type not in INLINE_TYPES,
        filename=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, max-age=3600"
    # As on the page's download (views_logs.evidence_file): nothing in the file runs.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.delete("/evidence/{evidence_id}", response=NO_CONTENT, summary="Remove evidence")
def evidence_delete(request: HttpRequest, evidence_id: int) -> Status[Any]:
    account = request_account(request)
    evidence = get_evidence_for(account, evidence_id)
    services.evidence_remove(actor=account, evidence=evidence)
    return Status(204, None)


# --- Verification -----------------------------------------------------------------------------


@router.get(
    "/verification-queue", response={200: list[ActivityOut], **ERRORS},
    summary="Submitted logs you verify, oldest submission first",
)
@paginate(Pages)
def verification_queue(request: HttpRequest, filters: Query[QueueFilter]) -> QuerySet[Activity]:
    account = request_account(request)
    pegawai_id = None
    if filters.nip.strip():
        pegawai_id = get_pegawai_for(account, nip=normalise_nip(filters.nip)).pk
    qs = selectors.verification_queue(
        account,
        pegawai_id=pegawai_id,
        flagged_only=filters.flagged,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return _with_related(qs)


@router.post(
    "/activities/{activity_id}/verify", response={200: ActivityOut, **ERRORS},
    summary="Verify a submitted log",
)
def activity_verify(request: HttpRequest, activity_id: int) -> Activity:
    account = request_account(request)
    activity = selectors.get_activity_for(account, activity_id)
    services.activity_verify(actor=account, activity=activity)
    return _detail(account, activity_id)


@router.post(
    "/activities/{activity_id}/return", response={200: ActivityOut, **ERRORS},
    summary="Return (kembalikan) a submitted log with the reason",
)
def activity_return(request: HttpRequest, activity_id: int, payload: ActivityReasonIn) -> Activity:
    account = request_account(request)
    activity = selectors.get_activity_for(account, activity_id)
    services.activity_return(actor=account, activity=activity, reason=payload.reason)
    return _detail(account, activity_id)
