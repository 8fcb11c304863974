"""Django settings for Motcua, read from the environment.

Development works with no environment at all (SQLite under ``var/``, DEBUG on, a dev secret).
Production is ``MOTCUA_ENV=production``: then ``MOTCUA_SECRET_KEY`` and ``MOTCUA_ALLOWED_HOSTS``
are required and DEBUG is off unless asked for.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from motcua.config.database import database_from_url
from motcua.config.env import env_bool, env_float, env_int, env_list, env_str

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
ALLOWED_HOSTS = env_list(
    "MOTCUA_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("MOTCUA_ALLOWED_HOSTS must list the host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "huey.contrib.djhuey",
    "motcua.core",
    "motcua.audit",
    "motcua.org",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.printing",
    "motcua.reports",
    "motcua.portal",
    "motcua.workspace",
    "motcua.api",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.edge.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "motcua.core.edge.NoStoreForStaffMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": [
        "motcua.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
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
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "motcua.api.schema.add_error_responses",
    ],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION and env_bool("MOTCUA_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("MOTCUA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Domain settings (each is a default a province may override; see docs/configuration.md).
MOTCUA_PROVINCE_NAME = env_str("MOTCUA_PROVINCE_NAME", "Đắk Lắk")
# Đắk Lắk's level-1 code is inferred (H15), not verified: see shared/data/README.md.
MOTCUA_PROVINCE_CODE = env_str("MOTCUA_PROVINCE_CODE", "000.00.00.H15")
MOTCUA_PUBLIC_BASE_URL = env_str("MOTCUA_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
MOTCUA_WARNING_WORKING_DAYS = [
    int(x) for x in env_list("MOTCUA_WARNING_WORKING_DAYS", ["2", "1"])
]
MOTCUA_CMND_VALID_UNTIL = env_str("MOTCUA_CMND_VALID_UNTIL", "2024-12-31")
MOTCUA_SUPPLEMENT_WINDOW_WORKING_DAYS = env_int("MOTCUA_SUPPLEMENT_WINDOW_WORKING_DAYS", 3)
MOTCUA_APOLOGY_LEAD_WORKING_DAYS = env_int("MOTCUA_APOLOGY_LEAD_WORKING_DAYS", 1)
# Counters and fields below this many dossiers per working day are flagged for re-deployment.
MOTCUA_WORKLOAD_MIN_PER_WORKING_DAY = env_float("MOTCUA_WORKLOAD_MIN_PER_WORKING_DAY", 2.0)
# Dossiers received from this date print the TT 03/2025 forms; earlier ones the TT 01/2018 forms.
MOTCUA_FORMS_TT03_FROM = env_str("MOTCUA_FORMS_TT03_FROM", "2025-07-01")
# Close a dossier waiting for a supplement longer than this many working days (0: never).
MOTCUA_SUPPLEMENT_CLOSE_WORKING_DAYS = env_int("MOTCUA_SUPPLEMENT_CLOSE_WORKING_DAYS", 0)
# Plugins by dotted path: where notifications go, and who signs results and receipts.
MOTCUA_NOTIFICATION_CHANNELS = env_list(
    "MOTCUA_NOTIFICATION_CHANNELS", ["motcua.notifications.contrib.logging.LoggingChannel"]
)
MOTCUA_SIGNATURE_BACKEND = env_str(
    "MOTCUA_SIGNATURE_BACKEND", "motcua.signing.contrib.unsigned.UnsignedBackend"
)
# A staff read of a dossier's personal data is logged once per officer, dossier, channel and
# address within this many seconds (0: every read); see motcua.dossiers.access.
MOTCUA_VIEW_LOG_WINDOW_SECONDS = env_int("MOTCUA_VIEW_LOG_WINDOW_SECONDS", 300)
if MOTCUA_VIEW_LOG_WINDOW_SECONDS < 0:
    raise ImproperlyConfigured("MOTCUA_VIEW_LOG_WINDOW_SECONDS must be 0 or more.")

REDIS_URL = env_str("MOTCUA_REDIS_URL")
HUEY = {
    "name": "motcua",
    "immediate": env_bool("MOTCUA_HUEY_IMMEDIATE", False),
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
    # One cache for every worker and server: the access log's "once per window" then holds
    # across the installation, not per process.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "motcua"}}
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})
