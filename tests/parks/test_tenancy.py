"""Tenancy: outside one's scope park data does not exist (404); province pages are not park data,
so there a missing right answers 403. Also: views reach the database only through selectors and
services."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter

from indicators import services as indicator_services
from indicators.models import Accounting, CustomFuel, PlanIndicator, TableData, WorkbookImport
from parks import services
from parks.models import AuditEntry, Park, ParkProfile, Province, User
from plans.models import Attachment, Figure, KeyTask, Plan, Section
from review import services as review_services
from review.models import Comment, PdfDocument, StatusChange, Version
from summaries import chart_files
from summaries.models import ExportJob
from tests.factories import (
    AttachmentFactory,
    CustomFuelFactory,
    FigureFactory,
    KeyTaskFactory,
    ParkFactory,
    PlanFactory,
    PlanIndicatorFactory,
    TableDataFactory,
    WorkbookImportFactory,
    ensure_catalogue,
)
from tests.parks.helpers import seal_png, upload

REPO = Path(__file__).resolve().parents[2]

# Every URL whose route carries an integer id, and how to fill it with something that belongs to
# park B. A new URL with an id must be added here (test_every_url_with_an_id_is_in_the_map).
PARK_DATA_URLS: dict[str, Callable[[SimpleNamespace], dict]] = {
    "park-detail": lambda w: {"park_pk": w.park_b.pk},
    "parks:park-update": lambda w: {"park_pk": w.park_b.pk},
    "parks:profile-edit": lambda w: {"park_pk": w.park_b.pk},
    "parks:seal": lambda w: {"park_pk": w.park_b.pk},
    "parks:park-audit": lambda w: {"park_pk": w.park_b.pk},
    "parks:park-audit-export": lambda w: {"park_pk": w.park_b.pk},
    "parks:user-update": lambda w: {"pk": w.editor_b.pk},
    "parks:user-invite": lambda w: {"pk": w.editor_b.pk},
    # The plan editor: park B's plan and a task, a figure and a file of it (_give_park_b_a_plan).
    "plans:plan-entry": lambda w: {"park_pk": w.park_b.pk},
    "plans:plan-detail": lambda w: {"plan_pk": w.plan_b.pk},
    "documents:preview": lambda w: {"plan_pk": w.plan_b.pk},
    "plans:section-edit": lambda w: {"plan_pk": w.plan_b.pk, "key": "1.1"},
    "plans:section-autosave": lambda w: {"plan_pk": w.plan_b.pk, "key": "1.1"},
    "plans:section-presence": lambda w: {"plan_pk": w.plan_b.pk, "key": "1.1"},
    "plans:figure-add": lambda w: {"plan_pk": w.plan_b.pk, "key": "1.1"},
    "plans:attachment-add": lambda w: {"plan_pk": w.plan_b.pk, "key": "6.3"},
    "plans:roadmap-save": lambda w: {"plan_pk": w.plan_b.pk},
    "plans:row-list": lambda w: {"plan_pk": w.plan_b.pk, "slug": "tasks"},
    "plans:row-create": lambda w: {"plan_pk": w.plan_b.pk, "slug": "tasks"},
    "plans:row-edit": lambda w: {"plan_pk": w.plan_b.pk, "slug": "tasks", "pk": w.task_b.pk},
    "plans:row-delete": lambda w: {
        "plan_pk": w.plan_b.pk,
        "slug": "attachments",
        "pk": w.attachment_b.pk,
    },
    "plans:row-move": lambda w: {"plan_pk": w.plan_b.pk, "slug": "figures", "pk": w.figure_b.pk},
    "plans:figure-image": lambda w: {"plan_pk": w.plan_b.pk, "pk": w.figure_b.pk},
    "plans:attachment-download": lambda w: {"plan_pk": w.plan_b.pk, "pk": w.attachment_b.pk},
    # The plan's numbers: park B's indicators, data tables, workbook and a pending import of it.
    "indicators:indicator-list": lambda w: {"plan_pk": w.plan_b.pk},
    "indicators:indicator-add": lambda w: {"plan_pk": w.plan_b.pk},
    "indicators:indicator-chart": lambda w: {"plan_pk": w.plan_b.pk, "pk": w.indicator_b.pk},
    "indicators:data": lambda w: {"plan_pk": w.plan_b.pk},
    "indicators:grid-recompute": lambda w: {"plan_pk": w.plan_b.pk},
    "indicators:workbook": lambda w: {"plan_pk": w.plan_b.pk},
    "indicators:import": lambda w: {"plan_pk": w.plan_b.pk},
    "indicators:import-review": lambda w: {"plan_pk": w.plan_b.pk, "pk": w.import_b.pk},
    # Submission and review: park B's review panel, a transition, its two submitted versions,
    # a reviewer's comment on version 1 and a figure frozen in it.
    "review:panel": lambda w: {"plan_pk": w.plan_b.pk},
    "review:transition": lambda w: {"plan_pk": w.plan_b.pk, "action": "submit"},
    "review:assign": lambda w: {"plan_pk": w.plan_b.pk},
    "review:part-threads": lambda w: {"plan_pk": w.plan_b.pk},
    "review:version": lambda w: {"plan_pk": w.plan_b.pk, "number": 1},
    "review:comment-post": lambda w: {"plan_pk": w.plan_b.pk, "number": 1},
    "review:comment-resolve": lambda w: {
        "plan_pk": w.plan_b.pk,
        "number": 1,
        "pk": w.comment_b.pk,
    },
    "review:version-file": lambda w: {
        "plan_pk": w.plan_b.pk,
        "number": 1,
        "kind": "figures",
        "item": w.figure_b.pk,
    },
    "review:version-diff": lambda w: {"plan_pk": w.plan_b.pk, "number": 2},
    "review:version-year-on-year": lambda w: {"plan_pk": _park_b_reports(w).pk, "number": 1},
    "summaries:peers": lambda w: {"plan_pk": w.plan_b.pk, "number": 1},
    "review:pdfs": lambda w: {"plan_pk": w.plan_b.pk},
    "review:pdf-request": lambda w: {"plan_pk": w.plan_b.pk},
    "review:pdf": lambda w: {"plan_pk": w.plan_b.pk, "pk": w.pdf_b.pk},
    "reports:list": lambda w: {"plan_pk": w.plan_b.pk},
    "reports:start": lambda w: {"plan_pk": w.plan_b.pk},
}
# Pages with an id that are not park data: a park user lacks the right (403), see below.
NOT_PARK_DATA_URLS: dict[str, Callable[[SimpleNamespace], dict]] = {
    "parks:province-update": lambda w: {"pk": w.province_b.pk},
    # An export belongs to the user who asked for it (anyone else: 404, tests/review/test_exports)
    "summaries:export-download": lambda w: {"pk": w.export_b.pk},
}


# A POST that would change park B's data if any of these views let it through.
HOSTILE_POST = {
    "revision": "0",
    "address": "越权写入的地址",
    "name": "越权改名高新区",
    "province": "",
    "reviewing_body": "越权审核单位",
    "username": "hijacked",
    "full_name": "越权",
    "email": "hijacked@example.cn",
    "role": "national_admin",
    # plan editor forms: a section, the roadmap, a task row, a move, an upload's text fields
    "body": "<p>越权写入的正文</p>",
    "is_done": "on",
    "carbon_peak_year": "2030",
    "group": "emission",
    "department": "越权部门",
    "direction": "up",
    "caption": "越权图件",
    "category": "fourteenth_plan",
    "description": "越权材料",
    # the numbers: an indicator, its targets, a table cell, the grid factor, an import, a fuel
    "custom_name": "越权指标",
    "custom_unit": "%",
    "custom_direction": "lower",
    "baseline": "9.99",
    "target_2025": "9.99",
    "justify_direction": "越权说明",
    # the data page's one form (indicators:data): a cell of two tables and the grid factor
    "economy-revision": "0",
    "economy-iav__2020": "999999",
    "energy-revision": "0",
    "energy-raw_coal__2020": "999999",
    "accounting-revision": "0",
    "accounting-grid_series": "national fossil-fuel power|全国",
    "accounting-grid_reason": "越权理由",
    "action": "apply",
    "unit": "吨",
    "tce_per_unit": "9.9",
    "source": "越权来源",
    # the review: a transition's form, a comment and its anchor, resolving
    "reason": "other",
    "comment": "越权意见",
    "note": "越权说明",
    "anchor": "section:1.1",
    "resolved": "1",
}


def _park_b_reports(world):
    """Park B's approved 2023 report and its 2024 report, each with a version (made once)."""
    if not hasattr(world, "report_b"):
        from plans.outline import ANNUAL_OUTLINE

        plan = getattr(world, "plan_b", None) or PlanFactory(park=world.park_b)
        for year in (2023, 2024):
            report = Plan.objects.create(
                park=world.park_b,
                cycle=plan.cycle,
                kind=Plan.Kind.ANNUAL,
                follows=plan,
                data_year=year,
                outline_version=ANNUAL_OUTLINE.version,
                status="approved" if year == 2023 else "draft",
            )
            review_services.version_freeze(plan=report, actor=world.editor_b)
        world.report_b = report
    return world.report_b


def _give_park_b_a_plan(world) -> SimpleNamespace:
    """Park B's plan with a written section, a task, a figure and a file, an indicator, an own
    fuel, a data table and a pending workbook import, kept on `world`."""
    world.plan_b = PlanFactory(park=world.park_b)
    Section.objects.filter(plan=world.plan_b, key="1.1").update(body="<p>滨江概况</p>")
    world.task_b = KeyTaskFactory(plan=world.plan_b)
    world.figure_b = FigureFactory(plan=world.plan_b, section_key="1.1")
    world.attachment_b = AttachmentFactory(plan=world.plan_b, section_key="6.3")
    # ... and its numbers: an indicator, an own fuel, a table, the accounting, a pending import
    ensure_catalogue()
    world.indicator_b = PlanIndicatorFactory(
        plan=world.plan_b, code="energy_intensity_iav", baseline="0.17", targets={"2025": "0.15"}
    )
    world.fuel_b = CustomFuelFactory(plan=world.plan_b, name="滨江生物质燃料")
    world.table_b = TableDataFactory(plan=world.plan_b, table="economy")
    indicator_services.accounting_get_or_create(plan=world.plan_b)
    world.import_b = WorkbookImportFactory(plan=world.plan_b)
    # ... and two submitted versions (withdrawn since), with a reviewer's comment on the first
    world.version_b = review_services.version_freeze(plan=world.plan_b, actor=world.editor_b)
    review_services.version_freeze(plan=world.plan_b, actor=world.editor_b)
    world.comment_b = review_services.comment_add(
        version=world.version_b,
        actor=world.reviewer_b,
        body="滨江概况请补充。",
        anchor="section:1.1",
    )
    # ... and the rendered PDF of version 1
    world.pdf_b = PdfDocument.objects.create(
        plan=world.plan_b,
        version=world.version_b,
        kind=PdfDocument.Kind.SUBMITTED,
        state=PdfDocument.State.DONE,
        pages=1,
    )
    world.pdf_b.file.save("v1-submitted.pdf", ContentFile(b"%PDF-1.7 park B"), save=True)
    # ... and province B's reviewer's Excel export
    world.export_b = ExportJob.objects.create(
        requested_by=world.reviewer_b, cycle="2021-2025", state=ExportJob.State.DONE
    )
    return world


def _plan_b_state(world) -> tuple:
    """Everything of park B's plan a hostile request could change."""
    plan = Plan.objects.get(pk=world.plan_b.pk)
    return (
        plan.carbon_peak_year,
        plan.roadmap_revision,
        sorted(Section.objects.filter(plan=plan).values_list("key", "body", "revision", "is_done")),
        sorted(KeyTask.objects.filter(plan=plan).values_list("pk", "name", "revision", "position")),
        sorted(
            Figure.objects.filter(plan=plan).values_list("pk", "caption", "revision", "position")
        ),
        sorted(Attachment.objects.filter(plan=plan).values_list("pk", "filename", "revision")),
        _numbers_state(plan),
        _review_state(plan),
    )


def _review_state(plan) -> tuple:
    """Everything of a plan's review a hostile request could change."""
    return (
        Plan.objects.values_list("status", "assigned_to").get(pk=plan.pk),
        sorted(Version.objects.filter(plan=plan).values_list("number", "content_hash")),
        sorted(
            Comment.objects.filter(version__plan=plan).values_list(
                "pk", "body", "published", "is_resolved"
            )
        ),
        StatusChange.objects.filter(plan=plan).count(),
        sorted(PdfDocument.objects.filter(plan=plan).values_list("pk", "state", "created_at")),
    )


def _numbers_state(plan) -> tuple:
    """Everything of a plan's numbers a hostile request could change."""
    return (
        [
            (p.pk, p.indicator_id, p.baseline, p.targets, p.justifications, p.revision, p.position)
            for p in PlanIndicator.objects.filter(plan=plan).order_by("pk")
        ],
        sorted(
            CustomFuel.objects.filter(plan=plan).values_list(
                "pk", "name", "tce_per_unit", "revision", "position"
            )
        ),
        [(t.table, t.values, t.revision) for t in TableData.objects.filter(plan=plan)],
        list(
            Accounting.objects.filter(plan=plan).values_list(
                "grid_scope", "grid_reason", "grid_years", "revision"
            )
        ),
        sorted(WorkbookImport.objects.filter(plan=plan).values_list("pk", "status")),
    )


def _int_id_patterns(patterns=None, namespace=""):
    """(qualified name, URL pattern) for every route in the project with an integer kwarg."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _int_id_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            converters = entry.pattern.converters
            if any(isinstance(c, IntConverter) for c in converters.values()):
                name = f"{namespace}{entry.name}" if entry.name else str(entry.pattern)
                yield name, entry


def _accepts_post(url: str) -> bool:
    return hasattr(resolve(url).func.view_class, "post")


def test_every_url_with_an_id_is_in_the_map():
    # given every route of the project with an integer id
    found = dict(_int_id_patterns())

    # when compared with the map of how to fill the id
    mapped = PARK_DATA_URLS.keys() | NOT_PARK_DATA_URLS.keys()

    # then each is covered (a new page with an id must say what it belongs to) and none is stale
    assert found, "the walk found no route with an integer id at all"
    assert not found.keys() - mapped, (
        "new URL(s) with an id: add them to PARK_DATA_URLS or NOT_PARK_DATA_URLS in "
        f"{Path(__file__).name}: {sorted(found.keys() - mapped)}"
    )
    assert not mapped - found.keys(), f"map names URLs that no longer exist: {mapped - found}"


def test_every_map_entry_fills_every_kwarg_of_its_route(world):
    # given every route with an integer id and the objects of park B the map points at
    _give_park_b_a_plan(world)
    found = dict(_int_id_patterns())

    # when each map entry builds its kwargs
    built = {
        name: builder(world)
        for name, builder in {**PARK_DATA_URLS, **NOT_PARK_DATA_URLS}.items()
        if name in found
    }

    # then it fills exactly the route's kwargs (ids, and also keys and slugs), and reverse works
    assert {name: set(kwargs) for name, kwargs in built.items()} == {
        name: set(found[name].pattern.converters) for name in built
    }
    assert all(reverse(name, kwargs=kwargs) for name, kwargs in built.items())


@pytest.mark.parametrize("persona", ["editor_a", "manager_a"])
@pytest.mark.parametrize(
    "url_name",
    [pytest.param(name) for name in PARK_DATA_URLS],
)
def test_park_a_staff_get_404_on_every_page_of_park_b(
    world, client_for, django_capture_on_commit_callbacks, url_name, persona
):
    # given park B with data behind every page (a seal, an audit row, a plan with a section, a
    # task, a figure and a file) and park A staff logged in
    _give_park_b_a_plan(world)
    services.park_profile_save(
        park=world.park_b,
        actor=world.editor_b,
        data={"address": "滨江区网商路 599 号"},
        expected_revision=0,
        seal=upload("seal.png", seal_png(), "image/png"),
    )
    before = (AuditEntry.objects.count(), ParkProfile.objects.get(park=world.park_b).revision)
    plan_before = _plan_b_state(world)
    url = reverse(url_name, kwargs=PARK_DATA_URLS[url_name](world))
    client = client_for(getattr(world, persona))

    # when they GET the page, and POST to it where the view accepts POST
    with django_capture_on_commit_callbacks(execute=True):
        statuses = {"GET": client.get(url).status_code}
        if _accepts_post(url):
            statuses["POST"] = client.post(url, HOSTILE_POST).status_code

    # then the page does not exist for them and nothing of park B changed
    assert statuses == dict.fromkeys(statuses, 404)
    assert (AuditEntry.objects.count(), ParkProfile.objects.get(park=world.park_b).revision) == (
        before
    )
    assert Park.objects.get(pk=world.park_b.pk).name == world.park_b.name
    assert User.objects.get(pk=world.editor_b.pk).role == world.editor_b.role
    assert _plan_b_state(world) == plan_before
    assert Plan.objects.filter(park=world.park_a).count() == 0
    assert mail.outbox == []


# Park A's own plan in the URL, park B's object as the id: the object is looked up among the
# plan's own, so it does not exist either.
MIXED_URLS = [
    ("plans:row-edit", "tasks", "task_b"),
    ("plans:row-delete", "tasks", "task_b"),
    ("plans:row-move", "tasks", "task_b"),
    ("plans:row-edit", "figures", "figure_b"),
    ("plans:row-delete", "figures", "figure_b"),
    ("plans:row-move", "figures", "figure_b"),
    ("plans:row-edit", "attachments", "attachment_b"),
    ("plans:row-delete", "attachments", "attachment_b"),
    ("plans:figure-image", None, "figure_b"),
    ("plans:attachment-download", None, "attachment_b"),
    ("plans:row-edit", "indicators", "indicator_b"),
    ("plans:row-delete", "indicators", "indicator_b"),
    ("plans:row-move", "indicators", "indicator_b"),
    ("plans:row-edit", "fuels", "fuel_b"),
    ("plans:row-delete", "fuels", "fuel_b"),
    ("plans:row-move", "fuels", "fuel_b"),
    ("indicators:indicator-chart", None, "indicator_b"),
    ("indicators:import-review", None, "import_b"),
]


@pytest.mark.parametrize(("url_name", "slug", "target"), MIXED_URLS)
def test_park_a_plan_with_park_b_object_id_is_404(world, client_for, url_name, slug, target):
    # given park A's own plan, and park B's plan with a task, a figure and a file
    _give_park_b_a_plan(world)
    plan_a = PlanFactory(park=world.park_a)
    kwargs = {"plan_pk": plan_a.pk, "pk": getattr(world, target).pk}
    if slug:
        kwargs["slug"] = slug
    url = reverse(url_name, kwargs=kwargs)
    before = (_plan_b_state(world), AuditEntry.objects.count())
    client = client_for(world.editor_a)

    # when park A's editor asks for park B's object through their own plan
    statuses = {"GET": client.get(url).status_code}
    if _accepts_post(url):
        statuses["POST"] = client.post(url, HOSTILE_POST).status_code

    # then it does not exist for them, and nothing of park B's plan changed
    assert statuses == dict.fromkeys(statuses, 404)
    assert (_plan_b_state(world), AuditEntry.objects.count()) == before


@pytest.mark.parametrize(("url_name", "slug", "target"), MIXED_URLS)
def test_park_b_editor_reaches_the_same_urls_for_their_own_plan(
    world, client_for, url_name, slug, target
):
    # given park B's plan and its objects (the control for the test above)
    _give_park_b_a_plan(world)
    kwargs = {"plan_pk": world.plan_b.pk, "pk": getattr(world, target).pk}
    if slug:
        kwargs["slug"] = slug

    # when park B's own editor GETs the URL
    response = client_for(world.editor_b).get(reverse(url_name, kwargs=kwargs))

    # then it exists for them (a page, a file, or "use POST" for POST-only actions)
    assert response.status_code in (200, 405)


@pytest.mark.parametrize(
    "url_name",
    [
        name
        for name in PARK_DATA_URLS
        if name.startswith(("plans:", "documents:", "indicators:", "review:", "summaries:"))
    ],
)
def test_park_b_editor_reaches_every_plan_url_of_the_map(world, client_for, url_name):
    # given park B's plan and the map's kwargs for it
    _give_park_b_a_plan(world)
    url = reverse(url_name, kwargs=PARK_DATA_URLS[url_name](world))

    # when park B's own editor GETs it
    response = client_for(world.editor_b).get(url)

    # then the URL exists for them: what park A's staff get (404) is tenancy, not a bad URL
    assert response.status_code in (200, 302, 403, 405)


@pytest.mark.parametrize("persona", ["editor_a", "manager_a"])
@pytest.mark.parametrize("own_province", [False, True])
def test_park_staff_get_403_on_province_pages(world, client_for, persona, own_province):
    # given a province page (not park data: any province, even their own, is outside their rights)
    kwargs = NOT_PARK_DATA_URLS["parks:province-update"](world)
    if own_province:
        kwargs = {"pk": world.province_a.pk}
    target = Province.objects.get(pk=kwargs["pk"])
    url = reverse("parks:province-update", kwargs=kwargs)
    client = client_for(getattr(world, persona))

    # when park staff GET and POST it
    got = client.get(url)
    posted = client.post(url, {"reviewing_body": "越权审核单位"})

    # then the answer is a missing right, and the reviewing body is untouched
    assert (got.status_code, posted.status_code) == (403, 403)
    assert Province.objects.get(pk=target.pk).reviewing_body == target.reviewing_body


def test_provincial_reviewer_sees_parks_of_their_province_only(world, client_for):
    # given the reviewer of province A (park A's province)
    client = client_for(world.reviewer_a)

    # when they open both parks' detail pages
    park_a = client.get(reverse("park-detail", args=[world.park_a.pk]))
    park_b = client.get(reverse("park-detail", args=[world.park_b.pk]))

    # then park A is there and park B does not exist for them
    assert park_a.status_code == 200
    assert world.park_a.name in park_a.content.decode()
    assert park_b.status_code == 404


def test_national_reviewer_sees_parks_of_every_province(world, client_for):
    # given a national reviewer
    client = client_for(world.national)

    # when they open both parks' detail pages
    statuses = [
        client.get(reverse("park-detail", args=[park.pk])).status_code
        for park in (world.park_a, world.park_b)
    ]

    # then both are there
    assert statuses == [200, 200]


def test_park_list_shows_park_staff_only_their_own_park(world, client_for):
    # given a second park in park A's province
    neighbour = ParkFactory(name="苏州高新技术产业开发区", province=world.province_a)

    # when park A's editor opens the park list
    response = client_for(world.editor_a).get(reverse("parks:park-list"))

    # then only park A is listed, not its neighbour nor park B
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [world.park_a]
    html = response.content.decode()
    assert world.park_a.name in html
    assert neighbour.name not in html
    assert world.park_b.name not in html


def test_park_list_shows_a_provincial_reviewer_every_park_of_their_province(world, client_for):
    # given a second park in park A's province
    neighbour = ParkFactory(name="苏州高新技术产业开发区", province=world.province_a)

    # when province A's reviewer opens the park list
    response = client_for(world.reviewer_a).get(reverse("parks:park-list"))

    # then both parks of province A are listed, park B is not
    assert set(response.context["object_list"]) == {world.park_a, neighbour}
    assert world.park_b.name not in response.content.decode()


# --- the reports due (issue 16): a list without an id, scoped like the park list -----------------


def _approve_both_plans(world) -> None:
    for park in (world.park_a, world.park_b):
        PlanFactory(park=park, cycle=world.cycle, status="approved")


@pytest.mark.parametrize("persona", ["editor_a", "manager_a", "editor_b"])
def test_park_staff_get_403_on_the_reports_due(world, client_for, persona):
    _approve_both_plans(world)
    assert client_for(getattr(world, persona)).get(reverse("reports:due")).status_code == 403


def test_the_reports_due_show_a_provincial_reviewer_their_province_only(world, client_for):
    # given both parks' plans approved, each owing its reports
    _approve_both_plans(world)
    client = client_for(world.reviewer_a)

    # when province A's reviewer opens the list, also asking for province B's parks
    plain = client.get(reverse("reports:due"))
    asked = client.get(reverse("reports:due"), {"province": world.province_b.code})

    # then only park A's reports are there, whatever was asked
    for page in (plain, asked):
        assert page.status_code == 200
        assert {line.park for line in page.context["lines"]} == {world.park_a}
        assert world.park_b.name not in page.content.decode()


def test_the_reports_due_show_the_national_level_every_province(world, client_for):
    _approve_both_plans(world)
    for persona in (world.national, world.admin):
        page = client_for(persona).get(reverse("reports:due"))
        assert {line.park for line in page.context["lines"]} == {world.park_a, world.park_b}


def _app_view_files() -> list[Path]:
    files = []
    for app in (
        "core",
        "parks",
        "plans",
        "indicators",
        "notifications",
        "documents",
        "review",
        "reports",
        "summaries",
        "portal",
    ):
        root = REPO / app
        files += [p for p in root.rglob("views.py") if "migrations" not in p.parts]
        files += [p for p in root.rglob("views/*.py")]
    return sorted(set(files))


def test_views_reach_the_database_only_through_selectors_and_services():
    # given every views module of the project's apps
    files = _app_view_files()
    assert REPO / "parks" / "views.py" in files
    assert REPO / "portal" / "views.py" in files

    # when their source is read as text
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ".objects." in line
    ]

    # then none queries a model manager directly
    assert offenders == [], "views must use selectors/services:\n" + "\n".join(offenders)


def _store_seal(world, content: bytes) -> None:
    services.park_profile_save(
        park=world.park_a,
        actor=world.editor_a,
        data={},
        expected_revision=0,
        seal=upload("seal.png", content, "image/png"),
    )


def test_other_park_editor_gets_404_on_the_seal(world, client_for):
    # given park A has a seal
    _store_seal(world, seal_png())

    # when park B's editor asks for it
    response = client_for(world.editor_b).get(reverse("parks:seal", args=[world.park_a.pk]))

    # then it does not exist for them
    assert response.status_code == 404


def test_park_editor_gets_their_seal_image(world, client_for):
    # given park A has a seal
    content = seal_png()
    _store_seal(world, content)

    # when park A's editor asks for it
    response = client_for(world.editor_a).get(reverse("parks:seal", args=[world.park_a.pk]))

    # then the image comes back as it was uploaded
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == content
    response.close()


def test_anonymous_visitor_is_sent_to_login_for_the_seal(world, client):
    # given park A has a seal
    _store_seal(world, seal_png())

    # when someone not logged in asks for it
    response = client.get(reverse("parks:seal", args=[world.park_a.pk]))

    # then they are sent to log in
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- the plan's numbers (indicators app) ------------------------------------------------------


def _workbook_of(plan) -> bytes:
    from indicators import selectors as indicator_selectors
    from indicators.workbook import build_workbook

    accounting = indicator_services.accounting_get_or_create(plan=plan)
    return build_workbook(indicator_selectors.plan_numbers(plan, accounting))


def test_park_a_editor_cannot_download_park_b_workbook(world, client_for):
    # given park B's plan with a data table
    _give_park_b_a_plan(world)

    # when park A's editor asks for park B's workbook
    response = client_for(world.editor_a).get(
        reverse("indicators:workbook", args=[world.plan_b.pk])
    )

    # then it does not exist for them, and no workbook comes back
    assert response.status_code == 404
    assert not response.get("Content-Type", "").startswith("application/vnd.openxml")


@pytest.mark.parametrize("action", ["apply", "discard"])
def test_park_a_editor_cannot_see_or_settle_park_b_import_through_their_own_plan(
    world, client_for, action
):
    # given park B's pending import, and park A's own plan
    _give_park_b_a_plan(world)
    plan_a = PlanFactory(park=world.park_a)
    url = reverse("indicators:import-review", args=[plan_a.pk, world.import_b.pk])
    before = _plan_b_state(world)
    client = client_for(world.editor_a)

    # when park A's editor opens it and confirms or discards it, naming their own plan
    statuses = (client.get(url).status_code, client.post(url, {"action": action}).status_code)

    # then it does not exist for them: still pending, park B's tables untouched
    assert statuses == (404, 404)
    assert _plan_b_state(world) == before
    assert WorkbookImport.objects.get(pk=world.import_b.pk).status == "pending"
    assert TableData.objects.get(pk=world.table_b.pk).values == world.table_b.values


def test_park_a_editor_cannot_upload_park_b_workbook_to_park_b(world, client_for):
    # given park B's own workbook
    from django.core.files.uploadedfile import SimpleUploadedFile

    _give_park_b_a_plan(world)
    before = _plan_b_state(world)
    content = _workbook_of(world.plan_b)

    # when park A's editor uploads it to park B's plan
    response = client_for(world.editor_a).post(
        reverse("indicators:import", args=[world.plan_b.pk]),
        {"workbook": SimpleUploadedFile("data.xlsx", content)},
    )

    # then the plan does not exist for them and nothing was kept
    assert response.status_code == 404
    assert _plan_b_state(world) == before


@pytest.mark.parametrize(
    ("slug", "target", "data"),
    [
        (
            "indicators",
            "indicator_b",
            {"revision": "0", "baseline": "9.99", "target_2025": "9.99", "data_source": "越权"},
        ),
        (
            "fuels",
            "fuel_b",
            {"revision": "0", "name": "越权燃料", "unit": "吨", "tce_per_unit": "9", "source": "x"},
        ),
    ],
)
def test_park_a_editor_cannot_edit_park_b_rows_through_their_own_plan(
    world, client_for, slug, target, data
):
    # given park B's indicator and own fuel, and park A's own plan
    _give_park_b_a_plan(world)
    plan_a = PlanFactory(park=world.park_a)
    row = getattr(world, target)
    before = (_plan_b_state(world), AuditEntry.objects.count())
    client = client_for(world.editor_a)

    # when park A's editor edits, removes or moves park B's row in the row editor of plan A
    statuses = [
        client.post(reverse(f"plans:{action}", args=[plan_a.pk, slug, row.pk]), data).status_code
        for action in ("row-edit", "row-delete", "row-move")
    ]

    # then the row does not exist for them and is unchanged
    assert statuses == [404, 404, 404]
    assert (_plan_b_state(world), AuditEntry.objects.count()) == before


def test_park_a_editor_cannot_add_a_fuel_to_park_b_plan(world, client_for):
    _give_park_b_a_plan(world)
    before = _plan_b_state(world)

    response = client_for(world.editor_a).post(
        reverse("plans:row-create", args=[world.plan_b.pk, "fuels"]),
        {"name": "越权燃料", "unit": "吨", "tce_per_unit": "9", "source": "x"},
    )

    assert response.status_code == 404
    assert _plan_b_state(world) == before


@pytest.fixture
def plan_a_with_numbers(world):
    """Park A's plan with its indicators, a data table and a pending import."""
    ensure_catalogue()
    plan = PlanFactory(park=world.park_a)
    indicator_services.plan_indicators_ensure(plan=plan)
    world.indicator_a = PlanIndicator.objects.filter(plan=plan).first()
    world.fuel_a = CustomFuelFactory(plan=plan)
    TableDataFactory(plan=plan, table="economy", values={"iav": {"2020": "7143"}})
    world.import_a = WorkbookImportFactory(plan=plan)
    return plan


def test_provincial_reviewer_reads_the_numbers_of_a_park_in_their_province(
    world, client_for, plan_a_with_numbers
):
    # given park A's plan with numbers, and province A's reviewer
    plan = plan_a_with_numbers
    client = client_for(world.reviewer_a)

    # when they open the indicators, the data tables, a chart, and download the workbook
    indicators = client.get(reverse("indicators:indicator-list", args=[plan.pk]))
    data = client.get(reverse("indicators:data", args=[plan.pk]))
    chart = client.get(reverse("indicators:indicator-chart", args=[plan.pk, world.indicator_a.pk]))
    workbook = client.get(reverse("indicators:workbook", args=[plan.pk]))

    # then they read them, without the controls that change anything
    assert [r.status_code for r in (indicators, data, chart, workbook)] == [200] * 4
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert workbook.content[:2] == b"PK"
    html = data.content.decode()
    assert 'name="economy-iav__2020"' in html and "readonly" in html
    assert 'name="workbook"' not in html  # no upload form
    assert "单位工业增加值综合能耗" in indicators.content.decode()
    assert 'id="add-indicator"' not in indicators.content.decode()


def test_provincial_reviewer_gets_403_on_every_change_to_the_numbers(
    world, client_for, plan_a_with_numbers
):
    # given park A's plan with numbers, and province A's reviewer
    from django.core.files.uploadedfile import SimpleUploadedFile

    plan = plan_a_with_numbers
    client = client_for(world.reviewer_a)
    workbook = _workbook_of(plan)
    before = (
        _numbers_state(plan),
        AuditEntry.objects.count(),
        PlanIndicator.objects.filter(plan=plan).count(),
    )
    posts = {
        "data (the tables' one save)": (
            reverse("indicators:data", args=[plan.pk]),
            {"economy-revision": "1", "economy-iav__2020": "1", "economy-digest": ""},
        ),
        "import": (
            reverse("indicators:import", args=[plan.pk]),
            {"workbook": SimpleUploadedFile("data.xlsx", workbook)},
        ),
        "grid-recompute": (
            reverse("indicators:grid-recompute", args=[plan.pk]),
            {"revision": "0"},
        ),
        "import-review": (
            reverse("indicators:import-review", args=[plan.pk, world.import_a.pk]),
            {"action": "apply"},
        ),
        "indicator-add": (
            reverse("indicators:indicator-add", args=[plan.pk]),
            {"custom_name": "审核人员指标", "custom_direction": "lower"},
        ),
        "row-edit indicators": (
            reverse("plans:row-edit", args=[plan.pk, "indicators", world.indicator_a.pk]),
            {"revision": "0", "baseline": "1"},
        ),
        "row-create fuels": (
            reverse("plans:row-create", args=[plan.pk, "fuels"]),
            {"name": "x", "unit": "吨", "tce_per_unit": "1", "source": "x"},
        ),
        "row-delete fuels": (
            reverse("plans:row-delete", args=[plan.pk, "fuels", world.fuel_a.pk]),
            {"revision": "0"},
        ),
    }

    # when they try each change
    statuses = {name: client.post(url, data).status_code for name, (url, data) in posts.items()}
    review = client.get(posts["import-review"][0]).status_code

    # then each is a missing right, and nothing changed
    assert statuses == dict.fromkeys(posts, 403)
    assert review == 403
    assert (
        _numbers_state(plan),
        AuditEntry.objects.count(),
        PlanIndicator.objects.filter(plan=plan).count(),
    ) == before


@pytest.mark.parametrize(
    "url_name",
    ["indicators:indicator-list", "indicators:data", "indicators:workbook"],
)
def test_reviewer_of_another_province_gets_404_on_the_numbers(
    world, client_for, plan_a_with_numbers, url_name
):
    response = client_for(world.reviewer_b).get(reverse(url_name, args=[plan_a_with_numbers.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "sees_park_b"),
    [("reviewer_a", False), ("reviewer_b", True), ("national", True), ("admin", True)],
)
def test_the_reports_actuals_page_shows_a_province_only_its_own_parks(
    world, client_for, persona, sees_park_b
):
    # given park B's approved plan, which owes reports it has not made (no id in the URL: the
    # page itself is scoped)
    _give_park_b_a_plan(world)
    Plan.objects.filter(pk=world.plan_b.pk).update(status="approved")

    # when each reviewer opens the actuals page
    response = client_for(getattr(world, persona)).get(reverse("summaries:actuals"))

    # then park B is listed as not reported only for those who may see it
    assert response.status_code == 200
    missing = {m.park for m in response.context["board"].missing}
    assert (world.park_b.name in missing) is sees_park_b
    assert (world.park_b.name in response.content.decode()) is sees_park_b


@pytest.mark.parametrize("persona", ["editor_a", "manager_a", "editor_b"])
def test_park_staff_get_403_on_the_reports_actuals_page(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(reverse("summaries:actuals")).status_code == 403


@pytest.mark.parametrize("persona", ["reviewer_a", "national", "admin", "editor_b"])
def test_a_dashboard_chart_of_province_b_is_not_there_for_anyone_else(world, client_for, persona):
    # given the address of a chart on the dashboard of province B's reviewer (no id in the URL:
    # the address is sealed for the reader it was made for, summaries.chart_files)
    client_for(world.reviewer_b).get(reverse("summaries:dashboard"))
    src = chart_files.chart_url("<svg><title>浙江省</title></svg>", world.reviewer_b)
    assert client_for(world.reviewer_b).get(src).status_code == 200

    # then it does not exist for any other reader
    assert client_for(getattr(world, persona)).get(src).status_code == 404


# --- a report of park B (issue 16): its pages and its rows are park B's too -------------------


def _give_park_b_a_report(world):
    from decimal import Decimal

    from indicators.models import IndicatorActual
    from plans.models import ProjectProgress, TaskProgress
    from plans.outline import ANNUAL_OUTLINE

    plan = PlanFactory(park=world.park_b, status="approved")
    report = Plan.objects.create(
        park=world.park_b,
        cycle=plan.cycle,
        kind=Plan.Kind.ANNUAL,
        follows=plan,
        data_year=2024,
        outline_version=ANNUAL_OUTLINE.version,
    )
    Section.objects.bulk_create(Section(plan=report, key=e.key) for e in ANNUAL_OUTLINE.sections)
    rows = {
        "actuals": IndicatorActual.objects.create(
            plan=report, name="单位工业增加值综合能耗", direction="lower", target=Decimal("0.2")
        ),
        "task_progress": TaskProgress.objects.create(plan=report, name="屋顶光伏", group="other"),
        "project_progress": ProjectProgress.objects.create(
            plan=report, name="集中供热", planned_start_year=2021, planned_end_year=2023
        ),
    }
    return plan, report, rows


REPORT_URLS = [
    ("reports:list", "plan", None),
    ("reports:start", "plan", None),
    ("plans:plan-detail", "report", None),
    ("plans:section-edit", "report", "actuals"),
    ("plans:section-autosave", "report", "overview"),
    ("documents:preview", "report", None),
    ("indicators:data", "report", None),
    ("review:panel", "report", None),
    ("plans:row-list", "report", "task_progress"),
    ("plans:row-edit", "report", "actuals"),
    ("plans:row-edit", "report", "task_progress"),
    ("plans:row-edit", "report", "project_progress"),
    ("plans:row-delete", "report", "project_progress"),
]


@pytest.mark.parametrize(("url_name", "whose", "part"), REPORT_URLS)
def test_park_a_staff_get_404_on_park_b_reports_and_their_rows(
    world, client_for, url_name, whose, part
):
    plan, report, rows = _give_park_b_a_report(world)
    target = plan if whose == "plan" else report
    kwargs = {"plan_pk": target.pk}
    if url_name in ("plans:section-edit", "plans:section-autosave"):
        kwargs["key"] = part
    elif url_name == "plans:row-list":
        kwargs["slug"] = part
    elif part:
        kwargs.update(slug=part, pk=rows[part].pk)
    url = reverse(url_name, kwargs=kwargs)
    before = [
        (type(r).__name__, list(type(r).objects.filter(pk=r.pk).values())) for r in rows.values()
    ]
    for persona in ("editor_a", "manager_a", "reviewer_a"):
        client = client_for(getattr(world, persona))
        statuses = {"GET": client.get(url).status_code}
        if _accepts_post(url):
            statuses["POST"] = client.post(url, HOSTILE_POST).status_code
        assert statuses == dict.fromkeys(statuses, 404), (persona, statuses)
    after = [
        (type(r).__name__, list(type(r).objects.filter(pk=r.pk).values())) for r in rows.values()
    ]
    assert after == before
    assert Plan.objects.filter(follows=plan).count() == 1
