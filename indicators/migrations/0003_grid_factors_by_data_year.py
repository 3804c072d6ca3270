"""Grid factors by data year (issue 15).

- Every coefficient set gets the factors of indicators/data/grid_emission_factors.csv it lacks
  (the 2023 factors MEE and NBS published in January 2026), and every factor the announcement's
  issuing body, title and year, so the documents can cite it in Chinese.
- The unsourced "enterprise GHG reporting default" 0.5703 (data year "2023-2025 reporting") is
  removed: nobody found its source, so it is never offered; data years become numbers.
- A plan's accounting names a series (scope and region; empty for the default of the park's
  province) instead of one factor for every year, and pins each history year's factor as the
  rule picks it now (indicators.grid). A plan that used the unsourced factor, or the factor the
  portal gave it by default before (its province's, else the newest national average: every
  park of a province without its own factor had 全国平均 without having chosen it), follows the
  default; another sourced series stays chosen (its reason is asked for before submitting).

Reversible: going back points each accounting at the newest factor of its series again; the
factors added stay (they are sourced).
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations, models

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sync_factors(GridFactor, CoefficientSet):
    rows = _rows("grid_emission_factors.csv")
    for coefficient_set in CoefficientSet.objects.all():
        have = {
            (str(f.data_year), f.scope, f.region): f
            for f in GridFactor.objects.filter(coefficient_set=coefficient_set)
        }
        if not have:  # a set without grid factors is someone's deliberate choice
            continue
        position = max(f.position for f in have.values())
        for row in rows:
            key = (row["data_year"], row["scope"], row["region"])
            cite = {
                "issuer": row["issuer"],
                "announcement": row["announcement"],
                "announced_year": int(row["announced_year"]),
            }
            factor = have.get(key)
            if factor is not None:
                if Decimal(row["t_co2_per_mwh"]) == factor.t_co2_per_mwh:
                    for name, value in cite.items():
                        setattr(factor, name, value)
                    factor.save(update_fields=list(cite))
                continue
            position += 1
            GridFactor.objects.create(
                coefficient_set=coefficient_set,
                data_year=row["data_year"],
                scope=row["scope"],
                region=row["region"],
                t_co2_per_mwh=Decimal(row["t_co2_per_mwh"]),
                source=f"{row['published']}; {row['source_note']}",
                status=row["status"],
                position=position,
                **cite,
            )


def _sourced(factors):
    return [
        f
        for f in factors
        if str(f.data_year).isdigit()
        and f.issuer
        and f.announcement
        and "unverified" not in f.status
    ]


def _default(factors, province, grids):
    """The rule of indicators.grid.default_key, on the historical models."""
    keys = {(f.scope, f.region) for f in factors}
    for key in (
        ("provincial", province.name),
        ("regional", grids.get(province.code, "")),
        ("national average", "全国"),
    ):
        if key in keys:
            return key
    return None


def _old_default(factors, province):
    """The factor the portal gave a plan before this migration (indicators.services.
    default_grid_factor at 0002): the province's factor, else the newest national average."""
    own = [f for f in factors if f.scope == "provincial" and f.region == province.name]
    if own:
        return max(own, key=lambda f: (f.position, f.pk))
    national = [f for f in factors if f.scope == "national average"]
    return max(national, key=lambda f: str(f.data_year)) if national else None


def _pins(factors, key, years):
    """The rule of indicators.grid.Series.factor_for for every year: {year: pk}."""
    series = sorted(
        (f for f in factors if (f.scope, f.region) == key), key=lambda f: int(f.data_year)
    )
    pins = {}
    for year in years:
        before = [f for f in series if int(f.data_year) <= year]
        found = before[-1] if before else (series[0] if series else None)
        if found is not None:
            pins[str(year)] = found.pk
    return pins


def forward(apps, schema_editor):
    GridFactor = apps.get_model("indicators", "GridFactor")
    CoefficientSet = apps.get_model("indicators", "CoefficientSet")
    Accounting = apps.get_model("indicators", "Accounting")
    # the old default is the one of the factors as they were, before the new ones are added
    before = {}
    for factor in GridFactor.objects.all():
        before.setdefault(factor.coefficient_set_id, []).append(factor)
    _sync_factors(GridFactor, CoefficientSet)
    grids = {row["province_code"]: row["grid"] for row in _rows("province_grids.csv")}
    sourced_by_set = {}
    for accounting in Accounting.objects.select_related(
        "grid_factor", "plan__park__province", "plan__cycle"
    ):
        set_id = accounting.coefficient_set_id
        if set_id not in sourced_by_set:
            sourced_by_set[set_id] = _sourced(GridFactor.objects.filter(coefficient_set_id=set_id))
        factors = sourced_by_set[set_id]
        province = accounting.plan.park.province
        default = _default(factors, province, grids)
        chosen = accounting.grid_factor
        key = default
        if chosen is not None and chosen == _old_default(before.get(set_id, []), province):
            chosen = None  # given by default, not chosen: the default now
        if chosen is not None and chosen in factors:
            if (chosen.scope, chosen.region) != default:
                key = (chosen.scope, chosen.region)
                accounting.grid_scope, accounting.grid_region = key
        cycle = accounting.plan.cycle
        years = range(cycle.history_start_year, cycle.history_end_year + 1)
        accounting.grid_years = _pins(factors, key, years) if key else {}
        accounting.grid_factor = None
        accounting.save(update_fields=["grid_scope", "grid_region", "grid_years", "grid_factor"])
    for factor in GridFactor.objects.all():
        if not str(factor.data_year).isdigit():  # the unsourced "2023-2025 reporting" default
            factor.delete()


def backward(apps, schema_editor):
    GridFactor = apps.get_model("indicators", "GridFactor")
    Accounting = apps.get_model("indicators", "Accounting")
    for accounting in Accounting.objects.all():
        pins = accounting.grid_years or {}
        newest = GridFactor.objects.filter(pk__in=list(pins.values())).order_by("-data_year")
        accounting.grid_factor = newest.first()
        accounting.save(update_fields=["grid_factor"])


class Migration(migrations.Migration):
    # Not one transaction: on PostgreSQL the data step's row changes (grid factors referenced by
    # the plans' accountings) leave deferred constraint triggers pending, and the ALTER TABLE of
    # grid factors after it is then refused ("pending trigger events"). Each step commits on
    # its own; the data step is still atomic.
    atomic = False

    dependencies = [("indicators", "0002_seed_catalogue_and_coefficients")]

    operations = [
        migrations.AddField(
            model_name="gridfactor",
            name="issuer",
            field=models.CharField(blank=True, max_length=100, verbose_name="issuing body"),
        ),
        migrations.AddField(
            model_name="gridfactor",
            name="announcement",
            field=models.CharField(blank=True, max_length=200, verbose_name="announcement title"),
        ),
        migrations.AddField(
            model_name="gridfactor",
            name="announced_year",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="year of the announcement"
            ),
        ),
        migrations.AddField(
            model_name="accounting",
            name="grid_scope",
            field=models.CharField(blank=True, max_length=80, verbose_name="grid factor scope"),
        ),
        migrations.AddField(
            model_name="accounting",
            name="grid_region",
            field=models.CharField(blank=True, max_length=30, verbose_name="grid factor region"),
        ),
        migrations.AddField(
            model_name="accounting",
            name="grid_reason",
            field=models.TextField(blank=True, verbose_name="reason for another grid factor"),
        ),
        migrations.AddField(
            model_name="accounting",
            name="grid_years",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            model_name="gridfactor",
            name="data_year",
            field=models.PositiveSmallIntegerField(verbose_name="data year"),
        ),
        migrations.RemoveField(model_name="accounting", name="grid_factor"),
        migrations.AddConstraint(
            model_name="gridfactor",
            constraint=models.UniqueConstraint(
                fields=("coefficient_set", "data_year", "scope", "region"),
                name="one_grid_factor_per_year_and_series",
            ),
        ),
    ]
