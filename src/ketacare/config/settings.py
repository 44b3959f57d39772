"""KetaCare settings, configured only by environment variables (12-factor).

KETACARE_ENV=production switches on the production posture: DEBUG off, a required
SECRET_KEY, secure cookies, HSTS and TOTP for every staff account. The development
defaults are safe for a laptop: SQLite under ./var, loopback hosts only.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KETACARE_VAR_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the file named by NAME_FILE (container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


KETACARE_ENV = os.environ.get("KETACARE_ENV", "development")
PRODUCTION = KETACARE_ENV == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

_secret = env_secret("SECRET_KEY")
if not _secret:
    if PRODUCTION:
        raise RuntimeError(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when KETACARE_ENV=production"
        )
    _secret = "dev-only-insecure-key-" + "k" * 50  # noqa: S105 - development default only
SECRET_KEY = _secret

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "django_tasks_db",
    "ketacare.accounts",
    "ketacare.clinics",
    "ketacare.patients",
    "ketacare.measures",
    "ketacare.treatment",
    "ketacare.screening",
    "ketacare.medications",
    "ketacare.controlled",
    "ketacare.counselling",
    "ketacare.appointments",
    "ketacare.sessions",
    "ketacare.rems",
    "ketacare.consent",
    "ketacare.referrals",
    "ketacare.education",
    "ketacare.questionnaires",
    "ketacare.athome",
    "ketacare.telehealth",
    "ketacare.messaging",
    "ketacare.audit",
    "ketacare.api",
    "ketacare.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ketacare.web.middleware.PermissionsPolicyMiddleware",
    # Serves collected static files itself, so gunicorn alone is a whole deployment.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ketacare.web.middleware.RequestIdMiddleware",
    # Outside every middleware that touches the database: a database outage is a 503.
    "ketacare.web.unavailable.DatabaseUnavailableMiddleware",
    # Before anything reads the body: its size and type; after: every /api/ error as JSON.
    "ketacare.api.middleware.ApiGuardMiddleware",
    "ketacare.web.unavailable.SessionMiddleware",  # Django's, with a database outage as 503
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ketacare.api.ratelimit.RateLimitMiddleware",
    # After login and the rate limit: a few API writes read a larger body (api.large_bodies).
    "ketacare.api.large_bodies.LargeBodyMiddleware",
    "ketacare.accounts.middleware.SessionLifetimeMiddleware",
    "ketacare.accounts.middleware.StaffTOTPMiddleware",
    "ketacare.web.middleware.ClinicTimeZoneMiddleware",  # after login and second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ketacare.web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
    # Next to the view: a key's answer is stored in the same transaction as the write.
    "ketacare.api.idempotency.IdempotencyMiddleware",
    "ketacare.accounts.denials.DeniedAccessAuditMiddleware",
]

ROOT_URLCONF = "ketacare.config.urls"
WSGI_APPLICATION = "ketacare.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "libraries": {"chart": "ketacare.chart.banner"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "ketacare.web.context.clinic_context",
                "ketacare.messaging.context.unread_messages",
            ],
        },
    },
]

# SQLite by default (embedded, zero set-up); PostgreSQL (or any) via DATABASE_URL.
# Production keeps each worker's connection open (CONN_MAX_AGE seconds) instead of opening
# one per request, and checks it before reuse so a database restart costs one reconnect,
# not an error (measured on PostgreSQL: 1.5x the requests per second of a new connection
# per request; issue 8).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'ketacare.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
# How long a client should wait when the database is busy or restarting (503 Retry-After).
KETACARE_RETRY_AFTER_SECONDS = int(os.environ.get("KETACARE_RETRY_AFTER_SECONDS", "5"))
# Largest request body read (Django's default, stated): larger is a 413 naming the limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers go on while one writes. IMMEDIATE takes the write lock at BEGIN, so
    # two audited requests queue (up to `timeout` s) instead of one failing with "database
    # is locked" when both try to upgrade a read transaction to a write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's Argon2 hasher is argon2id with t=2, m=100 MiB, p=8: above the ASVS 5.0
# Appendix C floor (t=2, m=19 MiB; see shared/domain/software.md 3.3).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # Django's list: the 20,000 most common passwords of breach corpora, shipped, no network.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ketacare.accounts.password_rules.GuessablePasswordValidator"},
]
# A reset link works once (its token hashes the password) and for an hour (ASVS 6.4.1).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_MINUTES", 60)) * 60

# Email (password reset links): SMTP when EMAIL_HOST is set or in production, else printed
# to the console for development. Tests use Django's in-memory outbox.
if PRODUCTION or os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", 587)),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": env_secret("EMAIL_HOST_PASSWORD", "") or "",
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "KetaCare <no-reply@localhost>")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Server-side sessions in the database: revocable, 15 min idle (refreshed on every
# request), 12 h absolute (SessionLifetimeMiddleware). HIPAA 164.312(a)(2)(iii).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", 15 * 60))
SESSION_SAVE_EVERY_REQUEST = False  # refreshed at most once a minute: accounts/middleware.py
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", 12 * 3600))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated). With
# none, the client address is the TCP peer; behind a reverse proxy list the proxy here,
# or every client shares the proxy's address (and its login throttle).
KETACARE_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("KETACARE_TRUSTED_PROXIES", "").split(",") if p.strip()
]
for _proxy in KETACARE_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise RuntimeError(
            f"KETACARE_TRUSTED_PROXIES: {_proxy!r} is not an address or CIDR"
        ) from _exc

# Login throttling: 5 failures lock the account+address pair for 15 minutes, or until an
# admin runs `ketacare unlock EMAIL` (axes_reset). Password spraying (a few tries on many
# accounts) is stopped by a second limit on all failures from one client address.
AXES_HANDLER = "ketacare.accounts.login_throttle.AccountAndAddressHandler"
AXES_CLIENT_IP_CALLABLE = "ketacare.accounts.current.client_ip"
KETACARE_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("KETACARE_LOGIN_FAILURES_PER_ADDRESS", 20))
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 0.25))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# The name typed is stored as a keyed hash (a password typed into the email box must not
# be written down); `clear_account_lock(email)` unlocks by the same hash.
AXES_USERNAME_CALLABLE = "ketacare.accounts.login_throttle.username_for_axes"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# API tokens expire this many days after they are issued; a new one is made on "My account".
KETACARE_API_TOKEN_DAYS = int(os.environ.get("KETACARE_API_TOKEN_DAYS", 90))

# TOTP for staff: required in production; KETACARE_REQUIRE_TOTP=false relaxes it (demo).
KETACARE_REQUIRE_TOTP = env_bool("KETACARE_REQUIRE_TOTP", PRODUCTION)
OTP_TOTP_ISSUER = "KetaCare"

# /api/openapi.json and /api/docs for logged-in users and token holders only, unless opened.
KETACARE_API_DOCS_PUBLIC = env_bool("KETACARE_API_DOCS_PUBLIC", False)
# Rate limits per minute: per API token or logged-in user, and per client address for
# requests without a login (login, password reset, the API without a valid token).
RATE_LIMIT_API_PER_MINUTE = int(os.environ.get("RATE_LIMIT_API_PER_MINUTE", "600"))
RATE_LIMIT_PUBLIC_PER_MINUTE = int(os.environ.get("RATE_LIMIT_PUBLIC_PER_MINUTE", "60"))
# Public referral and consultation forms: submissions per client address per hour (a
# referring practice behind one address sends a few a day; a bot sends hundreds).
RATE_LIMIT_REFERRALS_PER_HOUR = int(os.environ.get("RATE_LIMIT_REFERRALS_PER_HOUR", "20"))
# Opening or sending one-time questionnaire links, per client address and hour.
RATE_LIMIT_LINKS_PER_HOUR = int(os.environ.get("RATE_LIMIT_LINKS_PER_HOUR", "30"))
# Where emailed links point (reminders are sent by the worker, outside any request).
KETACARE_BASE_URL = os.environ.get("KETACARE_BASE_URL", "http://127.0.0.1:8000")
# The counters live in the cache: one file cache per machine in production, shared by every
# gunicorn worker; memory in development and tests.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
    if PRODUCTION
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# In development WhiteNoise finds files in the apps' static folders as they change.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security headers: no inline script, no framing, no PHI in caches.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No query strings in any log line (a search term or a mistyped field can be a name): the
# development server's request log goes through the same filter as everything else.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query_strings": {"()": "ketacare.config.log_privacy.DropQueryStrings"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_query_strings"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["no_query_strings"],
        },
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The audit chain's HMAC key ring, outside the database (docs/security.md). Development
# creates one under the var dir on first use; production must name one.
AUDIT_KEY_FILE = os.environ.get("AUDIT_KEY_FILE") or (
    None if PRODUCTION else str(VAR_DIR / "audit-keys.json")
)

# Message attachments (PDF, PNG, JPEG): stored outside the static root, served only through
# the gate (messaging.attachments); the size limit is a clinic's choice, 5 MB by default.
MESSAGE_ATTACHMENTS_DIR = os.environ.get(
    "MESSAGE_ATTACHMENTS_DIR", str(VAR_DIR / "message-attachments")
)
MESSAGE_ATTACHMENT_MAX_BYTES = int(os.environ.get("MESSAGE_ATTACHMENT_MAX_BYTES", 5 * 1_048_576))
