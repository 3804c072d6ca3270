from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import FilterForm
from review.selectors import UNASSIGNED
from review.workflow import DECLARATION, ReturnReason


class TransitionForm(forms.Form):
    """The decision's confirmation form: only the fields its workflow row asks for are kept; the
    service checks them again (review.services.transition_apply)."""

    reasons = forms.MultipleChoiceField(
        label=_("Reasons for returning"),
        required=False,
        choices=ReturnReason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("Comment for the park"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opinion = forms.CharField(
        label=_("Review opinion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Printed on the timeline and, on approval, on the PDF's approval page."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    declared = forms.BooleanField(label=DECLARATION, required=False)
    acknowledged = forms.BooleanField(
        label=_("Continue although comments are not resolved"), required=False
    )

    def __init__(self, *args, transition, open_comments: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        keep = {
            "reasons": transition.needs_reason,
            "comment": transition.needs_reason,
            "opinion": transition.needs_opinion,
            "note": transition.needs_note,
            "declared": transition.needs_declaration,
            # asked only when there is something to acknowledge
            "acknowledged": transition.warns_open_comments and open_comments,
        }
        for name, wanted in keep.items():
            if not wanted:
                del self.fields[name]
        if "opinion" in self.fields:
            self.fields["opinion"].widget.attrs["required"] = True


class QueueFilterForm(FilterForm):
    columns = (
        (2, ("cycle",)),
        (2, ("province",)),
        (2, ("state",)),
        (2, ("reviewer",)),
        (2, ("overdue", "mine")),
    )

    cycle = forms.ChoiceField(label=_("Reporting cycle"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    reviewer = forms.ChoiceField(label=_("Reviewer"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args, provinces, states, cycles, reviewers, **kwargs):
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
