"""Django settings for 一组一会+. Every value comes from the environment (see docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONCE

from yizuyihui.conf import env_bool, env_int, env_list, env_path, env_str, env_url, persistent_secret

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("YZYH_DATA_DIR", Path.cwd() / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = persistent_secret(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
TESTING = env_bool("YZYH_TESTING", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "treebeard",
    "simple_history",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "axes",
    "csp",
    "ninja",  # its templates and static files: /api/docs served from the project, not a CDN
    # project apps, one per capability of the model (DOMAIN.md)
    "yizuyihui.core",
    "yizuyihui.org",
    "yizuyihui.people",
    "yizuyihui.accounts",
    "yizuyihui.notifications",
    "yizuyihui.supervision",
    "yizuyihui.cases",
    "yizuyihui.visits",
    "yizuyihui.meetings",
    "yizuyihui.resources",
    "yizuyihui.incentives",
    "yizuyihui.emergency",
    "yizuyihui.triage",
    "yizuyihui.places",  # after cases: its demo step pins the demo's matters on the map
    "yizuyihui.insights",
    "yizuyihui.api",
    "yizuyihui.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yizuyihui.core.dbrouter.replica_reads",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yizuyihui.core.middleware.chinese_first",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yizuyihui.urls"
WSGI_APPLICATION = "yizuyihui.wsgi.application"

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
                "csp.context_processors.nonce",
                "yizuyihui.core.context_processors.navigation",
            ],
        },
    }
]

# --- database -----------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes=("sqlite", "postgres", "postgresql"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    # Persistent connections: reopening SQLite and re-running the PRAGMAs costs ~8 ms a request.
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "yzyh.sqlite3",
                             "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60)}}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL + busy_timeout + IMMEDIATE transactions: concurrent writers queue instead of failing
    # with "database is locked" (GOTCHAS.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
# Read replicas (issue 17, core/dbrouter.py): comma-separated PostgreSQL URLs of streaming replicas.
# Dashboards, exports, public boards and Open311 reads go there; a user's own writes stay visible.
for _i, _url in enumerate(env_list("DATABASE_REPLICA_URLS", [])):
    DATABASES[f"replica_{_i + 1}"] = dj_database_url.parse(_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    DATABASES[f"replica_{_i + 1}"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["yizuyihui.core.dbrouter.ReplicaRouter"]
REPLICA_READ_PATHS = ("/insights/", "/cases/board/", "/open311/", "/org/units/export.csv", "/visits/export",
                      "/meetings/export")
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and job queue --------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss", "unix"))
# huey in the site's zone (Django sets the process's TZ to TIME_ZONE), not UTC: its log lines agree
# with every other, and crontab(minute="40", hour="2") runs at 02:40 in B市, at night.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "yizuyihui.core.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis, written through to the database (every page read its session
    # row with a query). Only with a shared cache: with each worker's own in-process cache, a
    # logout in one worker would leave the session alive in another's copy.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "yzyh",
        "url": REDIS_URL,
        "immediate": TESTING,
        "utc": False,  # see above
        "consumer": {"workers": env_int("HUEY_WORKERS", 2, minimum=1), "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "yzyh",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": TESTING,
        "utc": False,  # see above
        "consumer": {"workers": env_int("HUEY_WORKERS", 2, minimum=1), "worker_type": "thread"},
    }
# API keys resolved from the cache (accounts/apikeys.py): only with a cache all processes share, so
# a revocation in one process is seen by every other at once.
YZYH_APIKEY_CACHE = env_bool("YZYH_APIKEY_CACHE", bool(REDIS_URL))
# The logged-in user's row from the cache (accounts/backends.py), for the same reason only with a
# shared cache: a deactivation forgets the row in every process at once.
YZYH_USER_CACHE = env_bool("YZYH_USER_CACHE", bool(REDIS_URL))
# One routing job for every matter waiting for its suggestion (cases.tasks): with a shared cache a
# flag keeps filings from queueing a job each while one is already queued.
YZYH_SUGGEST_FLAG = env_bool("YZYH_SUGGEST_FLAG", bool(REDIS_URL))
# …and the job starts this many seconds after the first filing that queues it, so that under load one
# job routes the filings of that second in one batch (a job per handful of filings cost more than the
# routing itself). 0: at once.
YZYH_SUGGEST_DELAY_SECONDS = env_int("YZYH_SUGGEST_DELAY_SECONDS", 1, minimum=0)
# How long the measures dashboard keeps a rendered page (insights/freshness.py); 0: never cached.
YZYH_DASHBOARD_CACHE_SECONDS = env_int("YZYH_DASHBOARD_CACHE_SECONDS", 60, minimum=0)
# …and serves it for this long after drawing it even if the rollups changed since (a stream of filings
# would otherwise redraw it on every look).
YZYH_DASHBOARD_STALE_SECONDS = env_int("YZYH_DASHBOARD_STALE_SECONDS", 10, minimum=0)

# --- auth -----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "yizuyihui.accounts.backends.CachedModelBackend",  # ModelBackend, the user row from the cache
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Lockout: AXES_FAILURE_LIMIT failed logins for one username lock it for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lock by username only: a street office or village shares one public IP behind NAT, and locking
# the IP would lock every colleague out with the attacker (axes warns about this choice).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
# 关闭 without a rating (未评价) only this many days after 反馈.
YZYH_RATING_WAIT_DAYS = env_int("YZYH_RATING_WAIT_DAYS", 7, minimum=0)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- i18n: Chinese first ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static and media -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- security headers ----------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],  # django-csp's NONCE marker, not the string "'nonce'"
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- maps (places app) -------------------------------------------------------------------------------
# Any XYZ tile server, e.g. 天地图 "https://t0.tianditu.gov.cn/vec_w/wmts?...&tk={key}" or an OSM mirror
# "https://tile.example.org/{z}/{x}/{y}.png"; {key} is replaced by YZYH_TILE_KEY. None: the maps draw
# unit boundaries only (the demo, offline). Tiles in GCJ-02 (高德, 腾讯) would misplace WGS-84 data.
YZYH_TILE_URL = env_str("YZYH_TILE_URL", "")
YZYH_TILE_KEY = env_str("YZYH_TILE_KEY", "")
YZYH_TILE_SUBDOMAINS = env_str("YZYH_TILE_SUBDOMAINS", "abc")  # 天地图: 01234567 with "t{s}" in the URL
YZYH_TILE_ATTRIBUTION = env_str("YZYH_TILE_ATTRIBUTION", "")
if YZYH_TILE_URL:  # the browser fetches the tiles: let the CSP allow that host ({s} → a wildcard)
    from urllib.parse import urlsplit

    _tiles = urlsplit(YZYH_TILE_URL.replace("t{s}", "*").replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

# --- notifications -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@yzyh.local")
YZYH_SMS_BACKEND = env_str("YZYH_SMS_BACKEND", "yizuyihui.core.sms.ConsoleSMSBackend")

# --- logging: personal data never reaches the logs ------------------------------------------------------
# One format and one zone for every process (yizuyihui/core/logs.py; gunicorn uses the same
# formatter through its logger class). huey's consumer adds its own handler to "huey" unless the
# logger has one: giving it ours (and no propagation) prints each line once, not twice.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"site": {"()": "yizuyihui.core.logs.SiteTimeFormatter"}},
    "filters": {
        "redact": {"()": "yizuyihui.people.masking.RedactPersonalDataFilter"},
        "client_errors": {"()": "yizuyihui.core.logs.ClientErrorsWithoutTraceback"},
    },
    # client_errors on the handler: Django logs SuspiciousOperation on django.security.<class> children
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors", "redact"],
                             "formatter": "site"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's default "django" handler would print DEBUG-mode lines a second time, unformatted
        "django": {"handlers": [], "level": "INFO"},
        # a 403/400 is an expected answer: one line, no traceback (here too for any other handler)
        "django.request": {"filters": ["client_errors"]},
        "huey": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO"), "propagate": False},
    },
}

# --- privacy and robustness at the edges (issue 11) ---------------------------------------------------
# Kept in one block so it merges apart from other settings changes.
# Control characters, oversize values, numbers and dates out of range are refused at every edge
# (pages, API, Open311) before any view runs (core/validation.py).
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
                  "yizuyihui.core.validation.EdgeValidation")
INSTALLED_APPS.insert(INSTALLED_APPS.index("yizuyihui.api"), "yizuyihui.audit")  # hash-chained audit log
# Extra category names or codes whose matters are never published (core/public.py, cases/public.py).
YZYH_CONFIDENTIAL_CATEGORIES = env_list("YZYH_CONFIDENTIAL_CATEGORIES", [])
# Open311 jurisdiction_id this server answers to (empty: any, as a single-city server).
YZYH_OPEN311_JURISDICTION = env_str("YZYH_OPEN311_JURISDICTION", "")
# How long an Open311 list is kept (cases/open311.py: keyed by the newest matter event); 0: never.
YZYH_OPEN311_CACHE_SECONDS = env_int("YZYH_OPEN311_CACHE_SECONDS", 30, minimum=0)

# Lockout (django-axes): failures count per (username, IP) — guessing one account's password is
# stopped, yet nobody can lock a colleague out from another machine — and per IP across
# usernames (accounts.views.LoginView), at a higher limit because offices share one NAT address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30, minimum=1)
SILENCED_SYSTEM_CHECKS = [c for c in SILENCED_SYSTEM_CHECKS if c != "axes.W006"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email"), "max_similarity": 0.5}},
    *AUTH_PASSWORD_VALIDATORS,
]
# Sessions: staff idle timeout and an absolute lifetime for everyone (accounts/sessions.py).
YZYH_STAFF_IDLE_SECONDS = env_int("YZYH_STAFF_IDLE_MINUTES", 30, minimum=1) * 60
YZYH_SESSION_MAX_SECONDS = env_int("YZYH_SESSION_MAX_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_AGE = YZYH_SESSION_MAX_SECONDS
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "yizuyihui.accounts.sessions.SessionTimeouts")
# TLS: secure cookies, HSTS and the HTTPS redirect are set from the environment, so that
# `yzyh manage check --deploy` is clean in production (docs/operations.md). YZYH_HTTPS=1 turns
# them all on; each can still be set on its own.
_HTTPS = env_bool("YZYH_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _HTTPS)
if env_bool("YZYH_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
# Personal numbers encrypted at rest (people/crypto.py): django-fernet-encrypted-fields derives
# its keys from SECRET_KEY and SALT_KEY; lookups use an HMAC under YZYH_LOOKUP_KEY. Production
# sets all three in the environment; the demo keeps generated ones in the data folder.
SALT_KEY = persistent_secret(DATA_DIR, env="YZYH_FIELD_SALT", filename="field_salt")
YZYH_LOOKUP_KEY = persistent_secret(DATA_DIR, env="YZYH_LOOKUP_KEY", filename="lookup_key")

# --- residents join themselves: SMS codes (accounts/smscodes.py, signup app) ----------------------------
# Kept in one block so it merges apart from other settings changes. Counters live in the cache
# (Redis when REDIS_URL is set, so every web process shares them).
INSTALLED_APPS.insert(INSTALLED_APPS.index("yizuyihui.notifications") + 1, "yizuyihui.signup")
YZYH_SMS_CODE_TTL_SECONDS = env_int("YZYH_SMS_CODE_TTL_SECONDS", 300, minimum=30)  # a code lives 5 minutes
YZYH_SMS_CODE_MAX_ATTEMPTS = env_int("YZYH_SMS_CODE_MAX_ATTEMPTS", 5, minimum=1)  # wrong tries before it dies
YZYH_SMS_RESEND_SECONDS = env_int("YZYH_SMS_RESEND_SECONDS", 60, minimum=0)  # one code a minute per number
YZYH_SMS_PER_NUMBER_HOURLY = env_int("YZYH_SMS_PER_NUMBER_HOURLY", 5, minimum=1)
# Per IP: higher, since a village or an estate may share one carrier NAT address.
YZYH_SMS_PER_IP_HOURLY = env_int("YZYH_SMS_PER_IP_HOURLY", 20, minimum=1)
