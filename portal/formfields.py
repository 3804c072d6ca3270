"""Form fields shared by the apps' forms: input as Chinese users type it."""

import re
import unicodedata

from django import forms


class LenientDecimalField(forms.DecimalField):
    """Accepts 1,234.5 / 1234.5 / full-width １２３４．５ and thousands separators (，or ,);
    keeps the digits entered (no rounding)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip()
            value = value.replace("，", ",").replace("。", ".")
            if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", value):
                value = value.replace(",", "")
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs


class DecimalTextInput(forms.TextInput):
    input_type = "text"
