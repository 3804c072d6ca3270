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
from documents.schema import Frozen, series
from indicators.accounting import DERIVED, EnergyAccount, Fuel, FuelLine, GridYear
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


def grid_years(accounting) -> dict[int, GridYear]:
    """The grid factor each data year used, from a frozen accounting (documents.schema)."""
    return {
        g.year: GridYear(g.year, Decimal(g.value), g.factor_year, g.series, g.citation)
        for g in accounting.grid_years
    }


def _numbers(frozen: Frozen, plan: Plan) -> PlanNumbers:
    cycle = plan.cycle
    history = plan.data_years
    energy, accounting = frozen.energy, frozen.accounting
    lines = [
        FuelLine(
            Fuel(line.key, line.name, line.unit, Decimal(0), None, "", ""),
            series(line.quantity, history),
            series(line.tce, history),
            series(line.co2, history),
        )
        for line in energy.lines
    ]
    account = EnergyAccount(
        years=history,
        lines=lines,
        total_tce=frozen.energy_totals("tce", history),
        total_co2=frozen.energy_totals("co2", history),
        share={line.key: series(line.share, history) for line in energy.lines},
        grid_years=grid_years(accounting),
        grid_factor_label=accounting.grid_factor,
        coefficient_set_label=accounting.coefficient_set,
        missing_co2=accounting.missing_co2,
        grid_choice=accounting.grid_choice,
        grid_reason=accounting.grid_reason,
    )
    derived = {key: series(frozen.derived(key), history) for key in DERIVED}
    rows = []
    for item in frozen.indicators:
        indicator = None
        if item.code:
            indicator = Indicator(
                pk=item.indicator_id,
                code=item.code,
                name=item.name,
                unit=item.unit,
                direction=item.direction,
                required=item.required,
                reference_text=item.reference_text,
                reference_value=to_decimal(item.reference_value),
                derivation=item.derivation,
            )
        plan_indicator = PlanIndicator(
            pk=item.id,
            plan=plan,
            indicator=indicator,
            custom_name="" if indicator else item.name,
            custom_unit="" if indicator else item.unit,
            custom_direction="" if indicator else item.direction,
            baseline=item.baseline,
            targets=item.targets,
            data_source=item.data_source,
            feasibility=item.feasibility,
            justifications=item.justifications,
        )
        rows.append(
            IndicatorRow(
                plan_indicator,
                series(item.history, history) if item.history else {},
                to_decimal(item.derived_baseline),
                [Warning(w.code, w.message) for w in item.warnings],
            )
        )
    return PlanNumbers(
        plan=plan,
        accounting=None,
        tables={},
        values=frozen.tables,
        account=account,
        derived=derived,
        indicators=rows,
        carbon_note=frozen.carbon_note,
        history_years=history,
        plan_years=cycle.plan_years,
    )


def version_document(version, *, file_url: FileUrl) -> PlanDocument:
    """The version (review.models.Version: its snapshot, outline version and live plan) as it
    was submitted, laid out by the same templates as the draft preview; files linked through
    `file_url`."""
    frozen = Frozen(version.snapshot)
    live = version.plan
    outline = outline_for(version.outline_version)
    frozen_park = frozen.park
    park = Park(
        pk=live.park_id,
        name=frozen_park.name or live.park.name,
        province=Province(
            name=frozen_park.province,
            code=frozen_park.province_code,
            reviewing_body=frozen_park.reviewing_body,
        ),
    )
    plan = Plan(
        pk=live.pk,
        park=park,
        cycle=live.cycle,
        status=live.status,
        outline_version=version.outline_version,
        carbon_peak_year=frozen.plan.carbon_peak_year,
        kind=frozen.plan.kind,
        data_year=frozen.plan.data_year,
        follows_id=live.follows_id,
    )
    profile = thaw(ParkProfile, frozen_park.profile, park=park)

    sections = {
        key: Section(
            plan=plan,
            key=key,
            body=data.body,
            is_done=data.is_done,
            word_count=data.word_count,
        )
        for key, data in frozen.sections.items()
    }
    items = []
    for entry, depth in outline.walk():
        data = frozen.section(entry.key)
        items.append(SectionStatus(entry, depth, sections.get(entry.key), data.state, data.items))
    status = OutlineStatus(outline, items, {i.entry.key: i for i in items})

    figures: dict[str, list[NumberedFigure]] = defaultdict(list)
    for item in frozen.figures:
        figure = thaw(Figure, item.write(), plan=plan)
        figures[item.section_key].append(
            NumberedFigure(figure, item.label, file_url("figure", item.id, item.file))
        )
    attachments: dict[str, list[LinkedFile]] = defaultdict(list)
    for item in frozen.attachments:
        attachment = thaw(Attachment, item.write(), plan=plan)
        attachments[item.category].append(
            LinkedFile(attachment, file_url("attachment", item.id, item.file))
        )
    rows = {
        slug: [thaw(kind.model, row.write(), plan=plan) for row in frozen.rows(slug)]
        for slug, kind in ROW_KINDS.items()
    }
    seal = frozen_park.seal
    return PlanDocument(
        plan=plan,
        outline=outline,
        status=status,
        sections=sections,
        figures=dict(figures),
        rows=rows,
        project_totals=project_totals(rows["projects"]),
        attachments=dict(attachments),
        numbers=_numbers(frozen, plan),
        profile=profile,
        seal_url=file_url("seal", 0, seal.file) if seal.file else "",
    )
