"""The national summary workbook of issue 7, written with openpyxl's write-only mode.

One pass over the versions in scope (figures.figures.iterate: chunks, bounded memory) writes
every park's rows to the park-level sheets while figures.figures.indicator_summaries reads the
same versions for the aggregates; what the later sheets need (sums by province, fuel, task group
and year; the list of versions) is small and kept as the pass goes. Each write-only sheet streams
to its own temporary file, so the sheets fill in any order and `说明` still comes first.

The workbook is a document in Chinese, like the data workbook (indicators/workbook.py): sheet
names and headings are the template's wording; the labels of states, roles and profile fields
come from their declarations under `translation.override("zh-hans")`.

Every cell is written through core.spreadsheets: what parks and people typed (contacts, custom
indicators, projects, fuels ...) is stored as text, never as a formula; the workbook has none.
"""

import datetime
from collections.abc import Callable, Iterable

from django.utils import translation
from django.utils.translation import gettext as _

from summaries import figures
from summaries.export_workbook.book import SummaryBook
from summaries.export_workbook.sheets import NATIONAL, About, Result

__all__ = ["About", "Result", "build"]


def build(
    path: str,
    *,
    versions: Iterable,
    total: int,
    approvals: dict[int, datetime.datetime],
    about: About,
    report: Callable[..., None],
    actuals=None,
) -> Result:
    """Write the workbook of `versions` (an iterator over the versions in scope) to `path`."""
    with translation.override("zh-hans"):
        book = SummaryBook(
            cycle=about.cycle,
            approvals=approvals,
            total_label=NATIONAL if about.national else "合计",
        )
        report(5, _("Writing the park sheets"), phase=True)
        found = figures.indicator_summaries(
            book.stream(versions, total=total, report=report), base_year=about.cycle.base_year
        )
        report(90, _("Working out the national and provincial aggregates"), phase=True)
        book.write_aggregates(found)
        book.write_data_sums()
        book.write_project_sums()
        if actuals is not None:  # summaries.actuals.Figures of the approved reports
            book.write_actuals(actuals)
        book.write_about(about)
        book.close()
        report(95, _("Saving the workbook"), phase=True)
        book.workbook.save(path)
    return Result(parks=len(book.parks), versions=len(book.versions))
