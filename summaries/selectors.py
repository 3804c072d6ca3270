"""Reads of the summaries that are not figures: the named snapshots."""

from summaries.models import SummarySnapshot


def summary_snapshots():
    return SummarySnapshot.objects.select_related("cycle")
