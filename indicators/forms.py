import hashlib
import json

from django import forms
from django.utils.translation import gettext_lazy as _

from core.numbers import parse_number
from indicators import bounds
from indicators.models import Direction, Indicator, PlanIndicator
from indicators.tables import TABLES
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
    """The grid factor series, part of the data page's one save (prefix `accounting`): the
    default for the park's province, or another published series with a reason (checked by
    indicators.services.grid_choice_clean). What the page showed travels along (`shown`), so a
    save changes the choice only if the user did."""

    grid_series = forms.ChoiceField(label=_("Grid emission factor for electricity"))
    grid_reason = forms.CharField(
        label=_("Reason for another grid factor than the default"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when you choose another factor than the default; the reviewer reads it."
        ),
    )
    shown = forms.CharField(widget=forms.HiddenInput, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, choice, form_id: str = "", **kwargs):
        kwargs.setdefault("prefix", "accounting")
        super().__init__(*args, **kwargs)
        default = choice.default.label if choice is not None and choice.default else "—"
        options = [("", _("Default for the park's location: %(series)s") % {"series": default})]
        if choice is not None:
            options += [
                (key, series.label)
                for key, series in choice.offered.items()
                if choice.default is None or key != choice.default.key
            ]
        self.fields["grid_series"].choices = options
        current = "" if choice is None or choice.is_default else choice.key
        self.current = (current, choice.reason if choice is not None else "")
        self.fields["grid_series"].initial = current
        self.fields["grid_reason"].initial = self.current[1]
        self.fields["shown"].initial = choice_digest(*self.current)
        belong_to(self, form_id)

    @property
    def changed(self) -> bool:
        data = self.cleaned_data
        return choice_digest(data["grid_series"], data["grid_reason"]) != data["shown"]


def choice_digest(series: str, reason: str) -> str:
    """A fingerprint of a grid factor choice as shown (line ends as any browser sends them)."""
    text = f"{series}\n{(reason or '').strip()}".replace("\r\n", "\n")
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def belong_to(form, form_id: str) -> None:
    """Make the form's inputs part of the page's <form id=form_id> wherever they stand (the data
    page's tables hold other forms, the park's own fuels, which a <form> may not contain)."""
    if form_id:
        for field in form.fields.values():
            field.widget.attrs["form"] = form_id


def values_digest(cells) -> str:
    """A short fingerprint of a table's cells [(row, year, "decimal" or "")]: the page sends the
    one it showed, so a save can tell the tables the user changed from those left alone."""
    canonical = json.dumps(sorted(cells), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


class TableForm(forms.Form):
    """One data table of the data page: a NumberField per row and history year, named
    `<table>-<row>__<year>` (the table key is the form's prefix), the revision the page showed
    and the digest of the values it showed."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    digest = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        rows: list[tuple[str, str, str]],
        years: list[int],
        values: dict,
        table_key: str = "table",
        form_id: str = "",
        **kwargs,
    ):
        kwargs.setdefault("prefix", table_key)
        super().__init__(*args, **kwargs)
        self.form_id = form_id
        self.rows, self.years = rows, years
        self.stored = values
        for key, label, unit in rows:
            for year in years:
                self.fields[f"{key}__{year}"] = NumberField(
                    label=f"{label}（{unit}）{year}",
                    required=False,
                    initial=values.get(key, {}).get(str(year), ""),
                )
        self.fields["digest"].initial = self.digest_of(values)
        belong_to(self, form_id)

    def clean(self):
        """Every cell by the rules of indicators.bounds (the import's and the service's)."""
        data = super().clean()
        table = TABLES.get(self.prefix)
        positive = {row.key for row in table.rows if row.positive} if table else set()
        for key, label, unit in self.rows:
            for year in self.years:
                name = f"{key}__{year}"
                if data.get(name) in ("", None):
                    continue
                typed = self.data.get(self.add_prefix(name), data[name])  # as the user wrote it
                try:
                    data[name] = bounds.clean_cell(
                        typed, unit=unit, positive=key in positive, label=label
                    )
                except bounds.CellRefused as refused:
                    self.add_error(name, refused.message)
        return data

    def digest_of(self, values: dict) -> str:
        return values_digest(
            (key, str(y), values.get(key, {}).get(str(y), "") or "")
            for key, _label, _unit in self.rows
            for y in self.years
        )

    @property
    def values(self) -> dict:
        return {
            key: {str(y): self.cleaned_data.get(f"{key}__{y}", "") for y in self.years}
            for key, _label, _unit in self.rows
        }

    @property
    def changed(self) -> bool:
        """The user changed a cell of this table (a cell that is not a number is a change: what
        the page showed were numbers)."""
        if not self.is_valid():
            return True
        return self.digest_of(self.values) != self.cleaned_data["digest"]

    @property
    def started_revision(self) -> int:
        """The revision the page showed (0 if the POST lacks a readable one)."""
        try:
            return int(self.data.get(self.add_prefix("revision"), 0))
        except (TypeError, ValueError):
            return 0

    def grid(self):
        """(key, label, unit, [(year, bound field, warning)]) for the template; the warnings
        (indicators.bounds.jump_warnings) are of what the user typed where it is all valid, else
        of what is stored."""
        values = self.values if self.is_bound and self.is_valid() else self.stored
        warnings = bounds.jump_warnings(values, self.years)
        return [
            (
                key,
                label,
                unit,
                [
                    (str(y), self[f"{key}__{y}"], warnings.get((key, str(y)), ""))
                    for y in self.years
                ],
            )
            for key, label, unit in self.rows
        ]
