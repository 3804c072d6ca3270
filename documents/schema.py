"""The frozen snapshot of a submitted version, declared once.

A snapshot is plain JSON (review.models.Version.snapshot, hashed by documents.freeze.content_hash).
Its top-level parts are the `Part`s of `Frozen`; each record inside is a `Record` dataclass whose
fields are the JSON object's keys, in the order they are written. documents.freeze writes a
snapshot through `snapshot()`, and every reader reads it through `Frozen` (a Version's `frozen`),
never by string keys: writer and readers cannot drift apart.

Stored snapshots never change (their content hash must keep verifying), so the layout is fixed:
a new field is added with a default (what an older snapshot, which lacks it, reads as) and FORMAT
goes up. Format 1 lacked the sections' `state` and `items`, the attachments' `description`, the
indicators' `indicator_id`, `reference_value`, `reference_comparison`, `category`, `derivation`
and `history`, the fuel lines' `quantity` and `share`, and the accounting's `missing_co2`.
Format 2 lacked the accounting's grid factor per data year (`grid_years`), the series chosen
(`grid_choice`) and the reason for it (`grid_reason`): it named one factor (`grid_factor`).
Format 3 lacked the plan's `kind` and `data_year` (every version was a plan's).

What other declarations already name is not repeated here: a row's fields are its row kind's
(plans.rows), the park information's are parks.profile.PROFILE_FIELDS, the data tables' rows are
indicators.tables.TABLES.
"""

from dataclasses import MISSING, dataclass, field, fields, replace
from decimal import Decimal
from functools import cache
from typing import Any, ClassVar, Self

from django.utils.translation import gettext_lazy as _

from core.numbers import to_decimal

# 2: section states, attachment descriptions, indicator catalogue facts and history, fuel
#    quantities and shares: everything documents.thaw needs to lay the version out again.
# 3: the grid factor each data year used (value, year published for, series, citation).
# 4: the kind of submission (a plan, or a report that follows one up) and a report's data year.
FORMAT = 4

# A yearly series as frozen: {"2016": "123.45", "2017": None, ...} (years and numbers as text).
Series = dict[str, str | None]


def series(mapping: Series | None, years=None) -> dict[int, Decimal | None]:
    """A frozen series as {year: Decimal or None}: for `years`, else for every year it holds."""
    mapping = mapping or {}
    if years is None:
        return {int(year): to_decimal(value) for year, value in mapping.items()}
    return {year: to_decimal(mapping.get(str(year))) for year in years}


# --- what a comparison of two versions reads (review.diff walks it) ---------------------------
# Every field of a compared record says how: `shown(label, value)` compares it under that label,
# its value read as one of VALUES; `kept(why)` leaves it out, for one of KEPT's reasons. A field
# that says neither fails tests/review/test_compare.py.

VALUES = (
    "text",  # plain text (a long one shown as what was removed and added)
    "rich",  # rich text (plans.richtext), compared as its plain text
    "bool",
    "year",
    "number",  # a number as entered
    "series",  # a yearly series: each year its own change
    "digest",  # a file's SHA-256: the file was replaced
    "section",  # an outline key: the section's heading
    "category",  # an attachment category of the outline
    "choice",  # a choice of the model field named by `choices` ("app.Model.field")
    "by_warning",  # warning code (indicators.checks) -> text
    "fields",  # field -> value of another declaration (a row kind's, the park information's)
    "records",  # a list of records (metadata "records"), matched by their identity
    "record",  # one record (metadata "record"), its fields compared under this label
)
KEPT = {
    "identity": "records are matched by it",
    "derived": "computed from what is compared",
    "storage": "where and how a file is stored; a changed file is its digest's change",
    "catalogue": "the portal's reference data (catalogue, provinces), not the park's writing",
}


def shown(label, value: str = "text", default=MISSING, *, factory=MISSING, **metadata):
    """A field the comparison shows under `label` (lazy), its value read as `value`."""
    assert value in VALUES, value
    return field(
        default=default,
        default_factory=factory,
        metadata={"label": label, "value": value, **metadata},
    )


def kept(why: str, default=MISSING, *, factory=MISSING, **metadata):
    """A field the comparison leaves out, for one of KEPT's reasons."""
    assert why in KEPT, why
    return field(default=default, default_factory=factory, metadata={"kept": why, **metadata})


@dataclass(frozen=True)
class Record:
    """A JSON object of the snapshot: its keys are the dataclass's fields, each with the value an
    older snapshot that lacks it reads as. A field whose metadata names a "record" holds one
    record of that class, "records" a list of them."""

    @classmethod
    @cache
    def _layout(cls) -> tuple[tuple[str, type | None, type | None], ...]:
        return tuple(
            (f.name, f.metadata.get("record"), f.metadata.get("records")) for f in fields(cls)
        )

    @classmethod
    def read(cls, data: dict | None) -> Self:
        data = data or {}
        values = {}
        for name, record, records in cls._layout():
            if name not in data:
                continue
            value = data[name]
            if record is not None:
                value = record.read(value)
            elif records is not None:
                value = [records.read(item) for item in value or []]
            values[name] = value
        return cls(**values)

    def write(self) -> dict:
        result = {}
        for name, record, records in self._layout():
            value = getattr(self, name)
            if record is not None:
                value = value.write()
            elif records is not None:
                value = [item.write() for item in value]
            result[name] = value
        return result


@dataclass(frozen=True)
class FrozenSeal(Record):
    file: str = kept("storage", "")  # storage name in the private storage
    sha256: str = shown("", "digest", "")


@dataclass(frozen=True)
class FrozenPark(Record):
    """The park as it was: its name and province, the park information (parks.profile), the seal.
    In the JSON the park information's fields stand beside the others, before the seal."""

    id: int | None = kept("identity", None)
    name: str = kept("catalogue", "")
    province: str = kept("catalogue", "")
    province_code: str = kept("catalogue", "")
    reviewing_body: str = kept("catalogue", "")
    # PROFILE_FIELDS but the seal
    profile: dict[str, Any] = shown("", "fields", factory=dict)
    seal: FrozenSeal = shown(_("Official seal"), "record", factory=FrozenSeal, record=FrozenSeal)

    OWN: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "province",
        "province_code",
        "reviewing_body",
        "seal",
    )

    @classmethod
    def read(cls, data: dict | None) -> Self:
        data = data or {}
        park = super().read({k: v for k, v in data.items() if k in cls.OWN})
        return replace(park, profile={k: v for k, v in data.items() if k not in cls.OWN})

    def write(self) -> dict:
        own = super().write()
        seal = own.pop("seal")
        del own["profile"]
        return {**own, **self.profile, "seal": seal}


@dataclass(frozen=True)
class FrozenPlan(Record):
    id: int | None = kept("identity", None)
    cycle: str = kept("identity", "")  # plans.models.Cycle.code
    outline_version: str = kept("identity", "")
    carbon_peak_year: int | None = shown(_("expected carbon peak year"), "year", None)
    kind: str = kept("identity", "plan")  # plans.models.Plan.Kind
    data_year: int | None = kept("identity", None)  # an annual report's


@dataclass(frozen=True)
class FrozenSection(Record):
    """An editable outline entry (plans.outline), keyed by its outline key."""

    body: str = shown(_("Section text"), "rich", "")  # rich text (plans.richtext)
    is_done: bool = shown(_("marked complete"), "bool", False)
    word_count: int = kept("derived", 0)
    state: str = kept("derived", "")  # plans.selectors.SectionStatus.state
    items: int = kept("derived", 0)


@dataclass(frozen=True)
class FrozenRow(Record):
    """A row of a table of the plan (plans.rows.ALL_KINDS): its id and its kind's fields, which
    stand beside the id in the JSON."""

    id: int | None = kept("identity", None)
    values: dict[str, Any] = shown("", "fields", factory=dict)

    @classmethod
    def read(cls, data: dict | None) -> Self:
        data = dict(data or {})
        return cls(id=data.pop("id", None), values=data)

    def write(self) -> dict:
        return {"id": self.id, **self.values}

    def get(self, name: str, default=None):
        """The frozen value of the row kind's field `name`."""
        return self.values.get(name, default)


@dataclass(frozen=True)
class FrozenFigure(Record):
    id: int | None = kept("identity", None)
    section_key: str = shown(_("Section"), "section", "")
    label: str = kept("derived", "")  # 图1-1: numbered in the order of the figures
    caption: str = shown(_("caption"), "text", "")
    file: str = kept("storage", "")
    sha256: str = shown(_("Image"), "digest", "")
    width: int | None = kept("storage", None)
    height: int | None = kept("storage", None)


@dataclass(frozen=True)
class FrozenAttachment(Record):
    id: int | None = kept("identity", None)
    section_key: str = shown(_("Section"), "section", "")
    category: str = shown(_("category"), "category", "")  # plans.outline attachment category
    filename: str = shown(_("file name"), "text", "")
    file: str = kept("storage", "")
    file_type: str = kept("derived", "")  # from the file name
    size: int | None = kept("storage", None)
    description: str = shown(_("description"), "text", "")
    sha256: str = shown(_("File"), "digest", "")


@dataclass(frozen=True)
class FrozenWarning(Record):
    code: str = kept("identity", "")  # indicators.checks
    message: str = shown("", "text", "")


@dataclass(frozen=True)
class FrozenIndicator(Record):
    """One of the plan's indicators with the catalogue's facts as they were (`code` empty for the
    park's own indicators), its checks' warnings and the park's justifications."""

    id: int | None = kept("identity", None)
    indicator_id: int | None = kept("identity", None)
    code: str = kept("catalogue", "")
    name: str = shown(_("name"), "text", "")
    unit: str = shown(_("unit"), "text", "")
    direction: str = shown(
        _("direction"), "choice", "", choices="indicators.PlanIndicator.custom_direction"
    )
    required: bool = kept("catalogue", False)
    reference_text: str = kept("catalogue", "")
    baseline: str = shown(_("baseline"), "number", "")
    targets: Series = shown(_("targets"), "series", factory=dict)  # plan year -> target
    data_source: str = shown(_("data source"), "text", "")
    feasibility: str = shown(_("feasibility analysis"), "text", "")
    # warning code -> text
    justifications: dict[str, str] = shown(_("justifications"), "by_warning", factory=dict)
    reference_value: str | None = kept("catalogue", None)
    reference_comparison: str = kept("catalogue", "")
    category: str = kept("catalogue", "")
    derivation: str = kept("catalogue", "")
    history: Series = kept("derived", factory=dict)  # the data tables' numbers, compared there
    derived_baseline: str | None = kept("derived", None)
    warnings: list[FrozenWarning] = shown(
        _("Checks that warned"), "records", factory=list, records=FrozenWarning
    )

    def target(self, year: int) -> Decimal | None:
        return to_decimal(self.targets.get(str(year)))

    def justification(self, code: str) -> str:
        return ((self.justifications or {}).get(code) or "").strip()


@dataclass(frozen=True)
class FrozenGridYear(Record):
    """The grid factor one data year's electricity used (indicators.accounting.GridYear): a
    frozen version prints the factor year it used, whatever was published since."""

    year: int | None = kept("derived", None)
    value: str = kept("derived", "")
    factor_year: int | None = kept("derived", None)
    series: str = kept("derived", "")
    citation: str = kept("derived", "")


@dataclass(frozen=True)
class FrozenAccounting(Record):
    coefficient_set: str = shown(_("coefficient set"), "text", "")
    grid_factor: str = shown(_("Electricity emission factor"), "text", "")
    missing_co2: list = kept("derived", factory=list)
    grid_choice: str = shown(_("Grid emission factor"), "text", "")
    grid_reason: str = shown(_("Reason for choosing another factor"), "text", "")
    # each year's factor follows from the choice and the factors published when computed
    grid_years: list[FrozenGridYear] = kept("derived", factory=list, records=FrozenGridYear)


@dataclass(frozen=True)
class FrozenFuelLine(Record):
    """A fuel the park used, in its statistical unit, in standard coal and in CO2."""

    key: str = ""
    name: str = ""
    unit: str = ""
    quantity: Series = field(default_factory=dict)
    tce: Series = field(default_factory=dict)
    co2: Series = field(default_factory=dict)
    share: Series = field(default_factory=dict)


ENERGY_TOTALS = ("tce", "co2")  # FrozenEnergy.total_<kind>


@dataclass(frozen=True)
class FrozenEnergy(Record):
    total_tce: Series = field(default_factory=dict)
    total_co2: Series = field(default_factory=dict)
    lines: list[FrozenFuelLine] = field(default_factory=list, metadata={"records": FrozenFuelLine})

    def total(self, kind: str) -> Series:
        return {"tce": self.total_tce, "co2": self.total_co2}[kind]


# --- the parts ----------------------------------------------------------------------------------


def _plain(value):
    return value


def _mapping_of(record: type[Record]):
    """(read, write) of a part that maps keys to records."""

    def read(data):
        return {key: record.read(value) for key, value in (data or {}).items()}

    def write(value):
        return {key: item.write() for key, item in value.items()}

    return read, write


def _list_of(record: type[Record]):
    """(read, write) of a part that lists records."""

    def read(data):
        return [record.read(item) for item in data or []]

    def write(value):
        return [item.write() for item in value]

    return read, write


def _rows_by_kind():
    """(read, write) of the rows part: row kind slug -> its rows."""

    def read(data):
        return {slug: [FrozenRow.read(row) for row in rows] for slug, rows in (data or {}).items()}

    def write(value):
        return {slug: [row.write() for row in rows] for slug, rows in value.items()}

    return read, write


# How a part holds its records, for the comparison: one record; key -> record; a list of records
# matched by their identity; row kind slug -> such a list; data table -> row -> yearly series.
SHAPES = ("record", "by_key", "by_id", "by_kind", "cells")


class Part:
    """A top-level part of the snapshot: its JSON key, how it is read and written, and what an
    older snapshot that lacks it reads as. Read once per Frozen, when first asked for.

    For the comparison of two versions (review.diff): the part's `label`, the comment anchor of
    its records (review.anchors: "section" gives "section:<key>"), their `shape` and `record`
    class; or `kept`, why it is not compared (a reason of KEPT)."""

    def __init__(
        self,
        key: str,
        read=_plain,
        write=_plain,
        default=None,
        *,
        label="",
        anchor: str = "",
        shape: str = "",
        record: type[Record] | None = None,
        kept: str = "",
    ):
        self.key, self.read, self.write, self.default = key, read, write, default
        assert kept in KEPT if kept else shape in SHAPES, (key, shape, kept)
        self.label, self.anchor, self.shape, self.record, self.kept = (
            label,
            anchor,
            shape,
            record,
            kept,
        )

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, frozen, owner=None):
        if frozen is None:
            return self
        value = self.read(frozen.data.get(self.key, self.default))
        frozen.__dict__[self.name] = value
        return value


class Frozen:
    """A snapshot read through its declaration. Read-only: records are frozen dataclasses, and
    the maps and series inside them are the stored JSON, not to be changed."""

    format = Part("format", default=1, kept="storage")
    park: FrozenPark = Part(
        "park",
        FrozenPark.read,
        FrozenPark.write,
        label=_("Park information"),
        anchor="park",
        shape="record",
        record=FrozenPark,
    )
    plan: FrozenPlan = Part(
        "plan",
        FrozenPlan.read,
        FrozenPlan.write,
        label=_("The plan as a whole"),
        anchor="plan",
        shape="record",
        record=FrozenPlan,
    )
    sections: dict[str, FrozenSection] = Part(
        "sections",
        *_mapping_of(FrozenSection),
        label=_("Section text"),
        anchor="section",
        shape="by_key",
        record=FrozenSection,
    )
    all_rows: dict[str, list[FrozenRow]] = Part(  # by row kind slug
        "rows",
        *_rows_by_kind(),
        label=_("Tables of the plan"),
        anchor="row",
        shape="by_kind",
        record=FrozenRow,
    )
    figures: list[FrozenFigure] = Part(
        "figures",
        *_list_of(FrozenFigure),
        label=_("Figures"),
        anchor="figure",
        shape="by_id",
        record=FrozenFigure,
    )
    attachments: list[FrozenAttachment] = Part(
        "attachments",
        *_list_of(FrozenAttachment),
        label=_("Supporting files"),
        anchor="file",
        shape="by_id",
        record=FrozenAttachment,
    )
    indicators: list[FrozenIndicator] = Part(
        "indicators",
        *_list_of(FrozenIndicator),
        label=_("Indicators"),
        anchor="indicator",
        shape="by_id",
        record=FrozenIndicator,
    )
    # data table key (indicators.tables.TABLES) -> row key -> year -> the number as entered
    tables: dict[str, dict[str, Series]] = Part(
        "tables", lambda d: d or {}, label=_("Data tables"), anchor="table", shape="cells"
    )
    accounting: FrozenAccounting = Part(
        "accounting",
        FrozenAccounting.read,
        FrozenAccounting.write,
        label=_("Carbon accounting"),
        anchor="accounting",
        shape="record",
        record=FrozenAccounting,
    )
    # computed from the data tables and the coefficients
    energy: FrozenEnergy = Part("energy", FrozenEnergy.read, FrozenEnergy.write, kept="derived")
    all_derived: dict[str, Series] = Part(  # indicators DERIVED
        "derived", lambda d: d or {}, kept="derived"
    )
    carbon_note: str = Part("carbon_note", lambda d: d or "", kept="derived")

    def __init__(self, data: dict):
        self.data = data

    @classmethod
    def parts(cls) -> list[Part]:
        return [value for value in vars(cls).values() if isinstance(value, Part)]

    # --- lookups ---------------------------------------------------------------------------

    def section(self, key: str) -> FrozenSection:
        """The section of that outline key; an empty one where the snapshot has none."""
        return self.sections.get(key) or FrozenSection()

    def rows(self, slug: str) -> list[FrozenRow]:
        """The rows of the row kind `slug` (plans.rows.ALL_KINDS)."""
        return self.all_rows.get(slug, [])

    def figure(self, pk: int) -> FrozenFigure | None:
        return next((f for f in self.figures if f.id == pk), None)

    def attachment(self, pk: int) -> FrozenAttachment | None:
        return next((a for a in self.attachments if a.id == pk), None)

    def table(self, key: str) -> dict[str, Series]:
        """A data table's values: row key -> year -> the number as entered."""
        return self.tables.get(key, {})

    def derived(self, key: str) -> Series:
        return self.all_derived.get(key, {})

    def energy_totals(self, kind: str, years=None) -> dict[int, Decimal | None]:
        """Total energy (`kind` "tce") or CO2 ("co2") by year: the years given, else those held."""
        return series(self.energy.total(kind), years)

    def fuel_names(self) -> dict[str, str]:
        """Fuel key -> name, of the fuels the park used."""
        return {line.key: line.name for line in self.energy.lines}

    # --- writing ---------------------------------------------------------------------------

    def to_json(self) -> dict:
        """The snapshot written back from its declared parts (what snapshot() would write)."""
        return {part.key: part.write(getattr(self, part.name)) for part in self.parts()}

    def replaced(self, **parts) -> dict:
        """The snapshot as JSON with some parts (by attribute name) replaced, e.g. the same plan
        given to another park: replaced(park=replace(frozen.park, name=...))."""
        unknown = set(parts) - {part.name for part in self.parts()}
        if unknown:
            raise TypeError(f"not parts of a snapshot: {sorted(unknown)}")
        values = {part.name: getattr(self, part.name) for part in self.parts()} | parts
        return {part.key: part.write(values[part.name]) for part in self.parts()}


def snapshot(**parts) -> dict:
    """A snapshot as JSON from every declared part but the format (by attribute name: park=
    FrozenPark(...), all_rows={slug: [FrozenRow(...)]}, ...), in the declared order."""
    declared = {part.name: part for part in Frozen.parts()}
    missing = set(declared) - {"format"} - set(parts)
    unknown = set(parts) - set(declared) | ({"format"} & set(parts))
    if missing or unknown:
        raise TypeError(f"a snapshot's parts: missing {sorted(missing)}, unknown {sorted(unknown)}")
    parts["format"] = FORMAT
    return {part.key: part.write(parts[name]) for name, part in declared.items()}
