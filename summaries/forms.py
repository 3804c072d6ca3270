from django import forms
from django.utils.translation import gettext_lazy as _


class DashboardFilterForm(forms.Form):
    """What a dashboard covers; approved plans of the current cycle unless chosen otherwise."""

    cycle = forms.ChoiceField(label=_("Reporting cycle"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    states = forms.MultipleChoiceField(
        label=_("States"), required=False, widget=forms.CheckboxSelectMultiple
    )
    snapshot = forms.ChoiceField(label=_("Snapshot"), required=False)

    def __init__(self, *args, cycles, provinces, states, snapshots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [(c.code, c.name) for c in cycles]
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (p.code, p.name) for p in provinces
        ]
        self.fields["states"].choices = states
        self.fields["snapshot"].choices = [("", _("Live: the plans as they stand now"))] + [
            (str(s.pk), f"{s.name}（{s.created_at:%Y-%m-%d}）") for s in snapshots
        ]


class ActualsFilterForm(forms.Form):
    """Which data year, province and snapshot the actuals page shows."""

    year = forms.ChoiceField(label=_("Data year"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    snapshot = forms.ChoiceField(label=_("Snapshot"), required=False)

    def __init__(self, *args, years, provinces, snapshots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(str(y), f"{y}年") for y in years]
        self.fields["year"].initial = str(years[-1])
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (p.code, p.name) for p in provinces
        ]
        self.fields["snapshot"].choices = [("", _("Live: the reports as they stand now"))] + [
            (str(s.pk), f"{s.name}（{s.created_at:%Y-%m-%d}）") for s in snapshots
        ]


class SnapshotForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
