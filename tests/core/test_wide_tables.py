"""The scroll box of a wide table (core/templatetags/wide_tables.py): a named, focusable region
on a page, nothing at all in the PDF."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

TABLE = "<table><tr><td>48,000.00</td></tr></table>"


def render(source: str, **context) -> str:
    return Template("{% load wide_tables %}" + source).render(Context(context))


def test_a_page_gets_a_focusable_named_region_around_the_table():
    # when: a table is rendered in a scroll box with its caption as the label, at size xl
    html = render(
        '{% scrollbox caption size="xl" %}' + TABLE + "{% endscrollbox %}",
        caption="表 重点建设项目汇总",
    )

    # then: the box scrolls, takes the keyboard's focus and is announced by the caption
    assert html == (
        '<div class="table-scroll table-scroll-xl" tabindex="0" role="region" '
        'aria-label="表 重点建设项目汇总">' + TABLE + "</div>"
    )


def test_a_label_is_escaped_and_translated():
    # when: the label is a translated phrase, or text with markup in it
    with translation.override("zh-hans"):
        translated = render('{% scrollbox _("Review queue") %}x{% endscrollbox %}')
    escaped = render("{% scrollbox name %}x{% endscrollbox %}", name='a"<b>')

    # then: Chinese, and the markup is escaped
    assert 'aria-label="审核队列"' in translated
    assert 'aria-label="a&quot;&lt;b&gt;"' in escaped


def test_labelledby_names_the_box_by_a_heading():
    html = render('{% scrollbox labelledby="peers-title" %}x{% endscrollbox %}')

    assert html == (
        '<div class="table-scroll" tabindex="0" role="region" aria-labelledby="peers-title">x</div>'
    )


def test_the_pdf_gets_the_table_alone():
    # when: rendered for the PDF (documents.pdf puts `printing` in the context)
    html = render('{% scrollbox "表" size="xl" %}' + TABLE + "{% endscrollbox %}", printing=True)

    # then: the printed document is what it was before scroll boxes existed
    assert html == TABLE


@pytest.mark.parametrize(
    "tag",
    [
        "{% scrollbox %}",  # no name
        '{% scrollbox "a" labelledby="b" %}',  # two names
        '{% scrollbox "a" width="b" %}',  # an unknown argument
    ],
)
def test_a_box_without_one_name_is_a_template_error(tag):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load wide_tables %}" + tag + "x{% endscrollbox %}")


def test_an_unknown_size_is_a_template_error():
    with pytest.raises(TemplateSyntaxError):
        render('{% scrollbox "a" size="huge" %}x{% endscrollbox %}')
