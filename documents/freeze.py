"""The frozen content of a submitted version: every part of the plan as it is now, computed
figures included (a later change of coefficients must not change what was submitted), and the
SHA-256 of every file it refers to. Plain JSON; `content_hash` is taken over its canonical form."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

from documents.build import PlanDocument, plan_document
from documents.schema import (
    FORMAT,
    FrozenAccounting,
    FrozenAttachment,
    FrozenEnergy,
    FrozenFigure,
    FrozenFuelLine,
    FrozenGridYear,
    FrozenIndicator,
    FrozenPark,
    FrozenPlan,
    FrozenRow,
    FrozenSeal,
    FrozenSection,
    FrozenWarning,
    snapshot,
)
from parks.profile import PROFILE_FIELDS
from plans.models import Plan
from plans.rows import ALL_KINDS, kinds_in

__all__ = ["FORMAT", "content_hash", "file_digest", "plan_snapshot"]


def file_digest(field_file) -> str:
    if not field_file:
        return ""
    digest = hashlib.sha256()
    with field_file.storage.open(field_file.name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _plain(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _series(mapping) -> dict:
    return {str(year): (None if v is None else str(v)) for year, v in mapping.items()}


def plan_snapshot(plan: Plan, *, doc: PlanDocument | None = None) -> dict:
    """The plan frozen: `doc` (built now from the draft unless given) as plain JSON, written
    through the snapshot's declaration (documents.schema)."""
    doc = doc or plan_document(plan)
    numbers = doc.numbers
    profile = doc.profile
    park = plan.park
    rows = {
        slug: [
            FrozenRow(row.pk, {f: getattr(row, f) for f in kind.frozen_fields})
            for row in doc.rows[slug]
        ]
        for slug, kind in kinds_in(doc.outline).items()
    }
    fuels = ALL_KINDS["fuels"]
    rows[fuels.slug] = [
        FrozenRow(f.pk, {k: getattr(f, k) for k in fuels.fields})
        for f in fuels.model.objects.filter(plan=plan).order_by("position", "id")
    ]
    account = numbers.account
    frozen = snapshot(
        park=FrozenPark(
            id=park.pk,
            name=park.name,
            province=park.province.name,
            province_code=park.province.code,
            reviewing_body=park.province.reviewing_body,
            profile={f: getattr(profile, f) for f in PROFILE_FIELDS if f != "seal"},
            seal=FrozenSeal(file=profile.seal.name or "", sha256=file_digest(profile.seal)),
        ),
        plan=FrozenPlan(
            id=plan.pk,
            cycle=plan.cycle.code,
            outline_version=plan.outline_version,
            carbon_peak_year=plan.carbon_peak_year,
            kind=plan.kind,
            data_year=plan.data_year,
        ),
        sections={
            item.entry.key: FrozenSection(
                body=doc.sections[item.entry.key].body if item.entry.key in doc.sections else "",
                is_done=bool(item.section and item.section.is_done),
                word_count=item.words,
                state=item.state,
                items=item.items,
            )
            for item in doc.status.items
            if item.entry.is_editable
        },
        all_rows=rows,
        figures=[
            FrozenFigure(
                id=n.figure.pk,
                section_key=key,
                label=n.label,
                caption=n.figure.caption,
                file=n.figure.image.name,
                sha256=file_digest(n.figure.image),
                width=n.figure.width,
                height=n.figure.height,
            )
            for key, numbered in doc.figures.items()
            for n in numbered
        ],
        attachments=[
            FrozenAttachment(
                id=a.pk,
                section_key=a.section_key,
                category=a.category,
                filename=a.filename,
                file=a.file.name,
                file_type=a.file_type,
                size=a.size,
                description=a.description,
                sha256=file_digest(a.file),
            )
            for items in doc.attachments.values()
            for a in (linked.attachment for linked in items)
        ],
        indicators=[_indicator(r) for r in numbers.indicators],
        tables=numbers.values,
        accounting=FrozenAccounting(
            coefficient_set=account.coefficient_set_label,
            grid_factor=account.grid_factor_label,
            missing_co2=account.missing_co2,
            grid_choice=account.grid_choice,
            grid_reason=account.grid_reason,
            grid_years=[
                FrozenGridYear(
                    year=g.year,
                    value=str(g.value),
                    factor_year=g.factor_year,
                    series=g.series,
                    citation=g.citation,
                )
                for g in sorted(account.grid_years.values(), key=lambda g: g.year)
            ],
        ),
        energy=FrozenEnergy(
            total_tce=_series(account.total_tce),
            total_co2=_series(account.total_co2),
            lines=[
                FrozenFuelLine(
                    key=line.fuel.key,
                    name=line.fuel.name,
                    unit=line.fuel.unit,
                    quantity=_series(line.quantity),
                    tce=_series(line.tce),
                    co2=_series(line.co2),
                    share=_series(account.share.get(line.fuel.key, {})),
                )
                for line in account.lines
                if line.used
            ],
        ),
        all_derived={key: _series(series) for key, series in numbers.derived.items()},
        carbon_note=numbers.carbon_note,
    )
    return _plain(frozen)


def _indicator(row) -> FrozenIndicator:
    """An indicator row (indicators.selectors.IndicatorRow) frozen with the catalogue's facts."""
    pi = row.plan_indicator
    catalogue = pi.indicator if pi.indicator_id else None
    return FrozenIndicator(
        id=pi.pk,
        indicator_id=pi.indicator_id,
        code=catalogue.code if catalogue else "",
        name=pi.name,
        unit=pi.unit,
        direction=pi.direction,
        required=bool(catalogue and catalogue.required),
        reference_text=catalogue.reference_text if catalogue else "",
        baseline=pi.baseline,
        targets=pi.targets,
        data_source=pi.data_source,
        feasibility=pi.feasibility,
        justifications=pi.justifications,
        reference_value=catalogue.reference_value if catalogue else None,
        reference_comparison=catalogue.reference_comparison if catalogue else "",
        category=catalogue.category if catalogue else "",
        derivation=catalogue.derivation if catalogue else "",
        history=_series(row.history),
        derived_baseline=None if row.derived_baseline is None else str(row.derived_baseline),
        warnings=[FrozenWarning(code=w.code, message=w.message) for w in row.warnings],
    )


def content_hash(snapshot: dict) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
