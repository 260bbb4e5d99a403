"""CHQS settings, driven by the environment.

Nothing set: an embedded SQLite database and DEBUG on, so a fresh checkout runs.
CHQS_ENV=production: every required variable must be set, or start-up fails loudly.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PRODUCTION = env("CHQS_ENV", "development") == "production"


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"Biến môi trường {name} là bắt buộc khi CHQS_ENV=production.")
    return value


if PRODUCTION:
    SECRET_KEY = required("SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in required("ALLOWED_HOSTS").split(",") if h.strip()]
    DEBUG = False
else:
    # Development only: a key that is never valid in production (CHQS_ENV=production
    # refuses to start without SECRET_KEY).
    SECRET_KEY = env("SECRET_KEY") or "dev-only-insecure-key-not-for-production"
    ALLOWED_HOSTS = [
        h.strip() for h in (env("ALLOWED_HOSTS") or "127.0.0.1,localhost").split(",") if h.strip()
    ]
    DEBUG = env_bool("DEBUG", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "chqs",
    "units",
    "personnel",
    "training",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chqs.sessions.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "units.scope.ScopeMiddleware",
    "chqs.routers.ReplicaReadsMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chqs.urls"
WSGI_APPLICATION = "chqs.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "units.context_processors.capabilities",
            ],
        },
    },
]

# Widgets render with Django's Jinja2 templates (same markup, a third of the CPU; see
# chqs/renderers.py), falling back to Django's templates for the admin's own widgets.
FORM_RENDERER = "chqs.renderers.FastRenderer"

# SQLite when nothing is set; PostgreSQL (production) from DATABASE_URL. Connections are
# kept for CONN_MAX_AGE seconds and checked before reuse (CONN_HEALTH_CHECKS), so a
# restarted PostgreSQL costs the requests during the restart, not stale-connection
# errors afterwards (bench/faults/pg_restart.py shows both; CONN_HEALTH_CHECKS=false only
# for that comparison).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("CONN_MAX_AGE") or 60),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if PRODUCTION and not env("DATABASE_URL"):
    raise ImproperlyConfigured("Biến môi trường DATABASE_URL là bắt buộc khi CHQS_ENV=production.")
# Optional read replica (PostgreSQL streaming replication) for reports and dashboards:
# chqs/routers.py sends the reads of the paths in REPLICA_PATHS there; everything else,
# and every write, goes to the primary. Tests mirror it onto the default database.
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"),
        conn_max_age=int(env("CONN_MAX_AGE") or 60),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
        test_options={"MIRROR": "default"},
    )
REPLICA_DATABASE = "replica" if "replica" in DATABASES else "default"
REPLICA_PATHS = [p.strip() for p in (env("REPLICA_PATHS") or "/bao-cao/").split(",") if p.strip()]
DATABASE_ROUTERS = ["chqs.routers.ReplicaRouter"]

# Each process keeps what is costly to compute and the same for many users (the home
# dashboard, the roster's counts and page ids, unit lists) in its own memory, keyed by
# data versions (chqs/versions.py): a change committed anywhere is seen on the next
# request, so no cache is shared between processes or hosts. Entries are small (ids,
# choices); the dashboards ~80 kB each.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "units.auth.UserBackend",  # ModelBackend, the user read with their unit
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

# A military intranet: sessions end with the browser and after 8 idle hours. A session
# in use is saved (its expiry renewed) once every SESSION_REFRESH_SECONDS, not on every
# request (chqs.sessions).
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_REFRESH_SECONDS = 300
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere. Pages
# load their scripts and styles from /static/ (static/js/chqs.js, css/chqs.css); htmx's
# own inline indicator style is off (base.html). Bootstrap's icons are data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login throttling: 5 failures lock the username from that address for one hour.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

if PRODUCTION:
    TLS = env_bool("CHQS_TLS", True)
    SESSION_COOKIE_SECURE = TLS
    CSRF_COOKIE_SECURE = TLS
    SECURE_SSL_REDIRECT = TLS and env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000") or 0) if TLS else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = TLS
    SECURE_HSTS_PRELOAD = TLS
    # nginx terminates TLS and sets X-Forwarded-Proto (deploy/nginx/chqs.conf); gunicorn
    # listens on 127.0.0.1 only, so no client can send this header past nginx.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in (env("CSRF_TRUSTED_ORIGINS") or "").split(",") if o.strip()
    ]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy and 1.122 / 95,87 (chqs/formats/vi/formats.py).
FORMAT_MODULE_PATH = ["chqs.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT") or BASE_DIR / "var" / "static")
# Files every web and worker host must see alike: on more than one machine both roots
# are one shared mount (NFS…), see README "Production". Uploads live outside the web
# root; nothing under PRIVATE_ROOT is served directly.
PRIVATE_ROOT = Path(env("PRIVATE_ROOT") or BASE_DIR / "var" / "private")
MEDIA_ROOT = Path(env("MEDIA_ROOT") or PRIVATE_ROOT / "media")
# `manage.py backup` writes here unless told --output (deploy/README: copy it off-host).
BACKUP_DIR = Path(env("BACKUP_DIR") or BASE_DIR / "var" / "backups")
MEDIA_URL = "/media/"  # never mounted: generated files are sent by views after a scope check
STORAGES = {
    # chqs/storage.py: the roots are read at save time; a full disk leaves no part file.
    "default": {"BACKEND": "chqs.storage.MediaStorage"},
    "private": {"BACKEND": "chqs.storage.PrivateStorage"},
    # Production: hashed, compressed files made by `collectstatic` (cached for a year);
    # elsewhere the plain storage, so tests and `make run` need no collectstatic.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
if PRODUCTION:
    # Static files straight from gunicorn (compressed, cached for a year under hashed
    # names) when nothing is in front; nginx serves /static/ itself (deploy/nginx).
    # Development and tests: runserver and the test server serve them from the finders.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Upload limits for spreadsheet imports (chqs.imports).
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)) or 0)
IMPORT_MAX_ROWS = int(env("IMPORT_MAX_ROWS", "60000") or 0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background work (django-tasks, the backport of Django 6's task interface): runs inline
# on the embedded default and in tests (immediate backend). Production sets
# TASKS_BACKEND=django_tasks_db.DatabaseBackend and runs `manage.py db_worker` processes
# on any number of hosts (deploy/chqs-worker@.service): the queue is a table in the one
# PostgreSQL, no broker to run. A worker killed mid-task is detected by
# chqs.imports.tasks (its lock is gone) and the job can be retried.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND") or "django_tasks.backends.immediate.ImmediateBackend",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # WeasyPrint warns once per font that it subsets with fontTools (no HarfBuzz-Subset
    # on Debian 12): noise, not a problem.
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}
