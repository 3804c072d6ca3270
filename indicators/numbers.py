"""Numbers as Chinese users type them: 1,234.5 / 1234.5 / full-width １２３４．５ / 1，234."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def parse_number(text) -> Decimal:
    """The Decimal the user meant, keeping every digit entered; ValueError if it is not one."""
    value = unicodedata.normalize("NFKC", str(text)).strip().replace("，", ",").replace("。", ".")
    if _GROUPED.fullmatch(value):
        value = value.replace(",", "")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number
