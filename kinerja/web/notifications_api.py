"""API for the caller's own notifications: list (newest first, `unread` filter), the unread
count, mark one read, mark all read. Another account's notification does not exist (404).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from kinerja.people.models import Account, Notification
from kinerja.people.notifications import (
    get_notification_for,
    notification_mark_all_read,
    notification_mark_read,
    notifications_of,
    unread_count,
)
from kinerja.people.schemas import ERRORS, Pages

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str = Field(..., description="activity_returned, skp_returned, skp_approved, "
                                       "assignment_new, assignment_due_soon, ...")
    title: str
    body: str
    link: str = Field(..., description="Path of the page the notification is about, or empty.")
    created_at: dt.datetime
    read_at: dt.datetime | None = Field(None, description="When it was read; null if unread.")


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int = Field(..., description="How many unread notifications were marked read.")


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS},
            summary="Own notifications, newest first")
@paginate(Pages)
def notifications_list(
    request: HttpRequest,
    unread: bool = Query(False, description="Only the unread ones."),  # type: ignore[type-arg]
) -> QuerySet[Notification]:
    account: Account = request.user  # type: ignore[assignment]
    return notifications_of(account, unread=unread)


@router.get("/notifications/unread-count", response={200: UnreadCountOut, **ERRORS},
            summary="How many of the own notifications are unread")
def notifications_unread_count(request: HttpRequest) -> dict[str, int]:
    account: Account = request.user  # type: ignore[assignment]
    return {"unread": unread_count(account)}


@router.post("/notifications/read-all", response={200: MarkedOut, **ERRORS},
             summary="Mark every own notification read")
def notifications_read_all(request: HttpRequest) -> dict[str, int]:
    account: Account = request.user  # type: ignore[assignment]
    return {"marked": notification_mark_all_read(account=account)}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS},
             summary="Mark one own notification read")
def notification_read(request: HttpRequest, notification_id: int) -> Notification:
    account: Account = request.user  # type: ignore[assignment]
    found = get_notification_for(account, notification_id)
    return notification_mark_read(account=account, notification=found)
