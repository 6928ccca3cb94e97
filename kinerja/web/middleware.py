"""Pages answer an ApplicationError the way the API does, as a message the user can act on
(STYLE.md 7: one error vocabulary, one handler per surface). The API has its own handlers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kinerja.core.errors import ApplicationError, NotFound


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, ApplicationError) or request.path.startswith("/api/"):
            return None
        if isinstance(exc, NotFound):
            return render(request, "404.html", status=404)
        return render(request, "error.html", {"error": exc}, status=exc.status)
