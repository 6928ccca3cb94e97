"""Production settings: with DEBUG off the cookies are secure, HTTP-only and SameSite, HSTS and
the HTTPS redirect are on, and `kinerja check --deploy` has nothing to say.

The settings module is imported in a fresh interpreter with the environment of a deployment
(pytest's own process runs the test settings: KINERJA_TESTING turns the secure flags off).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import json
from django.conf import settings
import django
django.setup()
names = ["DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
         "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
         "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
         "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
         "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS", "MIDDLEWARE",
         "CONTENT_SECURITY_POLICY", "PASSWORD_HASHERS"]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # A deployment's environment, not this test process's: the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE for Playwright in this process, which check --deploy rightly
    # refuses (async.E001); the split flags of CI are not a deployment's either.
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE",
                          "KINERJA_CI_SPLIT", "KINERJA_TEST_ALL")}
    env.update(
        DEBUG="false",
        KINERJA_TESTING="false",
        SECRET_KEY="uji-" + "k" * 60 + "-bukan-kunci-sungguhan",
        ALLOWED_HOSTS="kinerja.example.go.id",
        KINERJA_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="kinerja.settings",
    )
    env.update(extra)
    return env


def production_settings(tmp_path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=production_env(tmp_path), cwd=ROOT,
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_cookies_and_transport_are_secure(tmp_path):
    s = production_settings(tmp_path)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_HTTPONLY"] is True
    assert s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert "csp.middleware.CSPMiddleware" in s["MIDDLEWARE"]
    assert s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"] == ["'self'"]
    assert s["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def test_check_deploy_is_clean(tmp_path):
    """What CI runs (.ci/run): no warning at all with the production settings."""
    kinerja = Path(sys.executable).with_name("kinerja")
    done = subprocess.run(
        [str(kinerja), "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path), cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
