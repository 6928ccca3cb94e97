"""Configuration by environment only, with safe production defaults."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base.update({"KINERJA_TESTING": "false", "DJANGO_SETTINGS_MODULE": "kinerja.settings"})
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "kinerja.cli", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _run({"DEBUG": "false", "KINERJA_DATA_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_bad_boolean_is_refused_loudly(tmp_path):
    result = _run({"DEBUG": "maybe", "KINERJA_DATA_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_unknown_time_zone_is_refused(tmp_path):
    result = _run(
        {"DEBUG": "true", "TIME_ZONE": "Asia/Nowhere", "KINERJA_DATA_DIR": str(tmp_path)}, "check"
    )
    assert result.returncode != 0
    assert "TIME_ZONE" in result.stderr


@pytest.mark.parametrize("url", ["mysql://root@localhost/x"])
def test_unsupported_database_is_refused(tmp_path, url):
    result = _run(
        {"DEBUG": "true", "DATABASE_URL": url, "KINERJA_DATA_DIR": str(tmp_path)}, "check"
    )
    assert result.returncode != 0


def test_deploy_check_is_clean_with_debug_off(tmp_path):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "kinerja.example.go.id",
        "KINERJA_DATA_DIR": str(tmp_path),
    }
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_sqlite_default_uses_wal(tmp_path):
    result = _run(
        {"DEBUG": "true", "KINERJA_DATA_DIR": str(tmp_path)},
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "wal"
