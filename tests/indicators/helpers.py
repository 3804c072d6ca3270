"""Helpers for the indicators tests: a plan's numbers as the pages compute them, and the data
tables' form as a browser posts it."""

from django.urls import reverse

from indicators import selectors, services
from indicators.models import TableData
from indicators.tables import TABLES
from tests.plans.helpers import form_values

YEARS = [2016, 2017, 2018, 2019, 2020]
PLAN_YEARS = [2021, 2022, 2023, 2024, 2025]


def numbers_of(plan):
    """What the pages compute for the plan (selectors.plan_numbers with its accounting)."""
    return selectors.plan_numbers(plan, services.accounting_get_or_create(plan=plan))


def row_of(plan, plan_indicator):
    return next(r for r in numbers_of(plan).indicators if r.plan_indicator.pk == plan_indicator.pk)


def stored(plan, table: str) -> dict:
    record = TableData.objects.filter(plan=plan, table=table).first()
    return record.values if record else {}


def revision_of(plan, table: str) -> int:
    record = TableData.objects.filter(plan=plan, table=table).first()
    return record.revision if record else 0


def data_url(plan) -> str:
    return reverse("indicators:data", args=[plan.pk])


def grid_values(html: str) -> dict[str, str]:
    """What the data page's one form posts, as the page shows it: every table's cells, revision
    and digest (`<table>-…`) and the grid factor (`accounting-…`)."""
    parts = (*TABLES, "accounting")
    return {name: value for name, value in form_values(html).items() if name.split("-")[0] in parts}


def open_grid(client, plan) -> dict[str, str]:
    """The data page's form as the user finds it on opening the page."""
    return grid_values(client.get(data_url(plan)).content.decode())


def post_grid(client, plan, page: dict, typed: dict):
    """POST the data page's form: the page as it was opened (`page`), with `typed` changed
    ({"<table>-<row>__<year>": text, ...})."""
    return client.post(data_url(plan), {**page, **typed})


def save_table(client, plan, table: str, cells: dict, *, revision=None):
    """Open the data page, type `cells` ({"<row>__<year>": text}) into one table and save; with
    `revision`, as if the page had been opened at that revision of the table."""
    page = open_grid(client, plan)
    typed = {f"{table}-{name}": value for name, value in cells.items()}
    if revision is not None:
        typed[f"{table}-revision"] = str(revision)
    return post_grid(client, plan, page, typed)


def store_table(plan, table: str, values: dict, actor) -> None:
    """Save a table through the service (the page's own save), from its current revision."""
    services.table_save(
        plan=plan,
        table_key=table,
        values=values,
        expected_revision=revision_of(plan, table),
        actor=actor,
    )


def indicator_edit_url(plan, plan_indicator) -> str:
    return reverse("plans:row-edit", args=[plan.pk, "indicators", plan_indicator.pk])


def indicator_post(plan_indicator, **fields) -> dict:
    """The row-edit form of a plan indicator as a browser posts it: the stored values, the
    revision, and whatever the user changed."""
    data = {
        "revision": plan_indicator.revision,
        "baseline": plan_indicator.baseline,
        "data_source": plan_indicator.data_source,
        "feasibility": plan_indicator.feasibility,
    }
    for year in PLAN_YEARS:
        data[f"target_{year}"] = plan_indicator.targets.get(str(year), "")
    if plan_indicator.is_custom:
        data.update(
            custom_name=plan_indicator.custom_name,
            custom_unit=plan_indicator.custom_unit,
            custom_direction=plan_indicator.custom_direction,
            custom_definition=plan_indicator.custom_definition,
        )
    data.update(fields)
    return data


def table_section(html: str, table: str) -> str:
    """The HTML of one data table's card on the data page (its form and, for energy, the
    account)."""
    import re

    match = re.search(rf'<section[^>]*id="table-{table}".*?</section>', html, flags=re.S)
    assert match, f"no section for table {table}"
    return match.group(0)


def cell_feedback(html: str, name: str) -> list[str]:
    """The messages shown under one cell's input (its invalid-feedback); `name` as posted
    (`<table>-<row>__<year>`)."""
    import re

    match = re.search(rf'<input[^>]*name="{name}"[^>]*>(.*?)</td>', html, flags=re.S)
    assert match, f"no input {name}"
    return re.findall(r'<div class="invalid-feedback"[^>]*>(.*?)</div>', match.group(1), flags=re.S)
