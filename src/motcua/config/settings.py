"""Django settings for Motcua, read from the environment.

Development works with no environment at all (SQLite under ``var/``, DEBUG on, a dev secret).
Production is ``MOTCUA_ENV=production``: then ``MOTCUA_SECRET_KEY`` and ``MOTCUA_ALLOWED_HOSTS``
are required and DEBUG is off unless asked for.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from motcua.audit.keys import load_keys as load_audit_keys
from motcua.config.database import database_from_url
from motcua.config.env import env_bool, env_choice, env_float, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("MOTCUA_HOME", str(PACKAGE_DIR.parent.parent)))
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(BASE_DIR / "var")))

MOTCUA_ENV = env_str("MOTCUA_ENV", "development")
if MOTCUA_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"MOTCUA_ENV={MOTCUA_ENV!r}; expected development, production or test."
    )
PRODUCTION = MOTCUA_ENV == "production"

DEBUG = env_bool("MOTCUA_DEBUG", not PRODUCTION)
SECRET_KEY = env_str(
    "MOTCUA_SECRET_KEY",
    None if PRODUCTION else "dev-only-insecure-key-change-me-in-production-0123456789",
    required=PRODUCTION,
)
# Old keys still accepted for signatures during a rotation (docs/security.md, "Rotating keys").
SECRET_KEY_FALLBACKS = env_list("MOTCUA_SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list(
    "MOTCUA_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("MOTCUA_ALLOWED_HOSTS must list the host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "motcua.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    "motcua.core",
    "motcua.audit",
    "motcua.accounts",
    "motcua.org",
    "motcua.catalog",
    "motcua.notifications",
    "motcua.signing",  # no models: listed so that its locale/ catalogue is found
    "motcua.dossiers",
    "motcua.interop",
    "motcua.payments",
    "motcua.courier",
    "motcua.floor",
    "motcua.citizens",
    "motcua.printing",
    "motcua.reports",
    "motcua.portal",
    "motcua.workspace",
    "motcua.api",
    "motcua.demo",
    "motcua.ops",
]

MIDDLEWARE = [
    # First: every later log line of the request carries its id (motcua.ops.requestid).
    "motcua.ops.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the settings' policy text built once (core/edge.py).
    "motcua.core.edge.CSPMiddleware",
    "motcua.core.edge.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "motcua.audit.context.AuditContextMiddleware",
    "motcua.accounts.middleware.IdleSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "motcua.accounts.middleware.TwoFactorMiddleware",
    "motcua.core.edge.NoStoreForStaffMiddleware",
    # Django's, with the message storage made on first use (core/middleware.py).
    "motcua.core.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# --- Operations (docs/operations.md) ---------------------------------------------------------
# django-prometheus's request metrics (two middlewares around the others; a few microseconds a
# request). Motcua's own figures on /metrics are there either way.
MOTCUA_METRICS = env_bool("MOTCUA_METRICS", True)
if MOTCUA_METRICS:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE.insert(1, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    # django-prometheus's, with the labelled metrics looked up once (ops/request_metrics.py).
    MIDDLEWARE.append("motcua.ops.request_metrics.PrometheusAfterMiddleware")
# Who may read /metrics (404 for anyone else): the monitoring network's addresses.
MOTCUA_METRICS_ALLOWED_CIDRS = env_list("MOTCUA_METRICS_ALLOWED_CIDRS",
                                        ["127.0.0.1/32", "::1/128"])
# Extra metric sources by dotted path (functions yielding prometheus_client metric families).
MOTCUA_METRICS_HOOKS = env_list("MOTCUA_METRICS_HOOKS", [])
# /readyz fails when the scheduler's heartbeat is older than this many seconds (0: not checked;
# development runs without a scheduler).
MOTCUA_READY_SCHEDULER_MAX_AGE = env_int("MOTCUA_READY_SCHEDULER_MAX_AGE",
                                         300 if PRODUCTION else 0)
# Scheduled backups (huey, on the scheduler node): where, when (HH:MM local time), how many kept.
MOTCUA_BACKUP_DIR = env_str("MOTCUA_BACKUP_DIR", "")
MOTCUA_BACKUP_AT = env_str("MOTCUA_BACKUP_AT", "01:30") or "01:30"
_backup_hour, _colon, _backup_minute = MOTCUA_BACKUP_AT.partition(":")
if not (_backup_hour.isdigit() and _backup_minute.isdigit() and int(_backup_hour) < 24
        and int(_backup_minute) < 60):
    raise ImproperlyConfigured(f"MOTCUA_BACKUP_AT={MOTCUA_BACKUP_AT!r} is not a time HH:MM.")
MOTCUA_BACKUP_KEEP = env_int("MOTCUA_BACKUP_KEEP", 14)
if MOTCUA_BACKUP_KEEP < 1:
    raise ImproperlyConfigured("MOTCUA_BACKUP_KEEP must be 1 or more.")
# Retention (docs/operations.md): years after a dossier closed before its applicant's personal
# data is anonymised and its files deleted, unless its field has its own rule (ops.RetentionRule).
MOTCUA_RETENTION_PERSONAL_YEARS = env_int("MOTCUA_RETENTION_PERSONAL_YEARS", 5)
MOTCUA_RETENTION_FILES_YEARS = env_int("MOTCUA_RETENTION_FILES_YEARS", 5)
if not (1 <= MOTCUA_RETENTION_PERSONAL_YEARS <= 100 and 1 <= MOTCUA_RETENTION_FILES_YEARS <= 100):
    raise ImproperlyConfigured("MOTCUA_RETENTION_*_YEARS must be between 1 and 100.")
# Probes come over plain HTTP from the load balancer or the monitoring host.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

ROOT_URLCONF = "motcua.config.urls"
WSGI_APPLICATION = "motcua.config.wsgi.application"

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
                "motcua.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {"default": database_from_url(
    env_str("MOTCUA_DATABASE_URL"), VAR_DIR / "motcua.sqlite3",
    # Persistent connections in production (seconds); 0 closes each at the end of its request.
    conn_max_age=env_int("MOTCUA_DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out account or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Citizens: the OIDC callback only (motcua.citizens.oidc).
    "motcua.citizens.oidc.CitizenOIDCBackend",
]
LOGIN_URL = "/dang-nhap/"
LOGIN_REDIRECT_URL = "/can-bo/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns on every request when the folder is missing (before collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MOTCUA_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES: dict[str, dict] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            ("whitenoise.storage.CompressedManifestStaticFilesStorage"
             # Without the gzip/brotli copies (collectstatic ~10x faster; nginx may compress).
             if env_bool("MOTCUA_STATIC_COMPRESS", True)
             else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage")
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded and result files: local disk (MEDIA_ROOT) by default, or an S3-compatible object
# store (MinIO, Ceph, a cloud's) through django-storages (docs/operations.md, "Object storage").
MOTCUA_STORAGE = env_choice("MOTCUA_STORAGE", "local", ("local", "s3"))
# With S3, a download is streamed through Django (default), or answered with a redirect to a
# presigned address valid this many seconds (0: stream).
MOTCUA_S3_PRESIGNED_SECONDS = env_int("MOTCUA_S3_PRESIGNED_SECONDS", 0)
if MOTCUA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("MOTCUA_S3_BUCKET", required=True),
            "endpoint_url": env_str("MOTCUA_S3_ENDPOINT_URL"),
            "region_name": env_str("MOTCUA_S3_REGION"),
            "access_key": env_str("MOTCUA_S3_ACCESS_KEY_ID"),
            "secret_key": env_str("MOTCUA_S3_SECRET_ACCESS_KEY"),
            # Private objects; never overwrite (names are random anyway); short presigned URLs.
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": max(MOTCUA_S3_PRESIGNED_SECONDS, 60),
            "addressing_style": env_str("MOTCUA_S3_ADDRESSING_STYLE", "path"),
        },
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "motcua.accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every view names what it allows (public catalog views say AllowAny).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "motcua.core.throttling.AnonThrottle",
        "motcua.core.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("MOTCUA_THROTTLE_ANON", "60/minute"),
        "user": env_str("MOTCUA_THROTTLE_USER", "1200/minute"),
        "login": env_str("MOTCUA_THROTTLE_LOGIN", "10/minute"),
    },
    # Throttles count by address: X-Forwarded-For only from our own proxy, never the client's.
    "NUM_PROXIES": 1 if env_bool("MOTCUA_BEHIND_PROXY", False) else 0,
    "DEFAULT_PARSER_CLASSES": [
        "motcua.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # DRF's, with the common "no preference" answered without parsing (core/negotiation.py).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "motcua.core.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "motcua.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Motcua API",
    "DESCRIPTION": "API của hệ thống Một cửa: danh mục thủ tục, hồ sơ, báo cáo.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the delivery method wherever it appears (intake and return_result).
    "ENUM_NAME_OVERRIDES": {"DeliveryMethodEnum": "motcua.dossiers.states.DeliveryMethod",
                            # The dossier's and the citizen draft's "status" apart.
                            "StatusEnum": "motcua.dossiers.states.Status",
                            "DraftStatusEnum": "motcua.citizens.models.DraftStatus"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "motcua.api.schema.add_error_responses",
    ],
}

# --- Accounts and sessions (docs/security.md) ---------------------------------------------
# Lockout (django-axes): this many failed logins lock the account, and the address, for
# MOTCUA_LOCKOUT_HOURS (0: until the center manager unlocks it).
AXES_ENABLED = env_bool("MOTCUA_LOCKOUT", True)
AXES_FAILURE_LIMIT = env_int("MOTCUA_LOCKOUT_FAILURES", 5)
# One address is shared by a whole center's staff behind NAT: it locks later.
MOTCUA_LOCKOUT_ADDRESS_FAILURES = env_int("MOTCUA_LOCKOUT_ADDRESS_FAILURES", 20)
if AXES_FAILURE_LIMIT < 1 or MOTCUA_LOCKOUT_ADDRESS_FAILURES < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "MOTCUA_LOCKOUT_FAILURES must be 1 or more, MOTCUA_LOCKOUT_ADDRESS_FAILURES at least as much."
    )
AXES_HANDLER = "motcua.accounts.axes_handler.AccountAndAddressHandler"
_lockout_hours = env_float("MOTCUA_LOCKOUT_HOURS", 1.0)
AXES_COOLOFF_TIME = _lockout_hours or None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "motcua.accounts.lockouts.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind the reverse proxy (which sets X-Forwarded-For and X-Forwarded-Proto itself) the client
# address is the first forwarded one; otherwise those headers are the client's and ignored.
MOTCUA_BEHIND_PROXY = env_bool("MOTCUA_BEHIND_PROXY", False)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if MOTCUA_BEHIND_PROXY else ["REMOTE_ADDR"]
)
# Staff sessions: end after this many idle minutes and when the browser closes (shared
# counter PCs).
MOTCUA_SESSION_IDLE_MINUTES = env_int("MOTCUA_SESSION_IDLE_MINUTES", 30)
if MOTCUA_SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("MOTCUA_SESSION_IDLE_MINUTES must be 1 or more.")
# The idle limit is enforced by motcua.accounts.middleware.IdleSessionMiddleware; the stored
# session outlives it by an hour so the login page can say why the session ended.
SESSION_COOKIE_AGE = (MOTCUA_SESSION_IDLE_MINUTES + 60) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Django's database sessions, the row read by a compiled query (accounts/sessions.py).
SESSION_ENGINE = "motcua.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# API tokens (hashed, per device) last this many days.
MOTCUA_API_TOKEN_DAYS = env_int("MOTCUA_API_TOKEN_DAYS", 90)
# A token, its user and memberships are cached per worker process, stamped with the change
# counter the database triggers raise (motcua.accounts.tokens): this is only the safety net
# bounding an entry's age should the triggers ever be gone (0: no cache).
MOTCUA_AUTH_CACHE_SECONDS = env_int("MOTCUA_AUTH_CACHE_SECONDS", 60)
# Two-factor (TOTP): when on, leaders and administrators must enrol and verify a code.
MOTCUA_2FA_REQUIRED = env_bool("MOTCUA_2FA_REQUIRED", False)
OTP_TOTP_ISSUER = "Một cửa"
# Public lookup page (tra cứu hồ sơ): lookups per address and minute.
MOTCUA_LOOKUP_RATE = env_str("MOTCUA_LOOKUP_RATE", "20/minute")
# The public result verification page (each check reads a PDF and validates its signatures).
MOTCUA_VERIFY_RATE = env_str("MOTCUA_VERIFY_RATE", "20/minute")

# --- Payments (docs/payments.md) -------------------------------------------------------------
# VNPay merchant account: terminal code, hash secret (HMAC-SHA512 key) and the gateway's payment
# page. Outside production the defaults are the documented demo values and the sandbox gateway
# served by this site (/thanh-toan/sandbox/vnpay/); in production there is no default secret, so
# online payment stays off until the province sets its own merchant account.
MOTCUA_VNPAY_TMN_CODE = env_str("MOTCUA_VNPAY_TMN_CODE", "" if PRODUCTION else "MOTCUA01")
MOTCUA_VNPAY_HASH_SECRET = env_str(
    "MOTCUA_VNPAY_HASH_SECRET", "" if PRODUCTION else "MOTCUADEMOSECRETVNPAYSANDBOX2026"
)
MOTCUA_VNPAY_PAYMENT_URL = env_str(
    "MOTCUA_VNPAY_PAYMENT_URL", "" if PRODUCTION else "/thanh-toan/sandbox/vnpay/"
)
# The sandbox gateway (a fake VNPay for the demo and the tests): never in production.
MOTCUA_PAYMENTS_SANDBOX = env_bool("MOTCUA_PAYMENTS_SANDBOX", not PRODUCTION) and not PRODUCTION
# Minutes a payment link at the gateway stays valid (vnp_ExpireDate); days the citizen's
# signed "pay" link stays valid.
MOTCUA_PAYMENT_EXPIRE_MINUTES = env_int("MOTCUA_PAYMENT_EXPIRE_MINUTES", 15)
MOTCUA_PAY_LINK_DAYS = env_int("MOTCUA_PAY_LINK_DAYS", 30)

# --- Files (docs/security.md) ---------------------------------------------------------------
MOTCUA_UPLOAD_MAX_MB = env_int("MOTCUA_UPLOAD_MAX_MB", 20)
# clamd address: "unix:/run/clamav/clamd.ctl" or "tcp:127.0.0.1:3310"; empty: no scan.
MOTCUA_CLAMD = env_str("MOTCUA_CLAMD", "")
# Internal location nginx serves MEDIA_ROOT from (X-Accel-Redirect); empty: Django streams.
MOTCUA_X_ACCEL_REDIRECT_PREFIX = env_str("MOTCUA_X_ACCEL_REDIRECT_PREFIX", "")
# Requests larger than this are refused before they are read (the upload limit plus forms).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Headers (docs/security.md) -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = PRODUCTION and env_bool("MOTCUA_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
# A plain-HTTP test deployment (MOTCUA_SECURE_COOKIES=0) neither redirects nor sends HSTS.
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("MOTCUA_SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS = env_int("MOTCUA_HSTS_SECONDS", 31536000 if SESSION_COOKIE_SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MOTCUA_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("MOTCUA_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a decision of the province's domain owner (hard to undo), not a default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Only behind a proxy that sets X-Forwarded-Proto itself (and strips the client's).
if MOTCUA_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("MOTCUA_USE_X_FORWARDED_HOST", False)
# Content Security Policy: scripts only from our own static files (no inline script).
# Styles allow inline: Swagger UI and HTMX's indicator set style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# JSON lines with the request id in production (journald/Loki read them); text elsewhere.
MOTCUA_LOG_FORMAT = env_choice("MOTCUA_LOG_FORMAT", "json" if PRODUCTION else "text",
                               ("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "motcua.ops.requestid.RequestIdFilter"},
                "no_traceback": {"()": "motcua.ops.logfilters.WarningWithoutTraceback"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": MOTCUA_LOG_FORMAT},
                 # Signature validation outcomes (motcua.ops.logfilters): one line, no traceback.
                 "console_brief": {"class": "logging.StreamHandler",
                                   "filters": ["request_id", "no_traceback"],
                                   "formatter": MOTCUA_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("MOTCUA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The consumer (run_huey) adds its own handler to "huey" unless it has one, and its
        # lines then came out twice (its handler and the root's): ours, once, in our format.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "pyhanko": {"handlers": ["console_brief"], "propagate": False},
        "pyhanko_certvalidator": {"handlers": ["console_brief"], "propagate": False},
    },
}

# Domain settings (each is a default a province may override; see docs/configuration.md).
MOTCUA_PROVINCE_NAME = env_str("MOTCUA_PROVINCE_NAME", "Đắk Lắk")
# Đắk Lắk's level-1 code is inferred (H15), not verified: see shared/data/README.md.
MOTCUA_PROVINCE_CODE = env_str("MOTCUA_PROVINCE_CODE", "000.00.00.H15")
# Where QR codes and lookup links on printed slips point (motcua.core.public_url): required in
# production; empty in development, where each slip takes the address of the page printing it.
MOTCUA_PUBLIC_BASE_URL = env_str("MOTCUA_PUBLIC_BASE_URL", "", required=PRODUCTION)
MOTCUA_WARNING_WORKING_DAYS = [
    int(x) for x in env_list("MOTCUA_WARNING_WORKING_DAYS", ["2", "1"])
]
MOTCUA_CMND_VALID_UNTIL = env_str("MOTCUA_CMND_VALID_UNTIL", "2024-12-31")
MOTCUA_SUPPLEMENT_WINDOW_WORKING_DAYS = env_int("MOTCUA_SUPPLEMENT_WINDOW_WORKING_DAYS", 3)
# What "within N working days of receipt" counts from (dossiers.deadlines.supplement_window_start).
MOTCUA_SUPPLEMENT_WINDOW_FROM = env_choice(
    "MOTCUA_SUPPLEMENT_WINDOW_FROM", "counting_start", ("counting_start", "receipt", "clock")
)
MOTCUA_APOLOGY_LEAD_WORKING_DAYS = env_int("MOTCUA_APOLOGY_LEAD_WORKING_DAYS", 1)
# Counters and fields below this many dossiers per working day are flagged for re-deployment.
MOTCUA_WORKLOAD_MIN_PER_WORKING_DAY = env_float("MOTCUA_WORKLOAD_MIN_PER_WORKING_DAY", 2.0)
# Dossiers received from this date print the TT 03/2025 forms; earlier ones the TT 01/2018 forms.
MOTCUA_FORMS_TT03_FROM = env_str("MOTCUA_FORMS_TT03_FROM", "2025-07-01")
# Close a dossier waiting for a supplement longer than this many working days (0: never).
MOTCUA_SUPPLEMENT_CLOSE_WORKING_DAYS = env_int("MOTCUA_SUPPLEMENT_CLOSE_WORKING_DAYS", 0)
# Plugins by dotted path: where notifications go, and who signs results and receipts.
MOTCUA_NOTIFICATION_CHANNELS = env_list(
    "MOTCUA_NOTIFICATION_CHANNELS",
    ["motcua.notifications.contrib.email.EmailChannel",
     "motcua.notifications.contrib.sms.SmsChannel",
     "motcua.notifications.contrib.zalo.ZaloChannel"],
)
# Citizen channels for someone who has not chosen (notifications.preferences).
MOTCUA_NOTIFICATION_DEFAULT_CHANNELS = env_list(
    "MOTCUA_NOTIFICATION_DEFAULT_CHANNELS", ["email", "sms"])
MOTCUA_SMS_PROVIDER = env_str(
    "MOTCUA_SMS_PROVIDER", "motcua.notifications.providers.LoggingSmsProvider")
MOTCUA_ZALO_PROVIDER = env_str(
    "MOTCUA_ZALO_PROVIDER", "motcua.notifications.providers.LoggingZaloProvider")
# The outbox: tries per message, then "failed"; the wait doubles from the base up to the cap.
MOTCUA_NOTIFICATION_MAX_ATTEMPTS = env_int("MOTCUA_NOTIFICATION_MAX_ATTEMPTS", 6)
MOTCUA_NOTIFICATION_RETRY_BASE_SECONDS = env_int("MOTCUA_NOTIFICATION_RETRY_BASE_SECONDS", 60)
MOTCUA_NOTIFICATION_RETRY_MAX_SECONDS = env_int("MOTCUA_NOTIFICATION_RETRY_MAX_SECONDS", 3600)
MOTCUA_NOTIFICATION_CLAIM_TIMEOUT_SECONDS = env_int(
    "MOTCUA_NOTIFICATION_CLAIM_TIMEOUT_SECONDS", 600)
# E-mail: SMTP in production (MOTCUA_EMAIL_HOST…), the console elsewhere.
EMAIL_BACKEND = env_str(
    "MOTCUA_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("MOTCUA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MOTCUA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("MOTCUA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("MOTCUA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MOTCUA_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("MOTCUA_EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("MOTCUA_EMAIL_FROM", "motcua@localhost")
# The national public service portal (Cổng DVC quốc gia): status changes of online dossiers
# go there through the interop outbox; empty URL: nothing is sent (motcua.interop).
MOTCUA_NATIONAL_PORTAL_URL = env_str("MOTCUA_NATIONAL_PORTAL_URL", "")
MOTCUA_NATIONAL_PORTAL_TOKEN = env_str("MOTCUA_NATIONAL_PORTAL_TOKEN", "")
MOTCUA_NATIONAL_PORTAL_ADAPTER = env_str(
    "MOTCUA_NATIONAL_PORTAL_ADAPTER", "motcua.interop.adapters.HttpJsonAdapter")
MOTCUA_NATIONAL_PORTAL_TIMEOUT = env_int("MOTCUA_NATIONAL_PORTAL_TIMEOUT", 10)
# The signing certificates (docs/signing.md); `make run` points it at var/signing, where
# demo_load writes a development CA. Empty: results are stored unsigned.
MOTCUA_SIGNING_DIR = env_str("MOTCUA_SIGNING_DIR", "")
# Who signs results: PAdES (pyHanko) when a signing directory is configured, else unsigned.
MOTCUA_SIGNATURE_BACKEND = env_str(
    "MOTCUA_SIGNATURE_BACKEND",
    "motcua.signing.contrib.pades.PadesBackend" if MOTCUA_SIGNING_DIR
    else "motcua.signing.contrib.unsigned.UnsignedBackend",
)
# RFC 3161 timestamp authority for PAdES B-T signatures; empty: no timestamp.
MOTCUA_SIGNING_TSA_URL = env_str("MOTCUA_SIGNING_TSA_URL", "")
# Courier runs (docs/courier.md): default pickup times of a center without its own, the hours
# after which a dossier still with the courier is listed, the home delivery fee in dong (0: free;
# MOTCUA_HOME_DELIVERY_FEES="CENTER_CODE=25000,..." per center).
MOTCUA_COURIER_PICKUP_TIMES = env_list("MOTCUA_COURIER_PICKUP_TIMES",
                                       ["09:00", "11:00", "14:00", "16:00"])
MOTCUA_COURIER_TRANSIT_ALERT_HOURS = env_float("MOTCUA_COURIER_TRANSIT_ALERT_HOURS", 4.0)
MOTCUA_HOME_DELIVERY_FEE = env_int("MOTCUA_HOME_DELIVERY_FEE", 0)
MOTCUA_HOME_DELIVERY_FEES = {
    code.strip(): int(fee) for code, _, fee in (
        item.partition("=") for item in env_list("MOTCUA_HOME_DELIVERY_FEES", []))
    if code.strip() and fee.strip().isdigit()
}
# More trusted roots (PEM files) for verifying results signed elsewhere (the national CA).
MOTCUA_SIGNING_TRUST_ROOTS = env_list("MOTCUA_SIGNING_TRUST_ROOTS", [])
# A staff read of a dossier's personal data is logged once per officer, dossier, channel and
# address within this many seconds (0: every read); see motcua.dossiers.access.
MOTCUA_VIEW_LOG_WINDOW_SECONDS = env_int("MOTCUA_VIEW_LOG_WINDOW_SECONDS", 300)
# Reads are appended to a local spool file per process before the answer and moved into the
# access log in batches (motcua.audit.spool); empty: each read written to the database before
# the answer. FSYNC: the spool survives a power cut too (a disk flush per read).
MOTCUA_ACCESS_SPOOL_DIR = env_str("MOTCUA_ACCESS_SPOOL_DIR",
                                  str(VAR_DIR / "spool" / "access"))
if MOTCUA_ACCESS_SPOOL_DIR in ("off", "none"):
    MOTCUA_ACCESS_SPOOL_DIR = ""
MOTCUA_ACCESS_SPOOL_FSYNC = env_bool("MOTCUA_ACCESS_SPOOL_FSYNC", False)
# Seconds between two flushes by each process's own flusher thread (0: none; then the
# process's exit, the scheduler's minute and the readers of the log flush).
MOTCUA_ACCESS_SPOOL_FLUSH_SECONDS = env_float("MOTCUA_ACCESS_SPOOL_FLUSH_SECONDS", 2.0)
# Markers of written spool segments are kept this many days (a segment older than that
# could be written twice, never lost).
MOTCUA_ACCESS_SPOOL_MARKER_DAYS = env_int("MOTCUA_ACCESS_SPOOL_MARKER_DAYS", 30)
# Center floor (motcua.floor, docs/floor.md): bookings, queue tickets, display, ratings.
# Bookings an address may make per hour through the API and the booking page (0: no limit);
# per phone number likewise.
MOTCUA_BOOKING_RATE_PER_IP = env_int("MOTCUA_BOOKING_RATE_PER_IP", 30)
MOTCUA_BOOKING_RATE_PER_PHONE = env_int("MOTCUA_BOOKING_RATE_PER_PHONE", 5)
# Active bookings one person (phone or ID number) may hold within ± this many days.
MOTCUA_BOOKING_CAP = env_int("MOTCUA_BOOKING_CAP", 2)
MOTCUA_BOOKING_CAP_DAYS = env_int("MOTCUA_BOOKING_CAP_DAYS", 30)
MOTCUA_BOOKING_LINK_DAYS = env_int("MOTCUA_BOOKING_LINK_DAYS", 60)
# Check-in at the kiosk from this many minutes before the slot; no-show after its end + late.
MOTCUA_CHECKIN_EARLY_MINUTES = env_int("MOTCUA_CHECKIN_EARLY_MINUTES", 60)
MOTCUA_CHECKIN_LATE_MINUTES = env_int("MOTCUA_CHECKIN_LATE_MINUTES", 30)
# Checked-in bookings are called before walk-ins from this many minutes before their slot.
MOTCUA_FLOOR_PRIORITY_MINUTES = env_int("MOTCUA_FLOOR_PRIORITY_MINUTES", 15)
MOTCUA_FLOOR_SPEECH_DIR = Path(env_str("MOTCUA_FLOOR_SPEECH_DIR") or str(VAR_DIR / "speech"))
# Working days to answer a complaint (phản ánh, kiến nghị; QĐ 766 5.2: handle ≤ 15).
MOTCUA_COMPLAINT_WORKING_DAYS = env_int("MOTCUA_COMPLAINT_WORKING_DAYS", 15)
if MOTCUA_VIEW_LOG_WINDOW_SECONDS < 0:
    raise ImproperlyConfigured("MOTCUA_VIEW_LOG_WINDOW_SECONDS must be 0 or more.")
# The audit MAC keys live outside the database (docs/security.md): a key file or the
# environment; required in production, a public development key elsewhere.
MOTCUA_AUDIT_KEY_ID, MOTCUA_AUDIT_KEYS = load_audit_keys(
    key=env_str("MOTCUA_AUDIT_KEY"),
    old_keys=env_list("MOTCUA_AUDIT_OLD_KEYS", []),
    key_file=env_str("MOTCUA_AUDIT_KEY_FILE"),
    production=PRODUCTION,
)
# Each checkpoint is also appended here (a file the database cannot reach), so that deleting
# the newest checkpoints and events together is detected too; empty: not kept.
MOTCUA_AUDIT_ANCHOR_FILE = env_str("MOTCUA_AUDIT_ANCHOR_FILE", "")
# Minutes between the periodic checkpoints that seal every chain's head (huey).
MOTCUA_AUDIT_CHECKPOINT_MINUTES = env_int("MOTCUA_AUDIT_CHECKPOINT_MINUTES", 10)
if not 1 <= MOTCUA_AUDIT_CHECKPOINT_MINUTES <= 60:
    raise ImproperlyConfigured("MOTCUA_AUDIT_CHECKPOINT_MINUTES must be between 1 and 60.")

REDIS_URL = env_str("MOTCUA_REDIS_URL")
HUEY = {
    "name": "motcua",
    "immediate": env_bool("MOTCUA_HUEY_IMMEDIATE", False),
}
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
    # One cache for every worker and server: the access log's "once per window" then holds
    # across the installation, not per process.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "motcua"}}
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})
    # Each process's own memory. Django's default keeps 300 entries and drops a third when
    # full: one officer paging through eight lists (400 access-log window keys) pushed out
    # the others' windows, and their reads were logged again (docs/performance.md,
    # "Worklists, round five"). An entry is ~200 bytes: 50,000 are ~10 MB a worker.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": env_int("MOTCUA_LOCAL_CACHE_ENTRIES",
                                                             50_000)}}}

# --- Citizen sign-in (OpenID Connect; docs/citizens.md) ------------------------------------
# The provider (VNeID through the national portal): its issuer (the discovery document is read
# from <issuer>/.well-known/openid-configuration), this site's client id and secret, the
# scopes, and the names of the claims carrying the identity. Empty issuer in development: the
# development provider of this site (/idp-dev/o), which production never loads.
MOTCUA_DEV_IDP = (not PRODUCTION) and env_bool("MOTCUA_DEV_IDP", True)
MOTCUA_OIDC_ISSUER = env_str("MOTCUA_OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = env_str("MOTCUA_OIDC_CLIENT_ID", "" if PRODUCTION else "motcua-portal-dev")
OIDC_RP_CLIENT_SECRET = env_str("MOTCUA_OIDC_CLIENT_SECRET",
                                "" if PRODUCTION else "motcua-dev-secret-not-for-production")
OIDC_RP_SCOPES = env_str("MOTCUA_OIDC_SCOPES", "openid profile")
# The province's mobile app: its own client id at the same provider (the audience its ID
# tokens carry); empty: the app's sign-in (POST /api/v1/citizen/token) answers 503.
MOTCUA_OIDC_MOBILE_CLIENT_ID = env_str("MOTCUA_OIDC_MOBILE_CLIENT_ID",
                                       "" if PRODUCTION else "motcua-mobile-dev")
# Days a citizen's token (the mobile app's) lasts; signing in again issues a new one.
MOTCUA_CITIZEN_TOKEN_DAYS = env_int("MOTCUA_CITIZEN_TOKEN_DAYS", 30)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = False
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_OP_AUTHORIZATION_ENDPOINT = ""  # from discovery (motcua.portal.signin)
OIDC_OP_TOKEN_ENDPOINT = ""
OIDC_OP_USER_ENDPOINT = ""
OIDC_TIMEOUT = MOTCUA_OIDC_TIMEOUT = env_int("MOTCUA_OIDC_TIMEOUT", 10)
MOTCUA_OIDC_LEEWAY_SECONDS = env_int("MOTCUA_OIDC_LEEWAY_SECONDS", 30)
LOGIN_REDIRECT_URL_FAILURE = "/"
# Our claim -> the provider's claim name.
MOTCUA_OIDC_CLAIMS = {
    "name": env_str("MOTCUA_OIDC_CLAIM_NAME", "name"),
    "id_number": env_str("MOTCUA_OIDC_CLAIM_ID_NUMBER", "id_number"),
    "birth_date": env_str("MOTCUA_OIDC_CLAIM_BIRTH_DATE", "birth_date"),
    "gender": env_str("MOTCUA_OIDC_CLAIM_GENDER", "gender"),
    "address": env_str("MOTCUA_OIDC_CLAIM_ADDRESS", "address"),
    "phone": env_str("MOTCUA_OIDC_CLAIM_PHONE", "phone"),
    "email": env_str("MOTCUA_OIDC_CLAIM_EMAIL", "email"),
    "tax_code": env_str("MOTCUA_OIDC_CLAIM_TAX_CODE", "tax_code"),
    "organisation": env_str("MOTCUA_OIDC_CLAIM_ORGANISATION", "organisation"),
}
if MOTCUA_DEV_IDP:
    from django.utils.functional import lazy as _lazy

    def _dev_key() -> str:
        from motcua.devidp.keys import private_key_pem

        return private_key_pem()

    INSTALLED_APPS += ["oauth2_provider", "motcua.devidp"]
    OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        # Generated into var/ on first use, never committed (motcua.devidp.keys).
        "OIDC_RSA_PRIVATE_KEY": _lazy(_dev_key, str)(),
        "PKCE_REQUIRED": True,
        "SCOPES": {"openid": "OpenID Connect", "profile": "Thông tin định danh"},
        "OAUTH2_VALIDATOR_CLASS": "motcua.devidp.validator.DevValidator",
        "ID_TOKEN_EXPIRE_SECONDS": 300,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    }
