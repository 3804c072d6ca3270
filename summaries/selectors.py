"""Reads of the summaries that are not figures: the named snapshots."""

from summaries.models import SummarySnapshot


def summary_snapshots():
    return SummarySnapshot.objects.select_related("cycle")


def snapshot_plan_count(*, snapshot: SummarySnapshot) -> int:
    """How many plans' versions a snapshot froze (besides those of the reports)."""
    return snapshot.versions.filter(plan__kind="plan").count()
