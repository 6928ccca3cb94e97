"""The JSON API at /api/v1: one NinjaAPI mounting one router per app, one error shape.

Every answer under /api/v1 is JSON, errors included: `{"error": {"code", "message", "details"?}}`
with a stable machine code (docs/api.md lists them). Authentication is a personal access token
(`Authorization: Bearer knj_...`) or the browser session; the session needs the CSRF token on
unsafe methods, a token does not (it cannot be sent by another site's form).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import mimetypes
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ninja
import pydantic
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.template import engines
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from kinerja.core.errors import ApplicationError
from kinerja.core.middleware import instansi_zone

logger = logging.getLogger(__name__)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class TokenRefused(ApplicationError):
    """A Bearer token was sent but cannot be used: the caller learns why (expired, revoked,
    locked) only as far as it does not help a guesser, so all answer 401 `invalid_token`."""

    status = 401


class BearerToken(HttpBearer):
    """Personal access tokens (Authorization: Bearer knj_...).

    A token that was sent but is unknown, revoked or expired, or whose account is inactive or
    locked out by the log-in throttle, is refused outright (401) rather than falling back to
    the session: an integration with a dead token must hear so, not act as whoever is logged in
    in the same browser.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from axes.handlers.proxy import AxesProxyHandler

        from kinerja.people.services import token_authenticate

        account = token_authenticate(token)
        if account is None:
            raise TokenRefused(
                "invalid_token",
                _("The token is unknown, revoked or expired, or its account is inactive."),
            )
        # The lockout after repeated wrong passwords (django-axes) is per NIP: while it holds,
        # the account's tokens stop working too, so a stolen account cannot keep acting through
        # a token made before the lock.
        if AxesProxyHandler.is_locked(request, credentials={"username": account.username}):
            raise TokenRefused(
                "account_locked",
                _("The account is locked after repeated failed log-ins. Try again later."),
            )
        request.user = account
        # InstansiTimezoneMiddleware ran before the token was read: switch to the instansi's
        # zone now (KinerjaAPI's wrapper restores the previous zone after the request).
        zone = instansi_zone(account)
        if zone is not None:
            timezone.activate(zone)
        return account


class SessionAuth(APIKeyCookie):
    """The browser session, with Django's CSRF check on unsafe methods.

    The CSRF check runs only for a logged-in session, so an anonymous POST hears 401
    (log in) rather than 403 (CSRF)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if (
            self.csrf
            and request.method in UNSAFE_METHODS
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise ApplicationError(
                "csrf_failed",
                _("The CSRF token is missing or wrong. Reload the page and try again."),
                status=403,
            )
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return self(request)


# --- Docs without a CDN -------------------------------------------------------------------------
# django-ninja renders Swagger UI from a CDN unless "ninja" is an installed app. The machines
# that run Kinerja often have no internet, so the docs page uses ninja's bundled assets, served
# by the API itself under /api/v1/docs/assets/ (no settings change, works under whitenoise too).
NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_ASSETS = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.svg", "favicon.png"}
)
SWAGGER_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{ title }}</title>
  <link rel="stylesheet" href="{{ assets }}swagger-ui.css">
  <link rel="icon" href="{{ assets }}favicon.svg" type="image/svg+xml">
</head>
<body data-csrf-token="{{ csrf_token }}" data-api-csrf="true">
  <script type="application/json" id="swagger-settings">{{ settings_json|safe }}</script>
  <div id="swagger-ui"></div>
  <script src="{{ assets }}swagger-ui-bundle.js"></script>
  <script src="{{ assets }}swagger-ui-init.js"></script>
</body>
</html>
"""


class LocalSwagger(DocsBase):
    """Swagger UI from ninja's bundled files, never from a CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        import json

        # validatorUrl None: Swagger UI would otherwise load a badge from validator.swagger.io.
        config = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout",
                  "deepLinking": True, "validatorUrl": None}
        template = engines["django"].from_string(SWAGGER_PAGE)
        html = template.render(
            {
                "title": api.title,
                "assets": request.path.rstrip("/") + "/assets/",
                # "</" cannot close the script element from inside the JSON.
                "settings_json": json.dumps(config).replace("</", "<\\/"),
            },
            request,
        )
        return HttpResponse(html)


@cache_control(max_age=86400, public=True)
def docs_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    if name not in DOCS_ASSETS:
        return _plain_error(404, "not_found", _("Not found."))
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse((NINJA_STATIC / name).open("rb"), content_type=content_type)


def _plain_error(status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    """The error shape for answers produced outside an operation (unknown path, 405)."""
    import json

    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return HttpResponse(
        json.dumps({"error": body}), status=status, content_type="application/json; charset=utf-8"
    )


@csrf_exempt
def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    return _plain_error(404, "not_found", _("There is no such API endpoint."))


def api_root(request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
    import json

    base = request.path.rstrip("/")
    body = {"name": api.title, "version": api.version, "docs": f"{base}{api.docs_url}",
            "openapi": f"{base}{api.openapi_url}"}
    return HttpResponse(json.dumps(body), content_type="application/json; charset=utf-8")


def _json_405(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """ninja answers a wrong method with a bare-text 405; give it the error shape. Also scopes
    the time zone a Bearer token activates to the one request."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The override restores the thread's zone if token authentication switches it.
        with timezone.override(timezone.get_current_timezone()):
            response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            error = _plain_error(
                405, "method_not_allowed", _("This method is not allowed here."),
                {"allowed": [m.strip() for m in allowed.split(",") if m.strip()]},
            )
            error["Allow"] = allowed
            return error
        return response

    return wrapper


class KinerjaAPI(NinjaAPI):
    """NinjaAPI whose URL set answers JSON for everything under its prefix."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        _bounded_integers(schema)
        _partial_times_in_responses(schema)
        return schema

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        wrapped: list[URLResolver | URLPattern] = []
        for pattern in urls:
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                # ninja's root raises Http404 (an HTML page); answer where the docs are instead.
                pattern = path("", functools.partial(api_root, api=self), name="api-root")
            elif isinstance(pattern, URLPattern) and pattern.name not in (
                "openapi-json", "openapi-view"
            ):
                pattern.callback = _json_405(pattern.callback)
            wrapped.append(pattern)
        if self.docs_url:
            wrapped.append(
                path(f"{self.docs_url.strip('/')}/assets/<str:name>", docs_asset,
                     name="docs-asset")
            )
        # Last: anything else under /api/v1/ is a JSON 404, never Django's HTML page.
        wrapped.append(re_path(r"^(?P<rest>.*)$", unknown_path, name="unknown"))
        return wrapped


# --- Values the database can store -------------------------------------------------------------
# The schemas say `int` and `str`; the databases say less: a number past a signed 64-bit integer
# overflows the SQLite driver and PostgreSQL's bigint, and PostgreSQL refuses a NUL character in
# text (a lone surrogate, which JSON can spell, pydantic refuses itself). Every operation's
# validated input is checked once, here, so such a request is a 422 `invalid_request` like any
# other invalid input instead of a database error (a 500, and on PostgreSQL an aborted
# transaction). The OpenAPI document states the integer range.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def _unstorable(value: Any, loc: tuple[Any, ...]) -> Iterator[dict[str, Any]]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            yield {"loc": list(loc), "msg": "Number out of range (signed 64-bit)",
                   "type": "int_out_of_range"}
    elif isinstance(value, str):
        if "\x00" in value:
            yield {"loc": list(loc), "msg": "Text may not contain a NUL character",
                   "type": "string_nul_character"}
    elif isinstance(value, pydantic.BaseModel):
        for name, item in value.__dict__.items():
            yield from _unstorable(item, (*loc, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable(key, (*loc, key))
            yield from _unstorable(item, (*loc, key))
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            yield from _unstorable(item, (*loc, index))


# A date is "YYYY-MM-DD" in the document, but pydantic's lax mode also reads a number (0, "0",
# 86400) as seconds since 1970: `date_from=0` was 1 January 1970 instead of a 422. The parsed
# dates are checked against what the client actually sent.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _numeric_dates(value: Any, raw: Any, loc: tuple[Any, ...]) -> Iterator[dict[str, Any]]:
    if isinstance(value, dt.datetime):
        return
    if isinstance(value, dt.date):
        if not (isinstance(raw, str) and ISO_DATE.fullmatch(raw)):
            yield {"loc": list(loc), "msg": "Input should be a date as YYYY-MM-DD",
                   "type": "date_format"}
    elif isinstance(value, pydantic.BaseModel) and isinstance(raw, dict):
        for name, item in value.__dict__.items():
            if name in raw:
                yield from _numeric_dates(item, raw[name], (*loc, name))
    elif isinstance(value, (list, tuple)) and isinstance(raw, list) and len(raw) == len(value):
        for index, (item, sent) in enumerate(zip(value, raw, strict=True)):
            yield from _numeric_dates(item, sent, (*loc, index))


def _contains_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return not isinstance(value, dt.datetime)
    if isinstance(value, pydantic.BaseModel):
        return any(_contains_date(item) for item in value.__dict__.values())
    if isinstance(value, (list, tuple)):
        return any(_contains_date(item) for item in value)
    return False


def _dates_not_as_sent(request: HttpRequest, kwargs: dict[str, Any]) -> list[dict[str, Any]]:
    dated = {name: value for name, value in kwargs.items() if _contains_date(value)}
    if not dated:
        return []
    body: Any = None
    if request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None
    query = {key: request.GET.get(key) for key in request.GET}
    route = dict(request.resolver_match.kwargs) if request.resolver_match else {}
    errors: list[dict[str, Any]] = []
    for name, value in dated.items():
        if name in route:
            raw = route[name]
        elif name in query:
            raw = query[name]
        elif isinstance(body, dict) and name in body:
            raw = body[name]
        elif isinstance(value, pydantic.BaseModel):
            raw = body if isinstance(body, dict) else query
        else:
            continue
        errors.extend(_numeric_dates(value, raw, (name,)))
    return errors


def storable_input(view: Callable[..., Any]) -> Callable[..., Any]:
    """Operation decorator (after ninja's validation): refuse values no database can store, and
    dates that were sent as numbers."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        errors = [error for name, value in kwargs.items() for error in _unstorable(value, (name,))]
        errors.extend(_dates_not_as_sent(request, kwargs))
        if errors:
            raise NinjaValidationError(errors)
        return view(request, *args, **kwargs)

    return wrapper


def _bounded_integers(node: Any) -> None:
    """Give every integer schema of the document the range `storable_input` enforces."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            node.setdefault("minimum", INT64_MIN)
            node.setdefault("maximum", INT64_MAX)
        for item in node.values():
            _bounded_integers(item)
    elif isinstance(node, list):
        for item in node:
            _bounded_integers(item)


def _partial_times_in_responses(schema: dict[str, Any]) -> None:
    """Answers carry times of day without an offset ("08:00:00"); JSON Schema's `time` format
    requires one, so in answers the format is RFC 3339's `partial-time`. Requests keep `time`
    (an offset is accepted there)."""
    components = schema.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in seen and name in components:
                    seen.add(name)
                    walk(components[name])
            if node.get("format") == "time":
                node["format"] = "partial-time"
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                walk(operation.get("responses", {}))


api = KinerjaAPI(
    title="Kinerja API",
    version="1",
    description=(
        "e-Kinerja for Indonesian civil servants. Authenticate with a personal access token "
        "(`Authorization: Bearer knj_...`, created at /akun/token/ or with "
        "`POST /api/v1/tokens`) or a browser session (send the CSRF token on POST/PUT/DELETE). "
        "Errors are "
        "`{\"error\": {\"code\": ..., \"message\": ..., \"details\": ...}}` with a stable code; "
        "lists are `{items, count, page, page_size}`. See docs/api.md."
    ),
    urls_namespace="api",
    auth=[BearerToken(), SessionAuth(csrf=True)],
    docs=LocalSwagger(),
    docs_url="/docs",
)
api.add_decorator(storable_input, mode="operation")


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    response = error_response(request, exc.status, exc.code, exc.message, exc.details)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="kinerja"'
    return response


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [
        {key: value for key, value in error.items() if key in ("loc", "msg", "type")}
        for error in exc.errors
    ]
    return error_response(
        request, 422, "invalid_request", _("The request is not valid."), details
    )


@api.exception_handler(ValidationError)
def _django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return error_response(request, 422, "invalid", _("The data is not valid."), details)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request, 401, "unauthenticated", _("Log in or send a valid Bearer token.")
    )
    response["WWW-Authenticate"] = 'Bearer realm="kinerja"'
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or _("You may not do this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
    429: "throttled",
}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = HTTP_ERROR_CODES.get(exc.status_code, "error")
    return error_response(request, exc.status_code, code, str(exc.message))


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "too_large", _("The request body is too large."))


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return error_response(request, 400, "bad_request", _("The request is not valid."))


@api.exception_handler(BadRequest)
def _bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
    return error_response(request, 400, "bad_request", str(exc) or _("The request is not valid."))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Still JSON, never Django's HTML 500 page; the traceback goes to the log.
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(
        request, 500, "server_error", _("Something went wrong on our side. It has been logged.")
    )


api.add_router("/", "kinerja.people.api.router")
api.add_router("/", "kinerja.org.api.router")
api.add_router("/", "kinerja.people.import_api.router")
api.add_router("/", "kinerja.web.api.router")
api.add_router("/", "kinerja.plans.api.router")
api.add_router("/", "kinerja.activities.api.router")
api.add_router("/", "kinerja.evaluations.api.router")
api.add_router("/", "kinerja.attendance.api.router")
api.add_router("/", "kinerja.allowances.api.router")
api.add_router("/", "kinerja.web.periods_api.router")
api.add_router("/", "kinerja.web.notifications_api.router")
