"""What the benchmarks seed alike (bench/run.py, bench/load.py)."""


def submitted_three_times(parks, *, snapshot, manager) -> list:
    """Each park's plan in review with three versions, all of one frozen snapshot (about 40 KB
    of JSON) reused, the rows bulk-made: the plans."""
    from plans.models import Plan
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from plans.status import State
    from review.models import Version

    cycle = cycle_current()
    plans = [plan_get_or_create(park=park, cycle=cycle) for park in parks]
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(status=State.SUBMITTED)
    Version.objects.bulk_create(
        Version(
            plan=plan,
            number=n,
            outline_version=snapshot.outline_version,
            snapshot=snapshot.snapshot,
            content_hash=snapshot.content_hash,
            submitted_by=manager,
        )
        for plan in plans
        for n in (1, 2, 3)
    )
    return plans
