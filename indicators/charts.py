"""Indicator charts as SVG (pygal): the same SVG shows on the page and goes into the PDF.

pygal is Kozea's pure-Python SVG chart library (the maintainers of WeasyPrint); it renders a
chart in about 4 ms and names the CJK font the PDF uses. pygal still writes an inline config
<script> into every SVG; it is removed, so an SVG opened on its own runs nothing.
"""

import hashlib
import html
import json
import re
from decimal import Decimal

from django.core.cache import cache
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.numbers import to_decimal

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
# pygal's legend hooks for its script: the same ids in every chart, so several charts on a page
# (or in the PDF) would define them twice; without the script they serve nothing.
_LEGEND_IDS = re.compile(r'\sid="activate-serie-\d+"')

# "Print Sans SC" first: the PDF's cut-down Noto Sans CJK SC (core.fonts); browsers do not know
# it and take the next.
FONT = '"Print Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif'


SERIES_COLOURS = ("#6c757d", "#1e6b45", "#d9480f", "#c92a2a")


def _style(colours=SERIES_COLOURS):
    from pygal.style import Style

    return Style(
        font_family=FONT,
        background="white",
        plot_background="white",
        foreground="#333",
        foreground_strong="#111",
        foreground_subtle="#ccc",
        colors=colours,
        title_font_size=15,
        label_font_size=12,
        legend_font_size=12,
        value_font_size=11,
    )


def _floats(values):
    return [None if v is None else float(v) for v in values]


CACHE_SECONDS = 7 * 24 * 3600


def indicator_chart_svg(
    *,
    title: str,
    unit: str,
    history: dict[int, Decimal | None],
    base_year: int,
    baseline: Decimal | None,
    targets: dict[int, Decimal | None],
    reference: Decimal | None,
    history_label: str = "",
) -> str:
    """The chart's SVG, from the shared cache when the same numbers were drawn before (a frozen
    version's charts never change; a page of charts costs ~12 ms each to draw). `history_label`
    names the first line (a plan's: the data tables; a report's: the actual values)."""
    inputs = {
        "title": title,
        "unit": unit,
        "history": history,
        "base_year": base_year,
        "baseline": baseline,
        "targets": targets,
        "reference": reference,
        "history_label": str(history_label or _("History (data tables)")),
    }
    return cached_svg("indicator-chart:4", inputs, lambda: _draw(**inputs))


def cached_svg(kind: str, inputs, draw) -> str:
    """`draw()`, kept in the shared cache under the digest of its inputs and the language."""
    digest = hashlib.sha256(
        json.dumps([get_language(), inputs], default=str, sort_keys=True).encode()
    ).hexdigest()
    key = f"{kind}:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = draw()
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def _draw(
    *,
    title: str,
    unit: str,
    history: dict[int, Decimal | None],
    base_year: int,
    baseline: Decimal | None,
    targets: dict[int, Decimal | None],
    reference: Decimal | None,
    history_label: str,
) -> str:
    import pygal

    years = sorted(set(history) | {base_year} | set(targets))
    chart = pygal.Line(
        **chart_options(
            width=640,
            height=340,
            show_dots=True,
            dots_size=3,
            legend_at_bottom_columns=4,
            y_title=unit,
            allow_interruptions=True,
            print_values=False,
        )
    )
    chart.title = title
    chart.x_labels = [str(y) for y in years]
    chart.add(history_label, _floats(history.get(y) for y in years))
    planned = {base_year: baseline, **targets}
    chart.add(_("Baseline and targets"), _floats(planned.get(y) for y in years))
    if reference is not None:
        chart.add(
            _("National reference"),
            [float(reference)] * len(years),
            show_dots=False,
            stroke_style={"dasharray": "6,4", "width": 2},
        )
    return svg_of(chart)


def chart_image(svg: str, src: str) -> str:
    """The <img> of a chart at `src` (a data: URL, or the chart's own address), its SVG's title
    as the text alternative."""
    title = re.search(r"<title>(.*?)</title>", svg, re.S)
    alt = html.unescape(title.group(1)).strip() if title else ""
    return format_html('<img class="doc-chart-image" src="{}" alt="{}">', src, alt)


def svg_of(chart) -> str:
    """A pygal chart's SVG without its script and its page-wide legend ids."""
    return _LEGEND_IDS.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))


def chart_options(colours=SERIES_COLOURS, **overrides) -> dict:
    """The options every portal chart shares (style, no script, legend below)."""
    return {
        "style": _style(colours),
        "js": [],
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "truncate_legend": -1,
        "margin": 12,
        "margin_bottom": 24,
        "no_data_text": _("No data"),
        **overrides,
    }


def indicator_svg(row, numbers) -> str:
    """The chart of one IndicatorRow of selectors.PlanNumbers."""

    pi = row.plan_indicator
    catalogue = pi.indicator
    return indicator_chart_svg(
        title=pi.name,
        unit=pi.unit,
        history=row.history or dict.fromkeys(numbers.history_years),
        base_year=numbers.plan.cycle.base_year,
        baseline=to_decimal(pi.baseline),
        targets={y: to_decimal(pi.targets.get(str(y))) for y in numbers.plan_years},
        reference=catalogue.reference_value if catalogue else None,
    )


def actual_svg(item, plan) -> str:
    """A report's indicator (indicators.selectors.ActualRow): its actual values year by year
    (the earlier approved reports' and this one's) against the approved plan's 2020 baseline and
    yearly targets."""
    row = item.row
    years = plan.cycle.plan_years
    actuals = {y: to_decimal((row.earlier or {}).get(str(y))) for y in years}
    actuals[plan.data_years[-1]] = item.actual
    return indicator_chart_svg(
        title=row.name,
        unit=row.unit,
        history=actuals,
        base_year=plan.cycle.base_year,
        baseline=row.baseline,
        targets={y: to_decimal((row.planned or {}).get(str(y))) for y in years},
        reference=None,
        history_label=_("Actual values"),
    )
