import base64
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

from indicators.charts import actual_svg, chart_image, indicator_svg

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
def measured(value, unit=""):
    """A stored or computed figure (a report's baseline, target, actual) with the decimals it
    has, at most four, grouped for reading; years (unit 年) never grouped; "" when unknown."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value)).quantize(Decimal("0.0001")).normalize()
    decimals = max(0, -number.as_tuple().exponent)
    return entered(f"{number:.{decimals}f}", unit)


@register.filter
def at(mapping, key):
    if not mapping:
        return None
    return mapping.get(key, mapping.get(str(key)))


@register.filter
def svg_image(svg: str) -> str:
    """A chart's SVG as an image (a data: URL), its title as the text alternative.

    Never inline: pygal's SVG carries a <style> element, which the Content-Security-Policy
    refuses on a page, and in the PDF WeasyPrint then reads each chart once, as a drawing,
    instead of also styling and laying out its ~150 elements as part of the page (a quarter of a
    second for a full plan's charts)."""

    data = base64.b64encode(svg.encode()).decode()
    return chart_image(svg, f"data:image/svg+xml;base64,{data}")


@register.simple_tag
def actual_chart(item, plan):
    """A report's indicator: actual values against the plan's targets, as an image."""
    return svg_image(actual_svg(item, plan))


@register.simple_tag
def indicator_chart(row, numbers):
    """The indicator's chart, from numbers the page already has (no request per chart), as an
    image (`svg_image`). pygal builds the SVG with an XML library, so names and units are
    escaped, and indicators.charts removes pygal's inline script."""

    return svg_image(indicator_svg(row, numbers))
