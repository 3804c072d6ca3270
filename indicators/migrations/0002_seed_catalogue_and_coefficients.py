"""Seed the indicator catalogue and the first coefficient set from the project's domain files
(indicators/data/*.csv, copies of ../shared/domain). Every coefficient keeps its source and status.
Reversible: removing the seed removes only rows it created (by code / version)."""

import csv
import re
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
SET_VERSION = "seed-2024"
DERIVABLE = {
    "energy_intensity_iav", "co2_intensity_iav", "co2_intensity_cut_rate", "energy_intensity_gdp",
    "wastewater_intensity_iav", "fresh_water_intensity_iav", "water_reuse_rate",
    "solid_waste_utilization_rate", "cod_intensity_iav", "nh3n_intensity_iav",
    "so2_intensity_iav", "nox_intensity_iav",
}
DEFINITIONS = {
    "energy_intensity_iav": "规模以上工业综合能源消费量（吨标准煤）÷ 工业增加值（万元）。",
    "co2_intensity_iav": "规模以上工业能源活动二氧化碳排放量（吨）÷ 工业增加值（万元）。",
    "co2_intensity_cut_rate": "（1 −（末年强度 ÷ 基年强度）^(1/年数)）× 100%。",
    "energy_intensity_gdp": "规模以上工业综合能源消费量（吨标准煤）÷ 园区生产总值（万元）。",
    "wastewater_intensity_iav": "工业废水排放量（吨）÷ 工业增加值（万元）。",
    "fresh_water_intensity_iav": "工业用新鲜水量（立方米）÷ 工业增加值（万元）。",
    "water_reuse_rate": "重复用水量 ÷ 工业用水总量 × 100%。",
    "solid_waste_utilization_rate": "综合利用量 ÷（产生量 + 往年贮存量）× 100%。",
    "cod_intensity_iav": "化学需氧量排放量（千克）÷ 工业增加值（万元）。",
    "nh3n_intensity_iav": "氨氮排放量（千克）÷ 工业增加值（万元）。",
    "so2_intensity_iav": "二氧化硫排放量（千克）÷ 工业增加值（万元）。",
    "nox_intensity_iav": "氮氧化物排放量（千克）÷ 工业增加值（万元）。",
    "carbon_peak_year": "园区能源活动二氧化碳排放量达到峰值的年份（见 4.2 行动路线图）。",
}
COMPARISONS = {"<": "lt", "<=": "le", ">=": "ge", ">": "gt"}
# The national references of 国科发火〔2021〕28号 in the words users read (the domain file has
# them in English); the comparison and value are parsed from the file.
REFERENCE_TEXT = {
    "energy_intensity_iav": "全部园区 < 0.4，半数园区 < 0.3（2025年）",
    "co2_intensity_cut_rate": "年均下降 ≥ 4%",
    "carbon_peak_year": "部分园区2025年前率先达峰",
    "wastewater_intensity_iav": "工业废水近零排放（无量化值）",
}


def _rows(name):
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _decimal(text):
    return Decimal(text) if text not in ("", None) else None


def seed(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    CoefficientSet = apps.get_model("indicators", "CoefficientSet")
    FuelCoefficient = apps.get_model("indicators", "FuelCoefficient")
    GridFactor = apps.get_model("indicators", "GridFactor")
    for position, row in enumerate(_rows("indicators.csv")):
        reference = row["national_reference_2025"]
        match = re.match(r"^(<=|>=|<|>)\s*([\d.]+)", reference)
        Indicator.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "unit": row["unit"],
                "category": row["category"],
                "direction": row["direction"],
                "required": row["required"] == "yes",
                "reference_text": REFERENCE_TEXT.get(row["code"], reference),
                "reference_comparison": COMPARISONS[match.group(1)] if match else "",
                "reference_value": Decimal(match.group(2)) if match else None,
                "derivation": row["code"] if row["code"] in DERIVABLE else "",
                "definition": DEFINITIONS.get(row["code"], ""),
                "source": row["source"],
                "position": position,
            },
        )
    coefficient_set, created = CoefficientSet.objects.get_or_create(
        version=SET_VERSION,
        defaults={
            "name": "能源折标与排放系数（初始数据）",
            "notes": "由项目领域数据导入；每个系数注明来源与核实状态，管理员可在后台修订或发布新版本。",
            "is_default": True,
        },
    )
    if created:
        for position, row in enumerate(_rows("energy_coefficients.csv")):
            FuelCoefficient.objects.create(
                coefficient_set=coefficient_set,
                code=row["code"],
                name=row["name"],
                unit=row["statistical_unit"],
                tce_per_unit=Decimal(row["tce_per_unit"]),
                ncv_gj_per_unit=_decimal(row["ncv_gj_per_unit"]),
                carbon_tc_per_tj=_decimal(row["carbon_tc_per_tj"]),
                oxidation_rate=_decimal(row["oxidation_rate"]),
                co2_t_per_unit=_decimal(row["co2_t_per_unit"]),
                source=row["coefficient_source"],
                status=row["status"],
                position=position,
            )
        for position, row in enumerate(_rows("grid_emission_factors.csv")):
            GridFactor.objects.create(
                coefficient_set=coefficient_set,
                data_year=row["data_year"],
                scope=row["scope"],
                region=row["region"],
                t_co2_per_mwh=Decimal(row["t_co2_per_mwh"]),
                source=f"{row['published']}; {row['source_note']}",
                status=row["status"],
                position=position,
            )


def unseed(apps, schema_editor):
    apps.get_model("indicators", "CoefficientSet").objects.filter(version=SET_VERSION).delete()
    codes = [row["code"] for row in _rows("indicators.csv")]
    apps.get_model("indicators", "Indicator").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
