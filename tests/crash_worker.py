"""The portal's Celery app as the crash tests and bench/faults.py run it
(`celery -A tests.crash_worker worker`): the first PDF render and the first export build stand
still (for two minutes, or until the test kills the process) after leaving a marker file
(CRASH_MARKER, and CRASH_MARKER + "-export"); every later one runs as production does. With
CRASH_EVERY_TIME set, each PDF render kills its own process instead (a job that crashes its
worker every time)."""

import os
import signal
import time

from celery.signals import worker_process_init

from portal.celery import app

__all__ = ["app"]


def _stall_once(marker: str) -> None:
    if os.path.exists(marker):
        return
    with open(marker, "w") as first:
        first.write(str(os.getpid()))
    time.sleep(120)


@worker_process_init.connect
def _crash_points(**kwargs):
    # Django is set up only in the pool's process
    from review import pdfs
    from summaries import exports

    render, build = pdfs._render, exports._build
    marker = os.environ["CRASH_MARKER"]

    def stalled_render(pdf):
        if os.environ.get("CRASH_EVERY_TIME"):
            os.kill(os.getpid(), signal.SIGKILL)
        _stall_once(marker)
        return render(pdf)

    def stalled_build(job):
        _stall_once(f"{marker}-export")
        return build(job)

    pdfs._render, exports._build = stalled_render, stalled_build
