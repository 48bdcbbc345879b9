"""Django settings, read from the environment with SQLite defaults so a laptop needs nothing else.

Environment:
  SOCIALVALUE_HOME   folder for the SQLite database, uploaded files and the dev secret (./.socialvalue)
  DATABASE_URL       sqlite:///path or postgres://user@host:port/db (default: SQLite in SOCIALVALUE_HOME)
  SECRET_KEY         required in production; development generates one into SOCIALVALUE_HOME
  SOCIALVALUE_ENV    "production" (set by `socialvalue serve`) turns on the secure settings
  ALLOWED_HOSTS      comma separated (production)
  SOCIALVALUE_SECURE_SSL_REDIRECT  "false" when TLS ends before this server and the proxy redirects
  SOCIALVALUE_MAX_UPLOAD_MB        upload size limit, default 20
  SOCIALVALUE_REGISTRATION  who may register an organisation: open, approval or closed, or per kind
                     (provider=open,commissioner=approval, the default)
  SOCIALVALUE_URL    the public base URL (https://socialvalue.example.org); every absolute link in
                     emails and the command line starts with it (default http://127.0.0.1:8000);
                     in production its host is allowed and its origin trusted for CSRF
  EMAIL_URL          smtp://, smtp+tls://, smtps:// or console:// (see web/email_url.py)
  DEFAULT_FROM_EMAIL the sender of every email (socialvalue@localhost)
  Monitoring, logs, cache and limits (docs/operations/monitoring-and-limits.md):
  SOCIALVALUE_LOG_FORMAT  json or console (default json in production, console otherwise)
  SOCIALVALUE_LOG_LEVEL   default INFO
  SOCIALVALUE_TRUST_REQUEST_ID  "false" to ignore an X-Request-ID header (default true)
  SENTRY_DSN, SENTRY_ENVIRONMENT, SENTRY_TRACES_SAMPLE_RATE  error reports, only when the DSN is set
  REDIS_URL          redis://host:6379/0 makes the cache shared through Redis (default: per process)
  SOCIALVALUE_LOGIN_FAILURE_LIMIT, _IP_LIMIT, _WINDOW_SECONDS, SOCIALVALUE_PASSWORD_RESET_LIMIT,
  SOCIALVALUE_PASSWORD_RESET_WINDOW_SECONDS  sign-in and password-reset throttling
  SOCIALVALUE_STORAGE  where stored files live: "local" (MEDIA_ROOT, default) or "s3"; for s3:
                     SOCIALVALUE_S3_BUCKET (required), SOCIALVALUE_S3_ENDPOINT_URL, SOCIALVALUE_S3_REGION,
                     SOCIALVALUE_S3_PREFIX, SOCIALVALUE_S3_ADDRESSING_STYLE, SOCIALVALUE_S3_ACL
                     (private, or none for a bucket with ACLs disabled), and the credentials of
                     boto3's chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile or a role)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from socialvalue.web.accounts.policy import parse_policy
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


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


INSTALLED_APPS = [
    "socialvalue.web.siteadmin.SiteAdminConfig",
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
    "socialvalue.web.notifications",
    "socialvalue.web.planning",
    "socialvalue.web.statements",
    "socialvalue.web.evidence",
    "socialvalue.web.casestudies",
    "socialvalue.web.surveys",
    "socialvalue.web.analyses",
    "socialvalue.web.commissioning",
    "socialvalue.web.engagements",
    "socialvalue.web.contracts",
    "socialvalue.web.reports",
    "socialvalue.web.dashboard",
    "socialvalue.web.todo",
    "socialvalue.web.search",
]

MIDDLEWARE = [
    # First: the request id and access log cover everything below, and the health probes are
    # answered before the HTTPS redirect, the Host check, sessions and tenancy.
    "socialvalue.web.requestlog.RequestLogMiddleware",
    "socialvalue.web.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "socialvalue.web.middleware.SecurityHeadersMiddleware",
    "socialvalue.web.middleware.RejectNulCharactersMiddleware",
    "socialvalue.web.middleware.TextPolicyMiddleware",
    "socialvalue.web.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "socialvalue.web.tenancy.CurrentOrganisationMiddleware",
    "socialvalue.web.accounts.middleware.OrganisationRequiredMiddleware",
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
            "builtins": ["socialvalue.web.tables"],
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
    # Connections are kept (60 s, as for PostgreSQL): opening one per request, with its PRAGMAs,
    # cost a third of a worker's throughput and serialised the workers (bench_serving.py).
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SOCIALVALUE_TEST_DB") or None}
else:
    # A kept connection the server closed (failover, restart, idle timeout) is noticed and
    # reopened at the start of a request instead of failing it; a dead server fails fast.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        # The whole address, the part before the @ and the person's name ("fresh-person" is weak
        # for fresh-person@example.org).
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "email_local_part", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "pages:home"
LOGOUT_REDIRECT_URL = "accounts:login"

#: Self-service registration, per kind of organisation: open, approval (by a site administrator) or closed.
try:
    REGISTRATION_POLICY = parse_policy(os.environ.get("SOCIALVALUE_REGISTRATION"))
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None
#: Registrations accepted from one address within the window; more answer 429.
REGISTRATION_RATE_LIMIT = _int("SOCIALVALUE_REGISTRATION_RATE_LIMIT", 5)
REGISTRATION_RATE_WINDOW_SECONDS = 60 * 60

#: Failed sign-ins allowed for one account from one address within the window before the next
#: answers 429; the owner signing in from elsewhere is not held up by someone guessing.
LOGIN_FAILURE_LIMIT = _int("SOCIALVALUE_LOGIN_FAILURE_LIMIT", 10)
#: Failed sign-ins allowed from one address, whatever the accounts, before it answers 429.
LOGIN_FAILURE_IP_LIMIT = _int("SOCIALVALUE_LOGIN_FAILURE_IP_LIMIT", 50)
LOGIN_FAILURE_WINDOW_SECONDS = _int("SOCIALVALUE_LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
#: Password-reset requests allowed per address and per email address within the window.
PASSWORD_RESET_LIMIT = _int("SOCIALVALUE_PASSWORD_RESET_LIMIT", 5)
PASSWORD_RESET_WINDOW_SECONDS = _int("SOCIALVALUE_PASSWORD_RESET_WINDOW_SECONDS", 60 * 60)

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


def default_storage_from_env(environ: Mapping[str, str]) -> dict:
    """STORAGES["default"] as SOCIALVALUE_STORAGE and the SOCIALVALUE_S3_* variables describe it.

    Every file goes through this storage; no code outside socialvalue.web.files.storage assumes
    a local path, so several servers can share one bucket.
    """
    kind = environ.get("SOCIALVALUE_STORAGE", "local").strip().lower() or "local"
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f'SOCIALVALUE_STORAGE is "{kind}": use "local" or "s3".')
    bucket = environ.get("SOCIALVALUE_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured(
            "SOCIALVALUE_STORAGE is s3 but SOCIALVALUE_S3_BUCKET is not set: name the bucket."
        )
    acl = environ.get("SOCIALVALUE_S3_ACL", "private").strip().lower()
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("SOCIALVALUE_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("SOCIALVALUE_S3_REGION") or None,
            "location": environ.get("SOCIALVALUE_S3_PREFIX", "").strip("/"),
            "addressing_style": environ.get("SOCIALVALUE_S3_ADDRESSING_STYLE") or None,
            # Objects are private and never linked to: files are streamed through access-checked
            # views, so no signed URL is ever made that could leak past those checks. A bucket
            # with ACLs disabled (AWS's default) refuses any ACL: SOCIALVALUE_S3_ACL=none.
            "default_acl": acl if acl not in ("", "none") else None,
            "querystring_auth": False,
            # Names are random and a report rewrites its own files, so a name is kept as given.
            "file_overwrite": True,
            # A file opened whole (rather than streamed) spills to disk past the upload threshold.
            "max_memory_size": FILE_UPLOAD_MAX_MEMORY_SIZE,
        },
    }


STORAGES["default"] = default_storage_from_env(os.environ)

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

# Background work runs on a Huey task queue, never in threads of the web process
# (docs/operations/task-queue.md). Embedded by default: a SQLite file in SOCIALVALUE_HOME that the
# web and `socialvalue worker` share on one machine. Redis when REDIS_URL (or SOCIALVALUE_QUEUE_URL)
# is set, for workers on several machines. Tests run every task at once, in the calling process.
_queue_url = os.environ.get("SOCIALVALUE_QUEUE_URL") or os.environ.get("REDIS_URL", "")
SOCIALVALUE_QUEUE = os.environ.get("SOCIALVALUE_QUEUE", "").strip().lower() or (
    "redis" if _queue_url else "sqlite"
)
if TESTING:
    SOCIALVALUE_QUEUE = "immediate"
if SOCIALVALUE_QUEUE not in {"sqlite", "redis", "immediate"}:
    raise ImproperlyConfigured(
        f"SOCIALVALUE_QUEUE is {SOCIALVALUE_QUEUE!r}: use sqlite, redis or immediate."
    )
if SOCIALVALUE_QUEUE == "redis" and not _queue_url:
    raise ImproperlyConfigured(
        "SOCIALVALUE_QUEUE is redis but neither REDIS_URL nor SOCIALVALUE_QUEUE_URL is set."
    )
HUEY = {
    "name": "socialvalue",
    "huey_class": "huey.RedisHuey" if SOCIALVALUE_QUEUE == "redis" else "huey.SqliteHuey",
    "immediate": SOCIALVALUE_QUEUE == "immediate",
    "results": False,  # tasks record their outcome in the database, not in the queue
    "utc": True,
    "connection": {"url": _queue_url}
    if SOCIALVALUE_QUEUE == "redis"
    else {"filename": str(HOME / "queue.sqlite3")},
}
INSTALLED_APPS += ["huey.contrib.djhuey"]


def _whole_number(name: str, default: int, least: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdigit() or int(raw) < least:
        raise ImproperlyConfigured(f"{name} is {raw!r}: use a whole number of at least {least}.")
    return int(raw)


#: Seconds without a heartbeat after which a running report counts as dead (its worker stopped).
SOCIALVALUE_REPORT_HEARTBEAT_TIMEOUT = _whole_number("SOCIALVALUE_REPORT_HEARTBEAT_TIMEOUT", 120, 4)
#: Times a report run is started in all: a run whose worker died is started again until this.
SOCIALVALUE_REPORT_ATTEMPTS = _whole_number("SOCIALVALUE_REPORT_ATTEMPTS", 2, 1)
#: Days a finished report run keeps its files; the run stays listed, its files are deleted.
SOCIALVALUE_REPORT_RETENTION_DAYS = _whole_number("SOCIALVALUE_REPORT_RETENTION_DAYS", 90, 1)
#: Days before a return or a statement review falls due when its reminder is sent (one more is
#: sent when it becomes overdue).
SOCIALVALUE_REMINDER_DAYS = _whole_number("SOCIALVALUE_REMINDER_DAYS", 7, 1)
#: Seconds `socialvalue worker` lets running tasks finish after SIGTERM before it stops them.
SOCIALVALUE_WORKER_SHUTDOWN_TIMEOUT = _whole_number("SOCIALVALUE_WORKER_SHUTDOWN_TIMEOUT", 30, 0)
#: Niceness `socialvalue worker` takes (0 to 19): its CPU work yields to the web server's.
SOCIALVALUE_WORKER_NICE = _whole_number("SOCIALVALUE_WORKER_NICE", 10, 0)
#: On Linux, `socialvalue worker` also takes the idle scheduling class: it has the processor only
#: when nothing else wants it. Off for a worker on a machine whose web server is never idle.
SOCIALVALUE_WORKER_IDLE = _flag("SOCIALVALUE_WORKER_IDLE", True)

# ---- Monitoring: structured logs, error reports, the shared cache (monitoring-and-limits.md)
from socialvalue.web.monitoring import init_sentry, logging_settings  # noqa: E402

LOGGING = logging_settings(
    os.environ.get("SOCIALVALUE_LOG_FORMAT") or ("json" if PRODUCTION else "console"),
    os.environ.get("SOCIALVALUE_LOG_LEVEL") or "INFO",
)
SOCIALVALUE_TRUST_REQUEST_ID = _flag("SOCIALVALUE_TRUST_REQUEST_ID", True)


def _rate(name: str) -> float:
    value = os.environ.get(name, "").strip() or "0"
    try:
        rate = float(value)
    except ValueError:
        rate = -1.0
    if not 0 <= rate <= 1:
        raise ImproperlyConfigured(f"{name} must be a number from 0 to 1, not {value!r}.")
    return rate


SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    from socialvalue import __version__  # noqa: E402

    init_sentry(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT")
        or ("production" if PRODUCTION else "development"),
        release=f"socialvalue@{__version__}",
        traces_sample_rate=_rate("SENTRY_TRACES_SAMPLE_RATE"),
    )

# Nothing the site needs for correctness lives in the cache (sessions and sign-in throttling are in
# the database), so each process may keep its own; Redis shares it between processes and machines.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "socialvalue",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
