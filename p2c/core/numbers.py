"""Reading numbers typed by a person, whatever their script and separators.

`parse_decimal` is used by the pledge form, the API schemas and the progress-report form, so the
same text gives the same value (or the same message) everywhere. `money` writes integer cents (how
the rollups keep USD exactly) as the decimal text every JSON answer and export uses.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal
from flask_babel import gettext as _

from p2c.core.text import clean_text

# Arabic thousands and decimal separators, as an Arabic keyboard types them.
_SEPARATORS = str.maketrans({"\u066c": ",", "\u066b": ".", "\u060c": ","})


def _ascii_digits(text: str) -> str:
    """'١٬٥٠٠' -> '1,500': digits of any script (Arabic-Indic, Devanagari ...) as ASCII."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() and unicodedata.digit(ch, None)
                   is not None else ch for ch in text.translate(_SEPARATORS))


def parse_decimal(text: object, *, upper: Decimal, allow_empty: bool = True) -> Decimal | None:
    """Read a number typed by a person: '1,500,000', '1 500 000', '2500.50', '2 500,50'.

    Raises ValueError with a message to show. Refuses negative values, exponents, NaN and
    values >= `upper`; keeps two decimals.
    """
    raw = _ascii_digits(clean_text(text)).replace("\u00a0", " ").replace("\u202f", " ").replace("'", "")
    raw = raw.replace(" ", "")
    if raw == "":
        if allow_empty:
            return None
        raise ValueError(_("Enter a number."))
    if raw.startswith("-"):
        raise ValueError(_("Enter a number of zero or more."))
    if not re.fullmatch(r"[0-9.,]+", raw) or not re.search(r"[0-9]", raw):
        raise ValueError(_("Enter a number using digits only, for example 1500000 or 1,500,000."))
    if "," in raw and "." in raw:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        raw = raw.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in raw:
        # '1,500,000' groups thousands; '2500,50' (a single comma, not three digits after) is decimal.
        raw = raw.replace(",", "") if re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})+", raw) else raw.replace(",", ".")
    elif raw.count(".") > 1:
        if not re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+", raw):
            raise ValueError(_("Enter a number using digits only, for example 1500000 or 1,500,000."))
        raw = raw.replace(".", "")
    if raw.count(".") > 1 or len(raw) > 40:
        raise ValueError(_("Enter a number using digits only, for example 1500000 or 1,500,000."))
    try:
        value = Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(_("Enter a number using digits only, for example 1500000 or 1,500,000.")) from None
    if value >= upper:
        raise ValueError(_("Enter a number below %(limit)s.", limit=format_decimal(upper, format="#,##0")))
    return value


def money(value_cents: int) -> str:
    """Cents as a decimal string with two places: 150 -> "1.50"."""
    return str((Decimal(value_cents) / 100).quantize(Decimal("0.01")))
