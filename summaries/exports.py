"""National and provincial Excel exports (issue 7): asked for here, built by the Celery task
review.export_summary (summaries/export_workbook/ writes the workbook), downloaded by whoever
asked, deleted when they expire.

Invariants:
- only users with Perm.EXPORT_SUMMARIES ask for an export; a provincial reviewer's export
  covers their own province whatever they ask, and every export reads only the versions its
  requester may see (figures.standing_versions goes through Plan.objects.visible_to), checked
  again when the job runs, with the right checked again too;
- the values are the submitted or approved versions' frozen snapshots, never a draft;
- the job is queued after the commit; failing to build is recorded on the job with a readable
  reason, never raised at the user; a broker that is away leaves it queued, and the sweeper
  (`exports_sweep`, every minute from beat) dispatches it, or queues again a job whose worker
  died; a job that is ready is not built again (a
  retried or duplicated task does nothing);
- the file is private: only the user who asked downloads it (ExportJob.objects.visible_to), and
  it is deleted once `expires_at` passes (settings.EXPORT_KEEP_DAYS, 7 days unless set).
"""

import datetime
import logging
import tempfile
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import jobs
from parks.models import Province
from parks.roles import Level, Perm, Role, effective_role, has_perm, level_of
from parks.selectors import province_list
from plans.models import Cycle
from plans.selectors import cycle_current, cycle_list
from plans.status import State
from review.models import StatusChange
from summaries import actuals, figures
from summaries.models import ExportJob, SummarySnapshot
from summaries.tasks import export_summary

logger = logging.getLogger(__name__)


def keep_days() -> int:
    return settings.EXPORT_KEEP_DAYS


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def export_request(*, user, scope: figures.Scope) -> ExportJob:
    """A new export of `scope` for `user`, queued for the worker once this commits."""
    if not has_perm(user, Perm.EXPORT_SUMMARIES):
        raise PermissionDenied
    cycle, snapshot = scope.cycle, None
    if scope.snapshot:
        snapshot = SummarySnapshot.objects.select_related("cycle").filter(pk=scope.snapshot).first()
        if snapshot is None:
            raise ValidationError({"snapshot": _("This snapshot does not exist.")})
        cycle = snapshot.cycle.code  # a snapshot's versions belong to its cycle
    elif not Cycle.objects.filter(code=cycle).exists():
        raise ValidationError({"cycle": _("Choose a reporting cycle from the list.")})
    provinces = tuple(scope.provinces)
    if level_of(user) == Level.PROVINCE:
        # whatever was asked: a provincial reviewer exports their own province
        provinces = (user.province.code,) if user.province_id else ()
    job = ExportJob(
        requested_by=user,
        cycle=cycle,
        provinces=list(provinces),
        states=list(scope.states),
        snapshot=snapshot,
        step=_("Waiting for a worker"),
    )
    job.full_clean(exclude=["provinces"])  # empty: every province the user may see
    job.save()
    transaction.on_commit(lambda: _dispatch(job.pk), robust=True)
    return job


def job_scope(job: ExportJob) -> figures.Scope:
    return figures.Scope(
        cycle=job.cycle,
        provinces=tuple(job.provinces),
        states=tuple(job.states),
        snapshot=job.snapshot_id,
    )


def _dispatch(job_id: int) -> None:
    jobs.dispatch(
        export_summary,
        ExportJob,
        job_id,
        not_queued=_("The export could not be queued: %(error)s"),
        step="",
    )


class Progress:
    """Writes the job's progress and step, at most every 5 percent (or when the step changes
    phase), so a big export does not spend its time updating one row."""

    EVERY = 5

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.percent = -self.EVERY

    def __call__(self, percent: int, step: str, *, phase: bool = False) -> None:
        if percent - self.percent < self.EVERY and not phase:
            return
        self.percent = percent
        ExportJob.objects.filter(pk=self.job_id, state=ExportJob.State.RUNNING).update(
            progress=min(percent, 99), step=step[:100]
        )


def export_run(
    job_id: int, *, last_attempt: bool = True, task_id: str | None = None
) -> ExportJob | None:
    """Build one export (the worker's side). Idempotent: a job that is ready, or expired, is
    left alone, and so is one a later dispatch (another `task_id`) owns; one started too often
    fails (core.jobs)."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update(of=("self",))
            .select_related("requested_by__province", "snapshot")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state in {ExportJob.State.DONE, ExportJob.State.EXPIRED}:
            return job
        if jobs.superseded(job, task_id) or jobs.out_of_attempts(ExportJob, job, step=""):
            return job
        job.state = ExportJob.State.RUNNING
        job.started_at = timezone.now()
        job.attempts += 1
        job.progress = 0
        job.error = ""
        with translation.override("zh-hans"):
            job.step = _("Reading the submitted versions")
        job.save(update_fields=["state", "started_at", "attempts", "progress", "error", "step"])
    try:
        with translation.override("zh-hans"):
            name, content_path, result = _build(job)
    except SoftTimeLimitExceeded:
        raise  # the task records it (export_timed_out)
    except jobs.TRANSIENT as error:
        jobs.record_failure(ExportJob, job.pk, error, final=last_attempt, step="")
        raise
    except Exception as error:  # recorded with its reason, shown to the user
        logger.exception("Export %s failed", job_id)
        jobs.record_failure(ExportJob, job.pk, error, final=True, step="")
        job.refresh_from_db()
        return job
    try:
        with open(content_path, "rb") as handle:
            job.file.save(name, File(handle), save=False)
    finally:
        Path(content_path).unlink(missing_ok=True)
    now = timezone.now()
    job.size = job.file.size
    job.parks = result.parks
    job.progress = 100
    with translation.override("zh-hans"):
        job.step = _("Ready")
    job.state = ExportJob.State.DONE
    job.error = ""
    job.finished_at = now
    job.expires_at = now + datetime.timedelta(days=keep_days())
    job.save()
    return job


def _build(job: ExportJob):
    """Write the workbook to a temporary file: (file name, path, export_workbook.Result)."""
    from summaries import export_workbook  # noqa: PLC0415  loads openpyxl: only in the worker

    user = job.requested_by
    if not has_perm(user, Perm.EXPORT_SUMMARIES):
        raise PermissionDenied(_("The user who asked for this export may no longer export."))
    cycle = Cycle.objects.get(code=job.cycle)
    versions = figures.standing_versions(user=user, scope=job_scope(job))
    approvals = dict(
        StatusChange.objects.filter(action="approve", version__in=versions.order_by().values("pk"))
        .order_by("at", "id")
        .values_list("version_id", "at")
    )  # one query; the latest approval of each version wins
    total = versions.count()
    about = export_workbook.About(
        generated_at=timezone.now(),
        generated_by=_requester_label(user),
        cycle=cycle,
        provinces=province_label(job),
        states=job.states,
        snapshot=job.snapshot,
        national=not job.provinces,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    try:
        result = export_workbook.build(
            handle.name,
            versions=figures.iterate(versions),
            total=total,
            approvals=approvals,
            about=about,
            report=Progress(job.pk),
            actuals=actuals.actual_figures(
                actuals.report_versions(user=user, scope=job_scope(job)), cycle=cycle
            ),
        )
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return f"export-{job.pk}-{stamp}.xlsx", handle.name, result


def _requester_label(user) -> str:
    role = effective_role(user)
    parts = [str(Role(role).label)] if role in Role.values else []
    if user.province_id:
        parts.append(user.province.name)
    return f"{user.display_name}（{' · '.join(parts)}）" if parts else user.display_name


def exports_sweep(*, now=None) -> dict:
    """Exports a killed worker or an absent broker left queued or running (core.jobs.sweep)."""
    return jobs.sweep(
        ExportJob,
        export_summary,
        not_queued=_("The export could not be queued: %(error)s"),
        now=now,
        step="",
    )


def export_timed_out(job_id: int) -> None:
    jobs.timed_out(ExportJob, job_id, _("The export took too long and was stopped."), step="")


def exports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of exports past their expiry and mark them expired; how many."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(state=ExportJob.State.DONE, expires_at__lte=now):
        if job.file:
            job.file.storage.delete(job.file.name)
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.EXPIRED, file="", size=0)
        expired += 1
    return expired


# --- selectors --------------------------------------------------------------------------------


def export_jobs(*, user, limit: int = 20) -> list[ExportJob]:
    """The user's latest exports, each with `scope_label` and `states_label` to show."""
    jobs = list(ExportJob.objects.visible_to(user).select_related("snapshot")[:limit])
    names = _province_names({code for job in jobs for code in job.provinces})
    for job in jobs:
        job.scope_label = province_label(job, names)
        job.states_label = (
            _("Snapshot: %(name)s") % {"name": job.snapshot.name}
            if job.snapshot
            else "、".join(str(State(s).label) for s in job.states if s in State.values)
        )
    return jobs


def export_job_get(*, user, pk: int) -> ExportJob:
    """One of the user's own exports; anyone else's does not exist (404)."""
    return get_object_or_404(ExportJob.objects.visible_to(user).select_related("snapshot"), pk=pk)


def export_choices(*, user) -> dict:
    """What the export form offers the user: cycles, the provinces they may see, the states a
    summary may cover, the named snapshots."""
    try:
        current = cycle_current().code
    except Cycle.DoesNotExist:
        current = None
    return {
        "cycles": list(cycle_list()),
        "current_cycle": current,
        "provinces": list(province_list(user=user)),
        "states": [(s, State(s).label) for s in figures.SUMMARY_STATES],
        "snapshots": list(SummarySnapshot.objects.select_related("cycle")),
    }


def province_label(job: ExportJob, names: dict[str, str] | None = None) -> str:
    if not job.provinces:
        return _("Every province you may see")
    names = names if names is not None else _province_names(set(job.provinces))
    return "、".join(names.get(code, code) for code in job.provinces)


def _province_names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(Province.objects.filter(code__in=codes).values_list("code", "name"))


def export_filename(job: ExportJob) -> str:
    """The name the download gets: what, where, which cycle, when."""
    scope = "全国" if not job.provinces else province_label(job).replace("、", "-")
    if len(scope) > 40:
        scope = f"{len(job.provinces)}个省份"
    stamp = timezone.localtime(job.finished_at or job.created_at).strftime("%Y%m%d-%H%M")
    return f"高新区绿色发展行动方案汇总-{scope}-{job.cycle}-{stamp}.xlsx"
