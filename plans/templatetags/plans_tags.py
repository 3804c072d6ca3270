from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.simple_tag
def row_cell(row, field: str):
    """A row's value as shown in a table: choices by their label, amounts with two decimals."""
    display = getattr(row, f"get_{field}_display", None)
    if display is not None:
        return display()
    value = getattr(row, field)
    if isinstance(value, Decimal):
        return floatformat(value, "2g")
    if value is None:
        return "—"
    return value


@register.filter
def cell_class(kind, field: str) -> str:
    """'text-end' for a row table's numeric columns (years, amounts): aligned right, unbroken."""
    from django.db import models

    numeric = (models.DecimalField, models.IntegerField, models.FloatField)
    return "text-end" if isinstance(kind.model._meta.get_field(field), numeric) else ""


@register.filter
def field_label(kind, field: str) -> str:
    return kind.model._meta.get_field(field).verbose_name


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def yearly(row, year) -> str:
    return row.yearly.get(str(year), "")


@register.filter
def state_class(state: str) -> str:
    return {"complete": "success", "in_progress": "warning", "empty": "secondary"}.get(
        state, "light"
    )


@register.filter
def filesize(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size // 1024, 1)} KB"


@register.filter
def field_label_plan(plan, field: str) -> str:
    return type(plan)._meta.get_field(field).verbose_name


@register.simple_tag
def anchor(*parts) -> str:
    """A review comment anchor such as 'row:tasks:12' (see review.anchors)."""
    return ":".join(str(part) for part in parts)
