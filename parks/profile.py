"""Template part 一 (园区基本信息), declared once: its groups, fields and what completeness needs.

The form layout, the completeness indicator, conflict messages, audit labels and later the PDF's
part 一 table and the export's contact columns all walk PROFILE_GROUPS.
"""

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parks.models import ParkProfile


@dataclass(frozen=True)
class ProfileGroup:
    key: str
    title: str
    fields: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f for f in self.fields if f not in self.optional)


CONTACT_SUFFIXES = ("landline", "mobile", "email", "fax")

PROFILE_GROUPS: tuple[ProfileGroup, ...] = (
    ProfileGroup("name", _("Park name (official seal affixed)"), ("seal",)),
    ProfileGroup(
        "location",
        _("Location and mailing address"),
        ("city", "address", "postcode", "founded_on"),
    ),
    ProfileGroup(
        "head",
        _("Head of the park management body"),
        ("head_name", "head_title", *(f"head_{s}" for s in CONTACT_SUFFIXES)),
        optional=("head_fax",),
    ),
    ProfileGroup(
        "dept",
        _("Department in charge of green development"),
        ("dept_name", "dept_head_name", *(f"dept_head_{s}" for s in CONTACT_SUFFIXES)),
        optional=("dept_head_fax",),
    ),
    ProfileGroup(
        "contact",
        _("Department contact person"),
        ("contact_name", *(f"contact_{s}" for s in CONTACT_SUFFIXES)),
        optional=("contact_fax",),
    ),
    ProfileGroup("filled", _("Filling date"), ("filled_on",)),
)

PROFILE_FIELDS: tuple[str, ...] = tuple(f for g in PROFILE_GROUPS for f in g.fields)
GROUP_OF: dict[str, ProfileGroup] = {f: g for g in PROFILE_GROUPS for f in g.fields}


def field_label(model, field: str) -> str:
    """A label that names its group where the bare label repeats (座机, 手机 ...)."""
    label = model._meta.get_field(field).verbose_name
    group = GROUP_OF.get(field)
    if group and group.key in {"head", "dept", "contact"}:
        return str(format_lazy("{} · {}", group.title, label))
    return str(label)


@dataclass(frozen=True)
class Completeness:
    filled: int
    total: int
    missing: tuple[tuple[str, str], ...]  # (field, label)

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.total) if self.total else 100

    @property
    def is_complete(self) -> bool:
        return not self.missing


def completeness(profile) -> Completeness:
    required = [f for g in PROFILE_GROUPS for f in g.required]
    missing = tuple((f, field_label(type(profile), f)) for f in required if not getattr(profile, f))
    return Completeness(len(required) - len(missing), len(required), missing)


def profile_table(profile) -> list[tuple[ProfileGroup, list[tuple[str, object]]]]:
    """Part 一 as the template's table: each group with its (label, value) pairs, in order.
    The location group starts with the province, which belongs to the park, not the form."""
    rows = []
    for group in PROFILE_GROUPS:
        if group.key in {"name", "filled"}:
            continue  # on the cover
        pairs = [
            (str(ParkProfile._meta.get_field(f).verbose_name), getattr(profile, f))
            for f in group.fields
        ]
        if group.key == "location":
            pairs.insert(
                0,
                (gettext("Province (autonomous region, municipality)"), profile.park.province.name),
            )
        rows.append((group, pairs))
    return rows
