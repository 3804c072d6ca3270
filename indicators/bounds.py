"""What a cell of the data tables may hold: one set of rules for the data page (forms.TableForm),
the service that saves (services.clean_table_values) and the Excel import (workbook).

- A number, not negative. "-0" (and 0.000, -0E-5) is stored as "0"; exponent notation is stored
  written out ("1e3" → "1000").
- Not absurd: at most a maximum per statistical unit, far above the largest park (a typo, a
  wrong unit or Excel's 1e20 is refused, with the number typed kept on the page).
- Not noise: a value above 0 but below 0.000001 of its unit ("1e-30", a float residue of a
  formula) is refused, not silently rounded: the user says whether it is 0 or meant something
  else. Every unit here is large (万元, 吨, 万千瓦时 ...); no real figure is that small.
- A row that intensities divide by (工业增加值, 园区生产总值: Row.positive) must be above 0.
- A jump of 100 times or more from one year to the next only warns (jump_warnings): a new
  plant can do that; a unit slip (kWh typed as 万kWh) does too.
- Units: the Excel import reads each row's unit; a unit of the same kind converts by its power
  of ten (千瓦时 → 万千瓦时 ÷ 10,000) and the import says so; any other unit is refused.
"""

import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _

from core.numbers import parse_number

SMALLEST = Decimal("0.000001")
JUMP = Decimal(100)

# unit → (kind, size in the kind's base unit). Spellings users and Excel write.
UNITS: dict[str, tuple[str, Decimal]] = {
    **{u: ("money", Decimal(1)) for u in ("元",)},
    **{u: ("money", Decimal(10) ** 4) for u in ("万元",)},
    **{u: ("money", Decimal(10) ** 8) for u in ("亿元",)},
    **{u: ("mass", Decimal("0.001")) for u in ("千克", "公斤", "kg")},
    **{u: ("mass", Decimal(1)) for u in ("吨", "t")},
    **{u: ("mass", Decimal(10) ** 4) for u in ("万吨", "万t")},
    **{u: ("volume", Decimal(1)) for u in ("立方米", "m³", "m3", "方")},
    **{u: ("volume", Decimal(10) ** 4) for u in ("万立方米", "万m³", "万m3", "万方")},
    **{u: ("volume", Decimal(10) ** 8) for u in ("亿立方米", "亿m³", "亿m3")},
    **{u: ("electricity", Decimal(1)) for u in ("千瓦时", "kwh", "度")},
    **{u: ("electricity", Decimal(10) ** 3) for u in ("兆瓦时", "mwh")},
    **{u: ("electricity", Decimal(10) ** 4) for u in ("万千瓦时", "万kwh", "万度")},
    **{u: ("electricity", Decimal(10) ** 8) for u in ("亿千瓦时", "亿kwh")},
    **{u: ("heat", Decimal(1)) for u in ("百万千焦", "gj", "吉焦")},
    **{u: ("heat", Decimal("0.001")) for u in ("兆焦", "mj")},
    **{u: ("heat", Decimal(1000)) for u in ("tj", "太焦")},
}

# The most a park can plausibly report, per statistical unit of the tables: about ten times the
# largest national high-tech zone (the largest report some 10^7 万元 of added value, 10^6 万m³
# of gas, 10^6 万千瓦时 of electricity). A park's own fuel in another unit gets DEFAULT_MAXIMUM.
MAXIMA: dict[str, Decimal] = {
    "万元": Decimal(10) ** 9,
    "吨": Decimal(10) ** 8,
    "万吨": Decimal(10) ** 6,
    "万立方米": Decimal(10) ** 7,
    "万千瓦时": Decimal(10) ** 7,
    "百万千焦": Decimal(10) ** 9,
}
DEFAULT_MAXIMUM = Decimal(10) ** 10


class CellRefused(ValueError):
    """The cell's value is refused; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _key(unit) -> str:
    return unicodedata.normalize("NFKC", str(unit or "")).strip().replace(" ", "").lower()


def unit_factor(given, expected) -> Decimal | None:
    """What a value in `given` units is multiplied by to be in `expected` units: 1 for the same
    unit, a power of ten for another unit of the same kind, None for a unit that cannot be
    converted (another kind, or not one the portal knows)."""
    if _key(given) == _key(expected):
        return Decimal(1)
    have, want = UNITS.get(_key(given)), UNITS.get(_key(expected))
    if have is None or want is None or have[0] != want[0]:
        return None
    return have[1] / want[1]


def _plain(number: Decimal) -> str:
    """The decimal as stored: written out, never in exponent notation; 0 without a sign."""
    if number == 0:
        return "0"
    return format(number, "f")


def maximum(unit: str) -> Decimal:
    return MAXIMA.get(unit, DEFAULT_MAXIMUM)


def clean_cell(value, *, unit: str, positive: bool = False, label: str = "") -> str:
    """The decimal string to store for what was typed (or read from Excel), or CellRefused.
    `value` is text or a number; empty text is the caller's business."""
    try:
        number = parse_number(value)  # Excel's floats too: str(1e+20) is "1e+20"
    except ValueError:
        raise CellRefused(_("Enter a number, for example 1234.5 or 1,234.5.")) from None
    if number < 0:
        raise CellRefused(_("The value cannot be negative."))
    if number == 0 and positive:
        raise CellRefused(
            _(
                "%(label)s must be greater than 0: the intensities per unit of it divide by "
                "it. Leave the cell empty if the figure is not known."
            )
            % {"label": label}
        )
    if 0 < number < SMALLEST:
        raise CellRefused(
            _(
                "%(value)s is too small to be a real amount in %(unit)s (less than "
                "0.000001): enter 0, or the amount in %(unit)s."
            )
            % {"value": str(value)[:40], "unit": unit}
        )
    limit = maximum(unit)
    if number > limit:
        raise CellRefused(
            _(
                "%(value)s %(unit)s is more than any park reports (at most %(limit)s %(unit)s "
                "is accepted): check the unit and the number of digits."
            )
            % {"value": str(value)[:40], "unit": unit, "limit": f"{limit:,.0f}"}
        )
    return _plain(number)


def jump_warnings(values: dict, years: list[int]) -> dict[tuple[str, str], str]:
    """{(row, year): warning} for each value 100 times (or more) above or below the year
    before's. Warnings only: nothing is refused for them."""
    warnings = {}
    for row, cells in values.items():
        previous = None
        for year in years:
            try:
                number = parse_number(cells.get(str(year)) or "")
            except ValueError:
                previous = None
                continue
            if previous is not None and previous > 0 and number > 0:
                ratio = number / previous
                if ratio >= JUMP or ratio <= 1 / JUMP:
                    warnings[(row, str(year))] = _(
                        "%(year)s is %(ratio)s times %(previous_year)s (%(before)s → %(now)s): "
                        "check the unit and the digits."
                    ) % {
                        "year": year,
                        "ratio": f"{ratio:.4g}" if ratio >= 1 else f"1/{1 / ratio:.4g}",
                        "previous_year": year - 1,
                        "before": _plain(previous),
                        "now": _plain(number),
                    }
            previous = number
    return warnings
