"""A wide table in a box of its own: `{% scrollbox "表 重点建设项目汇总" size="xl" %}<table>…
</table>{% endscrollbox %}`. On a narrow screen the table scrolls sideways inside the box and the
page itself does not; the box is a focusable, named region so that a keyboard can scroll it too
(axe's scrollable-region-focusable). `size` gives the table a least width ("md", "lg", "xl"),
so that eleven to fourteen columns do not shrink to a character each on a phone.

The PDF (`printing` in the context, documents.pdf) gets the table alone: print.css lays it out
on the page, and the printed document does not change."""

from django import template
from django.utils.html import format_html

register = template.Library()

SIZES = ("", "md", "lg", "xl")


class ScrollboxNode(template.Node):
    def __init__(self, nodelist, label, labelledby, size):
        self.nodelist = nodelist
        self.label = label
        self.labelledby = labelledby
        self.size = size

    def render(self, context):
        inner = self.nodelist.render(context)
        if context.get("printing"):
            return inner
        size = self.size.resolve(context) if self.size else ""
        if size not in SIZES:
            raise template.TemplateSyntaxError(f"scrollbox: size must be one of {SIZES}: {size!r}")
        classes = f"table-scroll table-scroll-{size}" if size else "table-scroll"
        if self.labelledby:
            name = format_html('aria-labelledby="{}"', self.labelledby.resolve(context))
        else:
            name = format_html('aria-label="{}"', self.label.resolve(context))
        return format_html(
            '<div class="{}" tabindex="0" role="region" {}>{}</div>', classes, name, inner
        )


@register.tag
def scrollbox(parser, token):
    """`{% scrollbox label [size=…] %}` or `{% scrollbox labelledby=id [size=…] %}`, closed by
    `{% endscrollbox %}`: the label is what a screen reader announces for the box (Chinese: a
    table's own title, or a translated phrase)."""
    bits = token.split_contents()[1:]
    label = labelledby = size = None
    for bit in bits:
        name, eq, value = bit.partition("=")
        if not eq:
            label = parser.compile_filter(bit)
        elif name == "labelledby":
            labelledby = parser.compile_filter(value)
        elif name == "size":
            size = parser.compile_filter(value)
        else:
            raise template.TemplateSyntaxError(f"scrollbox: unknown argument {name!r}")
    if (label is None) == (labelledby is None):
        raise template.TemplateSyntaxError("scrollbox: give a label or labelledby=, not both")
    nodelist = parser.parse(("endscrollbox",))
    parser.delete_first_token()
    return ScrollboxNode(nodelist, label, labelledby, size)
