"""The authorization matrix: every API operation and every page, for every member of the cast,
against objects inside and outside their scope.

The table below is the specification (kinerja/people/access.py): pegawai see themselves; an
atasan sees subordinates, direct and indirect; admin OPD their own OPD; admin BKPSDM the whole
instansi, read and write; pimpinan and auditor the whole instansi, read-only; the audit trail is
for the auditor and admin BKPSDM; imports for admin BKPSDM only. The organisation structure is
open to everyone of the instansi. Another instansi's objects do not exist (404).

Anonymous callers get 401 on the API and a redirect to /masuk/ on pages.

`test_every_api_operation_has_a_row` and `test_every_page_has_a_row` fail when an endpoint or a
URL pattern appears without a row here, so nobody adds a door without saying who may open it.
Rows must also show scope, not only presence (see "Completeness in the stronger sense" below):
a route with an object in its path needs a row inside someone's scope that lets them in, one
outside someone's scope that answers 404, and one on another instansi's object refused to all
(matrix_foreign.py); every write needs a row refusing someone unless it is self-service or
refuses inside its answer (test_scope_content.py checks those); pimpinan and auditor write
nothing but the documented exceptions. Lists are checked by content in test_scope_content.py.
A row whose current behaviour is wrong carries `xfail=` with the reason (and is listed in the
report of whoever found it); the suite stays green and the row turns red the day it is fixed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kinerja.testing import PASSWORD, Cast, build_cast, login_verified
from kinerja.web.tests.matrix_base import (  # noqa: F401 (re-exported to row modules)
    ACTORS,
    API,
    EXCLUDED_PAGE_PREFIXES,
    INSTANSI_READERS,
    LOGIN,
    ONLY_AUDIT_READERS,
    Row,
    api,
    page,
)

NEW_PASSWORD = "Matriks-baru-2026"
# A one-unit SIMPEG file, imported as a dry run (kinds and columns: docs/import-format.md).
UNITS_CSV = (
    b"opd_kode,opd_nama,unit_kode,unit_nama,induk_kode\n"
    b"DINKES,Dinas Kesehatan,DINKES,Dinas Kesehatan,\n"
)
UPLOAD = {"kind": "units", "dry_run": "true", "file": ("units.csv", UNITS_CSV)}
UPLOAD_FORM = {"kind": "units", "dry_run": "on", "file": ("units.csv", UNITS_CSV)}

MATRIX: list[Row] = [
    # --- API: me and account ------------------------------------------------------------------
    Row("GET", f"{API}/me", api(200)),
    Row("PUT", f"{API}/me/password", api(204),
        body={"old_password": PASSWORD, "new_password": NEW_PASSWORD}),
    Row("GET", f"{API}/tokens", api(200)),
    Row("POST", f"{API}/tokens", api(201), body={"name": "matriks"}),
    Row("DELETE", f"{API}/tokens/{{token_id}}", api(204), target="token:own"),
    Row("DELETE", f"{API}/tokens/{{token_id}}", api(404), target="token:other"),
    Row("DELETE", f"{API}/tokens/{{token_id}}", api(404), target="token:foreign"),
    # --- API: employees -----------------------------------------------------------------------
    Row("GET", f"{API}/employees", api(200)),
    Row("GET", f"{API}/employees/{{nip}}", api(200), target="nip:self"),
    Row("GET", f"{API}/employees/{{nip}}", api(200, outsider=404), target="nip:pegawai"),
    # Upwards is out of scope: a pegawai does not see their own atasan's record.
    Row("GET", f"{API}/employees/{{nip}}", api(200, pegawai=404, outsider=404),
        target="nip:atasan"),
    Row("GET", f"{API}/employees/{{nip}}",
        api(404, kadis=200, admin_opd=200, **INSTANSI_READERS), target="nip:staf_kasi"),
    Row("GET", f"{API}/employees/{{nip}}",
        api(404, outsider=200, **INSTANSI_READERS), target="nip:outsider"),
    Row("GET", f"{API}/employees/{{nip}}", api(404), target="nip:foreign"),
    Row("GET", f"{API}/employees/{{nip}}/history", api(200), target="nip:self"),
    Row("GET", f"{API}/employees/{{nip}}/history", api(200, outsider=404),
        target="nip:pegawai"),
    Row("GET", f"{API}/employees/{{nip}}/history",
        api(404, outsider=200, **INSTANSI_READERS), target="nip:outsider"),
    Row("GET", f"{API}/employees/{{nip}}/history", api(404), target="nip:foreign"),
    Row("GET", f"{API}/employees/{{nip}}/atasan", api(200), target="nip:self"),
    Row("GET", f"{API}/employees/{{nip}}/atasan",
        api(404, kadis=200, admin_opd=200, **INSTANSI_READERS), target="nip:staf_kasi"),
    Row("GET", f"{API}/employees/{{nip}}/atasan",
        api(404, outsider=200, **INSTANSI_READERS), target="nip:outsider"),
    Row("GET", f"{API}/employees/{{nip}}/atasan", api(404), target="nip:foreign"),
    Row("GET", f"{API}/team", api(200)),
    # --- API: organisation (open to the instansi) ---------------------------------------------
    Row("GET", f"{API}/opd", api(200)),
    Row("GET", f"{API}/opd/{{opd_id}}", api(200), target="opd:disdik"),
    Row("GET", f"{API}/opd/{{opd_id}}", api(404), target="opd:foreign"),
    Row("GET", f"{API}/units", api(200)),
    Row("GET", f"{API}/units/{{unit_id}}", api(200), target="unit:rujukan"),
    Row("GET", f"{API}/units/{{unit_id}}", api(404), target="unit:foreign"),
    Row("GET", f"{API}/positions", api(200)),
    Row("GET", f"{API}/positions/{{position_id}}", api(200), target="position:kadis_disdik"),
    Row("GET", f"{API}/positions/{{position_id}}", api(404), target="position:foreign"),
    # --- API: audit trail ---------------------------------------------------------------------
    Row("GET", f"{API}/audit", api(403, **ONLY_AUDIT_READERS)),
    Row("GET", f"{API}/audit/verify", api(403, **ONLY_AUDIT_READERS)),
    # --- API: SIMPEG imports (admin BKPSDM only) ---------------------------------------------
    Row("POST", f"{API}/imports", api(403, admin_bkpsdm=201), body=UPLOAD, multipart=True),
    Row("GET", f"{API}/imports", api(404, admin_bkpsdm=200)),
    Row("GET", f"{API}/imports/{{run_id}}", api(404, admin_bkpsdm=200), target="run:own"),
    Row("GET", f"{API}/imports/{{run_id}}", api(404), target="run:foreign"),
    Row("GET", f"{API}/imports/{{run_id}}/errors", api(404, admin_bkpsdm=200),
        target="run:own"),
    Row("GET", f"{API}/imports/{{run_id}}/errors", api(404), target="run:foreign"),
    # --- Pages --------------------------------------------------------------------------------
    Row("GET", "/", page(200)),
    Row("GET", "/masuk/", page(302, anonymous=200)),
    Row("POST", "/keluar/", page(302, anonymous=302)),
    Row("GET", "/tim/", page(200)),
    Row("GET", "/akun/", page(200)),
    Row("GET", "/akun/kata-sandi/", page(200)),
    Row("POST", "/akun/kata-sandi/", page(302), body={
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    }),
    Row("GET", "/akun/token/", page(200)),
    Row("POST", "/akun/token/", page(200), body={"name": "matriks"}),
    Row("POST", "/akun/token/<int:pk>/cabut/", page(302), target="token:own"),
    Row("POST", "/akun/token/<int:pk>/cabut/", page(404), target="token:other"),
    Row("POST", "/akun/token/<int:pk>/cabut/", page(404), target="token:foreign"),
    Row("GET", "/audit/", page(404, **ONLY_AUDIT_READERS)),
    Row("GET", "/org/", page(200)),
    Row("GET", "/org/opd/<int:pk>/", page(200), target="opd:disdik"),
    Row("GET", "/org/opd/<int:pk>/", page(404), target="opd:foreign"),
    Row("GET", "/pegawai/", page(200)),
    Row("GET", "/pegawai/<str:nip>/", page(200), target="nip:self"),
    Row("GET", "/pegawai/<str:nip>/", page(200, outsider=404), target="nip:pegawai"),
    Row("GET", "/pegawai/<str:nip>/", page(200, pegawai=404, outsider=404),
        target="nip:atasan"),
    Row("GET", "/pegawai/<str:nip>/",
        page(404, kadis=200, admin_opd=200, **INSTANSI_READERS), target="nip:staf_kasi"),
    Row("GET", "/pegawai/<str:nip>/",
        page(404, outsider=200, **INSTANSI_READERS), target="nip:outsider"),
    Row("GET", "/pegawai/<str:nip>/", page(404), target="nip:foreign"),
    Row("GET", "/impor/", page(404, admin_bkpsdm=200)),
    Row("POST", "/impor/", page(404, admin_bkpsdm=302), body=UPLOAD_FORM),
    Row("GET", "/impor/<int:run_id>/", page(404, admin_bkpsdm=200), target="run:own"),
    Row("GET", "/impor/<int:run_id>/", page(404), target="run:foreign"),
]



def _row_modules() -> list[Any]:
    """The `matrix_*.py` modules beside this one (not matrix_base)."""
    import importlib
    import pkgutil

    import kinerja.web.tests as package

    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
        if info.name.startswith("matrix_") and info.name != "matrix_base"
    ]


ROW_MODULES = _row_modules()
for _module in ROW_MODULES:
    MATRIX.extend(_module.ROWS)
EXTRA_TARGETS: dict[str, Callable[..., str]] = {}
for _module in ROW_MODULES:
    for _kind, _resolver in getattr(_module, "TARGETS", {}).items():
        # Two modules naming the same kind would silently run one's rows on the other's targets.
        assert _kind not in EXTRA_TARGETS, f"matrix target kind {_kind!r} defined twice"
        EXTRA_TARGETS[_kind] = _resolver

# --- Resolving targets ----------------------------------------------------------------------


@dataclass
class World:
    """The cast, plus lazily another instansi (for `foreign` targets)."""

    cast: Cast
    _foreign: Cast | None = field(default=None, repr=False)
    _plan: Any = field(default=None, repr=False)

    @property
    def plan(self) -> Any:
        """The cast's plans (kinerja.plans.testing.plan_cast), made on first use."""
        if self._plan is None:
            from kinerja.plans.testing import plan_cast

            self._plan = plan_cast(self.cast)
        return self._plan

    @property
    def foreign(self) -> Cast:
        if self._foreign is None:
            self._foreign = build_cast("kab-lain")
        return self._foreign


def resolve_target(world: World, actor: str, target: str) -> str:
    """The value for a route placeholder. `nip:self` is the actor's own NIP (the pegawai's for
    anonymous); `token:own` a fresh token of the actor; `token:other` one of pegawai2;
    `token:foreign` one of another instansi's pegawai."""
    from kinerja.people.services import token_create

    kind, _sep, name = target.partition(":")
    if kind in EXTRA_TARGETS:
        return EXTRA_TARGETS[kind](world, actor, name)
    cast = world.cast
    if kind == "nip":
        if name == "self":
            name = "pegawai" if actor == "anonymous" else actor
        if name == "foreign":
            return world.foreign.people["pegawai"].nip
        return cast.people[name].nip
    if kind == "token":
        owner = "pegawai2" if name == "other" or actor == "anonymous" else actor
        account = world.foreign.accounts["pegawai"] if name == "foreign" else cast.accounts[owner]
        token, _plain = token_create(account=account, name="matriks")
        return str(token.pk)
    if kind == "run":
        owner = world.foreign if name == "foreign" else cast
        return str(import_run(owner).pk)
    collections: dict[str, Callable[[Cast], dict[str, Any]]] = {
        "opd": lambda c: c.opds, "unit": lambda c: c.units, "position": lambda c: c.positions,
    }
    if kind in collections:
        if name == "foreign":
            return str(collections[kind](world.foreign)["dinkes" if kind != "position" else
                                                      "kadis"].pk)
        return str(collections[kind](cast)[name].pk)
    raise AssertionError(f"unknown matrix target {target!r}")


def import_run(cast: Cast) -> Any:
    """A finished import run of the cast's instansi, with one rejected row."""
    from kinerja.people.models import ImportRowError, ImportRun

    run = ImportRun.objects.create(
        instansi=cast.instansi, kind="units", file_name="units.csv", file_sha256="0" * 64,
        file_format="csv", status=ImportRun.Status.DONE, actor=cast.accounts["admin_bkpsdm"],
        total_rows=1, error_count=1,
    )
    ImportRowError.objects.create(run=run, line=2, field="unit_kode", code="required",
                                  message="Required.")
    return run


PLACEHOLDER = re.compile(r"\{[^}]+\}|<[^>]+>")


def url_for(row: Row, world: World, actor: str) -> str:
    if not row.target:
        return row.route
    value = resolve_target(world, actor, row.target)
    return PLACEHOLDER.sub(value, row.route)


def client_as(world: World, actor: str) -> Client:
    client = Client()
    if actor != "anonymous":
        login_verified(client, world.cast.accounts[actor])
    return client


def outcome(response: Any) -> Any:
    """The status as the matrix writes it: LOGIN for login_required's redirect (with ?next=)."""
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(f"{reverse('login')}?next="):
        return LOGIN
    return response.status_code


def form_data(body: dict[str, Any] | None) -> dict[str, Any]:
    """A form body; (name, bytes) values become fresh uploaded files for each call."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        key: SimpleUploadedFile(value[0], value[1]) if isinstance(value, tuple) else value
        for key, value in (body or {}).items()
    }


def call(row: Row, world: World, actor: str) -> Any:
    client = client_as(world, actor)
    url = url_for(row, world, actor)
    method = getattr(client, row.method.lower())
    if row.is_api:
        if row.multipart:
            response = method(url, form_data(row.body))
        elif row.body is not None:
            response = method(url, row.body, content_type="application/json")
        else:
            response = method(url)
        # Whatever the status, the API answers JSON, and errors in the one shape.
        expected_type = row.content_type if response.status_code < 400 else "application/json"
        assert response["Content-Type"].startswith(expected_type), (actor, url)
        if response.status_code >= 400:
            assert set(response.json()["error"]) >= {"code", "message"}, (actor, url)
    else:
        response = method(url, form_data(row.body))
    return outcome(response)


def _param(row: Row) -> Any:
    marks = [pytest.mark.xfail(reason=row.xfail, strict=True)] if row.xfail else []
    return pytest.param(row, id=row.id, marks=marks)


# Scope is decided by the same Python and ORM filters on both databases: CI runs the 5,000 calls
# once, on SQLite (conftest.py); test_scope_content.py and each app's tests cover PostgreSQL.
@pytest.mark.one_database("sqlite")
@pytest.mark.parametrize("row", [_param(row) for row in MATRIX])
def test_matrix(cast, row: Row) -> None:
    world = World(cast)
    actual = {actor: call(row, world, actor) for actor in ACTORS}
    wrong = {
        actor: f"expected {row.expected[actor]}, got {actual[actor]}"
        for actor in ACTORS
        if actual[actor] != row.expected[actor]
    }
    assert not wrong, f"{row.id}: {wrong}"


# --- Completeness -----------------------------------------------------------------------------


def api_operations() -> set[tuple[str, str]]:
    from kinerja.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    return {
        (method.upper(), route)
        for route, methods in schema["paths"].items()
        for method in methods
        if method in ("get", "post", "put", "patch", "delete")
    }


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def page_routes() -> set[str]:
    return {
        "/" + route
        for route in _walk(get_resolver().url_patterns)
        if not route.startswith(EXCLUDED_PAGE_PREFIXES)
    }


def test_every_api_operation_has_a_row() -> None:
    covered = {(row.method, row.route) for row in MATRIX if row.is_api}
    missing = sorted(api_operations() - covered)
    assert not missing, f"API operations without a row in the authorization matrix: {missing}"


def test_every_page_has_a_row() -> None:
    covered = {row.route for row in MATRIX if not row.is_api}
    missing = sorted(page_routes() - covered)
    assert not missing, f"URL patterns without a row in the authorization matrix: {missing}"


def test_every_row_is_a_real_route() -> None:
    operations = api_operations()
    pages = page_routes()
    stale = [
        row.id for row in MATRIX
        if (row.is_api and (row.method, row.route) not in operations)
        or (not row.is_api and row.route not in pages)
    ]
    assert not stale, f"Matrix rows for routes that no longer exist: {stale}"


def test_every_row_names_every_actor() -> None:
    for row in MATRIX:
        assert set(row.expected) == set(ACTORS), row.id
        if row.is_api:
            assert row.expected["anonymous"] == 401, row.id


def test_matrix_size() -> None:
    """Documented in the report and docs/api.md: operations x actors."""
    assert len(MATRIX) * len(ACTORS) >= 9 * 50


# --- Completeness in the stronger sense: scope, not only presence -----------------------------

LOGGED_IN = tuple(actor for actor in ACTORS if actor != "anonymous")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Routes whose placeholder names no object of an instansi but a period of the caller's own one
# (a year, a month), so no other instansi's object can be put in it: the foreign rule below does
# not apply. Another instansi's year is still tested where it can exist (`period:foreign`).
NO_FOREIGN_OBJECT: dict[str, str] = {
    f"{API}/calendar/{{year}}": "a year of the caller's own calendar (made on first use)",
    f"{API}/calendar/{{year}}/overrides": "a year of the caller's own calendar",
    f"{API}/tpp/months/{{period}}/compute": "computing makes the caller's own month",
    "/tpp/<tppbulan:period>/daftar/": "a month of the caller's own TPP (none: `tpplist:empty`)",
    "/tpp/<tppbulan:period>/daftar.pdf": "a month of the caller's own TPP",
    "/tpp/<tppbulan:period>/daftar.xlsx": "a month of the caller's own TPP",
}

# Placeholders that name a period of the caller's own instansi, the same for everyone who may
# use the route at all: there is no scope below the instansi to be outside of.
NO_SCOPE: dict[str, str] = {
    f"{API}/calendar/{{year}}": "the working calendar is open to the whole instansi",
    f"{API}/calendar/{{year}}/overrides": "the working calendar is open to the whole instansi",
    f"{API}/tpp/months/{{period}}/compute": "the whole instansi's month, admin BKPSDM only",
}

# Writes that every logged-in account may make, because they act on the caller's own account or
# own data (every member of the cast has an employee record), each with the reason. Any other
# write needs a row in which some logged-in actor is refused.
SELF_SERVICE: dict[tuple[str, str], str] = {
    ("PUT", f"{API}/me/password"): "own password",
    ("POST", "/akun/kata-sandi/"): "own password",
    ("POST", f"{API}/tokens"): "own API token",
    ("POST", "/akun/token/"): "own API token",
    ("POST", "/keluar/"): "own session",
    ("POST", f"{API}/notifications/read-all"): "own notifications",
    ("POST", "/notifikasi/baca-semua/"): "own notifications",
    ("POST", f"{API}/activities"): "own daily log",
    ("POST", "/kegiatan/baru/"): "own daily log",
    ("POST", "/kegiatan/ajukan-hari/"): "own daily logs of a day",
    ("POST", "/skp/buka/"): "own SKP (opened for the caller's own position)",
    ("POST", f"{API}/skp"): "own SKP (opened for the caller's own position)",
    ("POST", "/skp/salin/"): "own SKP copied to another year (the sources are the caller's)",
    ("POST", "/akun/2fa/"): "own two-factor device",
    ("POST", "/akun/2fa/nonaktifkan/"): "own two-factor device",
    ("POST", "/masuk/kode/"): "own log-in code",
}

# Writes that name other people's objects in the body, not in the path, and refuse what is out
# of the caller's reach inside a successful answer rather than with a status; the refusal is
# checked on the content in test_scope_content.py.
REFUSED_IN_CONTENT: dict[tuple[str, str], str] = {
    ("POST", f"{API}/activities/verify"): "bulk verification: `refused` lists each id",
    ("POST", "/verifikasi/pilihan/"): "bulk verification: the message counts the refused",
    ("POST", "/penugasan/baru/"): "the form offers only the caller's subordinates",
}

# Writes a read-only role (pimpinan, auditor) may make besides SELF_SERVICE, each with the rule
# that says so. Everything else they write must be refused.
READ_ONLY_MAY_WRITE: dict[tuple[str, str], tuple[str, ...]] = {
    # docs/evaluation.md (who does what): admin BKPSDM and pimpinan calibrate and set the
    # organisation predikat.
    ("POST", f"{API}/evaluations/{{evaluation_id}}/calibrate"): ("pimpinan",),
    ("PUT", f"{API}/calibration/org-predikat"): ("pimpinan",),
    ("POST", "/kalibrasi/penilaian/<int:evaluation_pk>/"): ("pimpinan",),
    ("POST", "/kalibrasi/opd/<int:opd_pk>/predikat/"): ("pimpinan",),
    # docs/tpp.md: the what-if is a simulation (nothing is stored), for the TPP readers.
    ("POST", f"{API}/tpp/what-if"): ("pimpinan", "auditor"),
    # Own data: the caller's own notification, token, evaluation (the cast's pimpinan and
    # auditor have employee records).
    ("POST", f"{API}/notifications/{{notification_id}}/read"): ("pimpinan", "auditor"),
    ("POST", "/notifikasi/<int:pk>/baca/"): ("pimpinan", "auditor"),
    ("DELETE", f"{API}/tokens/{{token_id}}"): ("pimpinan", "auditor"),
    ("POST", "/akun/token/<int:pk>/cabut/"): ("pimpinan", "auditor"),
    ("POST", "/penilaian/mulai/"): ("pimpinan", "auditor"),
}


def _allowed(status: Any) -> bool:
    return isinstance(status, int) and 200 <= status < 400


def _refused(status: Any) -> bool:
    return status in (403, 404)


def _rows_by_route() -> dict[tuple[str, str], list[Row]]:
    routes: dict[tuple[str, str], list[Row]] = {}
    for row in MATRIX:
        routes.setdefault((row.method, row.route), []).append(row)
    return routes


def test_every_object_route_is_tested_inside_and_outside_scope() -> None:
    """A route with an object in its path has rows (a) on an object inside some logged-in
    actor's scope, where that actor is let in, (b) on an object outside some logged-in actor's
    scope, which that actor does not find (404: access.py makes a forbidden object look
    missing), and (c) on another instansi's object, refused to every logged-in actor."""
    problems = []
    for (method, route), rows in sorted(_rows_by_route().items()):
        if not PLACEHOLDER.search(route):
            continue
        targeted = [row for row in rows if row.target]
        name = f"{method} {route}"
        if not any(_allowed(row.expected[a]) for row in targeted for a in LOGGED_IN):
            problems.append(f"{name}: no row where someone logged in is let in")
        if route not in NO_SCOPE and not any(
            row.expected[a] == 404 for row in targeted for a in LOGGED_IN
        ):
            problems.append(f"{name}: no row on an object outside someone's scope (404)")
        if route not in NO_FOREIGN_OBJECT and not any(
            "foreign" in row.target and all(_refused(row.expected[a]) for a in LOGGED_IN)
            for row in targeted
        ):
            problems.append(f"{name}: no row on another instansi's object (refused to all)")
    assert not problems, "\n".join(problems)


def test_every_write_refuses_someone() -> None:
    """Each write has a row where some logged-in actor is refused, unless it is self-service."""
    problems = [
        f"{method} {route}"
        for (method, route), rows in sorted(_rows_by_route().items())
        if method in WRITE_METHODS and (method, route) not in SELF_SERVICE
        and (method, route) not in REFUSED_IN_CONTENT
        and not any(_refused(row.expected[a]) for row in rows for a in LOGGED_IN)
    ]
    assert not problems, f"Writes no logged-in actor is ever refused: {problems}"


def test_read_only_roles_write_nothing() -> None:
    """Pimpinan and auditor read the whole instansi and change nothing in it: every write
    refuses them, except their own account and data and the exceptions the rules name (the
    writes that refuse in their content are checked for them in test_scope_content.py)."""
    problems = []
    for row in MATRIX:
        key = (row.method, row.route)
        if row.method not in WRITE_METHODS or key in SELF_SERVICE or key in REFUSED_IN_CONTENT:
            continue
        for actor in ("pimpinan", "auditor"):
            # Refused for the role (403) or the object (404): a 400, 409 or 422 would only say
            # that this body failed, and another body might pass.
            status = row.expected[actor]
            if not _refused(status) and actor not in READ_ONLY_MAY_WRITE.get(key, ()):
                problems.append(f"{row.id}: {actor} {status}")
    assert not problems, f"Writes open to a read-only role: {problems}"


def test_allow_lists_name_real_routes() -> None:
    routes = set(_rows_by_route())
    paths = {route for _method, route in routes}
    stale = [route for route in {**NO_FOREIGN_OBJECT, **NO_SCOPE} if route not in paths]
    writes = {**SELF_SERVICE, **REFUSED_IN_CONTENT, **READ_ONLY_MAY_WRITE}
    stale += [f"{m} {r}" for m, r in writes if (m, r) not in routes]
    assert not stale, f"Allow-list entries for routes without rows: {stale}"
