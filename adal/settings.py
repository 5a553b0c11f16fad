"""Adal settings: every value comes from the environment, with safe defaults for a laptop.

Secrets come from environment variables, or from a JSON secrets file (``ADAL_SECRETS_FILE``,
default ``var/secrets.json``, created by ``./dev``); never from the database.
"""

import json
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "False") -> bool:
    return os.getenv(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


ADAL_SECRETS_FILE = Path(os.getenv("ADAL_SECRETS_FILE", BASE_DIR / "var" / "secrets.json"))


def _secrets_file() -> dict:
    if ADAL_SECRETS_FILE.exists():
        return json.loads(ADAL_SECRETS_FILE.read_text())
    return {}


_SECRETS = _secrets_file()


def secret(env_name: str, file_key: str):
    value = os.getenv(env_name) or _SECRETS.get(file_key)
    if not value:
        raise ImproperlyConfigured(
            f"{env_name} is not set and no secrets file provides '{file_key}'. "
            "Run ./dev, or `python -m adal.core.keygen var/secrets.json`, or set the variable."
        )
    return value


def _key_ring(env_name: str, file_key: str, current_env: str, current_file_key: str):
    # e.g. ADAL_ENCRYPTION_KEYS="current_id:base64key,older_id:base64key": the first one is current.
    raw = os.getenv(env_name)
    if raw:
        pairs = [item.split(":", 1) for item in raw.split(",") if item.strip()]
        return {kid.strip(): key.strip() for kid, key in pairs}, pairs[0][0].strip()
    return secret(env_name, file_key), secret(current_env, current_file_key)


SECRET_KEY = secret("DJANGO_SECRET_KEY", "secret_key")
ADAL_RECEIPT_PEPPER = secret("ADAL_RECEIPT_PEPPER", "receipt_pepper")
ADAL_ENCRYPTION_KEYS, ADAL_CURRENT_KEY = _key_ring(
    "ADAL_ENCRYPTION_KEYS", "encryption_keys", "ADAL_CURRENT_KEY", "current_key"
)
# The audit chain is sealed (HMAC-SHA256) with keys of its own: checking the log never needs the keys
# that open reports. Old keys stay configured: entries they sealed are verified with them.
ADAL_AUDIT_KEYS, ADAL_AUDIT_CURRENT_KEY = _key_ring(
    "ADAL_AUDIT_KEYS", "audit_keys", "ADAL_AUDIT_CURRENT_KEY", "audit_current_key"
)
# Signed checkpoints of the chain's head, outside the database; only ever appended to.
ADAL_AUDIT_CHECKPOINT_FILE = Path(
    os.getenv("ADAL_AUDIT_CHECKPOINT_FILE", BASE_DIR / "var" / "audit-checkpoints.log")
)

DEBUG = envbool("DEBUG")
ADAL_DEMO = envbool("ADAL_DEMO")
ALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_NAME = os.getenv("ADAL_SITE_NAME", "Adal")
SITE_URL = os.getenv("ADAL_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "ninja",  # its Swagger UI from its own static files: without it, /api/docs loads it from a CDN
    "django_tasks_db",
    "adal.core",
    "adal.hotline",
    "adal.cases",
    "adal.discipline",
    "adal.councils",
    "adal.survey",
    "adal.ratings",
    "adal.roadmap",
    "adal.councils.primaries",
    "adal.portal",
    "adal.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "adal.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "adal.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "adal.core.middleware.RequestSizeLimitMiddleware",  # before anything reads the body (CSRF does)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "adal.urls"
WSGI_APPLICATION = "adal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "adal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "adal.core.context_processors.site",
            ],
        },
    },
]

FORM_RENDERER = "adal.core.forms.FormRenderer"
FORMAT_MODULE_PATH = ["adal.formats"]

# SQLite by default (WAL, IMMEDIATE transactions, a busy timeout); PostgreSQL by DATABASE_URL.
DATABASE_URL = os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'adal.sqlite3'}")
# Connections are kept for a minute (checked before reuse): opening one per request costs PostgreSQL a
# process fork on every submission.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_BUSY_TIMEOUT", 30),
        # secure_delete: a deleted or purged row is overwritten with zeros, not left in free pages for a
        # copy of the file to give back; Adal sets it rather than trust the distribution's build.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA secure_delete=ON;",
    }
    # A file, not shared-cache memory: tests of concurrent writers need SQLite's real locking.
    # One per process, so that two test runs on one machine never share it.
    _test_db = Path(tempfile.gettempdir()) / f"adal-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": os.getenv("SQLITE_TEST_NAME", str(_test_db))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Throttling keeps short-lived counters here; Redis when REDIS_URL is set (it must not persist to disk).
REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.getenv("CACHE_KEY_PREFIX", "adal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# State every worker must share (receipt throttle, revoked inbox sessions): "cache" is Redis, so it is
# chosen only with REDIS_URL; "database" is a small table. Never the per-process memory cache.
ADAL_SHARED_STATE = os.getenv("ADAL_SHARED_STATE") or ("cache" if REDIS_URL else "database")
if ADAL_SHARED_STATE not in ("cache", "database") or (ADAL_SHARED_STATE == "cache" and not REDIS_URL):
    raise ImproperlyConfigured('ADAL_SHARED_STATE is "database", or "cache" with REDIS_URL set.')

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["adal.core.backends.StaffBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:staff_home"
ADAL_LOGIN_MAX_FAILURES = envint("ADAL_LOGIN_MAX_FAILURES", 5)
ADAL_LOGIN_LOCKOUT_MINUTES = envint("ADAL_LOGIN_LOCKOUT_MINUTES", 15)
# One address may fail this often in a window, over all accounts, before it is refused until the window
# ends (adal.core.loginthrottle); checked before the account's own lockout.
ADAL_LOGIN_ADDRESS_MAX_FAILURES = envint("ADAL_LOGIN_ADDRESS_MAX_FAILURES", 10)
ADAL_LOGIN_ADDRESS_WINDOW_MINUTES = envint("ADAL_LOGIN_ADDRESS_WINDOW_MINUTES", 15)
# Reverse proxies in front of Adal that append the client's address to X-Forwarded-For; 0: none, the
# client is REMOTE_ADDR. Behind a proxy, set it, or every sign-in shares the proxy's address.
ADAL_TRUSTED_PROXIES = envint("ADAL_TRUSTED_PROXIES", 0)

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("kk", "Қазақша"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "adal" / "locale"]
LANGUAGE_COOKIE_SECURE = envbool("SECURE_COOKIES", "False")
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
# The country whose calendar counts working days (an ISO code the `holidays` package knows) and the time
# zone whose days deadlines and periods count: settings, so that Adal serves another country unchanged.
ADAL_COUNTRY = os.getenv("ADAL_COUNTRY", "KZ")
TIME_ZONE = os.getenv("ADAL_TIME_ZONE", "Asia/Almaty")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "adal" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and os.getenv("ADAL_MANIFEST_STATIC", "1") == "1"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
# Attachments are encrypted and stored under random names, outside STATIC and never served directly.
MEDIA_ROOT = Path(os.getenv("ADAL_MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Uploads: limits are checked again on content by the hotline; these stop oversized requests early.
ADAL_ATTACHMENT_MAX_BYTES = envint("ADAL_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ADAL_ATTACHMENT_MAX_COUNT = envint("ADAL_ATTACHMENT_MAX_COUNT", 5)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A request larger than every file allowed plus the form is refused (413) before its body is read.
ADAL_REQUEST_MAX_BYTES = envint(
    "ADAL_REQUEST_MAX_BYTES", ADAL_ATTACHMENT_MAX_COUNT * ADAL_ATTACHMENT_MAX_BYTES + 1024 * 1024
)
# Uploads go to temporary files as they arrive (deleted after the request), never whole into memory.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
# Pictures are refused above this many pixels before they are decoded (50 million: 8160 × 6120).
ADAL_IMAGE_MAX_PIXELS = envint("ADAL_IMAGE_MAX_PIXELS", 50_000_000)

# Receipts: argon2id with a server-wide salt (the pepper), tuned so that it dominates intake time.
ADAL_RECEIPT_HASH_TIME_COST = envint("ADAL_RECEIPT_HASH_TIME_COST", 3)
ADAL_RECEIPT_HASH_MEMORY_KIB = envint("ADAL_RECEIPT_HASH_MEMORY_KIB", 32768)
ADAL_RECEIPT_THROTTLE_FREE_FAILURES = envint("ADAL_RECEIPT_THROTTLE_FREE_FAILURES", 3)
ADAL_RECEIPT_THROTTLE_MAX_FAILURES = envint("ADAL_RECEIPT_THROTTLE_MAX_FAILURES", 10)
ADAL_RECEIPT_THROTTLE_WINDOW_SECONDS = envint("ADAL_RECEIPT_THROTTLE_WINDOW_SECONDS", 30 * 60)
ADAL_INBOX_SESSION_SECONDS = envint("ADAL_INBOX_SESSION_SECONDS", 30 * 60)
# How long an approved disclosure of a confidential reporter's identity stays open to its requester.
ADAL_DISCLOSURE_DAYS = envint("ADAL_DISCLOSURE_DAYS", 7)

# Security headers. HTTPS-only settings switch on with SECURE_COOKIES / SECURE_SSL_REDIRECT in production.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", "False")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No page of Adal uses a device, a payment or a sensor: every such feature is denied, for frames too.
ADAL_PERMISSIONS_POLICY = (
    "accelerometer=(), ambient-light-sensor=(), autoplay=(), bluetooth=(), browsing-topics=(), "
    "camera=(), display-capture=(), encrypted-media=(), fullscreen=(), gamepad=(), geolocation=(), "
    "gyroscope=(), hid=(), identity-credentials-get=(), idle-detection=(), local-fonts=(), "
    "magnetometer=(), microphone=(), midi=(), otp-credentials=(), payment=(), picture-in-picture=(), "
    "publickey-credentials-create=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), "
    "storage-access=(), sync-xhr=(), usb=(), web-share=(), window-management=(), "
    "xr-spatial-tracking=()"
)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Logs never carry a reporter's address or receipt: see adal.core.logging.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "adal.core.logging.RedactFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # gunicorn's loggers are taken over so that its lines go through the same redacting handler, once.
    "loggers": {
        **{
            name: {"handlers": ["console"], "level": "INFO", "propagate": False}
            for name in ("django.server", "gunicorn.error", "gunicorn.access")
        },
        # The PDF libraries narrate their work at INFO ("Step 2 - Fetching and parsing CSS"): only
        # their warnings are news.
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "pikepdf", "pikepdf._core")},
    },
}

MAILERS = {
    # Without a mail server the e-mail is withheld: Django's console backend would log addresses and text.
    "default": {"BACKEND": os.getenv("EMAIL_BACKEND", "adal.core.mail.WithheldBackend")}
}
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "adal@localhost")
