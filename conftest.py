"""Shared fixtures: the cast, a client logged in as a cast member, media in tmp_path."""

from __future__ import annotations

import os

import pytest

# Fixtures that reach the database (pytest-django's, and live_server, which asks for
# transactional_db at run time so it is not in a test's fixture closure).
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences",
                               "django_db_serialized_rollback", "live_server"})


def _uses_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") is not None:
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def _on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _runs_here(item: pytest.Item, postgresql: bool) -> bool:
    """Whether a test runs on this database.

    On PostgreSQL (DATABASE_URL set) only the tests that touch the database run: the others (pure
    rules, hypothesis properties, parsers) cannot behave differently there, and CI runs them on
    SQLite. Heavy database tests whose outcome no database changes are marked
    `one_database("sqlite")` or `one_database("postgresql")`: CI (KINERJA_CI_SPLIT=1) runs each
    of them on that one database only, so the two side-by-side runs share the work. On PostgreSQL
    `one_database("sqlite")` tests never run; on SQLite outside CI every test runs.
    KINERJA_TEST_ALL=1 runs everything anyway."""
    if os.environ.get("KINERJA_TEST_ALL"):
        return True
    marker = item.get_closest_marker("one_database")
    home = marker.args[0] if marker is not None and marker.args else "sqlite"
    if postgresql:
        return _uses_database(item) and (marker is None or home == "postgresql")
    if marker is not None and home == "postgresql" and os.environ.get("KINERJA_CI_SPLIT"):
        return False
    return True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    postgresql = _on_postgresql()
    keep = [item for item in items if _runs_here(item, postgresql)]
    dropped = [item for item in items if not _runs_here(item, postgresql)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast(db):
    from kinerja.testing import build_cast

    return build_cast()


@pytest.fixture
def client_for(client):
    """client_for(account) -> a Django test client logged in as that account (verified by a
    TOTP device when its role requires two-factor authentication: kinerja.testing)."""
    from kinerja.testing import login_verified

    def _login(account):
        return login_verified(client, account)

    return _login


@pytest.fixture(autouse=True)
def _language(settings, request):
    """Tests assert on the English msgids unless marked `indonesian`, which keeps the product's
    default (Bahasa Indonesia) and checks what a user of a Pemda sees."""
    from django.utils import translation

    code = "id" if request.node.get_closest_marker("indonesian") else "en"
    settings.LANGUAGE_CODE = code
    with translation.override(code):
        yield


@pytest.fixture
def plan(cast):
    """The cast with a Perjanjian Kinerja for the Dinas Kesehatan and approved SKPs down the
    kadis > sekretaris > atasan line, and a draft SKP for the pegawai (kinerja/plans/testing.py)."""
    from kinerja.plans.testing import plan_cast

    return plan_cast(cast)


@pytest.fixture
def work(cast):
    """The plan cast with approved SKPs for pegawai and pegawai2 (kinerja/activities/testing.py)."""
    from kinerja.activities.testing import work_cast

    return work_cast(cast)


@pytest.fixture
def ev(cast):
    """The work cast with two verified logs of the pegawai today and the pegawai's evaluation
    of the current period opened (kinerja/evaluations/testing.py)."""
    from kinerja.evaluations.testing import eval_cast

    return eval_cast(cast)


@pytest.fixture
def tpp(cast):
    """The cast with the 2026 calendar, the national TPP preset active and October 2026's
    presensi on time for everyone with a position (kinerja/allowances/testing.py)."""
    from kinerja.allowances.testing import tpp_cast

    return tpp_cast(cast)
