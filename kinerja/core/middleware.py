"""Per-request time zone (the instansi's own: WIB, WITA, WIT) and language (Indonesian unless the
user chose otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation


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


class LanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user chose another language (the language cookie set by the
    switch in the top bar). Unlike Django's LocaleMiddleware the browser's Accept-Language is
    not used: a civil servant's phone set to English still gets the Pemda's language."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
