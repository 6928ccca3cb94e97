"""Notifications: one call from any service (`notify`) writes the in-app messages and, after
the transaction commits, sends them by e-mail to the people who have an address.

Messages are written in the instansi's language (Bahasa Indonesia) at the time they are made:
callers pass lazy strings and their parameters.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kinerja.core.errors import NotFound
from kinerja.people.models import Account, Notification

log = logging.getLogger(__name__)


def notify(
    *,
    pegawai_ids: Iterable[int],
    kind: str,
    title: Any,
    body: Any = "",
    params: Mapping[str, Any] | None = None,
    link: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Tell the accounts of these people something. With `dedupe_key`, an account that already
    has a notification with that key gets nothing new (reminders are sent once)."""
    params = dict(params or {})
    with translation.override(settings.LANGUAGE_CODE):
        title_text = str(title) % params if params else str(title)
        body_text = (str(body) % params if params else str(body)) if body else ""
    accounts = list(
        Account.objects.filter(pegawai_id__in=list(pegawai_ids), is_active=True).only(
            "pk", "instansi_id", "pegawai_id"
        )
    )
    if dedupe_key:
        seen = set(
            Notification.objects.filter(account__in=accounts, dedupe_key=dedupe_key).values_list(
                "account_id", flat=True
            )
        )
        accounts = [a for a in accounts if a.pk not in seen]
    rows = [
        Notification(
            instansi_id=a.instansi_id,
            account=a,
            kind=kind,
            title=title_text[:200],
            body=body_text,
            link=link,
            dedupe_key=dedupe_key,
        )
        for a in accounts
        if a.instansi_id is not None
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    recipients = list(
        Account.objects.filter(pk__in=[r.account_id for r in rows])
        .exclude(pegawai__email="")
        .values_list("pegawai__email", flat=True)
    )
    if recipients:
        transaction.on_commit(lambda: _send(title_text, body_text, link, recipients))
    return rows


def _send(title: str, body: str, link: str, recipients: list[str]) -> None:
    text = f"{body}\n\n{settings.KINERJA_SITE_URL}{link}" if link else body
    messages = [(title, text, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:  # a mail outage must not undo or break the change that notified
        log.exception("notification e-mail failed (%s recipients)", len(recipients))


# --- Reading and marking (the account's own notifications only) ------------------------------


def notifications_of(account: Account, *, unread: bool = False) -> QuerySet[Notification]:
    """The account's notifications, newest first; nobody reads another's."""
    found = Notification.objects.filter(account_id=account.pk)
    if unread:
        found = found.filter(read_at__isnull=True)
    return found.order_by("-created_at", "-pk")


def unread_count(account: Account) -> int:
    """One COUNT on the (account, read_at) index: cheap enough for every page header."""
    return Notification.objects.filter(account_id=account.pk, read_at__isnull=True).count()


def get_notification_for(account: Account, pk: int) -> Notification:
    """One of the account's notifications; another's is missing (404), not forbidden."""
    found = Notification.objects.filter(account_id=account.pk, pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("Notification not found."))
    return found


def notification_mark_read(*, account: Account, notification: Notification) -> Notification:
    """Mark one of the account's notifications read (once: the first reading time stays)."""
    if notification.account_id != account.pk:
        raise NotFound("not_found", _("Notification not found."))
    if notification.read_at is None:
        now = timezone.now()
        # Conditional UPDATE: two tabs reading at once keep the first time.
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now
        ):
            notification.read_at = now
        else:
            notification.refresh_from_db(fields=["read_at"])
    return notification


def notification_mark_all_read(*, account: Account) -> int:
    """Mark every unread notification of the account read, in one UPDATE; how many were."""
    return Notification.objects.filter(account_id=account.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
