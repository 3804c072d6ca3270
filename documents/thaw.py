"""A frozen version laid out again as a documents.build.PlanDocument, from its snapshot alone.

documents.freeze freezes; this module thaws. The objects it builds are unsaved model instances and
the indicators' dataclasses filled with the frozen values, so the preview's templates (and the
PDF's) render a submitted version exactly as the park saw it, whatever changed since: the draft,
the catalogue, the coefficients, the park's name.
"""

from collections import defaultdict
from decimal import Decimal

from core.numbers import to_decimal
from documents.build import FileUrl, LinkedFile, NumberedFigure, PlanDocument
from indicators.accounting import DERIVED, EnergyAccount, Fuel, FuelLine
from indicators.checks import Warning
from indicators.models import Indicator, PlanIndicator
from indicators.selectors import IndicatorRow, PlanNumbers
from parks.models import Park, ParkProfile, Province
from plans.models import Attachment, Figure, Plan, Section
from plans.outline import outline_for
from plans.rows import ROW_KINDS
from plans.selectors import OutlineStatus, SectionStatus, project_totals


def thaw(model, values: dict, **extra):
    """An unsaved instance of `model` from frozen JSON values, each through its field's
    to_python (dates, decimals), ignoring keys the model does not have."""
    fields = {f.name: f for f in model._meta.concrete_fields}
    kwargs = {
        name: fields[name].to_python(value)
        for name, value in values.items()
        if name in fields and not fields[name].is_relation
    }
    if "id" in values:
        kwargs["pk"] = values["id"]
    return model(**kwargs, **extra)


def _series(mapping: dict | None, years) -> dict[int, Decimal | None]:
    mapping = mapping or {}
    return {year: to_decimal(mapping.get(str(year))) for year in years}


def _numbers(snap: dict, plan: Plan) -> PlanNumbers:
    cycle = plan.cycle
    history = cycle.history_years
    energy = snap.get("energy", {})
    lines = [
        FuelLine(
            Fuel(line["key"], line["name"], line["unit"], Decimal(0), None, "", ""),
            _series(line.get("quantity"), history),
            _series(line.get("tce"), history),
            _series(line.get("co2"), history),
        )
        for line in energy.get("lines", [])
    ]
    accounting = snap.get("accounting", {})
    account = EnergyAccount(
        years=history,
        lines=lines,
        total_tce=_series(energy.get("total_tce"), history),
        total_co2=_series(energy.get("total_co2"), history),
        share={line["key"]: _series(line.get("share"), history) for line in energy["lines"]}
        if energy
        else {},
        grid_factor=None,
        grid_factor_label=accounting.get("grid_factor", ""),
        coefficient_set_label=accounting.get("coefficient_set", ""),
        missing_co2=accounting.get("missing_co2", []),
    )
    derived = {key: _series(snap.get("derived", {}).get(key), history) for key in DERIVED}
    rows = []
    for item in snap.get("indicators", []):
        indicator = None
        if item.get("code"):
            indicator = Indicator(
                pk=item.get("indicator_id"),
                code=item["code"],
                name=item["name"],
                unit=item["unit"],
                direction=item["direction"],
                required=item.get("required", False),
                reference_text=item.get("reference_text", ""),
                reference_value=to_decimal(item.get("reference_value")),
                derivation=item.get("derivation", ""),
            )
        plan_indicator = PlanIndicator(
            pk=item["id"],
            plan=plan,
            indicator=indicator,
            custom_name="" if indicator else item["name"],
            custom_unit="" if indicator else item["unit"],
            custom_direction="" if indicator else item["direction"],
            baseline=item.get("baseline", ""),
            targets=item.get("targets", {}),
            data_source=item.get("data_source", ""),
            feasibility=item.get("feasibility", ""),
            justifications=item.get("justifications", {}),
        )
        rows.append(
            IndicatorRow(
                plan_indicator,
                _series(item.get("history"), history) if item.get("history") else {},
                to_decimal(item.get("derived_baseline")),
                [Warning(w["code"], w["message"]) for w in item.get("warnings", [])],
            )
        )
    return PlanNumbers(
        plan=plan,
        accounting=None,
        tables={},
        values=snap.get("tables", {}),
        account=account,
        derived=derived,
        indicators=rows,
        carbon_note=snap.get("carbon_note", ""),
        history_years=history,
        plan_years=cycle.plan_years,
    )


def version_document(version, *, file_url: FileUrl) -> PlanDocument:
    """The version (review.models.Version: its snapshot, outline version and live plan) as it
    was submitted, laid out by the same templates as the draft preview; files linked through
    `file_url`."""
    snap = version.snapshot
    live = version.plan
    outline = outline_for(version.outline_version)
    frozen_park = snap.get("park", {})
    park = Park(
        pk=live.park_id,
        name=frozen_park.get("name", live.park.name),
        province=Province(
            name=frozen_park.get("province", ""),
            code=frozen_park.get("province_code", ""),
            reviewing_body=frozen_park.get("reviewing_body", ""),
        ),
    )
    plan = Plan(
        pk=live.pk,
        park=park,
        cycle=live.cycle,
        status=live.status,
        outline_version=version.outline_version,
        carbon_peak_year=snap.get("plan", {}).get("carbon_peak_year"),
    )
    profile = thaw(
        ParkProfile,
        {k: v for k, v in frozen_park.items() if k not in {"id", "seal"}},
        park=park,
    )
    seal = frozen_park.get("seal") or {}

    frozen_sections = snap.get("sections", {})
    sections = {
        key: Section(
            plan=plan,
            key=key,
            body=data.get("body", ""),
            is_done=data.get("is_done", False),
            word_count=data.get("word_count", 0),
        )
        for key, data in frozen_sections.items()
    }
    items = []
    for entry, depth in outline.walk():
        data = frozen_sections.get(entry.key, {})
        items.append(
            SectionStatus(
                entry,
                depth,
                sections.get(entry.key),
                data.get("state", ""),
                data.get("items", 0),
            )
        )
    status = OutlineStatus(outline, items, {i.entry.key: i for i in items})

    figures: dict[str, list[NumberedFigure]] = defaultdict(list)
    for item in snap.get("figures", []):
        figure = thaw(Figure, item, plan=plan)
        figures[item["section_key"]].append(
            NumberedFigure(figure, item["label"], file_url("figure", item["id"], item["file"]))
        )
    attachments: dict[str, list[LinkedFile]] = defaultdict(list)
    for item in snap.get("attachments", []):
        attachment = thaw(Attachment, item, plan=plan)
        attachments[item["category"]].append(
            LinkedFile(attachment, file_url("attachment", item["id"], item["file"]))
        )
    rows = {
        slug: [thaw(kind.model, values, plan=plan) for values in snap.get("rows", {}).get(slug, [])]
        for slug, kind in ROW_KINDS.items()
    }
    return PlanDocument(
        plan=plan,
        outline=outline,
        status=status,
        sections=sections,
        figures=dict(figures),
        rows=rows,
        project_totals=project_totals(rows["projects"]),
        attachments=dict(attachments),
        numbers=_numbers(snap, plan),
        profile=profile,
        seal_url=file_url("seal", 0, seal["file"]) if seal.get("file") else "",
    )
