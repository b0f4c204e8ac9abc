"""CareHub settings, read from environment variables (see docs/configuration.md)."""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


# pytest-django imports these settings before any test code runs; the suite gets a
# throw-away key so a developer can run `pytest` without exporting one.
TESTING = "pytest" in sys.modules

DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-local-only-key-never-used-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see docs/configuration.md)."
        )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else ""
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    # Two-factor sign-in: TOTP apps and one-time recovery codes. Before "sites", whose
    # admin module takes their device admins away (secrets are not for the admin).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # django.tasks' database backend: its table and its worker (manage.py db_worker).
    "django_tasks_db",
    "sites",
    "assessments",
    "careplans",
    "panels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every page: no caching of personal data, powerful browser features off.
    "sites.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sites.accounts.sessions.SessionActivityMiddleware",
    "sites.preserve.PreserveInputMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "sites.middleware.SiteScopeMiddleware",
    # After the site's memberships are loaded: they say whether two-factor is needed.
    "sites.accounts.two_factor.TwoFactorMiddleware",
    # Last, as django-axes asks: turns a lock-out into the sign-in page saying so.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "carehub.urls"
WSGI_APPLICATION = "carehub.wsgi.application"
AUTH_USER_MODEL = "sites.User"

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
                "django.template.context_processors.csp",
                "sites.context_processors.navigation",
                "sites.context_processors.permissions",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the single-user demo (docs/deployment.md). Writes still come from
    # several threads at once (the runserver, a double click), and a transaction that
    # reads and then writes fails at once with "database is locked" when another
    # writes meanwhile, whatever the timeout. Taking the write lock when the
    # transaction begins makes writers wait their turn instead (issue 11, item 13).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query once its estimated cost passes a threshold;
    # CareHub's queries are short, and the programme dashboard's largest spent 83 ms
    # compiling to run in 60 (docs/performance.md). Off for CareHub's connections
    # unless DATABASE_URL sets its own ``options``.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A reset link works once, for an hour: long enough to read the e-mail, short enough
# that an old message in a mailbox is no key.
PASSWORD_RESET_TIMEOUT = 60 * 60
if TESTING:
    # Hashing dominates test time; the suite never stores a real password.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# django-axes checks for a lock before the password is even tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions live in the database (no local state on an app server) and end after a
# period of inactivity, and in any case SESSION_MAX_HOURS after signing in. Requests
# push the expiry forward, but the session row is written at most once a minute
# (sites/accounts/sessions.py), not on every request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
# Plain words in place of Django's own validation messages (locale/en_GB/).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# Documents attached to people, assessments and plans (issue 12, item 8) are kept
# through the storage API: a private folder by default, never served by the web server
# or as static files; an object store in production (docs/deployment.md). They are
# served only by a view that checks access.
DOCUMENTS_ROOT = Path(
    os.environ.get("DOCUMENTS_ROOT") or BASE_DIR / "private-documents"
)
DOCUMENTS_STORAGE_BACKEND = os.environ.get(
    "DOCUMENTS_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
STORAGES["documents"] = (
    {
        "BACKEND": DOCUMENTS_STORAGE_BACKEND,
        "OPTIONS": {"location": DOCUMENTS_ROOT, "base_url": "/no-public-address/"},
    }
    if DOCUMENTS_STORAGE_BACKEND.endswith("FileSystemStorage")
    else {
        "BACKEND": DOCUMENTS_STORAGE_BACKEND,
        "OPTIONS": json.loads(os.environ.get("DOCUMENTS_STORAGE_OPTIONS") or "{}"),
    }
)
if TESTING and not os.environ.get("DOCUMENTS_STORAGE_BACKEND"):
    # Tests keep attached files in memory: nothing written to the project folder.
    STORAGES["documents"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
# The largest file that may be attached, in megabytes (default 10).
DOCUMENT_MAX_MB = env_int("DOCUMENT_MAX_MB", 10)
# Files CareHub writes (background jobs' downloads), through Django's storage API.
MEDIA_ROOT = Path(os.environ.get("CAREHUB_FILES_DIR", BASE_DIR / "files"))
if TESTING:
    # Tests write downloads to a throw-away folder, one per test process.
    import tempfile

    MEDIA_ROOT = Path(tempfile.gettempdir()) / f"carehub-test-files-{os.getpid()}"

# Long work (exports, packs) runs through django.tasks (sites/jobs.py). "immediate"
# (the default) runs it inside the request, so the demo needs nothing else;
# "database" queues it in the database for `manage.py db_worker` processes, on any
# number of machines sharing the PostgreSQL database (docs/deployment.md).
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
CAREHUB_TASKS_BACKEND = os.environ.get("CAREHUB_TASKS_BACKEND", "immediate")
if CAREHUB_TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        "CAREHUB_TASKS_BACKEND must be one of: " + ", ".join(TASK_BACKENDS)
    )
TASKS = {
    "default": {
        "BACKEND": TASK_BACKENDS[CAREHUB_TASKS_BACKEND],
        "QUEUES": ["default"],
    }
}
# Days a job's download is kept before `manage.py purge_expired_jobs` deletes it.
CAREHUB_JOB_RESULTS_DAYS = env_int("CAREHUB_JOB_RESULTS_DAYS", 7)
# Hours a queued or running job may go without a sign of life (a progress report)
# before `purge_expired_jobs` marks it failed: its worker died or lost its task.
CAREHUB_JOB_STALE_HOURS = env_int("CAREHUB_JOB_STALE_HOURS", 24)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: our own files only, no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS-only settings, on whenever DEBUG is off. Kept as one dict so the header tests
# can apply exactly what production runs with (tests/test_security_headers.py).
PRODUCTION_SECURITY = {
    "SECURE_SSL_REDIRECT": env_bool("SECURE_SSL_REDIRECT", True),
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": env_int("SECURE_HSTS_SECONDS", 31_536_000),
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": env_bool("SECURE_HSTS_PRELOAD", True),
}
if not DEBUG and not TESTING:
    globals().update(PRODUCTION_SECURITY)
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Outgoing e-mail (Django 6.1 MAILERS). The demo prints messages to the console;
# with DEBUG off the default is SMTP, configured by the EMAIL_* variables.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or TESTING
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": {}}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "carehub@localhost")

# Logs carry request paths and ids only: URLs never contain personal data (public ids
# are UUIDs), and no log call in the project formats a person's details.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "carehub": {"level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": True},
    },
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# In the demo and the tests WhiteNoise serves straight from static/ (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Sign-in throttling (django-axes, docs/security.md). Failed attempts are counted in the
# database, so every app server sees the same count, per account AND address together:
# one person typing a colleague's name wrongly does not lock out a whole office behind
# one address, and guessing one account's password from one address stops after the
# limit. The lock ends by itself after the cool-down, or an administrator lifts it.
SIGN_IN_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 10)
SIGN_IN_LOCKOUT_MINUTES = env_int("SIGN_IN_LOCKOUT_MINUTES", 15)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = SIGN_IN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGN_IN_LOCKOUT_MINUTES)
# Attempts refused during a lock do not extend it, so the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sites.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "sites.accounts.client_ip.client_ip"
# Sign-ins are already in the audit trail (AuditEvent); no second log.
AXES_DISABLE_ACCESS_LOG = True

# Two-factor sign-in (sites/accounts/two_factor.py): the name authenticator apps show.
OTP_TOTP_ISSUER = "CareHub"

# Where links in e-mails point (no trailing slash needed).
CAREHUB_BASE_URL = os.environ.get("CAREHUB_BASE_URL", "http://127.0.0.1:8000")

# How many of our own proxies (load balancer, nginx) stand in front of the app servers.
# 0: the client address is REMOTE_ADDR and X-Forwarded-For is ignored. N: the client is
# the N-th X-Forwarded-For entry from the right (sites/accounts/client_ip.py). The audit
# trail and sign-in throttling both use that one helper.
CAREHUB_TRUSTED_PROXY_COUNT = env_int("CAREHUB_TRUSTED_PROXY_COUNT", 0)
if CAREHUB_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("CAREHUB_TRUSTED_PROXY_COUNT cannot be negative.")
