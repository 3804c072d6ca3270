"""Text differences people can read (core.textdiff): a small change shows as what was removed
and added in place; a rewritten text as the old text and the new, whole."""

from core.textdiff import char_diff, diff_html


def test_a_small_change_is_shown_in_place():
    assert char_diff("年均削减4%", "年均削减4.5%") == [
        ("equal", "年均削减4"),
        ("insert", ".5"),
        ("equal", "%"),
    ]


def test_a_rewritten_text_is_shown_as_the_old_and_the_new_whole():
    old = "“十三五”期间削减率较高，主要来自燃煤锅炉集中淘汰等一次性措施。"
    new = "2023年新投产数据中心，能耗阶段性上升，2024年起回落。"
    assert char_diff(old, new) == [("delete", old), ("insert", new)]


def test_short_unchanged_runs_between_changes_fold_into_one_change():
    # "的" alone between two changes is not shown as unchanged
    segments = char_diff("园区的能源消费总量较高，需要控制", "园区今年的煤炭消费总量较高，需要控制")
    assert ("equal", "的") not in segments
    assert (
        "".join(t for op, t in segments if op != "delete") == "园区今年的煤炭消费总量较高，需要控制"
    )
    assert "".join(t for op, t in segments if op != "insert") == "园区的能源消费总量较高，需要控制"


def test_the_html_escapes_what_people_typed():
    assert diff_html("a", "<b>") == "<del>a</del><ins>&lt;b&gt;</ins>"
