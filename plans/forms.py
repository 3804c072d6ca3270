from django import forms
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import ProseEditorWidget

from core.forms import DecimalTextInput, LenientDecimalField
from plans.models import KeyProject, KeyTask, Plan, ProjectProgress, TaskProgress
from plans.richtext import EDITOR_CONFIG
from plans.rows import ROW_KINDS, RowKind


class SectionForm(forms.Form):
    # The editor is named by the section's heading (templates/plans/section_edit.html).
    body = ProseEditorFormField(
        config=EDITOR_CONFIG,
        required=False,
        label="",
        widget=ProseEditorWidget(attrs={"aria-labelledby": "section-heading"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)
    is_done = forms.BooleanField(
        label=_("This section is complete"),
        required=False,
        help_text=_("Mark it when the text is ready for review; you can still change it."),
    )


class RowForm(forms.ModelForm):
    """Base of the structured tables' row forms; `revision` guards against lost updates."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        if not self.is_bound:
            self.initial["revision"] = self.instance.revision
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 2)

    def _post_clean(self):
        # Model rules (constraints, validators) run in the service, on the saved row.
        pass

    @property
    def row_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self._meta.fields if f in self.cleaned_data}


class KeyTaskForm(RowForm):
    """4.1: the yearly breakdown has a field for each plan year of the plan's cycle."""

    class Meta:
        model = KeyTask
        fields = [f for f in ROW_KINDS["tasks"].fields if f != "yearly"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = self.plan.cycle.plan_years
        for year in self.years:
            self.fields[f"year_{year}"] = forms.CharField(
                label=_("%(year)s target") % {"year": year},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=self.instance.yearly.get(str(year), ""),
            )

    @property
    def row_data(self) -> dict:
        data = super().row_data
        data["yearly"] = {
            str(y): self.cleaned_data.get(f"year_{y}", "").strip() for y in self.years
        }
        return data


class KeyProjectForm(RowForm):
    class Meta:
        model = KeyProject
        fields = list(ROW_KINDS["projects"].fields)
        field_classes = dict.fromkeys(
            ["investment", "government_funds", "energy_saved_tce", "co2_reduced_t"],
            LenientDecimalField,
        )
        widgets = dict.fromkeys(
            ["investment", "government_funds", "energy_saved_tce", "co2_reduced_t"],
            DecimalTextInput(),
        )


class ProgressForm(RowForm):
    """A report's task or project row. What the approved plan fixed (the name, the year's
    milestone, the planned period and investment) is not changed on a row carried from it, so
    slippage cannot be hidden by moving the plan; a row added during implementation has every
    field."""

    carried_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.carried_from is not None:
            for name in self.carried_fields:
                self.fields.pop(name, None)


class TaskProgressForm(ProgressForm):
    carried_fields = ("name", "group", "milestone", "department")

    class Meta:
        model = TaskProgress
        fields = list(ROW_KINDS["task_progress"].fields)


PROJECT_AMOUNTS = ["planned_investment", "invested", "invested_government"]


class ProjectProgressForm(ProgressForm):
    carried_fields = ("name", "implementer", "planned_start_year", "planned_end_year")
    carried_fields += ("planned_investment",)

    class Meta:
        model = ProjectProgress
        # a row the park adds is added during implementation: not a box to tick
        fields = [f for f in ROW_KINDS["project_progress"].fields if f != "is_added"]
        field_classes = dict.fromkeys(PROJECT_AMOUNTS, LenientDecimalField)
        widgets = {
            **dict.fromkeys(PROJECT_AMOUNTS, DecimalTextInput()),
            "actual_start": forms.DateInput(attrs={"type": "date"}),
            "actual_finish": forms.DateInput(attrs={"type": "date"}),
        }

    @property
    def row_data(self) -> dict:
        data = super().row_data
        if self.instance.pk is None:
            data["is_added"] = True
        return data


def row_form_class(kind: RowKind) -> type[RowForm]:
    if kind.form_class is not None:
        return kind.form_class
    forms_of = {
        KeyTask: KeyTaskForm,
        KeyProject: KeyProjectForm,
        TaskProgress: TaskProgressForm,
        ProjectProgress: ProjectProgressForm,
    }
    if kind.model in forms_of:
        return forms_of[kind.model]
    return modelform_factory(kind.model, form=RowForm, fields=list(kind.fields))


class RoadmapForm(forms.Form):
    carbon_peak_year = forms.IntegerField(
        label=_("Expected carbon peak year"), required=False, min_value=2000, max_value=2060
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)


class FigureUploadForm(forms.Form):
    image = forms.FileField(
        label=_("Image (PNG or JPEG, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200)


class AttachmentUploadForm(forms.Form):
    category = forms.ChoiceField(label=_("Kind of material"))
    file = forms.FileField(
        label=_("File (PDF, DOCX, XLSX, PNG or JPEG, at most 30 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(categories)
