"""Form plumbing shared by the apps' forms: input as Chinese users type it, a service's
ValidationError put next to the fields it names, and the filters of a list."""

import json

from django import forms
from django.core.exceptions import ValidationError

from core.numbers import normalize_number


class LenientDecimalField(forms.DecimalField):
    """Accepts 1,234.5 / 1234.5 / full-width １２３４．５ and thousands separators (，or ,);
    keeps the digits entered (no rounding)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_number(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs


class DecimalTextInput(forms.TextInput):
    input_type = "text"


class FilterForm(forms.Form):
    """A list's filters (GET), laid out in one row by templates/_filtered_list.html: `columns`
    gives each column's width (of 12) and its fields, in order; a field the form has left out
    (for this reader) leaves its column out. The Filter button takes `button_width`."""

    columns: tuple[tuple[int, tuple[str, ...]], ...] = ()
    button_width = 2

    def layout(self) -> list[tuple[int, list[forms.BoundField]]]:
        columns = [
            (width, [self[n] for n in names if n in self.fields]) for width, names in self.columns
        ]
        return [(width, fields) for width, fields in columns if fields]


def apply_validation_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (or on top of the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def submitted_fields(request):
    """A POST's fields: the JSON object a page's script sends (`Content-Type: application/json`,
    its CSRF token in the `X-CSRFToken` header), else the form's. None when the JSON is not an
    object of plain values. A script's JSON is read by the C parser: a form-encoded text of a
    few thousand Chinese characters is ~18 KB of %XX escapes, which the CSRF check's
    `request.POST` decoded in Python at a fifth of an autosave's time (bench/README.md)."""
    if request.content_type != "application/json":
        return request.POST
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not all(
        isinstance(value, str | int | bool) for value in data.values()
    ):
        return None
    return data
