"""A refusal raised by a service reaches the user as a page with its message, not a 500."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.web.middleware import ApplicationErrorMiddleware


def _handle(exc: Exception, path: str = "/pegawai/"):
    request = RequestFactory().get(path)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return ApplicationErrorMiddleware(lambda r: HttpResponse()).process_exception(request, exc)


@pytest.mark.django_db
def test_application_error_becomes_a_page_with_its_message():
    response = _handle(Forbidden("forbidden", "Hanya admin BKPSDM yang boleh."))
    assert response.status_code == 403
    assert "Hanya admin BKPSDM yang boleh." in response.content.decode()


@pytest.mark.django_db
def test_not_found_looks_like_any_missing_page():
    response = _handle(NotFound("not_found", "Pegawai tidak ditemukan."))
    assert response.status_code == 404
    assert "Pegawai tidak ditemukan" not in response.content.decode()


def test_api_paths_are_left_to_the_api_handlers():
    assert _handle(ApplicationError("x", "y"), path="/api/v1/me") is None
    assert _handle(ValueError("not ours")) is None
