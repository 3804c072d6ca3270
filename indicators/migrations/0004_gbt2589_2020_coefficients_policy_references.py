"""GB/T 2589-2020 replaced GB/T 2589-2008 on 2021-04-01: the seed coefficient set's citations and
statuses now name the edition each value was found in, and each fuel has one calorific value for
both its standard coal and its CO2 (indicators.accounting.calorific_mismatch):

- 天然气: standard coal per 万m³ 12.143 → 13.300 (the 38,931 kJ/m³ row of Annex A, the calorific
  value its CO2 already used; 12.143 was the 35,544 kJ/m³ gas-field row, 9.5 % apart);
- 焦炉煤气: net calorific value 173.854 → 179.81 GJ/万m³ (17,981 kJ/m³, the value behind its
  standard coal factor 0.6143 kgce/m³; 173.854 had no source), CO2 per 万m³ 7.636 → 7.898.

The national references of 国科发火〔2021〕28号 quote the policy: "降至0.4吨标准煤/万元以下"
includes 0.4 (≤) and is the goal of the zones as a whole; "50%的国家高新区…低于0.3" is the second
goal (the dashboard tracks it).

Existing rows are updated in place (live plans recompute; frozen versions keep what they showed).
New values are read from indicators/data/energy_coefficients.csv (the seed file, updated with
this migration); the old ones are written here, so the migration reverses exactly."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
SET_VERSION = "seed-2024"
FIELDS = ("tce_per_unit", "ncv_gj_per_unit", "carbon_tc_per_tj", "oxidation_rate", "co2_t_per_unit")

# What 0002 seeded, for the reverse: (tce, ncv, C, oxidation, co2, source, status)
OLD = {
    "raw_coal": ("0.7143", "20.908", "26.37", "0.94", "1.9003",
                 "GB/T 2589-2008 Annex A (NCV); provincial GHG inventory guideline (C content; oxidation)",
                 "verified in secondary copies; check GB/T 2589-2020 Annex A"),
    "washed_coal": ("0.9000", "26.344", None, None, None, "GB/T 2589-2008 Annex A",
                    "tce verified in secondary copies; CO2 factor not found"),
    "coke": ("0.9714", "28.435", "29.5", "0.93", "2.8604", "GB/T 2589-2008 Annex A; GHG guideline",
             "verified in secondary copies"),
    "crude_oil": ("1.4286", "41.816", "20.1", "0.98", "3.0202",
                  "GB/T 2589-2008 Annex A; GHG guideline", "verified in secondary copies"),
    "fuel_oil": ("1.4286", "41.816", "21.1", "0.98", "3.1705",
                 "GB/T 2589-2008 Annex A; GHG guideline", "verified in secondary copies"),
    "gasoline": ("1.4714", "43.070", "18.9", "0.98", "2.9251",
                 "GB/T 2589-2008 Annex A; GHG guideline", "verified in secondary copies"),
    "kerosene": ("1.4714", "43.070", "19.5", "0.98", "3.0179",
                 "GB/T 2589-2008 Annex A; GHG guideline (some sources use 19.6 tC/TJ)",
                 "verified in secondary copies"),
    "diesel": ("1.4571", "42.652", "20.2", "0.98", "3.0959",
               "GB/T 2589-2008 Annex A; GHG guideline", "verified in secondary copies"),
    "lpg": ("1.7143", "50.179", "17.2", "0.98", "3.1013", "GB/T 2589-2008 Annex A; GHG guideline",
            "verified in secondary copies"),
    "refinery_gas": ("1.5714", "46.055", "18.2", "0.98", "3.0119",
                     "GB/T 2589-2008 Annex A; GHG guideline", "verified in secondary copies"),
    "natural_gas": ("12.143", "389.31", "15.3", "0.99", "21.622",
                    "GB/T 2589-2008 Annex A (gas-field gas 1.2143 kgce/m3); GHG guideline",
                    "tce verified; CO2 computed from the listed columns"),
    "coke_oven_gas": ("6.143", "173.854", "12.1", "0.99", "7.636",
                      "statistical coefficient table; enterprise GHG guideline values seen in "
                      "secondary copies", "secondary only"),
    "lng": ("1.7572", "51.498", "17.2", "0.98", "3.1830",
            "energy statistical yearbook list (secondary)", "unverified"),
    "heat": ("0.03412", None, None, None, "0.11",
             "statistical coefficient table (0.03412 tce/GJ); 0.11 tCO2/GJ widely used default",
             "heat tce secondary; CO2 default unverified"),
    "electricity": ("1.229", None, None, None, None,
                    "GB/T 2589 equivalent value (当量值) 0.1229 kgce/kWh; CO2 uses the grid factor "
                    "of the year (grid_emission_factors.csv)", "verified"),
}

POLICY = "国科发火〔2021〕28号"
# code: (comparison, value, reference text) now, and as 0002 seeded them
REFERENCES = {
    "energy_intensity_iav": (
        ("le", Decimal("0.4"),
         "降至0.4以下（含0.4，国家高新区整体）；50%的国家高新区低于0.3（2025年）"),
        ("lt", Decimal("0.4"), "全部园区 < 0.4，半数园区 < 0.3（2025年）"),
    ),
    "co2_intensity_cut_rate": (
        ("ge", Decimal("4"), "单位工业增加值二氧化碳排放量年均削减率4%以上（含4%）"),
        ("ge", Decimal("4"), "年均下降 ≥ 4%"),
    ),
    "carbon_peak_year": (
        ("", None, "部分高新区实现碳达峰（2025年）"),
        ("", None, "部分园区2025年前率先达峰"),
    ),
}


def _decimal(text):
    return Decimal(text) if text not in ("", None) else None


def forward(apps, schema_editor):
    FuelCoefficient = apps.get_model("indicators", "FuelCoefficient")
    Indicator = apps.get_model("indicators", "Indicator")
    with (DATA / "energy_coefficients.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["code"]: row for row in csv.DictReader(handle)}
    for fuel in FuelCoefficient.objects.filter(coefficient_set__version=SET_VERSION):
        row = rows.get(fuel.code)
        if row is None:
            continue
        for name in FIELDS:
            setattr(fuel, name, _decimal(row[name]))
        fuel.source, fuel.status = row["coefficient_source"], row["status"]
        fuel.save(update_fields=[*FIELDS, "source", "status"])
    for code, ((comparison, value, text), _old) in REFERENCES.items():
        Indicator.objects.filter(code=code).update(
            reference_comparison=comparison, reference_value=value, reference_text=text
        )


def backward(apps, schema_editor):
    FuelCoefficient = apps.get_model("indicators", "FuelCoefficient")
    Indicator = apps.get_model("indicators", "Indicator")
    for fuel in FuelCoefficient.objects.filter(coefficient_set__version=SET_VERSION):
        if fuel.code not in OLD:
            continue
        *numbers, source, status = OLD[fuel.code]
        for name, value in zip(FIELDS, numbers, strict=True):
            setattr(fuel, name, _decimal(value))
        fuel.source, fuel.status = source, status
        fuel.save(update_fields=[*FIELDS, "source", "status"])
    for code, (_new, (comparison, value, text)) in REFERENCES.items():
        Indicator.objects.filter(code=code).update(
            reference_comparison=comparison, reference_value=value, reference_text=text
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_grid_factors_by_data_year")]

    operations = [migrations.RunPython(forward, backward)]
