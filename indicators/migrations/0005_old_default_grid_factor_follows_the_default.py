"""Repair for databases that ran 0003 before it knew the portal's old default (issue 15).

Before 0003 the portal gave every plan a factor by default: its province's, else the newest
national average. 0003 first kept that national average as the park's own choice (园区自选, with
no reason), although the park had chosen nothing; every park of a province without its own
factor then read 全国平均 instead of its regional grid's. A choice of another series made since
0003 always has a reason (indicators.services.grid_choice_clean), so a national average without
a reason can only be that old default: it follows the default again, each data year pinned by
the rule (indicators.grid). Frozen versions are not touched.

Not reversible in content (nothing tells the old default from a choice afterwards): going back
leaves the default in place."""

from importlib import import_module

from django.db import migrations

GRID = import_module("indicators.migrations.0003_grid_factors_by_data_year")


def forward(apps, schema_editor):
    GridFactor = apps.get_model("indicators", "GridFactor")
    Accounting = apps.get_model("indicators", "Accounting")
    grids = {row["province_code"]: row["grid"] for row in GRID._rows("province_grids.csv")}
    sourced_by_set = {}
    for accounting in Accounting.objects.filter(
        grid_scope="national average", grid_region="全国", grid_reason=""
    ).select_related("plan__park__province", "plan__cycle"):
        set_id = accounting.coefficient_set_id
        if set_id not in sourced_by_set:
            sourced_by_set[set_id] = GRID._sourced(
                GridFactor.objects.filter(coefficient_set_id=set_id)
            )
        factors = sourced_by_set[set_id]
        key = GRID._default(factors, accounting.plan.park.province, grids)
        if key is None:
            continue
        cycle = accounting.plan.cycle
        years = range(cycle.history_start_year, cycle.history_end_year + 1)
        accounting.grid_scope, accounting.grid_region = "", ""
        accounting.grid_years = GRID._pins(factors, key, years)
        accounting.save(update_fields=["grid_scope", "grid_region", "grid_years"])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0004_gbt2589_2020_coefficients_policy_references")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
