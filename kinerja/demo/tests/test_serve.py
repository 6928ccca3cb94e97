"""`kinerja serve` hands the WSGI application to granian (checked by hand with curl as well,
see docs/demo.md); here: the arguments it passes and the static files step."""

from __future__ import annotations

import io
from typing import Any

import granian
import pytest
from django.core.management import CommandError, call_command
from granian.constants import Interfaces

from kinerja.web.management.commands import serve


class FakeGranian:
    calls: list[dict[str, Any]] = []

    def __init__(self, target: str, **kwargs: Any) -> None:
        self.kwargs = {"target": target, **kwargs}

    def serve(self) -> None:
        FakeGranian.calls.append(self.kwargs)


@pytest.fixture
def fake(monkeypatch):
    FakeGranian.calls = []
    monkeypatch.setattr(granian, "Granian", FakeGranian)
    collected: list[str] = []
    monkeypatch.setattr(serve, "call_command", lambda name, **kw: collected.append(name))
    return collected


def test_serve_runs_the_wsgi_application_under_granian(fake, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("serve", "--port", "8123", "--workers", "2", "--threads", "4", stdout=out)
    (kwargs,) = FakeGranian.calls
    assert kwargs["target"] == "kinerja.wsgi:application"
    assert kwargs["interface"] == Interfaces.WSGI
    assert (kwargs["address"], kwargs["port"]) == ("127.0.0.1", 8123)
    assert (kwargs["workers"], kwargs["blocking_threads"]) == (2, 4)
    assert "http://127.0.0.1:8123/" in out.getvalue()
    assert fake == []  # DEBUG: static files come from the finders


def test_serve_collects_static_files_when_debug_is_off(fake, settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = False
    call_command("serve", stdout=io.StringIO())
    assert fake == ["collectstatic"]
    assert FakeGranian.calls[0]["port"] == 8000


def test_serve_warns_when_plain_http_would_be_redirected(fake, settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    out = io.StringIO()
    call_command("serve", stdout=out)
    assert "SECURE_SSL_REDIRECT" in out.getvalue()


def test_serve_refuses_a_bad_port(fake):
    with pytest.raises(CommandError):
        call_command("serve", "--port", "70000", stdout=io.StringIO())
