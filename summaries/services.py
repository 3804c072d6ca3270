"""Writes of the summaries: named snapshots (the exports' writes are in summaries.exports)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parks.roles import Perm, has_perm
from plans.status import State
from summaries.actuals import report_versions
from summaries.figures import Scope, standing_versions
from summaries.models import SummarySnapshot


@transaction.atomic
def summary_snapshot_create(*, actor, name: str, cycle, note: str = ""):
    """Freeze the approved set of a cycle under a name: the versions approved now, of the plans
    and of the reports that follow them up (summaries.actuals reads the reports' versions)."""
    if not has_perm(actor, Perm.MANAGE_PARKS):
        raise ValidationError(_("Only a national administrator freezes a snapshot."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the snapshot a name.")})
    if SummarySnapshot.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A snapshot with this name exists already.")})
    scope = Scope(cycle=cycle.code, states=(State.APPROVED,))
    snapshot = SummarySnapshot.objects.create(
        name=name, cycle=cycle, states=[State.APPROVED], created_by=actor, note=note.strip()
    )
    plans = standing_versions(user=actor, scope=scope).values_list("pk", flat=True)
    reports = report_versions(user=actor, scope=scope).values_list("pk", flat=True)
    snapshot.versions.set([*plans, *reports])
    return snapshot
