"""PhốiHợp settings: one module, read from the environment (docs/configuration.md lists every variable).

With nothing set the app runs embedded: SQLite, a filesystem Celery broker and the console mail backend,
so `make run` works on a bare machine. DJANGO_ENV=production turns on the production posture and refuses
to start without a secret key and allowed hosts.
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.mail import mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV phải là development, production hoặc test (DJANGO_ENV must be one of those), "
        f"không phải {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"
TESTING = DJANGO_ENV == "test"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION and not TESTING)

# Where the app keeps what it writes at run time (SQLite file, uploads, embedded broker queue).
VAR_DIR = Path(env.str("PHOIHOP_VAR_DIR", default=str(BASE_DIR / "var")))

if PRODUCTION:
    # No defaults in production: a missing secret must stop the process, not weaken it.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    # Old keys still accepted for sessions and signed links while a new key is rolled out (docs/operations.md).
    SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS không được để trống khi DJANGO_ENV=production.")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-phoihop-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver", "[::1]"])

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "import_export",
    "axes",
    "config.apps.ProjectConfig",
    "outbox",
    "notifications",
    "signatures",
    "regulations",
    "obligations",
    "reminders",
    "matters",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A read request whose database connection died is answered again on a new one; otherwise a 503.
    "config.database.DatabaseRetryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Strips NUL bytes and invisible characters from every submitted value before a view reads it.
    "config.input.CleanInputMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "regulations.context_processors.user_parties",
                "obligations.context_processors.reviewer",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'phoihop.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the embedded worker and the web process share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The filesystem broker ignores the host, but kombu warns on every connection that names none.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost/")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery-queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery-processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "store_processed": False,
        # Broadcast (remote control) messages, which kombu would otherwise write to ./control.
        "control_folder": str(VAR_DIR / "celery-control"),
    }
    (VAR_DIR / "celery-control").mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=TESTING)
# Where tasks go unless routed; a test's worker subprocess names a queue of its own, so that the jobs its
# reminder pass hands over (the chunked sending) come back to it and to no other worker.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Auth -------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a login while the account or the address is locked out, before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins: after AXES_FAILURE_LIMIT failures the pair (account, address) is locked for
# AXES_COOLOFF_MINUTES, and an address after AXES_IP_FAILURE_LIMIT failures whatever the accounts
# (config.security.LockoutHandler): a guesser elsewhere cannot lock a clerk out of her own desk. Attempts
# refused during a lockout do not count again. Every login and failed login is kept (axes' access log and
# failure log, readable in the admin) and written to the "phoihop.audit" log.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "config.security.LockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
# How many reverse proxies in front of the app append to X-Forwarded-For (0: trust REMOTE_ADDR only).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation ---------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and uploaded files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are private: they live outside any URL and are served by views that check permission.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
# Django's public media settings point at an empty folder no URL serves; uploads go to the private storage.
MEDIA_ROOT = VAR_DIR / "no-public-media"
MEDIA_URL = "/no-public-media/"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": MEDIA_URL},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if not PRODUCTION:
    # Served from the apps' folders by whitenoise's finders; the empty folder only quiets its warning.
    WHITENOISE_USE_FINDERS = True
    STATIC_ROOT.mkdir(exist_ok=True)
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", default=20) * 1024 * 1024
# A document read for its obligations (obligations/intake): the extraction engine's DEFAULT_MAX_BYTES, 10 MB.
INTAKE_MAX_BYTES = env.int("INTAKE_MAX_MB", default=10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Digital signatures (ký số; docs/signatures.md) ---------------------------------------------------
# Each organisation's PKCS#12 credential is SIGNING_DIR/<code>.p12 (+ <code>.pass, <code>.seal.png); the keys
# never enter the database. Signed uploads must chain to one of SIGNING_TRUST_ROOTS (files or folders).
SIGNING_DIR = Path(env.str("SIGNING_DIR", default=str(VAR_DIR / "signing")))
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[str(SIGNING_DIR / "trust")])
# An RFC 3161 timestamp server (e.g. the national CA's); none by default.
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
SIGNING_TSA_TIMEOUT = env.int("SIGNING_TSA_TIMEOUT", default=10)

# --- Email ------------------------------------------------------------------------------------------
# EMAIL_URL (smtp+tls://user:password@host:587, consolemail://, …) becomes Django 6.1's MAILERS setting.
# Production must name a real mail server: no default there (the console backend would lose every reminder).
_email_url = env.str("EMAIL_URL") if PRODUCTION else env.str("EMAIL_URL", default="consolemail://")
MAILERS = {"default": mailer_from_url(_email_url, timeout=env.int("EMAIL_TIMEOUT", default=20))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PhốiHợp <no-reply@phoihop.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Demo -------------------------------------------------------------------------------------------
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="phoihop-demo")

# --- Security ---------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# A session ends after SESSION_COOKIE_AGE seconds without a request (each request renews it).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: every script and stylesheet is a static file of the app itself.
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
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    # /healthz is probed over plain HTTP by the load balancer inside the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Reminders (reminders app) and email (notifications app) -----------------------------------------
# Defaults for an obligation without its own ReminderPolicy (docs/reminders.md).
REMINDER_DEFAULT_OFFSETS = [30, 14, 7, 3, 1, 0]  # days before the due date; 0 is the due day itself
REMINDER_OVERDUE_EVERY_DAYS = 3
REMINDER_ESCALATE_AFTER_DAYS = 3
# Overdue reminders stop after this many days overdue, so a forgotten old task does not nag for ever.
REMINDER_OVERDUE_STOP_AFTER_DAYS = env.int("REMINDER_OVERDUE_STOP_AFTER_DAYS", default=90)
REMINDER_HOUR = env.int("REMINDER_HOUR", default=7)  # Asia/Ho_Chi_Minh: the daily pass (Celery beat)
REMINDER_MINUTE = env.int("REMINDER_MINUTE", default=0)
# A failed email is retried with exponential backoff (base, base*2, base*4, … capped), then marked failed.
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=6)
REMINDER_RETRY_BASE_SECONDS = env.int("REMINDER_RETRY_BASE_SECONDS", default=300)
REMINDER_RETRY_MAX_SECONDS = env.int("REMINDER_RETRY_MAX_SECONDS", default=6 * 3600)
# A delivery claimed by a worker that died before recording the result is taken back after this long.
REMINDER_CLAIM_TIMEOUT_SECONDS = env.int("REMINDER_CLAIM_TIMEOUT_SECONDS", default=900)

# --- Reports, PDF and spreadsheets (reports app) --------------------------------------------------------
REPORT_PDF_TIME_LIMIT = env.int("REPORT_PDF_TIME_LIMIT", default=300)
# A generated file whose worker has not reported for this long is taken back and run again (a killed worker).
# Longer than REPORT_PDF_TIME_LIMIT, after which Celery kills any render: a file this quiet has no live worker.
REPORT_STALE_SECONDS = env.int("REPORT_STALE_SECONDS", default=REPORT_PDF_TIME_LIMIT + 60)
# How often a file is run again after its worker died, before it is marked failed ("Đã dừng giữa chừng").
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)
# Spreadsheet imports run in a worker; a file of more rows is refused at upload, with a message.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20000)
# The import file's own size limit: well over IMPORT_MAX_ROWS rows, so a long file gets the rows message.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=20) * 1024 * 1024
IMPORT_TIME_LIMIT = env.int("IMPORT_TIME_LIMIT", default=1800)  # seconds a worker may spend on one import
EXPORT_ASYNC_THRESHOLD = env.int("EXPORT_ASYNC_THRESHOLD", default=5000)  # rows; larger exports run in a worker

# --- Outbox (outbox app) -------------------------------------------------------------------------------
# A task recorded in a transaction is handed to the broker when it commits; one still waiting after this many
# seconds (the broker was down) is handed over by the beat's drain, which runs every minute.
OUTBOX_GRACE_SECONDS = env.int("OUTBOX_GRACE_SECONDS", default=30)

# --- Logging ----------------------------------------------------------------------------------------
# Everything goes to the console (stderr): one JSON object per line in production (config/logging.py) for the
# log collector, plain text otherwise. LOG_LEVEL sets the root level (DEBUG, INFO, WARNING, ERROR).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "filters": {"refusals_on_one_line": {"()": "config.logging.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json" if PRODUCTION else "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO").upper()},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A 403 or 404 is one line, without the traceback of the exception that refused it.
        "django.request": {"filters": ["refusals_on_one_line"]},
        "django.security": {"filters": ["refusals_on_one_line"]},
        # axes logs every login and every lockout check at INFO; our own audit log (phoihop.audit) says it once.
        "axes": {"level": "WARNING"},
        # WeasyPrint and pyHanko subset fonts through fontTools, which narrates every table at INFO.
        "fontTools": {"level": "ERROR"},
    },
}
# The Celery worker and beat keep this configuration instead of installing their own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
