"""Kinerja settings: one module, configured by environment variables only.

Safe production defaults: DEBUG is off unless DEBUG=true, a SECRET_KEY is then required, cookies
are secure and HSTS is on. See docs/configuration.md for every variable.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kinerja.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("KINERJA_DATA_DIR", str(BASE_DIR.parent / "var")))

DEBUG = env_bool("DEBUG", False)
# Under pytest the fast test settings apply (MD5 hasher, no secure cookies) without a second
# settings module.
TESTING = env_bool("KINERJA_TESTING", "pytest" in sys.modules)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production-" + "x" * 20
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

TIME_ZONE = env_str("TIME_ZONE", "Asia/Makassar")
try:
    ZoneInfo(TIME_ZONE)
except ZoneInfoNotFoundError as exc:
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone") from exc
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "kinerja.core",
    "kinerja.org",
    "kinerja.people",
    "kinerja.plans",
    "kinerja.activities",
    "kinerja.evaluations",
    "kinerja.attendance",
    "kinerja.allowances",
    "kinerja.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "kinerja.core.headers.PermissionsPolicyMiddleware",
    # High up so every answer has it, redirects from the middleware below included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kinerja.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kinerja.people.middleware.TwoFactorMiddleware",  # after OTPMiddleware (is_verified)
    "kinerja.core.middleware.InstansiTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kinerja.web.middleware.ApplicationErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kinerja.urls"
WSGI_APPLICATION = "kinerja.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kinerja.web.context.navigation",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------------
# SQLite (embedded, WAL) by default; PostgreSQL when DATABASE_URL says so.
_default_sqlite = f"sqlite:///{DATA_DIR / 'kinerja.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_sqlite) or _default_sqlite
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue on busy_timeout instead of failing with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too, not Django's shared-cache in-memory database: that one answers
    # "table is locked" at once to a second thread (the background import) instead of waiting.
    _db["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"kinerja-test-{os.getpid()}.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections through psycopg's pool: a connection per request costs ~6x
    # (DESIGN.md, measured). The pool is per process; size it below max_connections / workers.
    _db["CONN_MAX_AGE"] = 0
    # The pool checks a connection before lending it (psycopg_pool's check_connection, an empty
    # query). Without it, after PostgreSQL restarts every idle pooled connection is dead and
    # fails one request with a 500 (measured: 16 of 48 requests, 2 workers x 8, after an idle
    # restart; none with the check). See docs/performance.md, peak_10k.
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN", 1),
        "max_size": env_int("DB_POOL_MAX", 8),
        "timeout": env_int("DB_POOL_TIMEOUT", 10),
    }
else:
    raise ImproperlyConfigured(f"DATABASE_URL engine {_db['ENGINE']} is not supported")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "people.Account"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout (django-axes): after AXES_FAILURE_LIMIT failures for one NIP, that NIP is locked for
# AXES_COOLOFF_MINUTES, whatever the IP (civil servants share office NAT addresses).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
_secure = not DEBUG and not TESTING
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _secure)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _secure)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _secure)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _secure)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# axes.W006: lockout is per NIP on purpose; offices share one NAT address, so locking an IP would
# lock a whole OPD out. Password guessing across NIPs is slowed by the per-NIP limit.
SILENCED_SYSTEM_CHECKS = ["axes.W006"] + (["security.W021"] if not SECURE_HSTS_PRELOAD else [])

# --- Content security policy (django-csp) ------------------------------------------------------
# Everything the pages load comes from this site: no inline script or event handler, no inline
# style (kinerja.js and kinerja.css hold them), no eval (htmx needs none: no hx-on, no trigger
# filters, its indicator style is off by the htmx-config meta tag). Images may be data: URIs
# (the two-factor QR code). The one exception is the 500 page, self-contained on purpose (it
# must render when static files fail): its <style> block is allowed by its hash, which
# kinerja/web/tests/test_security_headers.py recomputes from templates/500.html.
CSP_500_STYLE_HASH = "'sha256-Tp5a6SRWgMabvb9jyifQFi8Ol7jlkmWS4CBQe7LJ+bo='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", CSP_500_STYLE_HASH],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features no page uses are switched off for the site and anything it could embed. The
# camera stays allowed for the site itself: evidence photos are taken with
# <input type=file capture>, which opens the phone's camera app and is not governed by this
# header today, but a browser that starts to govern it must not break the upload.
PERMISSIONS_POLICY = {
    "camera": "(self)",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
    "serial": "()",
    "midi": "()",
    "magnetometer": "()",
    "gyroscope": "()",
    "accelerometer": "()",
    "display-capture": "()",
    "browsing-topics": "()",
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Two-factor authentication (django-otp, TOTP) ---------------------------------------------
# Accounts holding one of these roles (kinerja.core.roles values, plus "superuser" for the
# deployment's superusers) must enter a 6-digit TOTP code after their password; they are sent
# to /akun/2fa/ to enrol an authenticator app until they have one. Everyone else may turn it on
# at /akun/. See docs/operations.md, "Two-factor authentication".
KINERJA_2FA_REQUIRED_ROLES = env_list(
    "KINERJA_2FA_REQUIRED_ROLES", ["admin_bkpsdm", "auditor", "superuser"]
)
# A session remembers whether its account needs a code; it asks the database again after this
# many seconds, so a role granted (or a device added elsewhere) during a session takes effect.
KINERJA_2FA_RECHECK_SECONDS = env_int("KINERJA_2FA_RECHECK_SECONDS", 300)
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env_str("KINERJA_2FA_ISSUER", "Kinerja")
# Wrong codes: after n failures in a row the next attempt waits FACTOR * 2^(n-1) seconds.
OTP_TOTP_THROTTLE_FACTOR = env_int("KINERJA_2FA_THROTTLE_FACTOR", 1)

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True

# --- Files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
# `kinerja` is the project package, not an installed app: list its static folder explicitly.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 200)

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- E-mail (notifications) -------------------------------------------------------------------
# The console backend (mail printed to the log) unless an SMTP host is configured.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kinerja <kinerja@localhost>")
# Base address of the site, for links in e-mails ("https://kinerja.example.go.id").
KINERJA_SITE_URL = env_str("KINERJA_SITE_URL", "http://127.0.0.1:8000")

# --- Kinerja ------------------------------------------------------------------------------------
# The instansi this deployment serves by default (its code); a deployment may hold several.
KINERJA_DEFAULT_INSTANSI = env_str("KINERJA_INSTANSI", "")
KINERJA_IMPORT_CHUNK = env_int("KINERJA_IMPORT_CHUNK", 2000)
KINERJA_CHROMIUM = env_str("CHROMIUM", "")

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- SIMPEG import ------------------------------------------------------------------------------
# Uploads from the pages and the API run in a daemon thread of the web process (the request
# returns at once and the page polls); tests run them inline. See docs/import-format.md.
KINERJA_IMPORT_BACKGROUND = env_bool("KINERJA_IMPORT_BACKGROUND", not TESTING)
