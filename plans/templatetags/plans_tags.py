import math
from decimal import Decimal

from django import template
from django.db import models
from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from js_asset import Media

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
def slipped(row, year) -> int:
    """A report's project: years behind its planned completion as of the end of `year`."""
    return row.slipped_years(int(year))


@register.filter
def state_class(state: str) -> str:
    return {
        "complete": "success",
        "in_progress": "warning",
        "empty": "secondary",
        "to_revise": "danger",
    }.get(state, "light")


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


@register.filter
def each(items, width) -> list[str]:
    """One column width per item: `plan_years|each:22` gives a year column of 22 each."""
    return [str(width)] * len(items)


@register.simple_tag(takes_context=True)
def colgroup(context, *widths) -> str:
    """The <colgroup> of a printed table laid out with `table-layout: fixed` (print.css
    .doc-table-fixed): each argument is a width, a string of widths ("9 28 22") or a list of
    them (`|each`); they are relative (millimetres of the page they are meant for, by habit)
    and come out as percentages of the table's width.

    In the PDF (`printing` in the context) each width is a style, which WeasyPrint reads; on a
    page it is the `width` attribute, which browsers read and the Content-Security-Policy allows
    (it forbids style attributes)."""
    flat = []
    for width in widths:
        parts = width if isinstance(width, list | tuple) else str(width).split()
        flat.extend(float(part) for part in parts)
    if not flat:
        return ""
    if not all(math.isfinite(w) and w > 0 for w in flat):
        raise template.TemplateSyntaxError(f"colgroup: widths must be positive: {flat}")
    total = sum(flat)
    col = '<col style="width: {}%">' if context.get("printing") else '<col width="{}%">'
    cols = format_html_join("", col, ((f"{w * 100 / total:.2f}",) for w in flat))
    return format_html("<colgroup>{}</colgroup>", cols)


@register.filter
def wrap_at_groups(value) -> str:
    """A figure with a break opportunity after each thousands separator, for the tables laid out
    with declared widths (print.css .doc-table-fixed): a figure too long for its column wraps
    between digit groups (999,999,<wbr>999.99), never inside one."""
    return mark_safe(conditional_escape(value).replace(",", ",<wbr>"))


@register.filter
def with_csp_nonce(media, nonce):
    """Form media carrying this request's CSP nonce: the rich-text editor's import map is an
    inline <script type="importmap">, which the Content-Security-Policy runs only with it."""
    return Media.from_media(media, nonce=str(nonce))
