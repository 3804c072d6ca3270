"""The frozen content of a submitted version: every part of the plan as it is now, computed
figures included (a later change of coefficients must not change what was submitted), and the
SHA-256 of every file it refers to. Plain JSON; `content_hash` is taken over its canonical form."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

from documents.build import plan_document
from parks.profile import PROFILE_FIELDS
from plans.models import Plan
from plans.rows import ALL_KINDS, ROW_KINDS

# 2: section states, attachment descriptions, indicator catalogue facts and history, fuel
#    quantities and shares: everything documents.thaw needs to lay the version out again.
FORMAT = 2


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


def plan_snapshot(plan: Plan) -> dict:
    doc = plan_document(plan)
    numbers = doc.numbers
    profile = doc.profile
    park = plan.park
    rows = {
        slug: [
            {"id": row.pk, **{f: getattr(row, f) for f in kind.fields}} for row in doc.rows[slug]
        ]
        for slug, kind in ROW_KINDS.items()
    }
    fuels = ALL_KINDS["fuels"]
    rows["fuels"] = [
        {"id": f.pk, **{k: getattr(f, k) for k in fuels.fields}}
        for f in fuels.model.objects.filter(plan=plan).order_by("position", "id")
    ]
    snapshot = {
        "format": FORMAT,
        "park": {
            "id": park.pk,
            "name": park.name,
            "province": park.province.name,
            "province_code": park.province.code,
            "reviewing_body": park.province.reviewing_body,
            **{f: getattr(profile, f) for f in PROFILE_FIELDS if f != "seal"},
            "seal": {"file": profile.seal.name or "", "sha256": file_digest(profile.seal)},
        },
        "plan": {
            "id": plan.pk,
            "cycle": plan.cycle.code,
            "outline_version": plan.outline_version,
            "carbon_peak_year": plan.carbon_peak_year,
        },
        "sections": {
            item.entry.key: {
                "body": doc.sections[item.entry.key].body if item.entry.key in doc.sections else "",
                "is_done": bool(item.section and item.section.is_done),
                "word_count": item.words,
                "state": item.state,
                "items": item.items,
            }
            for item in doc.status.items
            if item.entry.is_editable
        },
        "rows": rows,
        "figures": [
            {
                "id": n.figure.pk,
                "section_key": key,
                "label": n.label,
                "caption": n.figure.caption,
                "file": n.figure.image.name,
                "sha256": file_digest(n.figure.image),
                "width": n.figure.width,
                "height": n.figure.height,
            }
            for key, numbered in doc.figures.items()
            for n in numbered
        ],
        "attachments": [
            {
                "id": a.pk,
                "section_key": a.section_key,
                "category": a.category,
                "filename": a.filename,
                "file": a.file.name,
                "file_type": a.file_type,
                "size": a.size,
                "description": a.description,
                "sha256": file_digest(a.file),
            }
            for items in doc.attachments.values()
            for a in (linked.attachment for linked in items)
        ],
        "indicators": [
            {
                "id": r.plan_indicator.pk,
                "indicator_id": r.plan_indicator.indicator_id,
                "code": r.plan_indicator.indicator.code if r.plan_indicator.indicator_id else "",
                "name": r.plan_indicator.name,
                "unit": r.plan_indicator.unit,
                "direction": r.plan_indicator.direction,
                "required": bool(
                    r.plan_indicator.indicator_id and r.plan_indicator.indicator.required
                ),
                "reference_text": (
                    r.plan_indicator.indicator.reference_text
                    if r.plan_indicator.indicator_id
                    else ""
                ),
                "baseline": r.plan_indicator.baseline,
                "targets": r.plan_indicator.targets,
                "data_source": r.plan_indicator.data_source,
                "feasibility": r.plan_indicator.feasibility,
                "justifications": r.plan_indicator.justifications,
                "reference_value": (
                    r.plan_indicator.indicator.reference_value
                    if r.plan_indicator.indicator_id
                    else None
                ),
                "reference_comparison": (
                    r.plan_indicator.indicator.reference_comparison
                    if r.plan_indicator.indicator_id
                    else ""
                ),
                "category": (
                    r.plan_indicator.indicator.category if r.plan_indicator.indicator_id else ""
                ),
                "derivation": (
                    r.plan_indicator.indicator.derivation if r.plan_indicator.indicator_id else ""
                ),
                "history": _series(r.history),
                "derived_baseline": None if r.derived_baseline is None else str(r.derived_baseline),
                "warnings": [{"code": w.code, "message": w.message} for w in r.warnings],
            }
            for r in numbers.indicators
        ],
        "tables": numbers.values,
        "accounting": {
            "coefficient_set": numbers.account.coefficient_set_label,
            "grid_factor": numbers.account.grid_factor_label,
            "missing_co2": numbers.account.missing_co2,
        },
        "energy": {
            "total_tce": _series(numbers.account.total_tce),
            "total_co2": _series(numbers.account.total_co2),
            "lines": [
                {
                    "key": line.fuel.key,
                    "name": line.fuel.name,
                    "unit": line.fuel.unit,
                    "quantity": _series(line.quantity),
                    "tce": _series(line.tce),
                    "co2": _series(line.co2),
                    "share": _series(numbers.account.share.get(line.fuel.key, {})),
                }
                for line in numbers.account.lines
                if line.used
            ],
        },
        "derived": {key: _series(series) for key, series in numbers.derived.items()},
        "carbon_note": numbers.carbon_note,
    }
    return _plain(snapshot)


def content_hash(snapshot: dict) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
