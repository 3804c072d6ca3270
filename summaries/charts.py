"""The dashboards' charts (pygal SVG, drawn with the indicator charts' style)."""

from django.utils.translation import gettext as _

from indicators.charts import cached_svg, chart_options, svg_of


def progress_chart(provinces) -> str:
    """Parks by province and where their plans stand, as stacked horizontal bars."""
    rows = [(p.name, p.approved, p.in_review, p.returned, p.not_submitted) for p in provinces]
    return cached_svg("progress-chart:1", rows, lambda: _progress_chart(provinces))


def _progress_chart(provinces) -> str:
    import pygal

    rows = [p for p in provinces if p.parks]
    chart = pygal.HorizontalStackedBar(
        **chart_options(
            colours=("#1e6b45", "#3b82c4", "#e8a33d", "#ced4da"),
            width=760,
            height=max(260, 22 * len(rows) + 120),
            legend_at_bottom_columns=4,
            truncate_label=-1,
        )
    )
    chart.title = _("Plans by province")
    chart.x_labels = [p.name for p in rows]
    chart.add(_("Approved"), [p.approved for p in rows])
    chart.add(_("In review"), [p.in_review for p in rows])
    chart.add(_("Returned"), [p.returned for p in rows])
    chart.add(_("Not submitted"), [p.not_submitted for p in rows])
    return svg_of(chart)


def distribution_chart(summary) -> str:
    """Every park's stated baseline and 2025 target, each sorted, with the national reference."""
    inputs = [summary.name, summary.unit, summary.baselines, summary.targets]
    inputs.append(summary.reference_value)
    return cached_svg("distribution-chart:1", inputs, lambda: _distribution_chart(summary))


def _distribution_chart(summary) -> str:
    import pygal

    chart = pygal.Line(
        **chart_options(
            width=640,
            height=300,
            show_dots=True,
            dots_size=2,
            show_x_labels=False,
            y_title=summary.unit,
            legend_at_bottom_columns=3,
        )
    )
    chart.title = summary.name
    count = max(len(summary.baselines), len(summary.targets))
    chart.x_labels = [str(n) for n in range(1, count + 1)]
    chart.add(_("2020 baselines (parks sorted)"), [float(v) for v in sorted(summary.baselines)])
    chart.add(_("2025 targets (parks sorted)"), [float(v) for v in sorted(summary.targets)])
    if summary.reference_value is not None and count:
        chart.add(
            _("National reference"),
            [float(summary.reference_value)] * count,
            show_dots=False,
            stroke_style={"dasharray": "6,4", "width": 2},
        )
    return svg_of(chart)


def totals_chart(totals, years) -> str:
    """Energy use (tce) and CO2 (t) of the parks in scope, 2016-2020."""
    import pygal

    chart = pygal.Bar(**chart_options(width=640, height=300, legend_at_bottom_columns=2))
    chart.title = _("Energy use and CO2 of the parks in scope")
    chart.x_labels = [str(y) for y in years]
    chart.add(_("Energy use (10,000 tce)"), [float(totals.tce["*"][y]) / 10000 for y in years])
    chart.add(_("CO2 (10,000 t)"), [float(totals.co2["*"][y]) / 10000 for y in years])
    return svg_of(chart)


def investment_chart(totals, provinces) -> str:
    """Investment in the key projects by province (100 million yuan)."""
    import pygal

    rows = [p for p in provinces if totals.investment.get(p.code)]
    chart = pygal.HorizontalBar(
        **chart_options(
            colours=("#1e6b45",),
            width=640,
            height=max(220, 22 * len(rows) + 100),
            show_legend=False,
            truncate_label=-1,
        )
    )
    chart.title = _("Key project investment by province (100 million yuan)")
    chart.x_labels = [p.name for p in rows]
    chart.add(_("Investment"), [float(totals.investment[p.code]) / 10000 for p in rows])
    return svg_of(chart)
