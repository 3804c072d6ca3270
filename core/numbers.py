"""Numbers as Chinese users type them: 1,234.5 / 1234.5 / full-width １２３４．５ / 1，234.
The one parser of the portal: forms, the Excel import and the readers of frozen figures use it."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def normalize_number(text) -> str:
    """The text with full-width digits and Chinese punctuation made ASCII and thousands
    separators dropped (only where they group digits correctly)."""
    value = unicodedata.normalize("NFKC", str(text)).strip().replace("，", ",").replace("。", ".")
    return value.replace(",", "") if _GROUPED.fullmatch(value) else value


def parse_number(text) -> Decimal:
    """The Decimal the user meant, keeping every digit entered; ValueError if it is not one."""
    try:
        number = Decimal(normalize_number(text))
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


def to_decimal(value) -> Decimal | None:
    """A stored figure (a number, or its text as frozen) as a Decimal; None when empty or not a
    number."""
    if value in (None, ""):
        return None
    try:
        return parse_number(value)
    except ValueError:
        return None
