from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import FilterForm
from reports.selectors import ReportState


class DueFilterForm(FilterForm):
    """The due and overdue list's filters; the province only for the national level."""

    columns = ((3, ("report",)), (3, ("province",)), (2, ("state",)), (2, ("overdue",)))

    report = forms.ChoiceField(label=_("Report"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, reports, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [("", _("All reports")), *reports]
        self.fields["state"].choices = [("", _("All states")), *ReportState.choices]
        if provinces is None:
            del self.fields["province"]
        else:
            self.fields["province"].choices = [("", _("All provinces"))] + [
                (p.code, p.name) for p in provinces
            ]
