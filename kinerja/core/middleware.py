"""Per-request time zone: the instansi's own zone (WIB, WITA, WIT), so dates and times on pages
are the Pemda's local ones whatever the server's TIME_ZONE."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def instansi_zone(user: object) -> ZoneInfo | None:
    instansi = getattr(user, "instansi", None) if getattr(user, "is_authenticated", False) else None
    return _zone(instansi.time_zone) if instansi is not None else None


class InstansiTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = instansi_zone(getattr(request, "user", None))
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
