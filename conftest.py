"""Shared fixtures: the cast, a client logged in as a cast member, media in tmp_path."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast(db):
    from kinerja.testing import build_cast

    return build_cast()


@pytest.fixture
def client_for(client):
    """client_for(account) -> a Django test client logged in as that account."""

    def _login(account):
        client.force_login(account, backend="django.contrib.auth.backends.ModelBackend")
        return client

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
