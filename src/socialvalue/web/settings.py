"""Django settings, read from the environment with SQLite defaults so a laptop needs nothing else.

Environment:
  SOCIALVALUE_HOME   folder for the SQLite database, uploaded files and the dev secret (./.socialvalue)
  DATABASE_URL       sqlite:///path or postgres://user@host:port/db (default: SQLite in SOCIALVALUE_HOME)
  SECRET_KEY         required in production; development generates one into SOCIALVALUE_HOME
  SOCIALVALUE_ENV    "production" (set by `socialvalue serve`) turns on the secure settings
  ALLOWED_HOSTS      comma separated (production)
  SOCIALVALUE_SECURE_SSL_REDIRECT  "false" when TLS ends before this server and the proxy redirects
  SOCIALVALUE_MAX_UPLOAD_MB        upload size limit, default 20
  SOCIALVALUE_URL    the public base URL (https://socialvalue.example.org); every absolute link in
                     emails and the command line starts with it (default http://127.0.0.1:8000);
                     in production its host is allowed and its origin trusted for CSRF
  EMAIL_URL          smtp://, smtp+tls://, smtps:// or console:// (see web/email_url.py)
  DEFAULT_FROM_EMAIL the sender of every email (socialvalue@localhost)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from socialvalue.web.email_url import email_settings

PACKAGE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("SOCIALVALUE_HOME", ".socialvalue")).resolve()
PRODUCTION = os.environ.get("SOCIALVALUE_ENV", "").lower() == "production"
TESTING = os.environ.get("SOCIALVALUE_TESTING") == "1"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: socialvalue serve refuses to start without one."
        )
    if TESTING:
        return "insecure-test-key-" + "x" * 40
    # Development and demo: a random key kept beside the database so sessions survive restarts.
    HOME.mkdir(parents=True, exist_ok=True)
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
#: The public base URL; links in emails and printed by the command line start with it.
SOCIALVALUE_URL = os.environ.get("SOCIALVALUE_URL", "http://127.0.0.1:8000").rstrip("/")
DEBUG = _flag("SOCIALVALUE_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
if TESTING:
    ALLOWED_HOSTS = ["*"]
    SOCIALVALUE_URL = os.environ.get("SOCIALVALUE_URL", "http://testserver").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "socialvalue.web.accounts",
    "socialvalue.web.audit",
    "socialvalue.web.pages",
    "socialvalue.web.measures",
    "socialvalue.web.files",
    "socialvalue.web.planning",
    "socialvalue.web.statements",
    "socialvalue.web.evidence",
    "socialvalue.web.casestudies",
    "socialvalue.web.analyses",
    "socialvalue.web.commissioning",
    "socialvalue.web.contracts",
    "socialvalue.web.reports",
    "socialvalue.web.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "socialvalue.web.middleware.SecurityHeadersMiddleware",
    "socialvalue.web.middleware.RejectNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "socialvalue.web.tenancy.CurrentOrganisationMiddleware",
    "socialvalue.web.audit.middleware.AuditActorMiddleware",
]

ROOT_URLCONF = "socialvalue.web.urls"
WSGI_APPLICATION = "socialvalue.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "socialvalue.web.tenancy.organisation_context",
                "socialvalue.web.navigation.navigation_context",
            ],
        },
    }
]

_default_db = f"sqlite:///{HOME / 'socialvalue.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one request writes; a busy timeout rather than "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SOCIALVALUE_TEST_DB") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
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
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "pages:home"
LOGOUT_REDIRECT_URL = "accounts:login"

#: Failed logins allowed for one account within the window before the next answers 429.
LOGIN_FAILURE_LIMIT = 10
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(
        parents=True, exist_ok=True
    )  # whitenoise serves from finders here; it only wants the folder
STATICFILES_DIRS = [PACKAGE_DIR / "static_build"]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded evidence lives outside the static files and is served only through access-checked views.
MEDIA_ROOT = Path(os.environ.get("SOCIALVALUE_FILES", HOME / "files"))
MEDIA_URL = "/uploads-are-served-by-access-checked-views/"
MAX_UPLOAD_BYTES = int(float(os.environ.get("SOCIALVALUE_MAX_UPLOAD_MB", "20")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "socialvalue@localhost")
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip()
if EMAIL_URL:
    globals().update(email_settings(EMAIL_URL))
#: False when email fell back to the console by default: `socialvalue serve` then refuses to start
#: in production, so password-reset links never land in a server log by accident.
EMAIL_CHOSEN = bool(EMAIL_URL or os.environ.get("EMAIL_BACKEND"))
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    DEBUG = False
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("SOCIALVALUE_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
    # The public URL is where browsers reach us: its host is allowed and its origin is trusted
    # for CSRF, so one variable configures a deployment behind a proxy.
    _public = urlsplit(SOCIALVALUE_URL)
    if _public.hostname and _public.hostname not in ALLOWED_HOSTS:
        ALLOWED_HOSTS.append(_public.hostname)
    if _public.scheme and _public.netloc:
        CSRF_TRUSTED_ORIGINS.insert(0, f"{_public.scheme}://{_public.netloc}")
    # check --deploy asks for SSL redirect; when a proxy does it, the operator says so above.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_SSL_REDIRECT else ["security.W008"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
