"""The one settings file. Every value that differs between machines comes from the
environment (django-environ); the defaults are the safe production ones, and
``DEBUG=1`` (set by ``make run`` and the tests) opts into the embedded mode.
"""
import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The .env file (written by the development set-up, scripts/setup.sh) is read only when
# DEBUG is set explicitly, and on, in the environment: a set-up checkout deployed outside
# Docker never turns DEBUG on (or anything else) from a stray .env (issue 14).
if "DEBUG" in os.environ and env.bool("DEBUG", default=False):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me" if DEBUG else None)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "etown",
    "supervision",
    "funds",
    "acceptance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "etown.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "etown.middleware.SessionLifetimeMiddleware",
    "etown.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "etown.middleware.AlreadyHandledMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "etown.middleware.SecurityHeadersMiddleware",
    "etown.middleware.AuditMiddleware",
    # Axes last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "etown.urls"
WSGI_APPLICATION = "etown.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "etown.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections, checked before reuse (issue 16: a new connection per request
# cost 6–14 ms a page).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
# PostgreSQL's JIT off for our connections (issue 16): it pays off for long analytical
# queries, not for ours. The gates sweep's positions query is costed above
# jit_above_cost and spent 64 ms of its 111 ms compiling; the home dashboard ~10 ms.
# DATABASE_JIT=1 leaves the server's setting (e.g. behind a pooler that refuses startup
# options).
_JIT_OFF = {"options": "-c jit=off"} if not env.bool("DATABASE_JIT", default=False) else {}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(_JIT_OFF)
# Heavy read pages (dashboards, exports, open data) may read from a PostgreSQL replica
# (etown/db_router.py, issue 16); writes and reads after a write stay on the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {}).update(_JIT_OFF)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["etown.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保 2.0 asks for complexity: a deliberate choice over ASVS's advice (DESIGN.md).
    {"NAME": "etown.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: no anonymous user object; permissions live on direct-FK tables.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-axes: lock an account+address after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Sessions end after 30 idle minutes (等保: session timeout).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
# Saved when it changes; etown.middleware.SessionRefreshMiddleware pushes the idle expiry
# on at most once a minute (issue 16).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# …and end SESSION_ABSOLUTE_SECONDS after sign-in however busy (issue 14; 12 h); a page
# warns 5 minutes before the idle sign-out and offers 继续 (static/js/etown/session.js).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)

# A second factor (TOTP, django-otp; 等保 2.0 三级 身份鉴别: 两种或以上组合的鉴别技术) for
# office heads and the three administrator groups, with recovery codes (issue 14).
# On unless DEBUG: the demo users, who exist only in DEBUG, have it off (README).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="乡村e镇项目监管平台")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_HTTPS = env.bool("SECURE_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Several web and worker nodes share uploads through S3-compatible object storage when
# S3_BUCKET is set (django-storages; issue 16); without it they stay in MEDIA_ROOT.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "location": env("S3_PREFIX", default="uploads"),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
    # Backups (etown.backups, ``backup --storage`` and the daily task) in the same bucket
    # under their own prefix; job outputs and dossiers go to "default" (etown.filestore).
    STORAGES["backups"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**STORAGES["default"]["OPTIONS"], "location": env("S3_BACKUP_PREFIX", default="backups")},
    }
# Uploaded files live outside the web root and are served only by permission-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "uploads")
# No URL serves MEDIA_ROOT (only the permission-checked download view does); MEDIA_URL
# must still be a string for Django's test live server.
MEDIA_URL = "/uploads-not-served/"
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A refused CSRF check says what to do, in Chinese (issue 13).
CSRF_FAILURE_VIEW = "etown.views.errors.csrf_failure"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="etown-portal@localhost")
# The portal's public address: mails carry absolute links built on it (issue 15).
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")

# Celery: a broker when REDIS_URL is set; otherwise tasks run in-process (embedded mode).
REDIS_URL = env("REDIS_URL", default="")
# CELERY_BROKER_URL=filesystem:// (``make run``, issue 13): a broker that needs no server,
# kombu's filesystem transport in var/broker/, so the demo runs a real worker and beat.
CELERY_BROKER_URL = REDIS_URL or env("CELERY_BROKER_URL", default="") or "memory://"
BROKER_FOLDER = Path(env("BROKER_FOLDER", default=str(BASE_DIR / "var" / "broker")))
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Issue 13: nothing lost in the background. A request never waits on the broker (short
# timeouts, no retries on publish: etown.jobs.publish) and reads no result backend (the
# page reads the Job row). A killed worker loses nothing: messages are acknowledged after
# the task and given back when the worker dies; one message at a time per process; Redis
# hands an unacknowledged message out again after the visibility timeout, longer than
# our longest task (the dossier, 30 min); the jobs sweep takes back stale work sooner.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * 3600,
    "socket_connect_timeout": 2,
    "max_retries": 0,  # a publish fails fast; the Job stays queued for the sweep
}
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS.update({
        "data_folder_in": str(BROKER_FOLDER / "queue"), "data_folder_out": str(BROKER_FOLDER / "queue"),
        "processed_folder": str(BROKER_FOLDER / "processed"), "store_processed": False,
        # kombu keeps its exchange table in ./control unless told: keep it with the broker.
        "control_folder": str(BROKER_FOLDER / "control"),
    })
    for _folder in ("queue", "processed", "control"):
        (BROKER_FOLDER / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Monthly reports: remind the contractor this many working days before the due date.
REPORT_REMINDER_WORKDAYS = env.int("REPORT_REMINDER_WORKDAYS", default=3)

# How many trusted reverse proxies stand in front of the app (1 behind the compose nginx):
# ONE setting for the client's address in the rate limit, the security log and axes'
# lockout (etown.ratelimit.client_ip; issue 14). With 0, X-Forwarded-For is ignored.
# PUBLIC_PROXY_HOPS is its old name, still read.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=env.int("PUBLIC_PROXY_HOPS", default=0))
PUBLIC_PROXY_HOPS = TRUSTED_PROXY_HOPS
AXES_CLIENT_IP_CALLABLE = "etown.ratelimit.client_ip"

# The security audit log is kept this many days (网络安全法 第二十一条: no less than six
# months; below 183 counts as 183). `manage.py prune_audit` and the daily sweep remove older rows.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

# Daily backups by Celery beat (etown.tasks.daily_backup); off when unset.
BACKUP_DIR = env("BACKUP_DIR", default="")
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=30)
# A Fernet key (base64, 32 bytes: Fernet.generate_key()) to encrypt backups with; they
# hold 举报 identities and password hashes. Unset: backups are written unencrypted.
BACKUP_ENCRYPTION_KEY = env("BACKUP_ENCRYPTION_KEY", default="")

PORTAL_NAME = env("PORTAL_NAME", default="乡村e镇项目监管平台")
