"""Settings for 民情快办, driven by the environment (see README and CONTRACT).

Without DATABASE_URL / REDIS_URL the app runs embedded: SQLite under var/ and kombu's
filesystem transport as the Celery broker, so a newcomer needs no server at all.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gateways.config import refuse_missing_credentials, refuse_unchosen_sms_channel, sms_channel_path
from minqing.log import refusal_in_one_line
from minqing.media import default_storage as media_storage
from observability.logs import log_formatters

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

# The site's own 404 / 500 pages also with DEBUG on (minqing.error_pages); `make run` sets it.
SITE_ERROR_PAGES = env_bool("SITE_ERROR_PAGES", False)

PORT = os.environ.get("PORT", "8000")
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "workstations",
    "issues",
    "api",
    "open311",
    "webhooks",
    "community",
    "cowork",
    "gateways",
    "django_prometheus",
    "observability",
    "privacy",
    "transparency",
    "estates",
    "minqing.apps.AxesConfig",  # django-axes
    "csp",
]

MIDDLEWARE = [
    "observability.requestid.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "minqing.error_pages.SiteErrorPagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "minqing.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "minqing.middleware.BadParameterMiddleware",
    # Last: turns a login that django-axes refused into the login page's 429 (minqing.login).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "minqing.urls"

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
                "privacy.context.retention",
            ],
        },
    },
]

WSGI_APPLICATION = "minqing.wsgi.application"
CSRF_FAILURE_VIEW = "minqing.views.csrf_failure"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")


def sqlite_database(config: dict) -> dict:
    """The SQLite options, whichever way SQLite is chosen (the embedded default or a sqlite:///
    DATABASE_URL). Web, worker and beat share the file: WAL lets readers run beside one writer,
    IMMEDIATE transactions take the write lock up front and wait for it (the busy timeout)
    instead of failing midway with "database is locked"."""
    options = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **config.get("OPTIONS", {}),
    }
    name = str(config.get("NAME") or "")
    # Tests run on a file too (an in-memory database would not be shared by the test's threads).
    test_name = f"{name}.test" if name and name != ":memory:" else VAR_DIR / "test.sqlite3"
    return {
        **config,
        "OPTIONS": options,
        # Kept open between requests, as on PostgreSQL: opening one runs the PRAGMAs above and
        # registers Django's SQL functions, which costs more than a resident's page.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": test_name, **config.get("TEST", {})},
    }


if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"] = sqlite_database(DATABASES["default"])
else:
    DATABASES = {
        "default": sqlite_database(
            {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": VAR_DIR / "minqing.sqlite3",
                "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
            }
        )
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits) --------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Short timeouts: a hanging Redis must not stall a resident's report (rate limits fail open).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ---------------------------------------------------------------------------------
CELERY_DATA_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
else:
    # kombu's filesystem transport: a folder as the queue, shared by web, worker and beat.
    CELERY_BROKER_URL = "filesystem://"
    # kombu's transport, with whole-file writes so a worker never reads a half-written message.
    CELERY_BROKER_TRANSPORT = "minqing.broker:Transport"
    for sub in ("queue", "processed", "control"):
        (CELERY_DATA_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a web request must fail fast when the broker is down (the sweep re-sends).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # SLA_SWEEP_EVERY_SECONDS: a minute in production; seconds in the scale-out test.
    "sla-sweep": {"task": "issues.tasks.sla_sweep", "schedule": float(os.environ.get("SLA_SWEEP_EVERY_SECONDS", "60"))},
    "close-unconfirmed": {"task": "issues.tasks.close_unconfirmed", "schedule": 900.0},
    "webhook-sweep": {"task": "webhooks.tasks.sweep", "schedule": 30.0},
    "privacy-retention": {"task": "privacy.tasks.erase_expired", "schedule": 3600.0},
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": media_storage(os.environ),  # minqing.media: local disk, or S3 when a bucket is set
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Files past the first 20 of a request are counted, not stored (minqing.uploads), so a report
# with 101 files keeps its text and gets "at most 6 photos" instead of Django's bare 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 1000
FILE_UPLOAD_HANDLERS = [
    "minqing.uploads.CountingUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email (notifications) ------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "minqing@localhost")

# --- Application ----------------------------------------------------------------------------
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
# Reports per client IP per hour, and per location per hour, on the public form.
RATELIMIT_REPORTS_PER_IP = int(os.environ.get("RATELIMIT_REPORTS_PER_IP", "20"))
RATELIMIT_REPORTS_PER_LOCATION = int(os.environ.get("RATELIMIT_REPORTS_PER_LOCATION", "120"))
# Failed logins (login page and admin) in the last 15 minutes before the form refuses even the
# right password (django-axes, minqing.login): one username from one address; one address, whatever
# the usernames; one username from all addresses together (so only after many addresses).
RATELIMIT_LOGIN_FAILURES_PER_USERNAME_AND_IP = int(os.environ.get("RATELIMIT_LOGIN_FAILURES_PER_USERNAME_AND_IP", "10"))
RATELIMIT_LOGIN_FAILURES_PER_IP = int(os.environ.get("RATELIMIT_LOGIN_FAILURES_PER_IP", "30"))
RATELIMIT_LOGIN_FAILURES_PER_USERNAME = int(os.environ.get("RATELIMIT_LOGIN_FAILURES_PER_USERNAME", "100"))
# Password-reset mails asked per client address, and sent per account (email typed), per hour.
RATELIMIT_PASSWORD_RESETS_PER_IP = int(os.environ.get("RATELIMIT_PASSWORD_RESETS_PER_IP", "10"))
RATELIMIT_PASSWORD_RESETS_PER_ACCOUNT = int(os.environ.get("RATELIMIT_PASSWORD_RESETS_PER_ACCOUNT", "3"))
# Trusted reverse proxies in front of us; with N > 0 the client IP is read from X-Forwarded-For.
RATELIMIT_PROXY_COUNT = int(os.environ.get("RATELIMIT_PROXY_COUNT", "0"))
# django-axes records each failed login (AccessAttempt, in the admin: deleting one unlocks) and
# refuses while one of the limits above is reached; minqing.login.LoginLockout counts them.
AXES_HANDLER = "minqing.login.LoginLockout"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
# The lock applies from the next attempt (LoginLockout.is_locked): the failure that reaches a
# limit still answers "wrong password", as before axes.
AXES_LOCK_OUT_AT_FAILURE = False
# A refused attempt does not count again (else one locked address would lock the username too).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "minqing.login.client_address"
AXES_USERNAME_CALLABLE = "minqing.login.username_key"
AXES_LOCKOUT_CALLABLE = "minqing.login.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not kept
AXES_VERBOSE = False
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "minqing-demo-2026")
# A dispatch intent (an issue still NEW) older than this is re-sent by the sweep.
OUTBOX_RESEND_AFTER_SECONDS = int(os.environ.get("OUTBOX_RESEND_AFTER_SECONDS", "60"))
# Rows the SLA sweep takes per phase and run (a full batch sweeps again at once). One batch is one
# transaction: 500 overdue issues take ~60–130 ms, which is how long SQLite's single write lock
# (or PostgreSQL's row locks on those issues) is held; larger batches gain little throughput.
SLA_SWEEP_BATCH = int(os.environ.get("SLA_SWEEP_BATCH", "500"))
# issues.notify: the class behind each channel. A real SMS or WeChat gateway plugs in here.
# NOTIFY_SMS_CHANNEL: log, alibaba, tencent or a class path (gateways/; README "Message gateways").
NOTIFY_CHANNELS = {
    "email": "issues.notify.EmailChannel",
    "sms": sms_channel_path(os.environ.get("NOTIFY_SMS_CHANNEL", "log")),
    "wechat": os.environ.get("NOTIFY_WECHAT_CHANNEL", "issues.notify.LoggingWeChatChannel"),
    "webhook": "webhooks.channel.WebhookChannel",
    "wecom": "gateways.robots.WeComRobotChannel",
    "dingtalk": "gateways.robots.DingTalkRobotChannel",
}
if not DEBUG:
    refuse_unchosen_sms_channel(os.environ)
    refuse_missing_credentials(NOTIFY_CHANNELS, os.environ)
# A resolved issue the resident neither confirms nor reopens within this many days is closed
# with no rating (issues.services.close_unconfirmed); it never counts as satisfied.
RESIDENT_CONFIRM_DAYS = int(os.environ.get("RESIDENT_CONFIRM_DAYS", "7"))
# Local hours ("21-8": from 21:00 to 08:00) in which the messages residents did not just ask for
# (the reminder to confirm, the closing notice) wait for the morning; empty: none.
_quiet = os.environ.get("RESIDENT_QUIET_HOURS", "21-8").strip()
RESIDENT_QUIET_HOURS = tuple(int(h) for h in _quiet.split("-")) if _quiet else None

# --- APIs (api/, open311/, webhooks/) ----------------------------------------------------------
# Wrong API tokens one client address may send in 15 minutes before every token it sends is refused.
API_TOKEN_FAILURES_PER_IP = int(os.environ.get("API_TOKEN_FAILURES_PER_IP", "20"))
REST_FRAMEWORK = {
    # Systems send `Authorization: Token <key>` (we keep only a hash); the dashboard uses its session.
    # No HTTP Basic: a password is typed only into the login page, whose failures are rate-limited.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.UserThrottle", "api.throttles.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "open311": os.environ.get("API_THROTTLE_OPEN311", "120/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "民情快办 API",
    "DESCRIPTION": "Issues, their lifecycle actions, timeline, locations, FAQ and statistics, scoped to the caller.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "IssueStatusEnum": "issues.lifecycle.Status",
        "IssueKindEnum": "issues.models.Kind",
        "EventTypeEnum": "issues.models.IssueEvent.Type",
    },
}
# Outbound webhooks: each failed attempt waits WEBHOOK_RETRY_BASE_SECONDS * 2**(attempt-1) (capped),
# a delivery gives up after WEBHOOK_MAX_ATTEMPTS, and a subscription whose deliveries gave up
# WEBHOOK_DISABLE_AFTER_FAILURES times in a row is disabled and its station heads told.
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
WEBHOOK_RETRY_BASE_SECONDS = int(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "30"))
WEBHOOK_RETRY_MAX_SECONDS = int(os.environ.get("WEBHOOK_RETRY_MAX_SECONDS", "3600"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOK_DISABLE_AFTER_FAILURES", "5"))
# Receivers on loopback or private networks: allowed while developing, refused in production.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", DEBUG)
# Open311: the jurisdiction_id this endpoint answers to, besides each subdistrict's slug.
OPEN311_JURISDICTION_ID = os.environ.get("OPEN311_JURISDICTION_ID", "")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Monitors and load balancers probe over plain HTTP inside the network: an HTTPS redirect would
# answer them 301 and hide a 503.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from the environment: "X-Forwarded-Proto" (the header the proxy sets
    to "https"), or "Header-Name: value". Unset: no header makes a request count as HTTPS, since
    any client can send one when no proxy in front of us overwrites it."""
    name, _sep, expected = value.partition(":")
    name = name.strip()
    if not name:
        return None
    return "HTTP_" + name.upper().replace("-", "_"), expected.strip() or "https"


SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ.get("SECURE_PROXY_SSL_HEADER", ""))
# Content Security Policy (django-csp), on every page, the admin's included: scripts and styles
# only as files of our own (no inline script or style= anywhere: Django 5.2's admin has none
# either), images also as data:/blob: (photo previews), nothing may frame us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# --- Data care (privacy/): residents' names and phones are erased this long after a report ends.
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "180"))

# --- Observability (observability/) -----------------------------------------------------------
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOG_FORMATTERS = log_formatters()
# /healthz answers 503 when the last SLA sweep is older than this.
HEALTHZ_SWEEP_LATE_SECONDS = int(os.environ.get("HEALTHZ_SWEEP_LATE_SECONDS", "300"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "refusal_in_one_line": {"()": "django.utils.log.CallbackFilter", "callback": refusal_in_one_line},
        "request_id": {"()": "observability.requestid.RequestIdFilter"},
    },
    "formatters": LOG_FORMATTERS,  # observability.logs: JSON in production, lines in development
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes: each failed login is one WARNING line (username and address masked).
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["refusal_in_one_line"]},
        # Refused as 400 by Django itself (a probe with a wrong Host, an oversized upload): one line
        # each. A logger's filters see only its own records, so each is named.
        **{
            f"django.security.{name}": {"filters": ["refusal_in_one_line"]}
            for name in (
                "DisallowedHost",
                "RequestDataTooBig",
                "TooManyFieldsSent",
                "TooManyFilesSent",
                "SuspiciousMultipartForm",
            )
        },
    },
}

# --- Coordination cases (cowork) ---------------------------------------------------------------
# Extra steps of the SLA sweep (issues.escalation.sla_sweep): dotted paths of functions taking
# `now` and `batch` and returning counts. The core calls them without importing their apps.
SLA_SWEEP_STEPS = [
    "community.services.expire_offers",  # 好事常办: seat offers nobody took in time
    "cowork.sweep.sweep_action_items",  # 难事共办: overdue action items
    "estates.complaints.sweep_step",  # 有事先找我: what the property company let pass its deadlines
    "estates.staleness.sweep_step",  # 信息公开: stale disclosure, told to the housing officer once
]
# Where apps above the core plug into it (issues.extensions): the core names no app, this does.
ISSUES_EXTENSIONS = {
    "route": ["estates.complaints.route_complaint"],  # a property-service complaint to its company first
    "report_context": ["estates.complaints.report_context"],  # the 物业服务 choice inside an estate
    "track_context": ["estates.complaints.track_context"],  # who has the complaint now, and why
    "desk_filters": ["estates.desk_filters.desk_filters"],  # the desk by estate and by company
}
# An overdue action item climbs one level of the escalation ladder after this many hours.
COWORK_ESCALATE_EVERY_HOURS = int(os.environ.get("COWORK_ESCALATE_EVERY_HOURS", "24"))
