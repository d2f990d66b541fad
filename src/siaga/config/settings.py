"""Siaga settings, read from the environment.

SIAGA_HOME        data directory (default ~/.siaga): SQLite database, caches, exports
DATABASE_URL      e.g. postgres://user@host:5432/siaga (default: SQLite in SIAGA_HOME)
DATABASE_REPLICA_URL  optional PostgreSQL streaming replica of DATABASE_URL for read-only pages
SIAGA_REPLICA_MAX_LAG seconds the replica may lag before those pages read the primary (default 5)
SIAGA_PGBOUNCER   "1" when DATABASE_URL goes through pgbouncer in transaction mode
REDIS_URL         optional; live fan-out across web workers and the shared cache
SIAGA_PRODUCTION  "1" for production: DEBUG off, secure cookies, HSTS
SIAGA_SECRET_KEY  required in production
SIAGA_ALLOWED_HOSTS  comma-separated host names
SIAGA_MAP_TILE_URL   optional tile layer URL; the map works without it (offline)
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster

from siaga import features
from siaga.config.csp import tile_source

BASE_DIR = Path(__file__).resolve().parent.parent
SIAGA_HOME = Path(os.environ.get("SIAGA_HOME", Path.home() / ".siaga")).expanduser()

PRODUCTION = os.environ.get("SIAGA_PRODUCTION") == "1"
DEBUG = not PRODUCTION and os.environ.get("SIAGA_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("SIAGA_SECRET_KEY") or (
    "" if PRODUCTION else "siaga-local-development-key-not-for-production-use-0123456789"
)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise RuntimeError("SIAGA_SECRET_KEY must be set (50+ characters) in production")
ALLOWED_HOSTS = [h for h in os.environ.get("SIAGA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SIAGA_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ninja",
    *(f"siaga.{label}" for label in features.present()),
    "siaga.web",
]

MIDDLEWARE = [
    "siaga.web.bearer_path.BearerApiFastPath",  # bearer-token API requests: a shorter stack (see the module)
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "siaga.web.middleware.RejectNulCharacters",
    "siaga.web.middleware.IndonesianByDefault",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "siaga.readreplica.WriteMarks",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "siaga.web.middleware.LocalTimeZone",
]

ROOT_URLCONF = "siaga.config.urls"
WSGI_APPLICATION = "siaga.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "siaga.web.context.siaga_context",
            ],
        },
    },
]

# The embedded default (SQLite in SIAGA_HOME) prepares its own tables on first use; a server database is
# migrated by its operator (`siaga migrate`).
SIAGA_EMBEDDED_DATABASE = not os.environ.get("DATABASE_URL")
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SIAGA_HOME / 'siaga.sqlite3'}",
        conn_max_age=60,
    )
}
# A command post's database may restart; check a kept connection before reusing it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# pgbouncer in transaction mode (SIAGA_PGBOUNCER=1; docs/scaling.md): consecutive transactions of one Django
# connection may land on different server connections, so nothing may outlive a transaction there: no
# server-side cursors, no prepared statements; pgbouncer keeps the server connections open.
if os.environ.get("SIAGA_PGBOUNCER") == "1":
    DATABASES["default"].update(DISABLE_SERVER_SIDE_CURSORS=True, CONN_MAX_AGE=0)
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
# The read replica (DATABASE_REPLICA_URL, a PostgreSQL streaming standby of DATABASE_URL) serves the read-only
# pages while it is at most SIAGA_REPLICA_MAX_LAG seconds behind (siaga.readreplica).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"].update(CONN_HEALTH_CHECKS=True, OPTIONS={"connect_timeout": 2}, TEST={"MIRROR": "default"})
DATABASE_ROUTERS = ["siaga.readreplica.ReadReplicaRouter"]
SIAGA_REPLICA_MAX_LAG = float(os.environ.get("SIAGA_REPLICA_MAX_LAG", "5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (siaga.accounts.signin): an address with 30 failed sign-ins in 10 minutes is
# refused until they age out (a command post's NAT with dozens of officers stays far below); an
# account is locked while its failures of the last 15 minutes number 10 or more from 3 or more
# addresses. Wrong passwords from one address never lock an account.
AXES_HANDLER = "siaga.accounts.signin.SigninHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCK_OUT_AT_FAILURE = False  # axes' own count per parameter is replaced by the two rules
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
SIAGA_SIGNIN_ADDRESS_FAILURES = 30
SIAGA_SIGNIN_ADDRESS_WINDOW = timedelta(minutes=10)
SIAGA_SIGNIN_ACCOUNT_FAILURES = 10
SIAGA_SIGNIN_ACCOUNT_ADDRESSES = 3
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"  # WITA: Sulawesi; times are stored in UTC
USE_I18N = True
USE_TZ = True
# Indonesian numbers in pages: 8.154 and 38,32 (the id locale's separators). Identifiers that reach a URL or
# a form value are printed with |unlocalize.
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
# Collected files are only used in production; development serves from the packages.
STATIC_ROOT = SIAGA_HOME / "static" if PRODUCTION else None
# Front-end libraries come from installed packages, never from a CDN.
STATICFILES_DIRS = [("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
                    ("vendor/leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = SIAGA_HOME / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SIAGA_MAP_TILE_URL = os.environ.get("SIAGA_MAP_TILE_URL", "")

# Content-Security-Policy on every response: scripts and styles only from our own static files
# (no inline script, handler or style attribute), so a name that slips into a page as HTML cannot run.
# Leaflet and Swagger UI set styles through the DOM (element.style), which the policy allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *tile_source(SIAGA_MAP_TILE_URL)],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
SIAGA_REGION_SOURCE = os.environ.get("SIAGA_REGION_SOURCE", "")

SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("SIAGA_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
