"""Django settings, read from the environment (see docs/configuration.md)."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.utils.csp import CSP  # type: ignore[attr-defined,unused-ignore]

from peerlearn.config.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    parse_database_url,
    parse_networks,
    sqlite_database,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("PEERLEARN_DATA_DIR", str(Path.cwd() / "peerlearn-data"))).resolve()


def _secret_key() -> str:
    configured = env_secret("PEERLEARN_SECRET_KEY")
    if configured:
        return configured
    # A self-hosted install with no key configured keeps a generated one in its data
    # folder, so sessions survive restarts and several local processes agree on it.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("PEERLEARN_DEBUG", False)
ALLOWED_HOSTS = env_list("PEERLEARN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("PEERLEARN_CSRF_TRUSTED_ORIGINS", [])
BASE_URL = env_str("PEERLEARN_BASE_URL", "http://localhost:8000").rstrip("/")

_database_url = env_str("DATABASE_URL", "")
if not _database_url:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASE = (
    parse_database_url(_database_url)
    if _database_url
    else sqlite_database(DATA_DIR / "peerlearn.sqlite3")
)
DATABASES = {"default": DATABASE.settings}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    # Our apps come first so their templates (e.g. registration/*) win over the admin's.
    "peerlearn.people",
    "peerlearn.web",
    "peerlearn.api",
    "peerlearn.schedule",
    "peerlearn.knowledge",
    "peerlearn.gaps",
    "peerlearn.capture",
    "peerlearn.kb",
    "peerlearn.chat",
    "peerlearn.planning",
    "peerlearn.search",
    "peerlearn.audit",
    # Django admin with peerlearn's operator-only site (peerlearn.people.admin_site).
    "peerlearn.people.admin_config.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Inside it: a page drawing a Mermaid diagram may apply inline styles (web/csp.py).
    "peerlearn.web.csp.DiagramStylesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that can answer on its own (sessions, CSRF, the resolver), so
    # their answers are JSON under /api/ and never stored when personal.
    "peerlearn.web.middleware.PrivateNoStoreMiddleware",
    "peerlearn.api.middleware.ApiErrorsAsJsonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "peerlearn.config.urls"
WSGI_APPLICATION = "peerlearn.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

AUTH_USER_MODEL = "people.User"
# Django's ModelBackend with the sign-in throttle in front (peerlearn.people.login_backend):
# every sign-in, the app's form or anything else that calls authenticate, is throttled.
AUTHENTICATION_BACKENDS = ["peerlearn.people.login_backend.ThrottledModelBackend"]
# Django's own database sessions: every signed-in request reads the session and the
# person; pages are rendered on every request (docs/architecture.md).
SESSION_ENGINE = "peerlearn.web.session_store"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins allowed per account inside the window before refusing it
# (peerlearn.people.throttle); an address may fail more often, for a shorter while, so
# one person's mistakes behind an office's shared address do not lock out the office.
LOGIN_THROTTLE_LIMIT = env_int("PEERLEARN_LOGIN_THROTTLE_LIMIT", 5, minimum=1)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("PEERLEARN_LOGIN_THROTTLE_WINDOW", 900, minimum=1)
LOGIN_THROTTLE_ADDRESS_LIMIT = env_int(
    "PEERLEARN_LOGIN_THROTTLE_ADDRESS_LIMIT", 4 * LOGIN_THROTTLE_LIMIT, minimum=1
)
LOGIN_THROTTLE_ADDRESS_WINDOW_SECONDS = env_int(
    "PEERLEARN_LOGIN_THROTTLE_ADDRESS_WINDOW", 300, minimum=1
)
# Password-reset requests allowed per e-mail address and per client address.
PASSWORD_RESET_THROTTLE_LIMIT = env_int("PEERLEARN_PASSWORD_RESET_LIMIT", 3, minimum=1)
PASSWORD_RESET_THROTTLE_ADDRESS_LIMIT = env_int(
    "PEERLEARN_PASSWORD_RESET_ADDRESS_LIMIT", 10, minimum=1
)
PASSWORD_RESET_THROTTLE_WINDOW_SECONDS = env_int("PEERLEARN_PASSWORD_RESET_WINDOW", 3600, minimum=1)
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks); the
# client's address is the rightmost one in the header that is not one of them.
TRUSTED_PROXIES = parse_networks(
    "PEERLEARN_TRUSTED_PROXIES", env_list("PEERLEARN_TRUSTED_PROXIES", [])
)

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("PEERLEARN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Only for deployments that put a reverse proxy in front (`peerlearn manage collectstatic`).
STATIC_ROOT = env_str("PEERLEARN_STATIC_ROOT", "") or None
# Files are served by whitenoise straight from the installed package (no collectstatic
# step to forget); every asset is local, nothing comes from a CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600

# --- Security headers -------------------------------------------------------------
HTTPS = env_bool("PEERLEARN_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS and env_bool("PEERLEARN_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("PEERLEARN_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("PEERLEARN_BEHIND_PROXY", False) else None
)
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
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Mail (Django 6.1 MAILERS) -----------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("PEERLEARN_MAIL_FROM", "peerlearn <peerlearn@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_smtp_host = env_str("PEERLEARN_SMTP_HOST", "")
if _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": env_int("PEERLEARN_SMTP_PORT", 25, minimum=1, maximum=65535),
                "username": env_str("PEERLEARN_SMTP_USER", ""),
                "password": env_secret("PEERLEARN_SMTP_PASSWORD") or "",
                "use_tls": env_bool("PEERLEARN_SMTP_STARTTLS", False),
                "use_ssl": env_bool("PEERLEARN_SMTP_SSL", False),
                "timeout": env_int("PEERLEARN_SMTP_TIMEOUT", 20, minimum=1),
            },
        }
    }
else:
    # With no SMTP server configured, mail is written to files in the data folder,
    # where a demo user can read the password-reset link.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "outbox")},
        }
    }

# --- Background work (Django Tasks + django-tasks-db) ---------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

NINJA_PAGINATION_PER_PAGE = 50

# --- Knowledge map ------------------------------------------------------------------
# Folders under which a team may register a repository by its local path (absolute
# paths; checked by peerlearn.knowledge's system check). Empty: local paths refused.
KNOWLEDGE_REPOSITORY_ROOTS = env_list("PEERLEARN_REPOSITORY_ROOTS", [])
# Clone URLs may reach loopback, private and other non-public addresses only if set.
KNOWLEDGE_CLONE_ALLOW_PRIVATE = env_bool("PEERLEARN_CLONE_ALLOW_PRIVATE", False)
# Seconds an analysis (clone or fetch included) may take before it is stopped.
KNOWLEDGE_ANALYSIS_TIMEOUT = env_int("PEERLEARN_ANALYSIS_TIMEOUT", 3600, minimum=10)
# Parsed knowledge maps each web process keeps (peerlearn.knowledge.result).
KNOWLEDGE_MAP_CACHE_BYTES = env_int("PEERLEARN_KNOWLEDGE_CACHE_MB", 64, minimum=0) * 1024 * 1024

# Session recordings people upload (with everyone's consent); served only through a view
# that checks access, never as static files.
CAPTURE_RECORDINGS_DIR = Path(
    env_str("PEERLEARN_RECORDINGS_DIR", str(DATA_DIR / "recordings"))
).resolve()
CAPTURE_RECORDING_MAX_MB = env_int("PEERLEARN_RECORDING_MAX_MB", 2048, minimum=1)
# A faster-whisper model folder: local transcription of recordings (off when empty).
CAPTURE_WHISPER_MODEL_DIR = env_str("PEERLEARN_WHISPER_MODEL_DIR", "")

# Chat webhooks to this machine or a private address (a Mattermost on the LAN): off, so a
# team lead cannot make the server post into the internal network (engines.chat).
CHAT_ALLOW_LOCAL_WEBHOOKS = env_bool("PEERLEARN_CHAT_ALLOW_LOCAL_WEBHOOKS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("PEERLEARN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
