"""CSRF: every POST form in the templates carries the token; POSTs without it are refused
(pages 403, the API's session writes 403 `csrf_failed`); a Bearer token needs none (another
site's form cannot send an Authorization header).

`csrf_exempt` is used once, on the API's JSON 404 for unknown paths (kinerja/api.py,
`unknown_path`): it changes nothing and must answer JSON 404 rather than Django's HTML 403 to a
POST to a mistyped address.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kinerja.people.services import token_create
from kinerja.testing import PASSWORD

ROOT = Path(settings.BASE_DIR)
POST_FORM = re.compile(r"<form\b[^>]*>", re.I | re.S)
METHOD_POST = re.compile(r"\bmethod\s*=\s*[\"']?post\b", re.I)


def post_forms() -> list[tuple[str, str, str]]:
    """(template, form tag, the form's body up to </form>) for every method=post form."""
    found = []
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        text = path.read_text()
        for match in POST_FORM.finditer(text):
            if not METHOD_POST.search(match.group(0)):
                continue
            end = text.find("</form>", match.end())
            body = text[match.end(): end if end != -1 else len(text)]
            found.append((str(path.relative_to(ROOT)), match.group(0), body))
    return found


def test_every_post_form_in_the_templates_has_the_csrf_token():
    forms = post_forms()
    assert len(forms) > 50  # the grep finds the forms (a broken pattern would pass vacuously)
    missing = [f"{name}: {tag[:90]}" for name, tag, body in forms if "{% csrf_token %}" not in body]
    assert not missing, "POST forms without {% csrf_token %}:\n" + "\n".join(missing)


def test_htmx_requests_send_the_token_in_a_header():
    """hx-post/hx-delete on elements outside a form: base.html gives every htmx request the
    X-CSRFToken header."""
    base = (ROOT / "templates" / "base.html").read_text()
    assert """hx-headers='{"X-CSRFToken": "{{ csrf_token }}"}'""" in base


def test_csrf_exempt_is_used_only_on_the_api_404():
    uses = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"@csrf_exempt|csrf_exempt\(", line)
    ]
    assert len(uses) == 1 and uses[0].startswith("api.py:"), uses


@pytest.fixture
def strict(cast):
    """A client that enforces CSRF (the test client skips it by default), logged in as the
    pegawai."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.pegawai, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_log_in_without_the_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": cast.pegawai.username, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/keluar/", {}),
        ("/akun/kata-sandi/", {"old_password": PASSWORD, "new_password1": "Sandi-baru-2026-x",
                               "new_password2": "Sandi-baru-2026-x"}),
        ("/akun/token/", {"name": "dari situs lain"}),
        ("/i18n/setlang/", {"language": "en"}),
        ("/notifikasi/baca-semua/", {}),
    ],
)
def test_page_posts_without_the_token_are_refused(cast, strict, path, data):
    response = strict.post(path, data)
    assert response.status_code == 403, (path, response.status_code)
    cast.pegawai.refresh_from_db()
    assert cast.pegawai.check_password(PASSWORD)
    assert not cast.pegawai.tokens.exists()
    # Still logged in: log-out did not happen.
    assert strict.get("/").status_code == 200


def test_page_post_with_the_token_goes_through(cast, strict):
    strict.get("/akun/token/")
    token = strict.cookies[settings.CSRF_COOKIE_NAME].value
    response = strict.post("/akun/token/", {"name": "uji", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "knj_" in response.content.decode()


def test_api_session_write_without_the_token_is_refused(cast, strict):
    response = strict.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    response = strict.put(
        "/api/v1/me/password",
        {"old_password": PASSWORD, "new_password": "Sandi-baru-2026-x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    cast.pegawai.refresh_from_db()
    assert cast.pegawai.check_password(PASSWORD)


def test_api_session_write_with_the_token_goes_through(cast, strict):
    strict.get("/")  # sets the CSRF cookie
    token = strict.cookies[settings.CSRF_COOKIE_NAME].value
    response = strict.post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


def test_api_reads_need_no_token(strict):
    assert strict.get("/api/v1/me").status_code == 200


def test_bearer_token_writes_need_no_csrf_token(cast):
    _token, plain = token_create(account=cast.pegawai, name="integrasi")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {plain}")
    response = client.post("/api/v1/tokens", {"name": "y"}, content_type="application/json")
    assert response.status_code == 201
