"""The plan as one document: what the preview, the review page and the PDF lay out.

`plan_document` builds it from the live draft; documents.freeze turns it into the frozen
snapshot of a submitted version, and documents.thaw builds the same PlanDocument back from that
snapshot alone, so every consumer walks one shape whatever its source.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from indicators.selectors import accounting_for_reading, actual_rows, plan_numbers
from indicators.tables import DOCUMENT_PARTS
from parks.profile import profile_table
from parks.selectors import park_profile_for_reading
from plans.models import Attachment, Figure, Plan, Section
from plans.outline import Entry, Outline, outline_for
from plans.rows import ROW_KINDS, kinds_in
from plans.selectors import (
    OutlineStatus,
    ProjectTotals,
    plan_outline_status,
    project_totals,
    rows_for,
)


@dataclass
class NumberedFigure:
    figure: Figure
    label: str  # 图1-1
    url: str = ""


@dataclass
class LinkedFile:
    attachment: Attachment
    url: str


# Where the document's files are fetched from: (kind, id, storage name) -> URL, kind being
# "seal", "figure" or "attachment". The browser preview links to the access-checked views, a
# frozen version to its own file view, the PDF to the private storage directly.
FileUrl = Callable[[str, int, str], str]


def draft_file_url(plan: Plan) -> FileUrl:
    def url(kind: str, pk: int, name: str) -> str:
        if kind == "seal":
            return reverse("parks:seal", args=[plan.park_id])
        if kind == "figure":
            return reverse("plans:figure-image", args=[plan.pk, pk])
        return reverse("plans:attachment-download", args=[plan.pk, pk])

    return url


def storage_file_url(kind: str, pk: int, name: str) -> str:
    """For the PDF renderer, which reads `private:` URLs (images) from the private storage;
    supporting files are listed by name, not linked (a storage name means nothing on paper)."""
    return "" if kind == "attachment" else f"private:{name}"


def numbered_figures(
    outline: Outline, figures, file_url: FileUrl | None = None
) -> dict[str, list[NumberedFigure]]:
    """Figures by section, numbered per chapter in document order (图1-1, 图1-2, 图2-1 ...)."""
    by_section: dict[str, list[Figure]] = defaultdict(list)
    for figure in figures:
        by_section[figure.section_key].append(figure)
    chapters = [e for e in outline.entries if e.number]  # 前言 has no number, no figure number
    result: dict[str, list[NumberedFigure]] = {}
    counters: dict[str, int] = defaultdict(int)
    for section in outline.sections:
        chapter = outline.chapter_of[section.key]
        chapter_no = chapters.index(chapter) + 1 if chapter in chapters else 0
        for figure in sorted(by_section.get(section.key, []), key=lambda f: (f.position, f.pk)):
            counters[chapter.key] += 1
            result.setdefault(section.key, []).append(
                NumberedFigure(
                    figure,
                    f"图{chapter_no}-{counters[chapter.key]}",
                    file_url("figure", figure.pk, figure.image.name) if file_url else "",
                )
            )
    return result


@dataclass
class PlanDocument:
    """The whole plan as it prints, from the live draft (plan_document) or a frozen version
    (documents.thaw.version_document): the preview, the review page and the PDF walk it."""

    plan: Plan
    outline: Outline
    status: OutlineStatus
    sections: dict[str, Section]
    figures: dict[str, list[NumberedFigure]]
    rows: dict[str, list]
    project_totals: ProjectTotals
    attachments: dict[str, list[LinkedFile]]  # by category
    numbers: object  # indicators.selectors.PlanNumbers
    profile: object  # parks.models.ParkProfile
    seal_url: str = ""
    profile_rows: list = field(init=False)
    tables: dict[str, list[tuple]] = field(init=False)  # section key -> [(RowKind, rows)]
    toc: list[tuple[Entry, int]] = field(init=False)
    number_parts: dict[str, tuple[str, ...]] = field(init=False)  # section key -> partials

    @property
    def actuals(self) -> list:
        """A report's indicators against their targets (indicators.selectors.ActualRow)."""
        return actual_rows(self.plan, self.rows.get("actuals", []), self.numbers)

    def __post_init__(self):
        self.profile_rows = profile_table(self.profile)
        self.tables = {
            key: [
                (kind, self.rows[kind.slug])
                for kind in ROW_KINDS.values()
                if kind.section_key == key
            ]
            for key in {kind.section_key for kind in ROW_KINDS.values()}
        }
        self.toc = [(e, d) for e, d in self.outline.walk() if e.in_toc]
        self.number_parts = {
            key: tuple(f"indicators/_doc_{part}.html" for part in parts)
            for key, parts in DOCUMENT_PARTS.items()
        }


def plan_document(plan: Plan, *, file_url: FileUrl | None = None, profile=None) -> PlanDocument:
    """The draft as it is now; files linked through `file_url` (default: the web views).
    `profile`: the park's information, when the caller has read it."""
    file_url = file_url or draft_file_url(plan)
    outline = outline_for(plan.outline_version)
    profile = profile or park_profile_for_reading(park=plan.park)
    present = kinds_in(outline)
    rows = {
        slug: list(rows_for(plan=plan, kind=kind)) if slug in present else []
        for slug, kind in ROW_KINDS.items()
    }
    attachments: dict[str, list[LinkedFile]] = defaultdict(list)
    for attachment in Attachment.objects.filter(plan=plan).order_by("section_key", "position"):
        attachments[attachment.category].append(
            LinkedFile(attachment, file_url("attachment", attachment.pk, attachment.file.name))
        )
    return PlanDocument(
        plan=plan,
        outline=outline,
        status=plan_outline_status(plan),
        sections={s.key: s for s in Section.objects.filter(plan=plan)},
        figures=numbered_figures(outline, Figure.objects.filter(plan=plan), file_url),
        rows=rows,
        project_totals=project_totals(rows["projects"]),
        attachments=dict(attachments),
        numbers=plan_numbers(plan, accounting_for_reading(plan)),
        profile=profile,
        seal_url=file_url("seal", profile.pk, profile.seal.name) if profile.seal else "",
    )
