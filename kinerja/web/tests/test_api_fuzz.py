"""API fuzzing: Schemathesis against the whole OpenAPI document of /api/v1, as the members of
the test cast and anonymously (docs/api.md, "Fuzzing").

One test item per operation (Schemathesis's pytest integration), requests sent in-process through
the WSGI application with a Bearer token. Each answer is checked: no 5xx, a documented status
code, a body that matches the declared schema, a request the schema forbids is not accepted
(negative data), an undocumented method is 405. The data is the shared cast with plans, daily
logs, an evaluation, an assignment, a holiday and a computed TPP month, built once for the module;
each operation's writes are rolled back after its test. About half of the valid cases aim their
path parameters at those objects.

Bounded and reproducible for CI: a fixed seed, derandomized generation, no example database,
KINERJA_FUZZ_EXAMPLES random cases per operation, at most KINERJA_FUZZ_COVERAGE cases per
scenario of the coverage phase, each valid case sent as KINERJA_FUZZ_IDENTITIES identities (the
docs have a table, and the command for a long hunt).
"""

from __future__ import annotations

import datetime as dt
import os
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("KINERJA_FUZZ_EXAMPLES", "4"))
SEED = int(os.environ.get("KINERJA_FUZZ_SEED", "20261122"))
# Everyone of the cast with a distinct scope, plus no credentials at all.
IDENTITIES = (
    "anonymous", "pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan",
    "auditor", "outsider",
)


def _config() -> schemathesis.Config:
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "suppress-health-check": ["all"],
        "generation": {
            "max-examples": EXAMPLES,
            "deterministic": True,
            "database": "none",
            # PostgreSQL cannot store NUL; the API must refuse it with a 4xx, so keep it.
            "allow-x00": True,
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "checks": {
            # Business rules legitimately refuse valid-looking data (400 wrong_password...).
            "positive_data_acceptance": {"enabled": False},
        },
    })


def application(environ: dict[str, Any], start_response: Any) -> Any:
    """Kinerja's WSGI application, made on the first request (after pytest-django's settings)."""
    if "handler" not in _HANDLER:
        from django.core.handlers.wsgi import WSGIHandler

        _HANDLER["handler"] = WSGIHandler()
    return _HANDLER["handler"](environ, start_response)


_HANDLER: dict[str, Any] = {}


def _load_schema() -> Any:
    from kinerja.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=_config())
    loaded.app = application
    return loaded


schema = _load_schema()


# --- The data --------------------------------------------------------------------------------


@dataclass
class World:
    headers: dict[str, dict[str, str]]
    # Values of path parameters that name real objects, by parameter name.
    known: dict[str, list[Any]] = field(default_factory=dict)


WORLD: dict[str, World] = {}


def _known_values() -> dict[str, list[Any]]:
    from django.apps import apps

    def pks(label: str) -> list[Any]:
        return list(apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True))

    def values(label: str, name: str) -> list[Any]:
        model = apps.get_model(label)
        return sorted(set(model.objects.values_list(name, flat=True)))

    from kinerja.allowances.models import TppMonth

    periods = [f"{day:%Y-%m}" for day in TppMonth.objects.values_list("period", flat=True)]
    return {
        "nip": values("people.Pegawai", "nip"),
        "token_id": pks("people.AccessToken"),
        "opd_id": pks("org.Opd"),
        "unit_id": pks("org.UnitKerja"),
        "position_id": pks("org.Jabatan"),
        "run_id": pks("people.ImportRun") + pks("evaluations.RecomputeRun"),
        "skp_id": pks("plans.Skp"),
        "rhk_id": pks("plans.Rhk"),
        "indicator_id": pks("plans.Indicator"),
        "lampiran_id": pks("plans.Lampiran"),
        "perjanjian_id": pks("plans.PerjanjianKinerja"),
        "sasaran_id": pks("plans.SasaranStrategis"),
        "iku_id": pks("plans.Iku"),
        "activity_id": pks("activities.Activity"),
        "evidence_id": pks("activities.Evidence"),
        "assignment_id": pks("activities.Assignment"),
        "evaluation_id": pks("evaluations.Evaluation"),
        "objection_id": pks("evaluations.Objection"),
        "year": values("core.PerformanceYear", "year"),
        "month": list(range(1, 13)),
        "override_id": pks("attendance.WorkSchedule"),
        "holiday_id": pks("attendance.Holiday"),
        "case_id": pks("attendance.DisciplineCase"),
        "period": periods,
        "preset_id": pks("allowances.TppPreset"),
        "number": values("allowances.TppPresetVersion", "number"),
        "notification_id": pks("people.Notification"),
    }


def _build_world() -> World:
    from kinerja.activities.services import assignment_create
    from kinerja.allowances.services import month_compute
    from kinerja.allowances.testing import tpp_cast
    from kinerja.attendance.services import holiday_save
    from kinerja.evaluations.testing import eval_cast
    from kinerja.people.services import token_create
    from kinerja.testing import build_cast

    cast = build_cast()
    ev = eval_cast(cast)
    tpp = tpp_cast(cast)
    month_compute(actor=cast.admin_bkpsdm, month=tpp.month)
    assignment_create(
        actor=cast.atasan, assignee_ids=[cast.people["pegawai"].pk], title="Menyusun laporan",
        due_date=ev.work.today + dt.timedelta(days=7),
    )
    holiday_save(actor=cast.admin_bkpsdm, day=dt.date(ev.work.today.year, 12, 31),
                 name="Libur daerah", kind="daerah")
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for who in IDENTITIES[1:]:
        # A spare token first, so DELETE /tokens/{id} has a real target other than the one the
        # fuzzer authenticates with.
        token_create(account=cast.accounts[who], name="spare")
        _token, plain = token_create(account=cast.accounts[who], name="fuzz")
        headers[who] = {"Authorization": f"Bearer {plain}"}
    return World(headers=headers, known=_known_values())


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """The data, once for the module, inside a transaction rolled back at the end; every test
    (pytest-django's `db`) runs in a savepoint inside it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            WORLD["world"] = _build_world()
            yield WORLD["world"]
        finally:
            WORLD.clear()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def in_process(world: World, db: Any) -> Iterator[World]:
    """Like Django's test client: the end of a request must not close the test's connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield world
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


# --- What the fuzzer found, pinned -------------------------------------------------------------


def _bearer(account: Any) -> dict[str, str]:
    from kinerja.people.services import token_create

    _token, plain = token_create(account=account, name="pin")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code
    return body["error"]


@pytest.mark.parametrize("path", [
    f"/api/v1/opd/{2**63}",                          # a path id past bigint
    f"/api/v1/employees?page={2**64}",               # a query number
])
def test_a_number_no_database_can_hold_is_422(db: Any, path: str) -> None:
    from django.test import Client

    from kinerja.testing import build_cast

    cast = build_cast("kab-pin")
    error = _error(Client().get(path, **_bearer(cast.pegawai)), 422, "invalid_request")
    assert error["details"][0]["type"] == "int_out_of_range"


def test_a_number_in_a_body_no_database_can_hold_is_422(db: Any) -> None:
    from django.test import Client

    from kinerja.testing import build_cast

    cast = build_cast("kab-pin")
    response = Client().post("/api/v1/activities/verify", {"ids": [1, 2**70]},
                             content_type="application/json", **_bearer(cast.atasan))
    error = _error(response, 422, "invalid_request")
    assert error["details"] == [{"loc": ["payload", "ids", 1], "msg":
                                 "Number out of range (signed 64-bit)", "type": "int_out_of_range"}]


def test_a_nul_character_is_422(db: Any) -> None:
    from django.test import Client

    from kinerja.testing import build_cast

    cast = build_cast("kab-pin")
    response = Client().post("/api/v1/tokens", {"name": "a\x00b"},
                             content_type="application/json", **_bearer(cast.pegawai))
    error = _error(response, 422, "invalid_request")
    assert error["details"][0]["type"] == "string_nul_character"


def test_a_lone_surrogate_is_422(db: Any) -> None:
    """pydantic refuses it (no database could store it); pinned because JSON can spell one."""
    from django.test import Client

    from kinerja.testing import build_cast

    cast = build_cast("kab-pin")
    response = Client().post("/api/v1/tokens", b'{"name": "a\\udc80b"}',
                             content_type="application/json", **_bearer(cast.pegawai))
    error = _error(response, 422, "invalid_request")
    assert error["details"][0]["type"] == "string_unicode"


def test_a_page_far_past_the_end_is_empty(db: Any) -> None:
    from django.test import Client

    from kinerja.testing import build_cast

    cast = build_cast("kab-pin")
    response = Client().get(f"/api/v1/opd?page={2**62}&page_size=200",
                            **_bearer(cast.pegawai))
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 3, "page": 2**62, "page_size": 200}


def test_the_document_states_the_integer_range() -> None:
    from kinerja.api import INT64_MAX, api

    document = api.get_openapi_schema()
    [opd_id] = document["paths"]["/api/v1/opd/{opd_id}"]["get"]["parameters"]
    assert opd_id["schema"]["maximum"] == INT64_MAX


# --- Known path parameters ---------------------------------------------------------------------


@schema.hook
def flatmap_case(context: Any, case: Any) -> Any:
    """Half of the cases with valid path parameters aim at real objects, so operations are
    exercised beyond 404. A case whose path parameters are deliberately invalid stays so."""
    world = WORLD.get("world")
    names = list(case.path_parameters or {})
    if world is None or not names:
        return st.just(case)
    meta = case.meta
    if meta is not None and meta.is_negative_at(_path_location()):
        return st.just(case)
    pools = [world.known.get(name) or [] for name in names]
    if not all(pools):
        return st.just(case)

    def aim(chosen: tuple[Any, ...]) -> Any:
        case.path_parameters = {**case.path_parameters, **dict(zip(names, chosen, strict=True))}
        return case

    return st.one_of(st.just(case), st.tuples(*(st.sampled_from(p) for p in pools)).map(aim))


def _path_location() -> Any:
    from schemathesis.core.parameters import ParameterLocation

    return ParameterLocation.PATH


# --- The test ------------------------------------------------------------------------------------


# Per operation, the coverage phase sends at most this many cases of each scenario (wrong type,
# missing field, value past a bound, undocumented method...): it derives dozens per operation,
# most of them the same lesson. KINERJA_FUZZ_COVERAGE=0 sends them all.
COVERAGE_CAP = int(os.environ.get("KINERJA_FUZZ_COVERAGE", "2"))
# A case within the schema is sent as this many identities, one after the other from a place
# that depends on the case, so every identity is exercised on every operation; a case outside
# it (negative) is refused before any role matters, and goes once. KINERJA_FUZZ_IDENTITIES=9
# sends every case as everyone.
IDENTITIES_PER_CASE = int(os.environ.get("KINERJA_FUZZ_IDENTITIES", "3"))
_sent: Counter[tuple[str, ...]] = Counter()


def _identities(case: Any) -> list[str]:
    meta = case.meta
    positive = meta is None or not meta.generation.mode.is_negative
    count = min(IDENTITIES_PER_CASE if positive else 1, len(IDENTITIES))
    fingerprint = repr((case.method, case.path_parameters, case.query, case.body))
    start = zlib.crc32(fingerprint.encode("utf-8", "backslashreplace"))
    return [IDENTITIES[(start + i) % len(IDENTITIES)] for i in range(count)]


def _over_coverage_cap(case: Any) -> bool:
    meta = case.meta
    if COVERAGE_CAP <= 0 or meta is None or meta.phase.name.value != "coverage":
        return False
    key = (case.operation.label, meta.generation.mode.value, str(meta.phase.data.scenario))
    _sent[key] += 1
    return _sent[key] > COVERAGE_CAP


# The databases differ in what they refuse (NUL characters, integer range): CI fuzzes on the
# stricter one, PostgreSQL (conftest.py); `make test` on SQLite fuzzes there too.
@pytest.mark.one_database("postgresql")
@schema.parametrize()
def test_api_fuzz(case: Any, in_process: World) -> None:
    if _over_coverage_cap(case):
        return
    for who in _identities(case):
        try:
            case.call_and_validate(headers=in_process.headers[who])
        except Exception as exc:
            exc.add_note(f"Identity: {who}")
            raise


def _models_in(annotation: Any, found: set[type]) -> None:
    import typing

    import pydantic

    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for info in annotation.model_fields.values():
            _models_in(info.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def test_openapi_component_names_are_unique() -> None:
    """django-ninja files every schema under its class name and the last one wins: two classes
    with one name make the document describe one answer with the other's shape (found by the
    fuzzer: /me was documented with the task assignment instead of the position assignment)."""
    from ninja.params.models import ParamModel

    from kinerja.api import api

    found: set[type] = set()
    for bound in api._get_bound_routers():
        for view in bound.path_operations.values():
            for operation in view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    _models_in(model, found)
    by_name: dict[str, list[type]] = {}
    for model in found:
        if issubclass(model, ParamModel) or model.__name__ == "NinjaResponseSchema":
            continue
        by_name.setdefault(model.__name__, []).append(model)
    clashes = {
        name: sorted(f"{m.__module__}.{m.__qualname__}" for m in models)
        for name, models in by_name.items()
        if len({repr(_shape(m.model_json_schema(mode="serialization"))) for m in models}) > 1
    }
    assert clashes == {}


def _shape(node: Any) -> Any:
    """A JSON schema without its prose: one name for two classes that differ only in their
    descriptions misleads nobody about the data."""
    if isinstance(node, dict):
        return {k: _shape(v) for k, v in node.items() if k not in ("description", "title")}
    if isinstance(node, list):
        return [_shape(v) for v in node]
    return node


@pytest.mark.parametrize("value", ["0", "86400", "1789776000"])
def test_a_date_sent_as_a_number_in_the_query_is_422(db: Any, value: str) -> None:
    """pydantic's lax mode reads a number as seconds since 1970 (`date_from=0` was 1 January
    1970, a 200); the document says YYYY-MM-DD."""
    from django.test import Client

    from kinerja.testing import build_cast

    cast = build_cast("kab-pin")
    client = Client()
    error = _error(client.get(f"/api/v1/activities?date_from={value}", **_bearer(cast.pegawai)),
                   422, "invalid_request")
    assert error["details"][0]["type"] == "date_format"
    ok = client.get("/api/v1/activities?date_from=2026-10-01", **_bearer(cast.pegawai))
    assert ok.status_code == 200


def test_a_date_sent_as_a_number_in_a_body_is_422(db: Any) -> None:
    from django.test import Client

    from kinerja.activities.models import Activity
    from kinerja.testing import build_cast

    cast = build_cast("kab-pin")
    body = {"date": 0, "minutes": 15, "description": "Angka", "output_unit": "surat",
            "is_additional_task": True}
    response = Client().post("/api/v1/activities", body, content_type="application/json",
                             **_bearer(cast.pegawai))
    error = _error(response, 422, "invalid_request")
    assert error["details"][0]["type"] == "date_format"
    assert error["details"][0]["loc"][-1] == "date"
    assert not Activity.objects.filter(description="Angka").exists()
