"""The comparison of two versions misses nothing: every field the snapshot's declaration compares
shows when it changes, under its label and in words people read; a field the declaration adds is
compared or says why not; the page shows the earlier versions' threads of each changed part."""

import re
from dataclasses import fields, replace
from decimal import Decimal

import pytest
from django.urls import reverse

from documents.schema import KEPT, VALUES, Frozen, FrozenWarning, Record
from indicators.models import PlanIndicator, TableData
from indicators.services import table_save
from parks import services as park_services
from plans import services as plan_services
from plans.models import (
    Attachment,
    Figure,
    GroupMember,
    KeyProject,
    KeyTask,
    Milestone,
    Section,
)
from plans.rows import ALL_KINDS, ROW_KINDS
from plans.status import State
from review.diff import version_diff
from review.models import Comment, Version
from review.services import comment_post, comment_resolve, version_freeze
from tests.review.helpers import act, text_of, walk

NEW_SECTION_TEXT = "（第二版补充：园区新增两家零碳工厂。）"
NEW_JUSTIFICATION = "（第二版补充：削减率按新核定的2020年基数重新测算。）"
NEW_SOURCE = "苏州工业园区统计局《2020年统计年鉴》"
NEW_FEASIBILITY = "（第二版补充：已与重点用能单位签订节能目标责任书。）"
NEW_CONTACT = "王新联系人"
NEW_IMPLEMENTER = "园区新能源发展有限公司"
NEW_CAPTION = "园区绿色低碳空间布局图（第二版）"
NEW_DESCRIPTION = "第二版替换后的能源审计报告"
NEW_MEASURES = "（第二版补充：建成园区碳排放监测平台。）"
NEW_TASK = "第二版新增的重点任务"


def _latest(model, plan):
    return model.objects.filter(plan=plan).order_by("position", "id").first()


def _update(slug: str, row, data: dict, actor):
    row = type(row).objects.get(pk=row.pk)
    return plan_services.row_update(
        kind=ALL_KINDS[slug], row=row, actor=actor, data=data, expected_revision=row.revision
    )


@pytest.fixture
def two_versions(world, ready_plan):
    """Version 1, returned; then one change of each kind in the draft, submitted as version 2.
    Returns what was changed, for the assertions."""
    plan = ready_plan
    walk(plan, world, State.RETURNED)
    for comment in Comment.objects.filter(version__plan=plan, parent=None):
        comment_resolve(comment=comment, actor=world.manager_a)
    editor = world.editor_a
    changed = {}
    # a section's text
    section = Section.objects.get(plan=plan, key="1.2")
    plan_services.section_save(
        plan=plan,
        key="1.2",
        body=section.body + f"<p>{NEW_SECTION_TEXT}</p>",
        is_done=True,
        expected_revision=section.revision,
        actor=editor,
    )
    # an indicator's justification, data source, feasibility and a target
    justified = next(
        pi for pi in PlanIndicator.objects.filter(plan=plan) if pi.justifications.get("direction")
    )
    # lower is better: a slightly lower last target stays on course
    other = next(
        pi
        for pi in PlanIndicator.objects.filter(plan=plan, indicator__direction="lower")
        if pi.pk != justified.pk and all(pi.targets.values())
    )
    targets = dict(other.targets)
    year = sorted(targets)[-1]
    targets[year] = str(Decimal(targets[year]) * Decimal("0.99"))
    _update(
        "indicators",
        justified,
        {
            "justifications": {
                "direction": justified.justifications["direction"] + NEW_JUSTIFICATION
            }
        },
        editor,
    )
    _update(
        "indicators",
        other,
        {
            "data_source": NEW_SOURCE,
            "feasibility": other.feasibility + NEW_FEASIBILITY,
            "targets": targets,
        },
        editor,
    )
    changed["target"] = (other.name, year, targets[year])
    # the park's contact
    profile = park_services.park_profile_get_or_create(park=world.park_a)
    park_services.park_profile_save(
        park=world.park_a,
        actor=world.manager_a,
        data={"contact_name": NEW_CONTACT},
        expected_revision=profile.revision,
    )
    # a project's field, a milestone's measures, a figure's caption, a file's description
    project = _latest(KeyProject, plan)
    _update("projects", project, {"implementer": NEW_IMPLEMENTER}, editor)
    changed["project"] = project.name
    milestone = _latest(Milestone, plan)
    _update("milestones", milestone, {"measures": milestone.measures + NEW_MEASURES}, editor)
    figure = Figure.objects.filter(plan=plan).first()
    _update("figures", figure, {"caption": NEW_CAPTION}, editor)
    attachment = Attachment.objects.filter(plan=plan).first()
    _update("attachments", attachment, {"description": NEW_DESCRIPTION}, editor)
    # a row added, a row removed
    plan_services.row_create(
        kind=ROW_KINDS["tasks"],
        plan=plan,
        actor=editor,
        data={
            "name": NEW_TASK,
            "group": KeyTask._meta.get_field("group").choices[0][0],
            "content": "新增任务内容",
            "department": "园区经济发展委员会",
        },
    )
    member = GroupMember.objects.filter(plan=plan).order_by("-id").first()
    plan_services.row_delete(
        kind=ROW_KINDS["members"], row=member, actor=editor, expected_revision=member.revision
    )
    changed["member"] = member.name
    # a data table's cell
    record = TableData.objects.get(plan=plan, table="economy")
    values = {row: dict(cells) for row, cells in record.values.items()}
    values["iav"]["2016"] = str(Decimal(values["iav"]["2016"]) + 1)
    changed["cell"] = f"{Decimal(values['iav']['2016']):,}"
    table_save(
        plan=plan,
        table_key="economy",
        values=values,
        expected_revision=record.revision,
        actor=editor,
    )
    act(plan, world, "submit", "manager_a")
    assert plan.versions.count() == 2
    return changed


def test_every_kind_of_change_shows_on_the_comparison_page(
    world, client_for, ready_plan, two_versions
):
    # given version 2 with one change of each kind since version 1
    plan = ready_plan

    # when the province's reviewer opens what changed in version 2
    page = client_for(world.reviewer_a).get(reverse("review:version-diff", args=[plan.pk, 2]))
    html = page.content.decode()
    text = text_of(html)

    # then every change is there, under its label, added text marked as added
    assert page.context["base"].number == 1
    inserted = {text_of(m) for m in re.findall(r"<ins>(.*?)</ins>", html, flags=re.S)}
    for added in (NEW_SECTION_TEXT, NEW_JUSTIFICATION, NEW_FEASIBILITY, NEW_MEASURES):
        assert any(added in i for i in inserted), added
    assert "情况说明 · 目标值与指标方向相反" in text
    assert f"数据来源 园区统计年鉴（演示数据） → {NEW_SOURCE}" in text
    assert "可达性分析" in text
    _name, year, _target = two_versions["target"]
    assert f"目标值 · {year}年" in text
    assert f"园区基本信息 一、园区基本信息 修改 部门联系人 刘填报（演示） → {NEW_CONTACT}" in text
    assert f"重点建设项目 · {two_versions['project']} 修改 实施主体" in text
    assert NEW_IMPLEMENTER in inserted
    assert f"图题 园区地理位置图 → {NEW_CAPTION}" in text
    assert f"说明 演示文件 → {NEW_DESCRIPTION}" in text
    assert f"重点任务 · {NEW_TASK} 新增 任务名称 {NEW_TASK}" in text
    assert f"成员 · {two_versions['member']} 删除" in text
    assert two_versions["cell"] in inserted
    # ... and nothing reads like a code or a field name
    assert re.findall(r"\b[a-z]+_[a-z_]+\b", text) == []
    for code in ("iav", "direction", "justifications", "data_source", "None", "True"):
        assert f" {code} " not in f" {text} "


def test_the_comparison_names_the_warning_a_justification_answers(world, ready_plan, two_versions):
    v1, v2 = Version.objects.filter(plan=ready_plan).order_by("number")

    diff = version_diff(v1.frozen, v2.frozen)

    labels = [f.label for part in diff.parts for f in part.fields]
    justification = next(label for label in labels if label.startswith("情况说明"))
    assert justification != "情况说明"
    assert "direction" not in justification


def test_the_comparison_page_shows_the_threads_of_a_changed_part(
    world, client_for, ready_plan, two_versions
):
    # given a reviewer's comment on version 1's section 1.2, which version 2 changed
    v1 = Version.objects.get(plan=ready_plan, number=1)
    comment = comment_post(
        version=v1, actor=world.reviewer_a, body="请补充。", anchor="section:1.2"
    )

    # when the reviewer opens the comparison
    html = client_for(world.reviewer_a).get(reverse("review:version-diff", args=[ready_plan.pk, 2]))

    # then the thread is under the change, linked to where it is answered on version 2
    assert f"/versions/2/#c-{comment.pk}" in html.content.decode()


# --- the declaration, walked --------------------------------------------------------------------


def _records(cls: type[Record]):
    """The record class and every record class its fields hold."""
    yield cls
    for f in fields(cls):
        inner = f.metadata.get("record") or f.metadata.get("records")
        if inner is not None:
            yield from _records(inner)


def test_every_field_of_the_declaration_is_compared_or_says_why_not():
    unsaid = []
    for part in Frozen.parts():
        if part.kept:
            assert part.kept in KEPT, part.name
            continue
        assert str(part.label) and part.anchor, part.name
        if part.record is None:
            continue
        for cls in _records(part.record):
            for f in fields(cls):
                meta = f.metadata
                if meta.get("kept") in KEPT:
                    continue
                if meta.get("value") not in VALUES or "label" not in meta:
                    unsaid.append(f"{cls.__name__}.{f.name}")
    assert unsaid == []


def _other(value):
    """A value unlike `value`, of its kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value is None:
        return "1"
    if isinstance(value, dict):
        return {**value, "2025": "98765.4321"}
    return f"{value}改"


def _mutations(meta, value):
    """(what, new value) for each way a field of this kind can change."""
    kind = meta["value"]
    if kind == "record":
        return []  # its own fields are changed one by one
    if kind == "digest":
        return [("", "0" * 64)]
    if kind == "rich":
        return [("", f"{value}<p>新的一段正文。</p>")]
    if kind == "series":
        return [("", {**value, "2025": "98765.4321"})]
    if kind == "by_warning":
        return [("", {**value, "direction": "新的情况说明"})]
    if kind == "records":
        return [("", [*value, FrozenWarning(code="policy_cut", message="新的校验提示")])]
    if kind == "fields":
        return [(name, {**value, name: _other(v)}) for name, v in value.items()]
    return [("", _other(value))]


def _samples(frozen: Frozen):
    """(part, a record of it, put back) for a record of every compared part and row kind."""
    for part in Frozen.parts():
        if part.kept or part.record is None:
            continue
        value = getattr(frozen, part.name)
        if part.shape == "record":
            yield part, value, lambda r, p=part: r
        elif part.shape == "by_key":
            key = next(iter(value))
            yield part, value[key], lambda r, v=value, k=key: {**v, k: r}
        elif part.shape == "by_id":
            yield part, value[0], lambda r, v=value: [r, *v[1:]]
        elif part.shape == "by_kind":
            for slug, rows in value.items():
                if rows:
                    yield part, rows[0], lambda r, v=value, s=slug: {**v, s: [r, *v[s][1:]]}


@pytest.fixture
def frozen(world, ready_plan):
    return version_freeze(plan=ready_plan, actor=world.manager_a).frozen


def test_a_change_of_any_compared_field_shows_in_the_comparison(frozen):
    missed = []
    for part, record, put_back in _samples(frozen):
        nested = [(record, None)]
        for f in fields(record):
            if f.metadata.get("value") == "record":
                nested.append((getattr(record, f.name), f))
        for sample, holder in nested:
            for f in fields(sample):
                if "kept" in f.metadata:
                    continue
                for what, new in _mutations(f.metadata, getattr(sample, f.name)):
                    changed = replace(sample, **{f.name: new})
                    if holder is not None:
                        changed = replace(record, **{holder.name: changed})
                    later = Frozen(frozen.replaced(**{part.name: put_back(changed)}))
                    diff = version_diff(frozen, later)
                    if not any(c.fields for c in diff.parts):
                        missed.append(f"{part.name} {type(sample).__name__}.{f.name} {what}")
    assert missed == []


def test_a_changed_table_cell_shows_with_its_table_row_and_year(frozen):
    tables = {t: {r: dict(s) for r, s in rows.items()} for t, rows in frozen.tables.items()}
    tables["economy"]["iav"]["2020"] = "1"

    diff = version_diff(frozen, Frozen(frozen.replaced(tables=tables)))

    [change] = diff.parts
    assert change.anchor == "table:economy:iav"
    assert [f.label for f in change.fields] == ["2020年"]
    assert change.fields[0].after == "1"


def test_nothing_changed_is_an_empty_comparison(frozen):
    assert version_diff(frozen, Frozen(frozen.to_json())).empty


def test_a_replaced_figure_says_so_and_an_added_one_lists_its_caption(frozen):
    first = frozen.figures[0]
    replaced = replace(first, sha256="0" * 64)
    added = replace(first, id=99999, caption="新增的图")

    diff = version_diff(frozen, Frozen(frozen.replaced(figures=[replaced, added])))

    by_anchor = diff.by_anchor
    assert [f.replaced for f in by_anchor[f"figure:{first.id}"].fields] == [True]
    assert by_anchor["figure:99999"].status == "added"
    assert "新增的图" in [f.after for f in by_anchor["figure:99999"].fields]
