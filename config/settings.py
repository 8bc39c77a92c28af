"""Settings, read from the environment (every variable is listed in .env.example)."""

import hashlib
import hmac
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
# A clone's own settings: `make install` writes .env (a generated secret key, the demo database)
# so that `minsheng …` works as the README prints it. Variables already set win; a production
# machine sets its variables itself and has no .env.
if not os.environ.get("MINSHENG_NO_DOTENV"):
    load_dotenv(BASE_DIR / ".env", override=False)


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def env_secret(name: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, "")


DEBUG = env_bool("MINSHENG_DEBUG")
DEMO = env_bool("MINSHENG_DEMO")

SECRET_KEY = env_secret("MINSHENG_SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or DEMO):
        raise ImproperlyConfigured(
            "MINSHENG_SECRET_KEY is required (or MINSHENG_DEMO=1 for the demo)"
        )
    SECRET_KEY = "insecure-demo-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = [h for h in env("MINSHENG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("MINSHENG_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "config.apps.TasksConfig",  # django_tasks_db, named in Chinese in the admin
    "minsheng.accounts",
    "minsheng.orgs",
    "minsheng.taxonomy",
    "minsheng.knowledge",
    "minsheng.citizens",
    "minsheng.sla",
    "minsheng.tickets",
    "minsheng.dispatch",
    "minsheng.intake",
    "minsheng.triage",
    "minsheng.feedback",
    "minsheng.webhooks",
    "minsheng.api",
    "minsheng.open311",
    "minsheng.residents",
    "minsheng.notifications",
    "minsheng.supervision",
    "minsheng.analytics",
    "minsheng.assessment",
    "minsheng.eldercare",
    "minsheng.households",
    "minsheng.parcels",
    "minsheng.projects",
    "minsheng.community",
    "minsheng.services",
    "minsheng.veterans",
    "minsheng.desk",
    "minsheng.demo",
    "minsheng.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RefuseUnreadable",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "minsheng.accounts.middleware.StaffIdleTimeout",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicy",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "minsheng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minsheng.desk.context.navigation",
                "minsheng.desk.context.resident_links",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'minsheng.sqlite3'}"),
        conn_max_age=env_int("MINSHENG_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN, so
    # two workers never deadlock upgrading a read lock, and the busy timeout queues them instead.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) serve PostgreSQL; SQLite builds the same index without the extra
# columns, which is what we want there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
# Staff are signed out after this long without a request (residents' sessions are not).
MINSHENG_STAFF_IDLE_MINUTES = env_int("MINSHENG_STAFF_IDLE_MINUTES", 30)
# Every asset is vendored and served from this site; scripts only from files, never inline.
MINSHENG_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "minsheng" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "minsheng" / "static"]
STATIC_ROOT: Path | None = Path(env("MINSHENG_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_ROOT = Path(env("MINSHENG_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Shared by every web process (throttles must hold across workers); the table is made by a
# migration of minsheng.ops.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "minsheng_cache",
    },
    # Per process, for a few seconds: what every API request would otherwise read again.
    "process": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "minsheng-process",
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("MINSHENG_SECURE_COOKIES", default=not (DEBUG or DEMO))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Product settings
MINSHENG_CITY_PREFIX = env("MINSHENG_CITY_PREFIX", "FZ")
# PostgreSQL: draw ticket numbers on a connection of their own (tickets/numbering.py).
MINSHENG_NUMBERING_OWN_CONNECTION = env_bool("MINSHENG_NUMBERING_OWN_CONNECTION", default=True)
# New API tickets arriving together in one web process are written in one transaction, at
# most this many (docs/api.md, "Throughput"); 1 writes each on its own.
MINSHENG_INTAKE_BATCH = env_int("MINSHENG_INTAKE_BATCH", 32)
# The timelines' hash chain is keyed with a secret the database does not hold (by default
# derived from the secret key: changing either makes every timeline fail verify_timeline), and
# sealed at intervals by a keyed root appended to a file outside the database (tickets.anchors).
MINSHENG_CHAIN_KEY = (
    env_secret("MINSHENG_CHAIN_KEY")
    or hmac.new(SECRET_KEY.encode(), b"minsheng timeline chain", hashlib.sha256).hexdigest()
)
MINSHENG_ANCHOR_FILE = env("MINSHENG_ANCHOR_FILE", str(BASE_DIR / "var" / "timeline-anchors.jsonl"))
MINSHENG_ANCHOR_HOURS = env_int("MINSHENG_ANCHOR_HOURS", 24)
MINSHENG_TILE_URL = env("MINSHENG_TILE_URL")
MINSHENG_DUE_SOON_HOURS = env_int("MINSHENG_DUE_SOON_HOURS", 24)
MINSHENG_AUTO_DISPATCH_CONFIDENCE = float(env("MINSHENG_AUTO_DISPATCH_CONFIDENCE", "0.8"))
# The request header that carries the client's address behind a reverse proxy (HTTP_X_REAL_IP)
MINSHENG_CLIENT_IP_HEADER = env("MINSHENG_CLIENT_IP_HEADER")
MINSHENG_NOTICE_LEASE_SECONDS = env_int("MINSHENG_NOTICE_LEASE_SECONDS", 300)
MINSHENG_SMS_BACKEND = env("MINSHENG_SMS_BACKEND", "console")  # console, http or a dotted path
MINSHENG_SMS_HTTP_URL = env("MINSHENG_SMS_HTTP_URL")
MINSHENG_SMS_HTTP_TOKEN = env_secret("MINSHENG_SMS_HTTP_TOKEN")
MINSHENG_SMS_OUTBOX_FILE = env("MINSHENG_SMS_OUTBOX_FILE")  # console backend: also append here
# The address residents reach the site at, for links in SMS and e-mail.
MINSHENG_PUBLIC_URL = env("MINSHENG_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
MINSHENG_SCAN_INTERVAL = env_int("MINSHENG_SCAN_INTERVAL", 60)  # seconds between deadline scans
MINSHENG_ANALYTICS_INTERVAL = env_int("MINSHENG_ANALYTICS_INTERVAL", 300)  # dashboard refresh
# Resident phone page: submissions a day per phone and per address (malicious refiling is barred)
MINSHENG_MOBILE_PER_PHONE_PER_DAY = env_int("MINSHENG_MOBILE_PER_PHONE_PER_DAY", 5)
MINSHENG_MOBILE_PER_ADDRESS_PER_DAY = env_int("MINSHENG_MOBILE_PER_ADDRESS_PER_DAY", 10)
MINSHENG_NOTICE_STALE_HOURS = env_int("MINSHENG_NOTICE_STALE_HOURS", 72)
MINSHENG_RATING_LINK_DAYS = env_int("MINSHENG_RATING_LINK_DAYS", 7)

EMAIL_BACKEND = env("MINSHENG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("MINSHENG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MINSHENG_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env("MINSHENG_DEFAULT_FROM_EMAIL", "minsheng@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "config.logfilters.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("MINSHENG_LOG_LEVEL", "INFO")},
    "loggers": {
        # The worker polls the task queue every second; its "nothing to do" lines are noise.
        "django_tasks_db": {"level": "WARNING"},
        # A 403 logs its one line ("Forbidden (Permission denied): /path"), not a traceback.
        "django.request": {"filters": ["refusals"]},
    },
}
