"""Kinlink's one settings module: every value that differs between deployments comes from the
environment (see docs/deployment.md). With nothing set it runs on an SQLite file under ./var/."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kinlink.core.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("KINLINK_VAR_DIR", str(Path.cwd() / "var"))).resolve()

# Production mode turns on every transport-security setting; it is what `kinlink serve` expects.
PRODUCTION = env_bool("KINLINK_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must not be on when KINLINK_PRODUCTION is set")


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    # A development key is made once per machine and kept outside the repository.
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_countries",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "kinlink.core",
    "kinlink.places",
    "kinlink.accounts",
    "kinlink.audit",
    "kinlink.jobs",
    "kinlink.registry",
    "kinlink.identification",
    "kinlink.assessment",
    "kinlink.guardianship",
    "kinlink.connection",
    "kinlink.casework",
    "kinlink.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kinlink.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kinlink.audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kinlink.urls"
WSGI_APPLICATION = "kinlink.wsgi.application"

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
                "django.template.context_processors.i18n",
                "kinlink.core.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kinlink.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests get a file too, not SQLite's shared-cache memory database: the live server of the
    # browser tests answers on several threads, and only a file database makes their writes
    # wait for each other (IMMEDIATE, busy_timeout) instead of failing or interleaving.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "registry:child_list"
LOGOUT_REDIRECT_URL = "accounts:login"

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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout: five failures for one username from one address lock it for fifteen minutes.
AXES_FAILURE_LIMIT = env_int("KINLINK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KINLINK_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind nginx, trust X-Forwarded-For (which nginx must overwrite, see docs/deployment.md) so the
# audit log and lockouts see the client's address rather than the proxy's.
KINLINK_TRUST_X_FORWARDED_FOR = env_bool("KINLINK_TRUST_X_FORWARDED_FOR", False)
AXES_CLIENT_IP_CALLABLE = "kinlink.audit.middleware.client_ip"

SESSION_COOKIE_AGE = env_int("KINLINK_SESSION_SECONDS", 8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle expiry: the clock restarts on each request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page's meta tag instead

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("KINLINK_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("KINLINK_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = env_str("KINLINK_DEFAULT_LANGUAGE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without DEBUG the embedded server still serves static files straight from the apps.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Background jobs: the database is the queue, so the embedded default needs no broker.
TASKS = {
    "default": {
        "BACKEND": env_str("KINLINK_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache"
        if env_str("REDIS_URL")
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": env_str("REDIS_URL") or "kinlink",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Kinlink's own defaults; each can be changed per deployment.
KINLINK_HOME_COUNTRY = env_str("KINLINK_HOME_COUNTRY", "CN")
KINLINK_PHONE_REGION = env_str("KINLINK_PHONE_REGION", KINLINK_HOME_COUNTRY)
KINLINK_ELDERLY_CAREGIVER_AGE = env_int("KINLINK_ELDERLY_CAREGIVER_AGE", 70)
KINLINK_API_TOKEN_DAYS = env_int("KINLINK_API_TOKEN_DAYS", 30)
KINLINK_PAGE_SIZE = env_int("KINLINK_PAGE_SIZE", 25)
# Record linkage (identification): "duckdb" in-process, or "spark" for a cluster or local[n].
KINLINK_LINKAGE_BACKEND = env_str("KINLINK_LINKAGE_BACKEND", "duckdb")
# Identification: pairs at or above ACCEPT are linked without review; pairs from REVIEW up to
# ACCEPT wait for a caseworker. Probabilities written as numbers between 0 and 1.
KINLINK_LINKAGE_ACCEPT = env_str("KINLINK_LINKAGE_ACCEPT", "0.9")
KINLINK_LINKAGE_REVIEW = env_str("KINLINK_LINKAGE_REVIEW", "0.3")
# Processes screening the whole registry on PostgreSQL (0: one per core).
KINLINK_SCREENING_WORKERS = env_int("KINLINK_SCREENING_WORKERS", 0)
KINLINK_IMPORT_MAX_ROWS = env_int("KINLINK_IMPORT_MAX_ROWS", 200_000)
KINLINK_IMPORT_MAX_MEGABYTES = env_int("KINLINK_IMPORT_MAX_MEGABYTES", 50)
KINLINK_IMPORT_INLINE_ROWS = env_int("KINLINK_IMPORT_INLINE_ROWS", 10_000)
