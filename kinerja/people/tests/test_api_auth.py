"""API authentication (tokens, session + CSRF), the one error shape, the offline docs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from kinerja.people.models import AccessToken
from kinerja.people.services import token_create, token_revoke

API = "/api/v1"


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert set(body["error"]) <= {"code", "message", "details"}
    return body["error"]


# --- Tokens -------------------------------------------------------------------------------------


def test_bearer_token_authenticates(cast):
    _token, plain = token_create(account=cast.pegawai, name="integrasi")
    response = Client().get(f"{API}/me", **bearer(plain))
    assert response.status_code == 200
    assert response.json()["account"]["username"] == cast.pegawai.username


def test_token_write_needs_no_csrf(cast):
    _token, plain = token_create(account=cast.pegawai, name="integrasi")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{API}/tokens", {"name": "kedua"}, content_type="application/json", **bearer(plain)
    )
    assert response.status_code == 201


def test_unknown_token_is_401_with_the_error_shape(cast):
    response = Client().get(f"{API}/me", **bearer("knj_not-a-real-token"))
    assert_error(response, 401, "invalid_token")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401(cast):
    token, plain = token_create(account=cast.pegawai, name="lama")
    token_revoke(account=cast.pegawai, token=token)
    assert_error(Client().get(f"{API}/me", **bearer(plain)), 401, "invalid_token")


def test_expired_token_is_401(cast):
    token, plain = token_create(account=cast.pegawai, name="sebentar", expires_in_days=1)
    AccessToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert_error(Client().get(f"{API}/me", **bearer(plain)), 401, "invalid_token")


def test_inactive_account_cannot_use_its_token(cast):
    _token, plain = token_create(account=cast.pegawai, name="integrasi")
    cast.pegawai.is_active = False
    cast.pegawai.save(update_fields=["is_active"])
    assert_error(Client().get(f"{API}/me", **bearer(plain)), 401, "invalid_token")


@override_settings(AXES_FAILURE_LIMIT=3)
def test_locked_out_account_cannot_use_its_token(cast):
    _token, plain = token_create(account=cast.pegawai, name="integrasi")
    browser = Client()
    for _ in range(3):
        browser.post(reverse("login"), {"username": cast.pegawai.username, "password": "salah"})
    assert_error(Client().get(f"{API}/me", **bearer(plain)), 401, "account_locked")
    # Another account's token still works: the lock is per NIP.
    _t2, other = token_create(account=cast.pegawai2, name="integrasi")
    assert Client().get(f"{API}/me", **bearer(other)).status_code == 200


def test_bad_token_does_not_fall_back_to_the_session(cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    assert_error(client.get(f"{API}/me", **bearer("knj_dead")), 401, "invalid_token")


def test_token_last_used_is_recorded(cast):
    token, plain = token_create(account=cast.pegawai, name="integrasi")
    Client().get(f"{API}/me", **bearer(plain))
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- Session ------------------------------------------------------------------------------------


def test_anonymous_is_401(db):
    assert_error(Client().get(f"{API}/me"), 401, "unauthenticated")


def test_anonymous_write_is_401_not_a_csrf_error(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{API}/tokens", {"name": "x"}, content_type="application/json")
    assert_error(response, 401, "unauthenticated")


def test_session_reads_work(cast, client_for):
    assert client_for(cast.pegawai).get(f"{API}/me").status_code == 200


def _session_client(cast) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.pegawai, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_session_write_without_csrf_token_is_403(cast):
    client = _session_client(cast)
    response = client.post(f"{API}/tokens", {"name": "x"}, content_type="application/json")
    assert_error(response, 403, "csrf_failed")
    assert not AccessToken.objects.exists()


def test_session_write_with_csrf_token_works(cast):
    client = _session_client(cast)
    client.get(f"{API}/docs")  # any page with a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        f"{API}/tokens", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201


# --- Errors -------------------------------------------------------------------------------------


def test_validation_error_is_422_with_details(cast, client_for):
    response = client_for(cast.pegawai).post(
        f"{API}/tokens", {"expires_in_days": "many"}, content_type="application/json"
    )
    error = assert_error(response, 422, "invalid_request")
    assert isinstance(error["details"], list) and error["details"]


def test_bad_query_parameter_is_422(cast, client_for):
    response = client_for(cast.admin_bkpsdm).get(f"{API}/employees?status=nonsense")
    assert_error(response, 422, "invalid_request")


def test_application_error_keeps_its_code(cast, client_for):
    response = client_for(cast.pegawai).put(
        f"{API}/me/password",
        {"old_password": "salah", "new_password": "Baru-sekali-2026"},
        content_type="application/json",
    )
    assert_error(response, 400, "wrong_password")


def test_unknown_api_path_is_json_404(cast, client_for):
    assert_error(client_for(cast.pegawai).get(f"{API}/no-such-thing"), 404, "not_found")
    assert_error(Client().get(f"{API}/no/such/thing/"), 404, "not_found")
    assert_error(Client().post(f"{API}/no-such-thing"), 404, "not_found")


def test_wrong_method_is_json_405(cast, client_for):
    error = assert_error(client_for(cast.pegawai).delete(f"{API}/me"), 405, "method_not_allowed")
    assert "GET" in error["details"]["allowed"]


def test_malformed_json_body_is_an_error_shape(cast, client_for):
    response = client_for(cast.pegawai).post(
        f"{API}/tokens", "{not json", content_type="application/json"
    )
    assert_error(response, 400, "bad_request")


def test_unexpected_exception_is_json_500(cast, client_for, monkeypatch):
    import kinerja.people.api as people_api

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(people_api, "scope_for", boom)
    assert_error(client_for(cast.pegawai).get(f"{API}/me"), 500, "server_error")


# --- OpenAPI and docs ---------------------------------------------------------------------------


def test_openapi_document_lists_the_endpoints(db):
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for expected in ("/api/v1/me", "/api/v1/employees/{nip}", "/api/v1/audit", "/api/v1/tokens"):
        assert expected in paths
    schemes = response.json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}


def test_docs_page_uses_no_external_host(db):
    response = Client().get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "the docs page must work offline"
    settings = re.search(r'id="swagger-settings">(.*?)</script>', html, re.S)
    assert settings and '"validatorUrl": null' in settings.group(1)
    for asset in re.findall(r"(?:src|href)=\"([^\"]+)\"", html):
        asset_response = Client().get(asset)
        assert asset_response.status_code == 200, asset
        body = b"".join(asset_response.streaming_content)
        assert body


def test_docs_asset_outside_the_list_is_404(db):
    assert Client().get(f"{API}/docs/assets/..%2Fsettings.py").status_code == 404
    assert Client().get(f"{API}/docs/assets/redoc.standalone.js").status_code == 404


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_every_error_under_the_api_is_json(db, method):
    response = getattr(Client(), method)(f"{API}/tokens/1")
    assert response["Content-Type"].startswith("application/json")
    assert "error" in response.json()


def test_api_root_points_to_the_docs(db):
    response = Client().get(f"{API}/")
    assert response.status_code == 200
    assert response.json()["docs"] == f"{API}/docs"
    assert response.json()["openapi"] == f"{API}/openapi.json"


def test_oversized_body_is_json_413(cast, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client_for(cast.pegawai).post(
        f"{API}/tokens", {"name": "x" * 500}, content_type="application/json"
    )
    assert_error(response, 413, "too_large")


def _list_operations() -> list[tuple[str, dict]]:
    from kinerja.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found = []
    for route, methods in schema["paths"].items():
        get = methods.get("get")
        if not get:
            continue
        ok = get["responses"].get(200) or get["responses"].get("200") or {}
        content = ok.get("content", {})
        schema_200 = content.get("application/json", {}).get("schema", {})
        if schema_200.get("type") == "array":  # a bare list: not paginated at all
            found.append((route, {"properties": {}, "required": []}))
            continue
        body = components.get(schema_200.get("$ref", "").rsplit("/", 1)[-1], {})
        if "items" in body.get("properties", {}):
            found.append((route, body))
    return found


@pytest.mark.parametrize(
    ("route", "body"), [pytest.param(route, body, id=route) for route, body in _list_operations()]
)
def test_every_list_answers_the_one_envelope(route, body):
    assert set(body["properties"]) == {"items", "count", "page", "page_size"}
    assert set(body["required"]) == {"items", "count", "page", "page_size"}


def _operations() -> list[tuple[str, str, dict]]:
    from kinerja.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    return [
        (method.upper(), route, operation)
        for route, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


@pytest.mark.parametrize(
    "operation",
    [pytest.param(op, id=f"{method} {route}") for method, route, op in _operations()],
)
def test_every_operation_documents_the_error_shape(operation):
    responses = {str(status): body for status, body in operation["responses"].items()}
    for status in ("401", "403", "404", "422"):
        ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/ErrorOut")
