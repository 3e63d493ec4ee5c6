"""Luotsi settings: one module, driven by the environment (see .env.example)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_int,
    env_list,
    env_rate,
    env_secret,
    env_str,
    load_dotenv,
)

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")

# Demo mode serves the synthetic demo county with its published demo logins. It must never be
# switched on where real client data lives; `manage.py check --deploy` reports it as an error.
DEMO_MODE = env_bool("LUOTSI_DEMO", default=False)
DEBUG = env_bool("LUOTSI_DEBUG", default=False)

# Keys are secrets: outside demo mode each is required, at least KEY_MIN_LENGTH random characters
# (SECRET_KEY: SECRET_KEY_MIN_LENGTH, as Django's own deployment check asks) of which at least
# config.env.SECRET_MIN_DISTINCT different, and never a published value (the demo keys below);
# otherwise the server refuses to start. `manage.py check --deploy` checks them again.
SECRET_KEY_MIN_LENGTH = 50
KEY_MIN_LENGTH = 32
_INSECURE_DEMO_SECRET = "demo-only-insecure-secret-never-use-with-real-data-0123456789abcdef"  # noqa: S105 - used only in demo mode
SECRET_KEY = env_secret("LUOTSI_SECRET_KEY", demo_mode=DEMO_MODE, demo_value=_INSECURE_DEMO_SECRET,
                        min_length=SECRET_KEY_MIN_LENGTH)
# Key material for personal identity codes: encryption at rest and the keyed lookup hash are
# both derived from this one secret (HKDF, separate labels). Rotating it needs a re-encryption run.
PERSONAL_DATA_KEY = env_secret("LUOTSI_PERSONAL_DATA_KEY", demo_mode=DEMO_MODE,
                               demo_value=_INSECURE_DEMO_SECRET, min_length=KEY_MIN_LENGTH)
# The key the stored data is still encrypted with while `manage.py rotate_personal_data_key` runs
# (it re-encrypts from this key to PERSONAL_DATA_KEY); empty otherwise. Read only by that command.
PERSONAL_DATA_KEY_PREVIOUS = env_str("LUOTSI_PERSONAL_DATA_KEY_PREVIOUS", default="")
# Key of the access log's hash chain (HMAC-SHA256): without it no one can recompute the chain after
# changing a record, even with the database's append-only triggers off. Held outside the database;
# never changed (the records written with it verify only with it).
_INSECURE_DEMO_ACCESS_LOG_KEY = "demo-only-access-log-key-never-use-with-real-data-0123456789abcdef"  # used only in demo mode
ACCESS_LOG_KEY = env_secret("LUOTSI_ACCESS_LOG_KEY", demo_mode=DEMO_MODE,
                            demo_value=_INSECURE_DEMO_ACCESS_LOG_KEY, min_length=KEY_MIN_LENGTH)
PUBLISHED_KEYS = (_INSECURE_DEMO_SECRET, _INSECURE_DEMO_ACCESS_LOG_KEY)

ALLOWED_HOSTS = env_list("LUOTSI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("LUOTSI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "luotsi.organisation.apps.SignInAttemptsConfig",  # django-axes, named in fi/sv/en
    # The second factor of password sign-ins (luotsi.organisation.second_factor): django-otp's
    # devices and its TOTP plugin; the authenticators are never shown in the admin.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "luotsi.common",
    "luotsi.organisation",
    "luotsi.people",
    "luotsi.access",
    "luotsi.deadlines",
    "luotsi.intake",
    "luotsi.reports",
    "luotsi.foresight",
    "luotsi.plans",
    "luotsi.usage",
    "luotsi.sharedcare",
    "luotsi.signals",
    "luotsi.api",
    "luotsi.home",
    "luotsi.oma",
    "luotsi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "luotsi.common.middleware.RequestIdMiddleware",
    "luotsi.common.sessions.IdleSessionMiddleware",
    "luotsi.common.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Under /oma/ (the client's own area) the CSRF secret lives in the session, not a cookie.
    "luotsi.oma.middleware.CsrfSecretInSessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A password sign-in counts only after its second factor (outside demo mode): until then the
    # session is nobody's, on every path (luotsi.organisation.second_factor).
    "luotsi.organisation.second_factor.SecondFactorMiddleware",
    # The client's own area (/oma/): its own session identity, kept apart from staff sessions.
    "luotsi.oma.middleware.ClientAreaMiddleware",
    "luotsi.common.logs.UserIdMiddleware",
    "luotsi.common.middleware.NoStoreMiddleware",
    "luotsi.common.middleware.PendingFormMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "luotsi.home.context_processors.luotsi",
            ],
            # {{ value|luotsi_date }} and the other date filters in every template.
            "builtins": ["luotsi.common.templatetags.luotsi_format"],
        },
    },
    {
        # The fragments a page repeats many times (its rows, a goal's chart), autoescaped:
        # luotsi.common.partials and docs/decisions/0002-html-in-templates.md.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "luotsi.common.partials.environment"},
    },
]

# Databases: the embedded SQLite (WAL) by default; DATABASE_URL selects another
# (sqlite:////abs/path.sqlite3 or postgres://user@host:5432/name).
_default_sqlite = BASE_DIR / "var" / "luotsi.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{_default_sqlite}"),
        conn_max_age=env_int("LUOTSI_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock at BEGIN, so the access-log hash chain never forks.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# A streaming replica of the primary (docs/operations.md "Scale-out"): with DATABASE_REPLICA_URL
# set, the report figures (key figures, effectiveness, indicators, the research file) are read
# from it; every write, and every other read, stays on the primary (luotsi.common.replica).
_replica_url = env_str("DATABASE_REPLICA_URL", default="")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url, conn_max_age=env_int("LUOTSI_DB_CONN_MAX_AGE", 60),
        # A kept connection to a replica that went away is noticed at the next request, which
        # then reads the primary (luotsi.common.replica).
        conn_health_checks=True)
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name a replica of DATABASE_URL's database (the same engine).")
    # The test runner's database is the primary's; the replica follows it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["luotsi.common.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisation.User"
# django-axes first (a throttled attempt never reaches the password check); Luotsi's backend
# refuses demo logins outside demo mode on every sign-in path (luotsi.organisation.backends).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "luotsi.organisation.backends.LuotsiModelBackend",
    "luotsi.organisation.oidc.LuotsiOIDCBackend",
]
# Argon2id with parameters measured for the servers (bench/bench_login.py, bench/README.md), never
# below OWASP's minimums: memory in KiB (19 MiB = 19456), passes, lanes. Hashes with other
# parameters are re-hashed at the next sign-in.
ARGON2_MEMORY_COST = env_int("LUOTSI_ARGON2_MEMORY_KIB", 19456)
ARGON2_TIME_COST = env_int("LUOTSI_ARGON2_TIME_COST", 2)
ARGON2_PARALLELISM = env_int("LUOTSI_ARGON2_PARALLELISM", 1)
if ARGON2_MEMORY_COST < 19456 or ARGON2_TIME_COST < 2 or ARGON2_PARALLELISM < 1:
    # OWASP: m=19 MiB, t=2, p=1 (or more memory for fewer passes; Luotsi keeps t >= 2).
    raise ImproperlyConfigured(
        "The Argon2 parameters are below OWASP's minimums: LUOTSI_ARGON2_MEMORY_KIB >= 19456, "
        "LUOTSI_ARGON2_TIME_COST >= 2, LUOTSI_ARGON2_PARALLELISM >= 1.")
PASSWORD_HASHERS = [
    "luotsi.organisation.hashers.LuotsiArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# The second factor of password sign-ins outside demo mode (luotsi.organisation.second_factor,
# docs/permissions.md "Two-step verification"): a TOTP authenticator app. The issuer is the name
# the app shows beside the account.
OTP_TOTP_ISSUER = env_str("LUOTSI_TOTP_ISSUER", default="Luotsi")
# Wrong codes count in the sign-in limits below (one pause for passwords and codes alike), not
# in a separate per-device delay.
OTP_TOTP_THROTTLE_FACTOR = 0
# Staff sign-in through the county's OpenID Connect provider (luotsi.organisation.oidc,
# docs/operations.md "Staff sign-in"): offered when the issuer, client id and secret are set.
# Endpoints come from the issuer's discovery document; the redirect URI is
# <site>/auth/oidc/callback/.
OIDC_ISSUER = env_str("LUOTSI_OIDC_ISSUER", default="")
OIDC_RP_CLIENT_ID = env_str("LUOTSI_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env_str("LUOTSI_OIDC_CLIENT_SECRET", default="")
OIDC_USERNAME_CLAIM = env_str("LUOTSI_OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_RP_SIGN_ALGO = env_str("LUOTSI_OIDC_SIGN_ALGORITHM", default="RS256")
OIDC_RP_SCOPES = "openid profile"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_STORE_ID_TOKEN = True  # the hint for signing out at the provider
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
# The client's strong identification in their own area (luotsi.oma.auth, docs/operations.md
# "The client's strong identification"): offered when the issuer, client id, key file and the
# identity code's claim are all set. Authorization code flow with PKCE, private_key_jwt, and
# an ID token encrypted to Luotsi's key; the redirect URI is <site>/oma/auth/callback/ and the
# public keys are at <site>/oma/auth/jwks.json.
CLIENT_OIDC_ISSUER = env_str("LUOTSI_CLIENT_OIDC_ISSUER", default="")
CLIENT_OIDC_CLIENT_ID = env_str("LUOTSI_CLIENT_OIDC_CLIENT_ID", default="")
CLIENT_OIDC_KEY = env_str("LUOTSI_CLIENT_OIDC_KEY", default="")  # a path: JWK or PEM
CLIENT_OIDC_HETU_CLAIM = env_str("LUOTSI_CLIENT_OIDC_HETU_CLAIM", default="")
# The scopes asked for besides the identity code's claim (asked as an essential claim of the ID
# token); some brokers release the code only for a scope of their own.
CLIENT_OIDC_SCOPE = env_str("LUOTSI_CLIENT_OIDC_SCOPE", default="openid")
# The levels of assurance accepted (space-separated acr values, sent as acr_values; the ID
# token's acr must be one of them): by default Suomi.fi's substantial and high.
CLIENT_OIDC_ACR_VALUES = tuple(env_str(
    "LUOTSI_CLIENT_OIDC_ACR_VALUES",
    default="http://ftn.ficora.fi/2017/loa2 http://ftn.ficora.fi/2017/loa3").split())
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The client's address: REMOTE_ADDR, or with N trusted proxies of the county's own in front, the
# N-th address from the right of X-Forwarded-For (luotsi.common.addresses). Default 0: the header
# is written by the client and never trusted.
TRUSTED_PROXY_COUNT = env_int("LUOTSI_TRUSTED_PROXY_COUNT", 0)

# Login throttling (docs/permissions.md), every limit over the pause window of 15 minutes and
# never a permanent lockout:
# - 5 failures for the same user name from the same address pause that pair (django-axes);
# - 10 failures for one account from any addresses pause the account;
# - 100 failures over all accounts (password spraying) pause every address that failed.
AXES_FAILURE_LIMIT = env_int("LUOTSI_LOGIN_FAILURE_LIMIT", 5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LUOTSI_LOGIN_ACCOUNT_FAILURE_LIMIT", 10)
LOGIN_GLOBAL_FAILURE_LIMIT = env_int("LUOTSI_LOGIN_GLOBAL_FAILURE_LIMIT", 100)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LUOTSI_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A sign-in's failures are forgotten when it is complete: after the second factor when one is
# asked, so a correct password never wipes the count of wrong codes
# (luotsi.organisation.second_factor).
AXES_RESET_ON_SUCCESS = False
# Typed codes never reach django-axes' record of the attempt.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "luotsi.common.addresses.client_address"
# Every failure is kept (user name, address, time): the account and global limits count them.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# The cache holds the API's rate-limit windows. "database" (default): a table in Luotsi's own
# database (created by the migrations), shared by every web process and server, so the limits
# hold however many processes run; "locmem": per process, for tests and a single-process server.
_CACHE = env_str("LUOTSI_CACHE", default="database")
if _CACHE not in {"database", "locmem"}:
    raise ImproperlyConfigured(f"LUOTSI_CACHE must be database or locmem, not {_CACHE!r}.")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "luotsi_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    } if _CACHE == "database" else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "luotsi",
    }
}
# API rate limits (luotsi/api/throttling.py): requests per token, accepted requests per client
# address, refused requests (bad or missing tokens) per client address. "N/s|min|hour|day".
API_TOKEN_RATE = env_rate("LUOTSI_API_TOKEN_RATE", "600/min")
API_ADDRESS_RATE = env_rate("LUOTSI_API_ADDRESS_RATE", "1200/min")
API_REFUSED_RATE = env_rate("LUOTSI_API_REFUSED_RATE", "20/min")

# Idle timeout: the session ends after this many minutes without a request. A form posted after
# the timeout is kept and offered again after the new login (PendingFormMiddleware).
IDLE_TIMEOUT_MINUTES = env_int("LUOTSI_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = IDLE_TIMEOUT_MINUTES * 60
# A client's session in their own area (/oma/) ends after this many minutes without a request.
CLIENT_IDLE_TIMEOUT_MINUTES = env_int("LUOTSI_CLIENT_IDLE_TIMEOUT_MINUTES", 15)
# Absolute lifetime: a session ends this many hours after its sign-in however active it was.
SESSION_MAX_HOURS = env_int("LUOTSI_SESSION_MAX_HOURS", 10)
# The expiry moves with activity: saved when a minute has passed since the last write
# (luotsi.common.sessions), not on every request.
SESSION_ENGINE = "luotsi.common.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("LUOTSI_SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A refused form (no valid CSRF token) gets the page of its own area: the client's under /oma/.
CSRF_FAILURE_VIEW = "luotsi.home.views.csrf_failure"

_secure = env_bool("LUOTSI_SECURE_COOKIES", default=not (DEMO_MODE or DEBUG))
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
LANGUAGE_COOKIE_SECURE = _secure
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("LUOTSI_SSL_REDIRECT", default=_secure)
SECURE_HSTS_SECONDS = env_int("LUOTSI_HSTS_SECONDS", 31536000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool(
    "LUOTSI_BEHIND_TLS_PROXY", default=False) else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

_OIDC_ORIGIN = ["{0.scheme}://{0.netloc}".format(urlsplit(issuer))
                for issuer in dict.fromkeys((OIDC_ISSUER, CLIENT_OIDC_ISSUER)) if issuer]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The sign-out forms' redirect to the identity provider's end_session_endpoint (its
        # origin is the issuer's; the staff's and the client's) is a form action too.
        "form-action": [SELF, *_OIDC_ORIGIN],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Languages: Finnish is the default; Swedish and English are complete.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date and time format per language (luotsi/common/formatting.py), also for Django's own.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Helsinki"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic writes here (LUOTSI_STATIC_ROOT, default staticfiles/ in the checkout) and
# whitenoise serves it with far-future caching; see docs/operations.md for the order of commands.
STATIC_ROOT = Path(env_str("LUOTSI_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE or env_bool("LUOTSI_STATIC_FROM_FINDERS", False)
if WHITENOISE_USE_FINDERS:
    STATIC_ROOT.mkdir(exist_ok=True)  # served from the finders; the folder only has to exist
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if WHITENOISE_USE_FINDERS
        else "luotsi.common.staticfiles.LuotsiStaticFilesStorage"
    },
}

EMAIL_BACKEND = env_str("LUOTSI_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("LUOTSI_FROM_EMAIL", default="luotsi@localhost")
# The SMTP relay (with the smtp backend). Mail goes through the outbox (luotsi.common.outbox): it is
# stored in the transaction that decides it and sent after the commit by `manage.py send_outbox`
# (and right after each sweep), retried with doubling pauses from LUOTSI_OUTBOX_RETRY_SECONDS up to
# LUOTSI_OUTBOX_MAX_ATTEMPTS attempts; a refusal (5xx) is final at once.
EMAIL_HOST = env_str("LUOTSI_EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("LUOTSI_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("LUOTSI_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("LUOTSI_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("LUOTSI_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("LUOTSI_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("LUOTSI_EMAIL_TIMEOUT_SECONDS", 30)
OUTBOX_MAX_ATTEMPTS = env_int("LUOTSI_OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_SECONDS = env_int("LUOTSI_OUTBOX_RETRY_SECONDS", 60)
if OUTBOX_MAX_ATTEMPTS < 1 or OUTBOX_RETRY_SECONDS < 1:
    raise ImproperlyConfigured(
        "LUOTSI_OUTBOX_MAX_ATTEMPTS and LUOTSI_OUTBOX_RETRY_SECONDS must be 1 or more.")
# Retention of what `manage.py purge` removes (docs/operations.md "Purge"): sent mail is kept this
# many days for questions of delivery; mail that failed for good is kept until purged the same way.
OUTBOX_RETENTION_DAYS = env_int("LUOTSI_OUTBOX_RETENTION_DAYS", 30)

# Days an API token is valid from its creation (manage.py create_api_token).
API_TOKEN_DAYS = env_int("LUOTSI_API_TOKEN_DAYS", 90)
# Break-the-glass: how long an emergency access stays open.
EMERGENCY_ACCESS_HOURS = env_int("LUOTSI_EMERGENCY_ACCESS_HOURS", 4)
# Emergency access is for reading; a county may allow writes under it, each then marked in the
# access log and listed in the access's review.
EMERGENCY_WRITES = env_bool("LUOTSI_EMERGENCY_WRITES", default=False)
# The most children one responsible social worker has as child-welfare clients (LSL 13 b §:
# 30 from 2024). Shown on the team lead's caseload page and warned about when naming one.
CHILDREN_PER_SOCIAL_WORKER = env_int("LUOTSI_CHILDREN_PER_SOCIAL_WORKER", 30)
if CHILDREN_PER_SOCIAL_WORKER < 1:
    raise ImproperlyConfigured("LUOTSI_CHILDREN_PER_SOCIAL_WORKER must be 1 or more.")
# Days a declined shared-client flag stays out of the candidates list.
SHAREDCARE_DECLINE_HIDE_DAYS = env_int("LUOTSI_SHAREDCARE_DECLINE_HIDE_DAYS", 180)
# The service events' analytical copy (luotsi.usage.analytics): Parquet files by month, written by
# the import, read with DuckDB by the identification runs. Empty: no copy, the runs read the
# events table (the demo and development on SQLite). PostgreSQL stays the source of truth.
EVENTS_PARQUET_DIR = env_str("LUOTSI_EVENTS_PARQUET_DIR", default="")
# A person's access-log report for a period starting more than this many years back needs a
# stated special reason (Act 703/2023; see docs/personal-data.md).
ACCESS_LOG_REPORT_FREE_YEARS = 2

# Logs: one JSON object per line on stdout (LUOTSI_LOG_FORMAT=json, the default) or plain text
# (plain). Every record carries the request id and the signed-in professional's id, never a name,
# an identity code or a query string (luotsi.common.logs).
_LOG_FORMAT = env_str("LUOTSI_LOG_FORMAT", default="json")
if _LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LUOTSI_LOG_FORMAT must be json or plain, not {_LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "luotsi.common.logs.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "luotsi.common.logs.LuotsiJsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                             "formatter": _LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env_str("LUOTSI_LOG_LEVEL", default="INFO")},
    # luotsi.security: refused sign-ins and API tokens (without the secrets), for the SIEM.
    # django.server (runserver's request lines) carry query strings: not logged.
    "loggers": {"axes": {"level": "WARNING"}, "luotsi.security": {"level": "INFO"},
                "django.server": {"level": "WARNING"}},
}

# Error reporting to a Sentry-compatible service when SENTRY_DSN is set (config.observability:
# no personal data, no request bodies, cookies, query strings or user data in events).
SENTRY_DSN = env_str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from config.observability import init_sentry

    init_sentry(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", default="production"),
                release=env_str("SENTRY_RELEASE", default=""))
