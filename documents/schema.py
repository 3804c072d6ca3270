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

What other declarations already name is not repeated here: a row's fields are its row kind's
(plans.rows), the park information's are parks.profile.PROFILE_FIELDS, the data tables' rows are
indicators.tables.TABLES.
"""

from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from functools import cache
from typing import Any, ClassVar, Self

from core.numbers import to_decimal

# 2: section states, attachment descriptions, indicator catalogue facts and history, fuel
#    quantities and shares: everything documents.thaw needs to lay the version out again.
# 3: the grid factor each data year used (value, year published for, series, citation).
FORMAT = 3

# A yearly series as frozen: {"2016": "123.45", "2017": None, ...} (years and numbers as text).
Series = dict[str, str | None]


def series(mapping: Series | None, years=None) -> dict[int, Decimal | None]:
    """A frozen series as {year: Decimal or None}: for `years`, else for every year it holds."""
    mapping = mapping or {}
    if years is None:
        return {int(year): to_decimal(value) for year, value in mapping.items()}
    return {year: to_decimal(mapping.get(str(year))) for year in years}


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
    file: str = ""  # storage name in the private storage
    sha256: str = ""


@dataclass(frozen=True)
class FrozenPark(Record):
    """The park as it was: its name and province, the park information (parks.profile), the seal.
    In the JSON the park information's fields stand beside the others, before the seal."""

    id: int | None = None
    name: str = ""
    province: str = ""
    province_code: str = ""
    reviewing_body: str = ""
    profile: dict[str, Any] = field(default_factory=dict)  # PROFILE_FIELDS but the seal
    seal: FrozenSeal = field(default_factory=FrozenSeal, metadata={"record": FrozenSeal})

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
    id: int | None = None
    cycle: str = ""  # plans.models.Cycle.code
    outline_version: str = ""
    carbon_peak_year: int | None = None


@dataclass(frozen=True)
class FrozenSection(Record):
    """An editable outline entry (plans.outline), keyed by its outline key."""

    body: str = ""  # rich text (plans.richtext)
    is_done: bool = False
    word_count: int = 0
    state: str = ""  # plans.selectors.SectionStatus.state
    items: int = 0


@dataclass(frozen=True)
class FrozenRow(Record):
    """A row of a table of the plan (plans.rows.ALL_KINDS): its id and its kind's fields, which
    stand beside the id in the JSON."""

    id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)

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
    id: int | None = None
    section_key: str = ""
    label: str = ""  # 图1-1
    caption: str = ""
    file: str = ""
    sha256: str = ""
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class FrozenAttachment(Record):
    id: int | None = None
    section_key: str = ""
    category: str = ""  # plans.outline attachment category
    filename: str = ""
    file: str = ""
    file_type: str = ""
    size: int | None = None
    description: str = ""
    sha256: str = ""


@dataclass(frozen=True)
class FrozenWarning(Record):
    code: str = ""  # indicators.checks
    message: str = ""


@dataclass(frozen=True)
class FrozenIndicator(Record):
    """One of the plan's indicators with the catalogue's facts as they were (`code` empty for the
    park's own indicators), its checks' warnings and the park's justifications."""

    id: int | None = None
    indicator_id: int | None = None
    code: str = ""
    name: str = ""
    unit: str = ""
    direction: str = ""
    required: bool = False
    reference_text: str = ""
    baseline: str = ""
    targets: Series = field(default_factory=dict)  # plan year -> target
    data_source: str = ""
    feasibility: str = ""
    justifications: dict[str, str] = field(default_factory=dict)  # warning code -> text
    reference_value: str | None = None
    reference_comparison: str = ""
    category: str = ""
    derivation: str = ""
    history: Series = field(default_factory=dict)
    derived_baseline: str | None = None
    warnings: list[FrozenWarning] = field(default_factory=list, metadata={"records": FrozenWarning})

    def target(self, year: int) -> Decimal | None:
        return to_decimal(self.targets.get(str(year)))

    def justification(self, code: str) -> str:
        return ((self.justifications or {}).get(code) or "").strip()


@dataclass(frozen=True)
class FrozenGridYear(Record):
    """The grid factor one data year's electricity used (indicators.accounting.GridYear): a
    frozen version prints the factor year it used, whatever was published since."""

    year: int | None = None
    value: str = ""
    factor_year: int | None = None
    series: str = ""
    citation: str = ""


@dataclass(frozen=True)
class FrozenAccounting(Record):
    coefficient_set: str = ""
    grid_factor: str = ""  # the series (format 2: the one factor of every year)
    missing_co2: list = field(default_factory=list)
    grid_choice: str = ""
    grid_reason: str = ""
    grid_years: list[FrozenGridYear] = field(
        default_factory=list, metadata={"records": FrozenGridYear}
    )


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


class Part:
    """A top-level part of the snapshot: its JSON key, how it is read and written, and what an
    older snapshot that lacks it reads as. Read once per Frozen, when first asked for."""

    def __init__(self, key: str, read=_plain, write=_plain, default=None):
        self.key, self.read, self.write, self.default = key, read, write, default

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

    format = Part("format", default=1)
    park: FrozenPark = Part("park", FrozenPark.read, FrozenPark.write)
    plan: FrozenPlan = Part("plan", FrozenPlan.read, FrozenPlan.write)
    sections: dict[str, FrozenSection] = Part("sections", *_mapping_of(FrozenSection))
    all_rows: dict[str, list[FrozenRow]] = Part("rows", *_rows_by_kind())  # by row kind slug
    figures: list[FrozenFigure] = Part("figures", *_list_of(FrozenFigure))
    attachments: list[FrozenAttachment] = Part("attachments", *_list_of(FrozenAttachment))
    indicators: list[FrozenIndicator] = Part("indicators", *_list_of(FrozenIndicator))
    # data table key (indicators.tables.TABLES) -> row key -> year -> the number as entered
    tables: dict[str, dict[str, Series]] = Part("tables", lambda d: d or {})
    accounting: FrozenAccounting = Part("accounting", FrozenAccounting.read, FrozenAccounting.write)
    energy: FrozenEnergy = Part("energy", FrozenEnergy.read, FrozenEnergy.write)
    all_derived: dict[str, Series] = Part("derived", lambda d: d or {})  # indicators DERIVED
    carbon_note: str = Part("carbon_note", lambda d: d or "")

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
