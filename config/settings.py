"""Sinergi settings: one module, every value read from the environment.

With no environment at all the app runs as a development box on SQLite, sends
e-mail to the console and runs Celery tasks in-process, so ``make run`` works on a
bare machine. ``SINERGI_ENV=production`` turns every unsafe default into an error.
"""

import secrets
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_optional,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SINERGI_VAR_DIR", str(BASE_DIR / "var")))

SINERGI_ENV = env_choice("SINERGI_ENV", ("development", "production"), "development")
IS_PRODUCTION = SINERGI_ENV == "production"

DEBUG = env_bool("DEBUG", default=not IS_PRODUCTION)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when SINERGI_ENV=production.")


def _development_secret(filename: str, make) -> str:
    """A per-checkout secret kept under var/, so no secret ever sits in the repo."""
    path = VAR_DIR / filename
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _secret(name: str, make) -> str:
    if IS_PRODUCTION:
        return env_str(name)
    return env_optional(name) or _development_secret(name.lower(), make)


SECRET_KEY = _secret("SECRET_KEY", lambda: secrets.token_urlsafe(50))
if IS_PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters."
    )

# Identity fields are encrypted with the first key; the others still decrypt, so a
# key is rotated by putting a new one first and re-encrypting at leisure.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS and not IS_PRODUCTION:
    FIELD_ENCRYPTION_KEYS = [
        _development_secret("field_encryption_key", lambda: Fernet.generate_key().decode())
    ]
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("Environment variable FIELD_ENCRYPTION_KEYS is required.")
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64 bytes)."
        ) from exc

# Keyed hash used to find a person by NIK without storing the NIK in clear text.
IDENTITY_HASH_KEY = _secret("IDENTITY_HASH_KEY", lambda: secrets.token_urlsafe(32))
if len(IDENTITY_HASH_KEY) < 32:
    raise ImproperlyConfigured("IDENTITY_HASH_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", None if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when SINERGI_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "agencies.admin_apps.SinergiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "agencies",
    "cases",
    "referrals",
    "meetings",
    "reports",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "agencies.middleware.LanguageMiddleware",
    "agencies.middleware.SessionTimeoutMiddleware",
    "agencies.middleware.NoStoreForSignedInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agencies.context_processors.shell",
            ],
        },
    },
]

# Widget templates (the region picker) live with the project's templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database, cache, Celery ---------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        # Production must name its PostgreSQL; only development may fall back to SQLite.
        env_str(
            "DATABASE_URL", None if IS_PRODUCTION else f"sqlite:///{VAR_DIR / 'sinergi.sqlite3'}"
        ),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a kept connection checked at most every few seconds, not
    # before every request (config/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    # PostgreSQL compiles a query to machine code once its estimated cost passes
    # jit_above_cost. The visibility rules' per-row checks carry high estimates though
    # they run in milliseconds, and compiling took 400 ms of a 5 ms referral inbox at 1M
    # cases (docs/performance.md). Short pages gain nothing from JIT: it is off.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# The statements kept per process run as prepared statements on PostgreSQL
# (config/prepared_statements.py); false behind a pooler in transaction mode.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
# A kept connection checked this many seconds ago is not checked again before a request
# (config/postgresql/base.py); 0 checks before every request, as Django does.
DATABASE_HEALTH_CHECK_SECONDS = env_int("DATABASE_HEALTH_CHECK_SECONDS", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_optional("REDIS_URL")
if IS_PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is required when SINERGI_ENV=production.")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sinergi",
        }
    }
else:
    # The embedded default is one process (runserver), so a local-memory cache is enough.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without Redis the embedded default runs tasks in-process, right after the call.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# One queue per deployment (tests give each worker its own, so nothing else takes its work).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Work lost with a dead worker is redelivered after this long; no task may wait longer.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_TIME_LIMIT = 600
CELERY_TIMEZONE = "UTC"

# --- Authentication, sessions, lockout -------------------------------------------------

AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "agencies.auth.UsernameOrEmailBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # Django's list of 20,000 passwords seen most often in breaches; no composition rules.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Absolute lifetime of a session; the idle limit is enforced by SessionTimeoutMiddleware.
# Sessions are read from the cache and written through to the database: every signed-in
# request saves a database round trip, and a restart of Redis signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 15 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
PASSWORD_RESET_TIMEOUT = 60 * 60

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "agencies.auth.lockout_username"
AXES_LOCKOUT_CALLABLE = "agencies.views.auth.locked_out"
AXES_VERBOSE = False

GUARDIAN_ANONYMOUS_USER_NAME = None
ANONYMOUS_USER_NAME = None

# --- HTTP security -----------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# HTTPS is required in production; each can be relaxed only by an explicit value.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", IS_PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", IS_PRODUCTION)
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
if IS_PRODUCTION:
    # The __Host- prefix pins the cookie to this exact host over HTTPS.
    SESSION_COOKIE_NAME = "__Host-sinergi-session"
    CSRF_COOKIE_NAME = "__Host-sinergi-csrf"
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies append to X-Forwarded-For; 0 means use the socket address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "agencies.auth.client_ip"

# --- Language and time -------------------------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "sinergi_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = IS_PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone.") from exc

# --- Static and uploaded files -----------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
if not IS_PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", IS_PRODUCTION)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ------------------------------------------------------------------------------

# Env names keep the familiar EMAIL_* spelling; Django 6.1 reads them through MAILERS.
_EMAIL_MODE = env_choice(
    "EMAIL_BACKEND", ("console", "file", "smtp"), "smtp" if IS_PRODUCTION else "console"
)
_EMAIL_OPTIONS = {
    "console": {},
    "file": {"file_path": str(VAR_DIR / "mail")},
    "smtp": {
        "host": env_str("EMAIL_HOST", None if IS_PRODUCTION else "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": 10,
    },
}
MAILERS = {
    "default": {
        "BACKEND": f"django.core.mail.backends.{_EMAIL_MODE}.EmailBackend",
        "OPTIONS": _EMAIL_OPTIONS[_EMAIL_MODE],
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sinergi <no-reply@sinergi.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails point here; by default the first allowed host.
SITE_URL = env_str(
    "SITE_URL",
    f"https://{ALLOWED_HOSTS[0]}" if IS_PRODUCTION else "http://127.0.0.1:8000",
).rstrip("/")

# --- REST API (docs/api.md) -----------------------------------------------------------------

REST_FRAMEWORK = {
    # Deny by default: a partner token or a signed-in session (CSRF enforced), in an agency.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiClientAuthentication",
        "api.authentication.BrowserSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.AgencyMember"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.AskedFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StableCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PartnerRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "partner": env_str("API_RATE_PARTNER", "1200/min"),
        "public_complaint": env_str("API_RATE_PUBLIC_COMPLAINT", "10/hour"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Sinergi API",
    "DESCRIPTION": "Partner API of Sinergi: the same visibility, sections and audit as the web.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are for signed-in people and registered partners only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "api.authentication.ApiClientAuthentication",
        "api.authentication.BrowserSessionAuthentication",
    ],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our own static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models name their choices "status" or "kind": give each enum its own name.
    "ENUM_NAME_OVERRIDES": {
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "ActionItemStatusEnum": "meetings.models.ActionItem.Status",
        "RsvpEnum": "meetings.models.Invitation.Rsvp",
        "CaseStatusEnum": "cases.models.choices.CaseStatus",
        "CaseSectionEnum": "cases.models.choices.CaseSection",
        "ViolenceFormEnum": "cases.models.choices.ViolenceForm",
        "SexEnum": "cases.models.choices.Sex",
        "PlanStatusEnum": "cases.models.work.InterventionPlan.Status",
        "ReferralStatusEnum": "referrals.models.Referral.Status",
        "ReferralKindEnum": "referrals.models.Referral.Kind",
        "WebhookDeliveryStatusEnum": "api.models.WebhookDelivery.Status",
        "PublicStatusEnum": "cases.models.complaints.PublicStatus",
    },
}

# Webhooks (docs/webhooks.md): agencies' HTTPS endpoints hear of events, signed and retried.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
# An endpoint failing this many deliveries in a row is disabled until its admin re-enables it.
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 10)
# Development and tests only: http:// to this machine, and private or loopback addresses.
# Production refuses both (an endpoint must not reach into the agency's own network).
WEBHOOK_ALLOW_LOCAL_URLS = env_bool("WEBHOOK_ALLOW_LOCAL_URLS", not IS_PRODUCTION)
if IS_PRODUCTION and WEBHOOK_ALLOW_LOCAL_URLS:
    raise ImproperlyConfigured("WEBHOOK_ALLOW_LOCAL_URLS must be off when SINERGI_ENV=production.")
if not 1 <= WEBHOOK_TIMEOUT_SECONDS <= 60:
    raise ImproperlyConfigured("WEBHOOK_TIMEOUT_SECONDS must be between 1 and 60.")
if WEBHOOK_MAX_ATTEMPTS < 1 or WEBHOOK_DISABLE_AFTER_FAILURES < 1:
    raise ImproperlyConfigured(
        "WEBHOOK_MAX_ATTEMPTS and WEBHOOK_DISABLE_AFTER_FAILURES must be at least 1."
    )

# --- Reports ------------------------------------------------------------------------------

# Productivity target of the unit-performance indicators: cases a caseworker takes on in a
# year (the seeds' UPKSAI aims for one a month).
REPORTS_CASES_PER_WORKER_YEAR = env_int("REPORTS_CASES_PER_WORKER_YEAR", 12)
if REPORTS_CASES_PER_WORKER_YEAR < 1:
    raise ImproperlyConfigured("REPORTS_CASES_PER_WORKER_YEAR must be at least 1.")

# --- Logging: never request bodies, never identities ---------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Demo data (never in production: seed_demo refuses) -------------------------------------

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "Balikpapan-Demo-2026")
