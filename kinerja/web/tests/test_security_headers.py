"""Security headers on every page: the content security policy (django-csp), Permissions-Policy,
Cross-Origin-Opener-Policy, Referrer-Policy, nosniff and X-Frame-Options; and no page carries
what the policy would block (inline script, event-handler attributes, inline style).

The pages are the GET rows of the authorization matrix (every URL pattern has one), opened as
admin BKPSDM and as a pegawai; whatever the status (200, 404, 403), the headers are there.
tests/browser/test_csp.py checks the same in chromium, where a violation is reported by the
browser itself.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from kinerja.web.tests.test_authorization_matrix import MATRIX, World, client_as, url_for

TEMPLATES = Path(settings.BASE_DIR)
# Rendered by WeasyPrint into PDF documents, never served as HTML pages: CSP does not apply.
PDF_TEMPLATES = {
    "plans/skp_document.html",
    "allowances/nominative_document.html",
    "evaluations/document.html",
}
EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                           re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
# One row per page (the first, usually the actor's own or an in-scope object).
PAGE_ROWS = list(
    {row.route: row for row in reversed(MATRIX) if row.method == "GET" and not row.is_api}
    .values()
)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _sep, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def assert_security_headers(response, where: str) -> None:
    assert "Content-Security-Policy" in response, where
    directives = policy(response)
    if "sandbox" in directives:
        # An evidence file: a stricter policy of its own (nothing runs, no page can frame it).
        assert directives["default-src"] == "'none'", where
        assert response["X-Content-Type-Options"] == "nosniff", where
        return
    for name, value in EXPECTED_DIRECTIVES.items():
        assert directives.get(name) == value, (where, name, directives.get(name))
    # style-src: the site, plus only the hash of the 500 page's own <style> block.
    sources = directives["style-src"].split()
    assert sources[0] == "'self'" and all(s.startswith("'sha256-") for s in sources[1:]), where
    for forbidden in ("'unsafe-inline'", "'unsafe-eval'", "*"):
        assert forbidden not in response["Content-Security-Policy"].split(), where
    permissions = response["Permissions-Policy"]
    assert "microphone=()" in permissions and "geolocation=()" in permissions, where
    assert "camera=(self)" in permissions, where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["X-Frame-Options"] == "DENY", where


def assert_nothing_inline(html: str, where: str) -> None:
    """What the policy would block in a browser: inline <script>, on*= attributes, style=."""
    for pattern, what in ((INLINE_SCRIPT, "inline <script>"),
                          (HANDLER_ATTRIBUTE, "event-handler attribute"),
                          (STYLE_ATTRIBUTE, "style attribute"),
                          (re.compile(r"<style[\s>]", re.I), "<style> block"),
                          (re.compile(r"javascript:", re.I), "javascript: URL")):
        found = pattern.search(html)
        assert found is None, f"{where}: {what} near {html[found.start():found.start() + 120]!r}"


@pytest.mark.one_database("postgresql")
@pytest.mark.parametrize("actor", ["admin_bkpsdm", "pegawai"])
def test_every_page_answers_with_the_security_headers(cast, actor):
    seen = 0
    for row in PAGE_ROWS:
        # Each row's targets are made afresh and rolled back, as the matrix gives each row its
        # own database (some targets, like a plan, exist once per OPD and year).
        with transaction.atomic():
            world = World(cast)
            client = client_as(world, actor)
            url = url_for(row, world, actor)
            response = client.get(url)
            transaction.set_rollback(True)
        where = f"{actor} GET {url} ({response.status_code})"
        assert_security_headers(response, where)
        if response.get("Content-Type", "").startswith("text/html"):
            assert_nothing_inline(response.content.decode(), where)
        seen += 1
    assert seen == len(PAGE_ROWS) > 50


def test_log_in_page_and_api_answer_with_the_security_headers(cast):
    client = Client()
    response = client.get("/masuk/")
    assert response.status_code == 200
    assert_security_headers(response, "/masuk/")
    assert_nothing_inline(response.content.decode(), "/masuk/")
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert_security_headers(response, "/api/v1/me")
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert_security_headers(response, "404 page")


def test_the_500_page_style_is_allowed_by_its_hash_and_nothing_else_inline():
    text = (TEMPLATES / "templates" / "500.html").read_text()
    blocks = re.findall(r"<style>(.*?)</style>", text, re.S)
    assert len(blocks) == 1
    digest = base64.b64encode(hashlib.sha256(blocks[0].encode()).digest()).decode()
    assert settings.CSP_500_STYLE_HASH == f"'sha256-{digest}'", (
        "templates/500.html changed its <style>: put the new hash in CSP_500_STYLE_HASH"
    )
    assert settings.CSP_500_STYLE_HASH in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"][
        "style-src"]


def test_server_error_page_is_styled_under_the_policy(cast, settings):
    """The 500 answer carries the policy, and its only inline style is the hashed block."""
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<style>" in html and "style=" not in html and "<script" not in html


def html_templates() -> list[Path]:
    return sorted(
        path for path in TEMPLATES.rglob("templates/**/*.html")
        if "/".join(path.parts[-2:]) not in PDF_TEMPLATES
    )


def test_no_template_has_inline_script_or_style():
    """The templates themselves (pages, partials, e-mails aside from the PDF documents): a
    check that does not depend on which pages a test happens to open."""
    problems = []
    for path in html_templates():
        text = path.read_text()
        if path.name == "500.html":
            text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
        try:
            assert_nothing_inline(text, str(path.relative_to(TEMPLATES)))
        except AssertionError as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)
