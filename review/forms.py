from django import forms
from django.utils.translation import gettext_lazy as _

from review.workflow import ReturnReason


class TransitionForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), required=False, choices=[("", "---------"), *ReturnReason.choices]
    )
    comment = forms.CharField(
        label=_("Comment for the park"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QueueFilterForm(forms.Form):
    cycle = forms.ChoiceField(label=_("Reporting cycle"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    reviewer = forms.ChoiceField(label=_("Reviewer"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args, provinces, states, cycles, reviewers, **kwargs):
        from review.selectors import UNASSIGNED

        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [("", _("All cycles"))] + [(c.code, c.name) for c in cycles]
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (p.code, p.name) for p in provinces
        ]
        self.fields["state"].choices = [("", _("All states")), *states]
        self.fields["reviewer"].choices = [
            ("", _("Anyone")),
            (UNASSIGNED, _("Not assigned")),
            *((str(u.pk), u.display_name) for u in reviewers),
        ]


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda u: u.display_name
