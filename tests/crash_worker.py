"""The portal's Celery app as a worker of the crash tests runs it (`celery -A tests.crash_worker`):
a PDF's rendering stands still the first time (until the test kills the process, or for two
minutes) and is a one-page PDF after that, so a test can kill a worker in the middle of a job."""

import os
import time

from celery.signals import worker_process_init

from portal.celery import app

__all__ = ["app"]


@worker_process_init.connect
def _slow_first_render(**kwargs):
    from review import pdfs  # Django is set up only in the pool process

    def render(pdf):
        marker = os.environ["CRASH_MARKER"]
        if not os.path.exists(marker):
            with open(marker, "w") as first:
                first.write(str(os.getpid()))
            time.sleep(120)
        return b"%PDF-1.4\n%%EOF\n", 1

    pdfs._render = render
