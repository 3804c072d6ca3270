"""Test settings: the same as production settings, only faster. Never a different behaviour."""

import atexit
import os
import secrets
import shutil
import tempfile

from django.core.files.storage import storages

# The shared cache's keys of this run's own (its web and worker processes share them through the
# environment): a run never reads what another run, or a benchmark, kept under the same ids.
os.environ.setdefault("CACHE_KEY_PREFIX", f"test-run-{secrets.token_hex(4)}")
# portal.settings refuses to start without a key (DEBUG is off in tests, as in production). A key
# of this run's own, in the environment so the worker processes that some tests start share it.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
# With S3_BUCKET set (CI: .ci/object-store) the private files go to the object store, as in
# production, under a folder of this run's own (also in the environment, for the web, worker and
# benchmark processes that a run starts: they share it), removed when the run ends.
_OWN_S3_FOLDER = bool(os.environ.get("S3_BUCKET")) and not os.environ.get("S3_TEST_RUN")
if _OWN_S3_FOLDER:
    _outer = os.environ.get("S3_PREFIX", "").strip("/")
    os.environ["S3_PREFIX"] = "/".join(filter(None, [_outer, f"test-run-{secrets.token_hex(6)}"]))
    os.environ["S3_TEST_RUN"] = os.environ["S3_PREFIX"]

from portal.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process during tests, even where REDIS_URL is set; the live-worker tests switch
# eager mode off for themselves and talk to a real worker.
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _remove_run_folder(prefix: str) -> None:
    """Delete what this run stored in the bucket (only its own folder)."""
    storage = storages["private"]
    if prefix and storage.location == prefix:
        storage.bucket.objects.filter(Prefix=f"{prefix}/").delete()


MEDIA_ROOT = tempfile.mkdtemp(prefix="greenplan-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
if S3_BUCKET:  # noqa: F405
    if _OWN_S3_FOLDER:
        atexit.register(_remove_run_folder, os.environ["S3_PREFIX"])
else:
    for _alias in ("default", "private"):
        STORAGES[_alias] = {  # noqa: F405
            "BACKEND": "core.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
        }
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
