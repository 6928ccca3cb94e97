"""`Idempotency-Key` for creating API operations: a phone that retries after a dropped connection
gets the first answer again and creates nothing new.

    @router.post("/activities", response={201: ActivityOut, **ERRORS})
    @idempotent
    def activity_create(request, payload: ActivityIn): ...

Without the header the operation runs as usual. With it (1-100 printable ASCII characters):

- the first request runs the operation and, in the same transaction, stores its status and JSON
  body (core.models.IdempotencyRecord, unique per account and key, with a SHA-256 of the method,
  path and body);
- a retry with the same key and the same request answers the stored status and body (header
  `Idempotent-Replayed: true`) and runs nothing;
- the same key with another request is `422 idempotency_key_reused`;
- two copies racing: the record is inserted *before* the operation runs, inside the
  transaction, so the second insert waits on the unique index until the first transaction ends
  (PostgreSQL), then reads the stored answer; the operation runs once. If the first fails, its
  record is rolled back with everything else and the second runs.

Only successful answers (2xx) are stored: a refusal (4xx) rolls back the record with the
operation, so the same key may be sent again once the problem is fixed. Records are purged after
a few days (`kinerja purge_idempotency --days 7`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja.decorators import decorate_view

from kinerja.core.errors import ApplicationError
from kinerja.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"^[\x20-\x7e]{1,100}$")
IN_PROGRESS = 0


class KeyReused(ApplicationError):
    status = 422


def request_key(request: HttpRequest) -> str | None:
    """The request's Idempotency-Key, or None; a malformed one is refused (400)."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not KEY_PATTERN.match(key):
        raise ApplicationError(
            "idempotency_key_invalid",
            _("The Idempotency-Key header must be 1 to 100 printable characters."),
        )
    return key


def request_hash(request: HttpRequest) -> str:
    """SHA-256 of the method, path and body. A multipart body cannot be read again once parsed,
    so its fields and the files' names and contents are hashed instead (sorted, stable)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"field {name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                file_digest = hashlib.sha256()
                for chunk in upload.chunks():
                    file_digest.update(chunk)
                upload.seek(0)
                digest.update(f"file {name}={upload.name}:{file_digest.hexdigest()}\n".encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def replay(record: IdempotencyRecord) -> HttpResponse:
    content = "" if record.status == 204 else json.dumps(record.body, ensure_ascii=False)
    response = HttpResponse(
        content,
        status=record.status,
        content_type="application/json; charset=utf-8",
    )
    response[REPLAYED_HEADER] = "true"
    return response


def _stored_answer(account_id: int, key: str, fingerprint: str) -> HttpResponse:
    record = IdempotencyRecord.objects.get(account_id=account_id, key=key)
    if record.request_hash != fingerprint:
        raise KeyReused(
            "idempotency_key_reused",
            _("This Idempotency-Key was already used for another request. Use a new key."),
        )
    return replay(record)


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a django-ninja operation (below the @router.post line). See the module text."""
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        account_id = request.user.pk
        assert account_id is not None, "the operation requires authentication"
        fingerprint = request_hash(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        account_id=account_id,
                        key=key,
                        method=request.method or "",
                        path=request.path[:300],
                        request_hash=fingerprint,
                        status=IN_PROGRESS,
                    )
            except IntegrityError:
                # Stored by an earlier (or a concurrent, now finished) request.
                return _stored_answer(account_id, key, fingerprint)
            operation = getattr(request, OPERATION_ATTRIBUTE)
            response = _to_response(operation, request, view(request, *args, **kwargs))
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)
                return response
            record.status = response.status_code
            content = getattr(response, "content", b"")
            record.body = json.loads(content) if content else {}
            record.save(update_fields=["status", "body"])
            return response

    # The operation bound to the API (ninja clones operations when a router is mounted), to turn
    # the view's result into the response ninja would send.
    return decorate_view(_remember_operation)(wrapper)


OPERATION_ATTRIBUTE = "_kinerja_operation"


def _remember_operation(run: Callable[..., Any]) -> Callable[..., Any]:
    operation = getattr(run, "__self__", None)

    @functools.wraps(run)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        setattr(request, OPERATION_ATTRIBUTE, operation)
        return run(request, *args, **kwargs)

    return wrapped


def _to_response(operation: Any, request: HttpRequest, result: Any) -> HttpResponseBase:
    if isinstance(result, HttpResponseBase):
        return result
    temporal = operation.api.create_temporal_response(request)
    # ninja's own serialisation by the operation's response schema (private in ninja 1.x;
    # test_idempotency covers it).
    response: HttpResponseBase = operation._result_to_response(request, result, temporal)
    return response


def purge(days: int) -> int:
    """Delete records older than `days`; returns how many."""
    import datetime as dt

    from django.utils import timezone

    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _detail = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
