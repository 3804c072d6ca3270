"""Settings for the Green Plan Portal, read from environment variables (django-environ).

With no environment at all it runs on a SQLite file with Celery tasks executed eagerly in-process.
Set DATABASE_URL and REDIS_URL for PostgreSQL and a real Celery worker (see README.md).
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_prose_editor.config import html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# Keys this repository once shipped (settings, .env.example, docker-compose.yml): anyone can read
# them, so they sign nothing outside a developer's machine.
PUBLISHED_SECRET_KEYS = frozenset(
    {"change-me-in-production", "dev-only-insecure-key-change-me-0123456789abcdef", "change-me"}
)
SECRET_KEY = env("SECRET_KEY", default="")
if not DEBUG and (not SECRET_KEY or SECRET_KEY in PUBLISHED_SECRET_KEYS):
    # Sessions, password-reset links and the workbooks' markers are signed with it: a known key
    # lets anyone forge them. Refuse to start rather than run on one.
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or a published example value. Set a long random SECRET_KEY, "
        "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))', "
        "or DEBUG=true on a developer's machine."
    )
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me-0123456789abcdef"
# Demo users with a published password: only when asked for (`make run`, compose's demo profile).
DEMO = env.bool("DEMO", default=False)
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_prose_editor",
    "axes",
    "core",
    "parks",
    "plans",
    "indicators",
    "notifications",
    "documents",
    "review",
    "reports",
    "summaries",
    "portal",  # composition pages, demo data and seed_demo
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.DocumentCSPMiddleware",  # django-csp's, not on JSON answers
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "parks.signed_in.SignedInUserMiddleware",  # Django's, the user read through the cache
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "parks.context_processors.roles",
                "notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend whose health check reads the socket instead of sending SELECT 1 (below)
    DATABASES["default"]["ENGINE"] = "core.postgresql"
# Persistent connections: a new PostgreSQL connection per request (CONN_MAX_AGE=0) halved what
# gunicorn served (bench/load.py: the floor 416 -> 685 req/s, autosave 25 -> 50 req/s).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# A kept connection is checked before a request reuses it: after the database restarts, the next
# request reconnects instead of answering 500 on the dead connection.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", DATABASES["default"]["CONN_MAX_AGE"] != 0)

AUTH_USER_MODEL = "parks.User"
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["portal.formats"]
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))

# Every uploaded or generated file is private: there is no MEDIA_URL that serves it, and a
# private storage makes no URL (core/storage.py). Files are read back only through
# access-checked views (core.files). They live in MEDIA_ROOT on this host, or, with S3_BUCKET
# set, in an S3-compatible object store that every web host and worker shares (no shared disk
# needed; core/object_storage.py). S3_ENDPOINT_URL for a store other than AWS (SeaweedFS, MinIO
# ...), S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (unset: boto3's own chain, e.g. an instance
# role), S3_REGION, S3_PREFIX (a folder in the bucket), S3_ADDRESSING_STYLE (path by default with
# an endpoint: a bucket name in the host needs DNS for it).
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))
S3_BUCKET = env("S3_BUCKET", default="")
S3_ENDPOINT_URL = env("S3_ENDPOINT_URL", default="")
if S3_BUCKET:
    PRIVATE_STORAGE = {
        "BACKEND": "core.object_storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env("S3_REGION", default="") or "us-east-1",
            "location": env("S3_PREFIX", default="").strip("/"),
            "addressing_style": env(
                "S3_ADDRESSING_STYLE", default="path" if S3_ENDPOINT_URL else ""
            )
            or None,
        },
    }
elif S3_ENDPOINT_URL:
    raise ImproperlyConfigured("S3_ENDPOINT_URL is set but S3_BUCKET is not: name the bucket.")
elif env.bool("S3_REQUIRED", default=False):
    # A host that shares its files with other hosts (compose's `scale` profile) must not keep
    # them on its own disk.
    raise ImproperlyConfigured(
        "S3_REQUIRED is set: this host keeps its files in an object store. Set S3_BUCKET "
        "(and S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY)."
    )
else:
    PRIVATE_STORAGE = {
        "BACKEND": "core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": PRIVATE_STORAGE,
    "private": PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        ),
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
# WhiteNoise serves the vendored static files; with finders it needs no collectstatic on a
# developer's machine, and production images run collectstatic at build time.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
WHITENOISE_AUTOREFRESH = DEBUG

# The section editor's own Tiptap extensions (static/js/editor-extensions.js). plans/richtext.py
# switches them on and declares what of their output the server's sanitizer keeps.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/editor-extensions.js")],
        "extensions": {
            name: html_tags([])
            for name in (
                "OfficePaste",
                "ListShortcuts",
                "CaptionParagraph",
                "TableColumnWidths",
                "EditorLabels",
            )
        },
    }
]

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # misses and drops writes while Redis is away, instead of failing the request (core.cache)
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
            # two portals (or two test runs) sharing one Redis keep apart
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default=""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database so any web host can serve any request. With Redis they are read
# through the shared cache (written to both): a request no longer reads its session from the
# database (bench/autosave.py). Not with the local-memory cache: a logout on one process would
# leave the session alive in another's memory.
# Every process shares the cache (Redis): what a request keeps there between requests because a
# write elsewhere forgets it (the signed-in user, parks.signed_in; the unread count,
# notifications.selectors) is kept only then, for the reason above.
CACHE_SHARED = bool(REDIS_URL)
SESSION_ENGINE = (
    "core.sessions"  # cached_db, its cached copy kept five minutes at most
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# Render the document of record (PDF) when a version is submitted or approved. An operator may
# turn it off (e.g. while the workers are being upgraded) and re-run renders from the admin.
PDF_RENDER_ON_TRANSITION = env.bool("PDF_RENDER_ON_TRANSITION", default=True)
# The PDF's print fonts (core.fonts; `manage.py build_pdf_fonts` builds them): a build product
# of each host, like the compiled translations, not a stored file.
PDF_FONT_DIR = env("PDF_FONT_DIR", default=str(BASE_DIR / "var" / "fonts"))
# Days an Excel export is kept before review.expire_exports deletes its file.
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Jobs record their own state (core.models.BackgroundJob): no task result is read, so none is
# stored, and sending a task does not connect to the result store (with Redis down that alone
# cost ~20 s of retries per task sent, inside the request). portal.ping keeps its result.
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it ends, not when it starts; a worker process killed in the middle
# gives its message back to the queue (reject on worker lost) for another process to run.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A message a whole worker took and never acknowledged (the host died) goes back to the queue
# after this many seconds. Longer than the longest task (the export's 600 s hard limit) plus its
# longest retry countdown (120 s), or a task still running would be delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "socket_connect_timeout": 5,
}
# A web process does not wait long on a broker that is away: the job stays queued and the
# sweeper (core.jobs.sweep) dispatches it when the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process whose memory has grown past this (KiB) after a task is replaced by a fresh
# one: a full plan's PDF peaks at ~260 MiB (bench/pdf.py) and the allocator keeps some of it.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=600_000)
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
# `celery -A portal beat` (docker-compose service "beat"; `make beat`) runs these.
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {
        "task": "review.deadline_reminders",
        "schedule": 60 * 60 * 24,  # daily; reminders are idempotent per user and day
    },
    # reports.reminders: before and after each owed report's due date, idempotent per report
    "report-reminders": {
        "task": "reports.report_reminders",
        "schedule": 60 * 60 * 24,  # daily
    },
    "expire-exports": {
        "task": "review.expire_exports",
        "schedule": 60 * 60 * 24,  # daily; deletes export files past their expiry
    },
    # Jobs a killed worker or an absent broker left queued or running (core.jobs.sweep).
    "sweep-pdfs": {"task": "review.sweep_pdfs", "schedule": 60},
    "sweep-exports": {"task": "summaries.sweep_exports", "schedule": 60},
    # Notification e-mails a refused dispatch, a killed worker or a failed send left pending.
    "sweep-notification-emails": {"task": "notifications.sweep_emails", "schedule": 60},
}
# The sweeper's clock (seconds): a job is taken for abandoned once it has run longer than its
# task's hard time limit plus JOB_SWEEP_MARGIN; a job the broker never took (it was down) is
# dispatched again after JOB_DISPATCH_GRACE; one handed over JOB_QUEUED_DEADLINE ago and never
# started is taken for a lost message (a backlog of 178 PDFs on two workers drains in ~5 min).
JOB_SWEEP_MARGIN = env.int("JOB_SWEEP_MARGIN", default=60)
JOB_DISPATCH_GRACE = env.int("JOB_DISPATCH_GRACE", default=60)
JOB_QUEUED_DEADLINE = env.int("JOB_QUEUED_DEADLINE", default=30 * 60)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# a mail server that does not answer fails one e-mail in 15 s, not the worker's whole batch
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="绿色发展行动方案平台 <noreply@example.cn>")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: the seal is a small image; anything larger is refused before decoding.
SEAL_MAX_BYTES = 2 * 1024 * 1024
SEAL_MAX_PIXELS = 4000 * 4000
# Figures placed in the plan, and supporting files (第六章 (3)-(4)).
FIGURE_MAX_BYTES = 10 * 1024 * 1024
FIGURE_MAX_PIXELS = 8000 * 8000
ATTACHMENT_MAX_BYTES = 30 * 1024 * 1024
PLAN_ATTACHMENTS_MAX_BYTES = 300 * 1024 * 1024
# A filled data workbook is about 20 KB; anything over this is not one.
WORKBOOK_MAX_BYTES = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS=true: the portal is served over TLS, terminated by a reverse proxy that sets
# X-Forwarded-Proto (and overwrites one sent by the client). Without a proxy that does, leave it
# off: a client could claim https itself.
HTTPS = env.bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # the container's health check asks over plain HTTP from inside
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole registrable domain in every browser for good: a decision
        # for the domain's owner (HSTS_PRELOAD=true), not a default of this application.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp). Every script and stylesheet is a file of ours; the only
# inline elements are the rich-text editor's import map and the empty <style> that keeps its
# library from injecting one (templates/plans/section_edit.html), both with the per-request
# nonce, which appears in the header only on a page that uses it. Charts are SVG images.
# Style *attributes* are allowed: the editor sets table column widths and its own layout with
# them (and reads a pasted Word document's); an attribute holds no selector, cannot run script,
# and any address in it is still bound by img-src and font-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# portal.middleware.PermissionsPolicyMiddleware: browser features no page of the portal uses.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=()"
)

# Login throttling (django-axes, kept in the database so every web process sees the same
# counts). A username and a client address are each locked on their own after
# LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT_MINUTES, on the portal's and the Django
# admin's login alike; the lock ends by itself after that time, or when a national admin deletes
# the attempt in the Django admin ("Access attempts"). parks.login_guard writes each failure into
# the audit trail and renders the lockout page.
# axes prints a banner on every command and request log line unless told not to.
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the count: it would also wipe the failures of the other usernames
# tried from the same address (an insider could guess, log in as themselves, guess again).
AXES_RESET_ON_SUCCESS = False
# The lock lasts LOGIN_LOCKOUT_MINUTES from the last counted failure; tries while locked are
# refused and audited, not counted, so the page's time stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "parks.login_guard.AuditedAxesHandler"
AXES_LOCKOUT_CALLABLE = "parks.login_guard.lockout_response"
AXES_CLIENT_IP_CALLABLE = "parks.login_guard.client_ip"
# How many reverse proxies in front append to X-Forwarded-For; 0 (direct) takes REMOTE_ADDR, and
# a header the client sent itself is never believed.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Password-reset e-mails an hour, per e-mail address, per account and per client address
# (parks.login_guard; counted in the cache, which is Redis wherever REDIS_URL is set).
PASSWORD_RESET_LIMITS = {"email": 3, "account": 3, "client": 10}
PASSWORD_RESET_WINDOW = 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# bench/load.py only: adds /bench/floor, a bare view through the same middleware (the floor
# every other request is compared with). Never on in production.
BENCH = env.bool("BENCH", default=False)

PORTAL_TITLE = _("Green Development Action Plan Portal")
