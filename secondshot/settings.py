"""Settings for the Second Shot portal, read from the environment.

With nothing configured the portal runs on an embedded SQLite database with the
console e-mail backend, so a newcomer needs nothing but Python. Production sets
``DATABASE_URL`` (PostgreSQL), ``EMAIL_URL``, ``SECRET_KEY`` and
``VOUCHER_NUMBER_KEY``; ``.env.example`` lists every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ

from core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
_DEV_SECRET = "django-insecure-dev-only-secret-key-change-me"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Voucher numbers are stored only as HMAC-SHA256 under this key (see
# vouchers/numbers.py). Changing it makes every issued number unusable.
# The development key is public: ``check --deploy`` fails while it, or any short key,
# is in use (core/checks.py).
DEVELOPMENT_VOUCHER_NUMBER_KEY = "dev-only-voucher-number-key"
VOUCHER_NUMBER_KEY = env.str("VOUCHER_NUMBER_KEY", default=DEVELOPMENT_VOUCHER_NUMBER_KEY)

# SS-10: a booking can be cancelled or moved until this long before its sitting.
BOOKING_CHANGE_CUTOFF = timedelta(hours=env.int("BOOKING_CHANGE_CUTOFF_HOURS", default=24))
# SS-2: a first attempt booked fewer than this many days before the voucher
# expires carries a warning that a retake would have to fit in the days left.
RETAKE_WARNING_DAYS = env.int("RETAKE_WARNING_DAYS", default=30)
# A candidate's account is erased after this many years with no activity and no live
# voucher (docs/privacy.md), by the daily erase_inactive_accounts job.
PRIVACY_RETENTION_YEARS = env.int("PRIVACY_RETENTION_YEARS", default=3)

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # django.contrib.admin, with the back office's site (backoffice/site.py).
    "backoffice.apps.BackOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_tasks_db",
    "core",
    "accounts",
    "exams",
    "privacy",
    "vouchers",
    "support",
]

MIDDLEWARE = [
    # First: every response, a redirect or a 500 included, carries the request's id.
    "core.middleware.RequestIdMiddleware",
    # Times the whole request, every middleware included, under the view that answered.
    "core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the app server, compressed and cached forever
    # under hashed names, before any session or database work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the cookie set_language leaves, else the browser's Accept-Language…
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    # …which this keeps in line with the language kept on the signed-in account.
    "core.middleware.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DatabaseTroubleMiddleware",
]

ROOT_URLCONF = "secondshot.urls"
WSGI_APPLICATION = "secondshot.wsgi.application"

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
                "vouchers.context_processors.portal",
            ],
            # The back office's app is Django's admin under another config
            # (backoffice/apps.py), so its tags are not found by the app's name.
            "libraries": {"backoffice_lists": "backoffice.templatetags.backoffice_lists"},
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks: take the write lock when a transaction begins, so
    # a workflow's checks and writes cannot interleave with another's.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A booking waits at most this long for a row lock, then the person is told
    # to try again (DatabaseTroubleMiddleware) rather than left hanging. No JIT
    # compilation: it pays off on long analytical queries, and the portal's take
    # milliseconds, yet a page of the pack list, whose usage counts PostgreSQL
    # expects to be costly, was compiled for longer than it ran (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={env.int('DB_LOCK_TIMEOUT_MS', default=5000)} -c jit=off"
    )
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        # Parameters bound on the server, and a statement prepared the fifth time a
        # connection runs it: PostgreSQL then skips parsing and planning it
        # (bench/README.md). Binding on the server without preparing is slower than
        # Django's default: both or neither.
        DATABASES["default"]["OPTIONS"] |= {"server_side_binding": True, "prepare_threshold": 5}

# Background tasks (django.tasks): the booking and reminder e-mails. "immediate" runs each task
# in the process that enqueues it (development, tests, a single small server);
# "db" queues them in the database (django-tasks-db) for workers started with
# `python manage.py db_worker` (production). The table exists either way.
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "db": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
if TASKS_BACKEND not in _TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

# Local memory by default; production shares one cache between app servers:
# CACHE_URL=redis://127.0.0.1:6379/0 (the rate limits count there).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# How long step 2 of booking (the sitting list) is kept in that cache for every voucher
# expiring the same day (vouchers/page_cache.py); 0 keeps nothing and renders it for
# every request (the benchmark's "uncached" row).
SITTING_LIST_CACHE_SECONDS = env.int("SITTING_LIST_CACHE_SECONDS", default=15)
# The load balancers' addresses or networks (127.0.0.1,10.0.0.0/8): X-Forwarded-For,
# X-Forwarded-Proto and X-Request-ID are believed only from them (core/proxies.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
if env.int("TRUSTED_PROXY_COUNT", default=0) and not TRUSTED_PROXIES:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is replaced by TRUSTED_PROXIES: set it to the load balancers' "
        "addresses (TRUSTED_PROXIES=10.0.0.10,10.0.0.11), then remove TRUSTED_PROXY_COUNT."
    )
# Who may read /metrics (core/metrics.py): the addresses or networks Prometheus scrapes
# from (10.0.0.5,127.0.0.1), as core/proxies.py reads the client's address; or
# anyone sending "Authorization: Bearer <METRICS_TOKEN>". Nobody by default.
METRICS_ALLOWED_ADDRESSES = env.list("METRICS_ALLOWED_ADDRESSES", default=[])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("ja", "日本語"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times per language (core/formats/<lang>/formats.py), including
# the portal's own named formats such as SITTING_FORMAT.
FORMAT_MODULE_PATH = ["core.formats"]
# A year: the choice outlives the browser session, as the account's does.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Production serves what ``collectstatic`` built (at image build, once): hashed
# names cached for a year, gzip and Brotli copies made ahead. Development and the
# tests (DEBUG on when settings load) use plain storage straight from static/,
# so they need no collectstatic; WhiteNoise then serves from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default=(
                "django.contrib.staticfiles.storage.StaticFilesStorage"
                if DEBUG
                else "core.static.ManifestStaticFilesStorage"
            ),
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# EMAIL_URL as django-environ reads it (consolemail://, smtp+tls://user:pass@host:587),
# turned into Django 6.1's MAILERS setting.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": env.int("EMAIL_TIMEOUT", default=10),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {k: v for k, v in _smtp_options.items() if v not in (None, "")}
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Second Shot <no-reply@secondshot.test>")

# Every log line to standard output, with the request's id and the user's id, and
# nothing shaped like a voucher number (core/logs.py): JSON lines in production,
# plain lines while developing (LOG_FORMAT=json or text).
LOGGING = logging_config(
    json=env.str("LOG_FORMAT", default="text" if DEBUG else "json") == "json",
    level=env.str("LOG_LEVEL", default="INFO"),
)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Production hardening (python manage.py check --deploy is clean with DEBUG off) ---
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY: the development key must never run in production.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer's health check speaks plain HTTP to the app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if TRUSTED_PROXIES:
    # The load balancer terminates TLS and says so in this header (gunicorn keeps it
    # only from FORWARDED_ALLOW_IPS, which defaults to TRUSTED_PROXIES).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere in the portal; Bootstrap's icons are data: SVGs.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
