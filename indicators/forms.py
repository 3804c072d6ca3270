from django import forms
from django.utils.translation import gettext_lazy as _

from core.numbers import parse_number
from indicators.models import Direction, GridFactor, Indicator, PlanIndicator
from plans.forms import RowForm


class NumberField(forms.CharField):
    """A number as typed (1,234.5, full-width ...), cleaned to its decimal string."""

    def __init__(self, *, min_value=None, **kwargs):
        self.min_value = min_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return ""
        try:
            number = parse_number(value)
        except ValueError:
            raise forms.ValidationError(
                _("Enter a number, for example 1234.5 or 1,234.5."), code="invalid"
            ) from None
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError(_("The value cannot be negative."), code="min_value")
        return str(number)


class PlanIndicatorForm(RowForm):
    """Baseline, a target per plan year, data source, feasibility (3.3) and, for the warnings
    the indicator has now, a justification each. A park's own indicator also edits its name."""

    class Meta:
        model = PlanIndicator
        fields = [
            "custom_name",
            "custom_unit",
            "custom_direction",
            "custom_definition",
            "data_source",
            "feasibility",
        ]
        widgets = {
            "feasibility": forms.Textarea(attrs={"rows": 3}),
            "custom_definition": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_custom:
            for name in ("custom_name", "custom_unit", "custom_direction", "custom_definition"):
                del self.fields[name]
        else:
            self.fields["custom_name"].required = True
            self.fields["custom_direction"].required = True
        cycle = self.plan.cycle
        self.years = cycle.plan_years
        self.fields["baseline"] = NumberField(
            label=_("%(year)s baseline") % {"year": cycle.base_year},
            required=False,
            initial=self.instance.baseline,
        )
        for year in self.years:
            self.fields[f"target_{year}"] = NumberField(
                label=_("%(year)s target") % {"year": year},
                required=False,
                initial=self.instance.targets.get(str(year), ""),
            )
        self.warning_codes = [w.code for w in warnings]
        for warning in warnings:
            self.fields[f"justify_{warning.code}"] = forms.CharField(
                label=_("Justification: %(warning)s") % {"warning": warning.message},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=self.instance.justifications.get(warning.code, ""),
            )
        self.order_fields(
            [
                "custom_name",
                "custom_unit",
                "custom_direction",
                "custom_definition",
                "baseline",
                *(f"target_{y}" for y in self.years),
                "data_source",
                "feasibility",
                *(f"justify_{code}" for code in self.warning_codes),
            ]
        )

    @property
    def row_data(self) -> dict:
        data = super().row_data
        data["baseline"] = self.cleaned_data["baseline"]
        data["targets"] = {
            str(y): self.cleaned_data[f"target_{y}"]
            for y in self.years
            if self.cleaned_data[f"target_{y}"]
        }
        justifications = dict(self.instance.justifications or {})
        for code in self.warning_codes:
            text = self.cleaned_data.get(f"justify_{code}", "").strip()
            if text:
                justifications[code] = text
            else:
                justifications.pop(code, None)
        data["justifications"] = justifications
        return data


class AddIndicatorForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Optional indicator from the catalogue"),
        queryset=Indicator.objects.none(),
        required=False,
    )
    custom_name = forms.CharField(
        label=_("or the park's own indicator: name"), max_length=100, required=False
    )
    custom_unit = forms.CharField(label=_("unit"), max_length=30, required=False)
    custom_direction = forms.ChoiceField(
        label=_("direction"), required=False, choices=[("", "---------"), *Direction.choices]
    )
    custom_definition = forms.CharField(
        label=_("definition"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, available, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = available

    def clean(self):
        data = super().clean()
        if not data.get("indicator") and not data.get("custom_name"):
            raise forms.ValidationError(
                _("Choose a catalogue indicator or name the park's own indicator.")
            )
        if data.get("indicator") and data.get("custom_name"):
            raise forms.ValidationError(
                _("Choose a catalogue indicator or name your own, not both.")
            )
        return data


class AccountingForm(forms.Form):
    grid_factor = forms.ModelChoiceField(
        label=_("Grid emission factor for electricity"), queryset=GridFactor.objects.none()
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, coefficient_set, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_factor"].queryset = coefficient_set.grid_factors.all()


class TableForm(forms.Form):
    """One data table: a NumberField per row and history year, named `<row>__<year>`."""

    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        rows: list[tuple[str, str, str]],
        years: list[int],
        values: dict,
        table_key: str = "table",
        **kwargs,
    ):
        # ids unique on a page that shows every table (names stay `<row>__<year>`)
        kwargs.setdefault("auto_id", f"id_{table_key}_%s")
        super().__init__(*args, **kwargs)
        self.rows, self.years = rows, years
        for key, label, unit in rows:
            for year in years:
                self.fields[f"{key}__{year}"] = NumberField(
                    label=f"{label}（{unit}）{year}",
                    required=False,
                    min_value=0,
                    initial=values.get(key, {}).get(str(year), ""),
                )

    @property
    def values(self) -> dict:
        return {
            key: {str(y): self.cleaned_data.get(f"{key}__{y}", "") for y in self.years}
            for key, _label, _unit in self.rows
        }

    def grid(self):
        """(key, label, unit, [(year, bound field)]) for the template."""
        return [
            (key, label, unit, [(str(y), self[f"{key}__{y}"]) for y in self.years])
            for key, label, unit in self.rows
        ]
