"""The notifications page (/notifikasi/): the account's own messages, newest first, unread ones
marked. Opening one marks it read and goes to what it is about; "mark all read" clears the
header count. Another account's notification does not exist (404).

Writes are plain POST forms answered with a redirect (works without JavaScript).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.core.errors import NotFound
from kinerja.people.access import request_account
from kinerja.people.models import Notification
from kinerja.people.notifications import (
    get_notification_for,
    notification_mark_all_read,
    notification_mark_read,
    notifications_of,
)
from kinerja.web.views import render_page

PAGE_SIZE = 30


def _get(request: HttpRequest, pk: int) -> Notification:
    try:
        return get_notification_for(request_account(request), pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _safe_link(request: HttpRequest, link: str) -> str:
    """Links are paths inside Kinerja written by services; anything else goes back to the list
    rather than off-site."""
    if link.startswith("/") and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return link
    return ""


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The list (two queries: the page and the count); `?unread=1` shows only unread ones."""
    user = request_account(request)
    only_unread = request.GET.get("unread") == "1"
    page = Paginator(notifications_of(user, unread=only_unread), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "only_unread": only_unread,
        "query": "unread=1" if only_unread else "",
    }
    return render_page(
        request, "web/notifications.html", "web/_notifications_list.html", context
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read and go to what it is about (or back to the list when it links nowhere)."""
    found = _get(request, pk)
    notification_mark_read(account=request_account(request), notification=found)
    return redirect(_safe_link(request, found.link) or "notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    marked = notification_mark_all_read(account=request_account(request))
    if marked:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications")
