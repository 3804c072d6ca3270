"""Test settings: the same as production settings, only faster. Never a different behaviour."""

import atexit
import os
import secrets
import shutil
import tempfile

# portal.settings refuses to start without a key (DEBUG is off in tests, as in production). A key
# of this run's own, in the environment so the worker processes that some tests start share it.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process during tests, even where REDIS_URL is set; the live-worker tests switch
# eager mode off for themselves and talk to a real worker.
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="greenplan-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
for _alias in ("default", "private"):
    STORAGES[_alias] = {  # noqa: F405
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
