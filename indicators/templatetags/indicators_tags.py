import base64
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from indicators.charts import indicator_svg

register = template.Library()


@register.filter
def num(value, digits=2):
    """A computed figure with grouping and a fixed number of decimals; — when unknown."""
    if value in (None, ""):
        return "—"
    return floatformat(Decimal(str(value)), f"{digits}g")


@register.filter
def entered(value, unit=""):
    """A value as the user entered it (decimal string), grouped for reading; years (unit 年)
    are never grouped."""
    if value in (None, ""):
        return ""
    text = str(value)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return floatformat(Decimal(text), f"{decimals}" if unit == "年" else f"{decimals}g")


@register.filter
def at(mapping, key):
    if not mapping:
        return None
    return mapping.get(key, mapping.get(str(key)))


@register.simple_tag(takes_context=True)
def indicator_chart(context, row, numbers):
    """The indicator's chart as inline SVG, from numbers the page already has (no request per
    chart). pygal builds the SVG with an XML library, so names and units are escaped, and
    indicators.charts removes pygal's inline script.

    In the PDF (`printing` in the context, documents.pdf.pdf_html) the same SVG is an image (a
    data: URL): WeasyPrint then reads it once, as a drawing, instead of also styling and laying
    out its ~150 elements as part of the page (a quarter of a second for a full plan's charts).
    """
    svg = indicator_svg(row, numbers)
    if context.get("printing"):
        data = base64.b64encode(svg.encode()).decode()
        return format_html(
            '<img class="doc-chart-image" src="data:image/svg+xml;base64,{}" alt="">', data
        )
    return mark_safe(svg)
