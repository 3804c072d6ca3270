from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

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


@register.simple_tag
def indicator_chart(row, numbers):
    """The indicator's chart as inline SVG, from numbers the page already has (no request per
    chart). pygal builds the SVG with an XML library, so names and units are escaped, and
    indicators.charts removes pygal's inline script."""
    from django.utils.safestring import mark_safe

    from indicators.charts import indicator_svg

    return mark_safe(indicator_svg(row, numbers))
