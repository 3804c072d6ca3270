import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import formats
from django.utils.choices import flatten_choices
from django.utils.translation import gettext_lazy as _

from core.forms import FilterForm
from parks.models import Park, ParkProfile, Province, User
from parks.profile import PROFILE_FIELDS, PROFILE_GROUPS
from parks.roles import Role
from parks.validators import normalize_phone

PHONE_FIELDS = tuple(f for f in PROFILE_FIELDS if f.endswith(("_landline", "_mobile", "_fax")))

# The layout's HTML snippets translate these at render time; makemessages does not look inside a
# Python string for {% translate %}, so they are declared here for the catalogue.
LAYOUT_LABELS = (_("Park name:"), _("Current seal:"), _("Contact details"))


class PhoneField(forms.CharField):
    def to_python(self, value):
        return normalize_phone(super().to_python(value))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ParkProfileForm(forms.ModelForm):
    """Part 一 of the template, laid out in the template's own groups (parks.profile)."""

    seal = forms.FileField(
        label=_("Official seal image"),
        required=False,
        help_text=_("PNG (transparent background preferred) or JPEG, at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ParkProfile
        fields = [f for f in PROFILE_FIELDS if f != "seal"]
        field_classes = dict.fromkeys(PHONE_FIELDS, PhoneField)
        widgets = {
            "founded_on": DateInput(),
            "filled_on": DateInput(),
            **{f: forms.TextInput(attrs={"inputmode": "tel"}) for f in PHONE_FIELDS},
        }

    def __init__(self, *args, park: Park, **kwargs):
        super().__init__(*args, **kwargs)
        self.park = park
        if not self.is_bound:
            self.initial["revision"] = self.instance.revision
        for name in PHONE_FIELDS:
            placeholder = "13812345678" if name.endswith("_mobile") else "010-12345678"
            self.fields[name].widget.attrs.setdefault("placeholder", placeholder)
        self.fields["postcode"].widget.attrs.update({"inputmode": "numeric", "maxlength": 6})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*self._fieldsets(), "revision")

    def _fieldsets(self):
        for group in PROFILE_GROUPS:
            if group.key == "name":
                yield Fieldset(
                    group.title,
                    # names come from the context, never into the template's source
                    HTML(
                        '{% load i18n %}<p class="mb-2"><span class="text-body-secondary">'
                        '{% translate "Park name:" %}</span> <strong class="fs-5">'
                        "{{ park.name }}</strong></p>"
                    ),
                    HTML(
                        '{% load i18n %}{% if profile.seal %}<div class="mb-2 small">'
                        '{% translate "Current seal:" %} <img class="seal-preview align-middle '
                        'ms-2" src="{% url \'parks:seal\' park.pk %}" '
                        "alt=\"{% translate 'Official seal' %}\"></div>{% endif %}"
                    ),
                    "seal",
                    css_id=f"group-{group.key}",
                )
            elif group.key == "location":
                yield Fieldset(
                    group.title,
                    Row(
                        Column(
                            HTML(
                                '{% load i18n %}<div class="mb-3"><label class="form-label" '
                                'for="id_province_name">'
                                '{% translate "Province (autonomous region, municipality)" %}'
                                '</label><input class="form-control" id="id_province_name" '
                                'value="{{ park.province.name }}" readonly></div>'
                            ),
                            css_class="col-md-4",
                        ),
                        Column("city", css_class="col-md-4"),
                    ),
                    "address",
                    Row(
                        Column("postcode", css_class="col-md-4"),
                        Column("founded_on", css_class="col-md-4"),
                    ),
                    css_id=f"group-{group.key}",
                )
            elif group.key == "filled":
                yield Fieldset(
                    group.title,
                    Row(Column("filled_on", css_class="col-md-4")),
                    css_id=f"group-{group.key}",
                )
            else:
                people = [
                    f
                    for f in group.fields
                    if not f.endswith(("_landline", "_mobile", "_email", "_fax"))
                ]
                contacts = [f for f in group.fields if f not in people]
                yield Fieldset(
                    group.title,
                    Row(*(Column(f, css_class="col-md-6") for f in people)),
                    Div(
                        HTML(
                            '{% load i18n %}<div class="form-text mb-1">'
                            '{% translate "Contact details" %}</div>'
                        ),
                        Row(*(Column(f, css_class="col-md-6 col-lg-3") for f in contacts)),
                    ),
                    css_id=f"group-{group.key}",
                )

    @property
    def profile_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self._meta.fields}

    @property
    def profile_fields(self) -> list[str]:
        """The fields of the park information this form edits (the seal comes on its own)."""
        return list(self._meta.fields)


class ParkForm(forms.ModelForm):
    class Meta:
        model = Park
        fields = ["name", "short_name", "province", "district", "approved_year", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class ProvinceForm(forms.ModelForm):
    class Meta:
        model = Province
        fields = ["reviewing_body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class UserForm(forms.ModelForm):
    """Admins create users and assign one role; the role decides whether a park or a province
    is kept (parks.services._clean_membership)."""

    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "email",
            "phone",
            "role",
            "park",
            "province",
            "is_active",
        ]

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].required = True
        self.fields["role"].choices = Role.choices
        self.fields["email"].required = True
        self.fields["park"].queryset = parks
        self.fields["province"].queryset = Province.objects.order_by("code")
        if self.instance.pk is None:
            del self.fields["is_active"]
        self.helper = FormHelper()
        self.helper.attrs = {"data-role-form": ""}
        self.helper.add_input(Submit("save", _("Save")))

    def _post_clean(self):
        # Membership is the service's rule (it clears the field the role does not use).
        pass


class ParkFilterForm(FilterForm):
    columns = ((4, ("q",)), (3, ("province",)), (3, ("active",)))

    q = forms.CharField(label=_("Search"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (p.code, p.name) for p in provinces
        ]


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )


class AuditFilterForm(forms.Form):
    """The change history's filters (GET): who, which part, which days."""

    person = forms.ChoiceField(label=_("Person"), required=False)
    part = forms.ChoiceField(label=_("Part"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, people, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Everyone")), *people]
        self.fields["part"].choices = [("", _("Every part")), *parts]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data

    @property
    def described(self) -> list[tuple[str, str]]:
        """(label, what is chosen) of each filter in use, as the page shows them."""
        described = []
        for name, value in self.filters.items():
            if isinstance(self.fields[name], forms.ChoiceField):
                value = dict(flatten_choices(self.fields[name].choices)).get(value, value)
            elif isinstance(value, datetime.date):
                value = formats.date_format(value, "DATE_FORMAT")
            described.append((str(self.fields[name].label), str(value)))
        return described

    @property
    def filters(self) -> dict:
        """The filters for parks.selectors.audit_list; none while the form is wrong."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
