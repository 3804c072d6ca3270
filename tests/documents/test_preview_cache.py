"""The draft's preview is kept in the shared cache (documents.preview) under a key naming what
it is built from: a change through any kind of write path shows in the very next preview, and
while nothing changes the document is built once."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import preview
from indicators import services as numbers
from indicators.models import Indicator
from parks import services as park_services
from plans import services
from plans.rows import ALL_KINDS, ROW_KINDS
from tests.factories import (
    KeyTaskFactory,
    PlanFactory,
    PlanIndicatorFactory,
    _png_bytes,
)
from tests.plans.helpers import text_of


@pytest.fixture
def plan_a(world):
    cache.clear()
    return PlanFactory(park=world.park_a)


@pytest.fixture
def builds(monkeypatch):
    """How many times the draft's document was built."""
    calls = []
    build = preview.plan_document

    def counted(plan, **kwargs):
        calls.append(plan.pk)
        return build(plan, **kwargs)

    monkeypatch.setattr(preview, "plan_document", counted)
    return calls


@pytest.fixture
def read(world, client_for, plan_a):
    """The preview's text, as the park's editor reads it, warmed once."""
    client = client_for(world.editor_a)

    def text() -> str:
        response = client.get(reverse("documents:preview", args=[plan_a.pk]))
        assert response.status_code == 200
        return text_of(response.content.decode())

    text()
    return text


def test_the_document_is_built_once_while_nothing_changes(world, client_for, plan_a, builds):
    url = reverse("documents:preview", args=[plan_a.pk])
    for user in (world.editor_a, world.manager_a, world.editor_a, world.reviewer_a):
        assert client_for(user).get(url).status_code == 200
    assert builds == [plan_a.pk]


def test_a_section_text(world, plan_a, read):
    services.section_save(
        plan=plan_a,
        key="1.1",
        body="<p>缓存之后写的正文。</p>",
        expected_revision=0,
        actor=world.editor_a,
    )
    assert "缓存之后写的正文。" in read()


def test_a_section_marked_complete(world, plan_a, read):
    before = read()
    services.section_save(
        plan=plan_a,
        key="1.1",
        body="<p>正文。</p>",
        is_done=True,
        expected_revision=0,
        actor=world.editor_a,
    )
    assert read() != before


def test_a_row_added_changed_and_removed(world, plan_a, read):
    kind = ROW_KINDS["tasks"]
    task = services.row_create(
        kind=kind,
        plan=plan_a,
        actor=world.editor_a,
        data={
            "name": "缓存后新增的任务",
            "group": "emission",
            "content": "",
            "yearly": {},
            "department": "生态环境局",
            "leader": "王局长",
        },
    )
    assert "缓存后新增的任务" in read()

    services.row_update(
        kind=kind,
        row=task,
        actor=world.editor_a,
        data={"name": "改名后的任务"},
        expected_revision=task.revision,
    )
    assert "改名后的任务" in read()

    task.refresh_from_db()
    services.row_delete(kind=kind, row=task, actor=world.editor_a, expected_revision=task.revision)
    assert "改名后的任务" not in read()


def test_a_row_moved(world, plan_a, read):
    first = KeyTaskFactory(plan=plan_a, name="甲任务", position=1)
    KeyTaskFactory(plan=plan_a, name="乙任务", position=2)
    services.plan_touch(plan=plan_a)  # the factories write past the services
    assert read().index("甲任务") < read().index("乙任务")

    services.row_move(kind=ROW_KINDS["tasks"], row=first, actor=world.editor_a, offset=1)
    text = read()
    assert text.index("乙任务") < text.index("甲任务")


def test_an_indicator_target(world, plan_a, read, catalogue):
    indicator = PlanIndicatorFactory(plan=plan_a)
    services.plan_touch(plan=plan_a)
    read()
    year = str(plan_a.cycle.plan_years[-1])
    services.row_update(
        kind=ALL_KINDS["indicators"],
        row=indicator,
        actor=world.editor_a,
        data={"targets": {year: "98.76"}},
        expected_revision=indicator.revision,
    )
    assert "98.76" in read()


def test_a_data_table_cell(world, plan_a, read, catalogue):
    numbers.table_save(
        plan=plan_a,
        table_key="economy",
        values={"gdp": {"2020": "29876543"}},
        expected_revision=0,
        actor=world.editor_a,
    )
    assert "29,876,543" in read() or "29876543" in read()


def test_a_figure_added_and_its_caption_changed(world, plan_a, read):
    figure = services.figure_add(
        plan=plan_a,
        section_key="1.1",
        caption="缓存后加的图",
        upload=SimpleUploadedFile("map.png", _png_bytes(), content_type="image/png"),
        actor=world.editor_a,
    )
    assert "缓存后加的图" in read()

    services.row_update(
        kind=ALL_KINDS["figures"],
        row=figure,
        actor=world.editor_a,
        data={"caption": "改过的图名"},
        expected_revision=figure.revision,
    )
    assert "改过的图名" in read()


def test_the_roadmap(world, plan_a, read):
    services.roadmap_save(
        plan=plan_a,
        actor=world.editor_a,
        carbon_peak_year=2029,
        expected_revision=plan_a.roadmap_revision,
    )
    assert "2029" in read()


def test_the_park_information(world, plan_a, read):
    park_services.park_profile_save(
        park=world.park_a,
        actor=world.editor_a,
        data={"address": "缓存后填的地址 9 号"},
        expected_revision=0,
    )
    assert "缓存后填的地址 9 号" in read()


def test_the_park_renamed(world, plan_a, read):
    park_services.park_update(actor=world.admin, park=world.park_a, name="改名后的园区")
    assert "改名后的园区" in read()


def test_the_catalogue(world, plan_a, read, catalogue):
    PlanIndicatorFactory(plan=plan_a, code="energy_intensity_iav")
    services.plan_touch(plan=plan_a)
    read()
    indicator = Indicator.objects.get(code="energy_intensity_iav")
    indicator.name = "改名后的目录指标"
    indicator.save()
    assert "改名后的目录指标" in read()
