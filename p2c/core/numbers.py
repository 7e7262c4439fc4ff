"""The one reader of numbers typed by people: forms, the write API, the import and (mirrored) the page script.

`read_decimal(text, upper=..., locale=...)` returns a Decimal or raises `NumberError` (a ValueError whose
message is shown to the person, and whose `kind` names the refusal for tests and the page script).

The rule, with the decimal and group symbols of the reader's locale from CLDR (Babel):
- digits of any script count (Arabic-Indic '١٥٠٠'); spaces, no-break spaces and apostrophes group digits;
  the Arabic separators '٫' (decimal) and '٬' (group) mean what they are in every locale;
- with both '.' and ',' the last one is the decimal mark and the other must group by threes;
- one mark repeated ('1.500.000', '1,500,000') groups by threes, whatever the locale;
- one mark once is decimal unless it could group ('1,200': 1 to 3 digits, the mark, exactly 3 digits);
  such a text follows the locale when the mark is its group symbol (Spanish '500.000' is 500000, English
  '1,200' is 1200) and is refused as ambiguous otherwise (English '500.000', French '1.200'): never guessed;
- signs, exponents, NaN, Infinity, fractions and letters are refused; so are more decimals than `places`
  (a currency's minor unit from ISO 4217, see `currency_places`), never rounded away silently.

`EXPORT_FORMAT` is the pseudo-locale of the export files: '.' is always the decimal mark and there is no
group symbol, so '0,5' (Excel's decimal comma) is 0.5 and '1,200' is refused as ambiguous.
static/js/numbers.js implements the same rule for the live estimate; tests/core/test_numbers.py feeds
both the same table.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal, get_currency_precision, get_decimal_symbol, get_group_symbol
from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import ngettext

EXPORT_FORMAT = "export"
MAX_PLACES = 2  # amounts and target values are stored with two decimals (NUMERIC(.., 2))

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'\u2019]")
_ARABIC_MARKS = {"\u066b": ".", "\u066c": ","}  # Arabic decimal separator, Arabic thousands separator
_ARABIC_COMMA = "\u060c"  # an Arabic keyboard's comma: the same character as ','
_GROUPED = {sep: re.compile(r"[0-9]{1,3}(?:" + re.escape(sep) + r"[0-9]{3})+") for sep in ".,"}


class NumberError(ValueError):
    """A text that is not a number we can store. `kind`: empty, invalid, negative, ambiguous, too_large,
    precision. The message (str(error)) is in the reader's language."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _locale_code(locale: str | None) -> str:
    if locale:
        return locale
    if has_request_context():
        from p2c.core.i18n import current_language

        return current_language()
    return "en"


def symbols(locale: str | None = None) -> tuple[str, str | None]:
    """(decimal mark, group mark or None) as '.'/',' for `locale` (CLDR via Babel), EXPORT_FORMAT: ('.', None).

    A group symbol that is a space (French, Russian) is returned as None: spaces always group, and then
    neither '.' nor ',' is the locale's group mark.
    """
    code = _locale_code(locale)
    if code == EXPORT_FORMAT:
        return ".", None
    decimal = get_decimal_symbol(code)
    group = get_group_symbol(code)
    decimal = decimal if decimal in ".," else "."
    return decimal, group if group in ".," and group != decimal else None


def page_symbols(locale: str | None = None) -> dict[str, str]:
    """{"decimal": ".", "group": ","} for the page script (static/js/numbers.js), group "" when none."""
    decimal, group = symbols(locale)
    return {"decimal": decimal, "group": group or ""}


def currency_places(currency: str | None) -> int:
    """Decimals an amount in `currency` may have: its ISO 4217 minor unit (Babel's CLDR data), at most
    MAX_PLACES because amounts are stored with two decimals. XOF, XAF, JPY, KRW: 0. Unknown: MAX_PLACES."""
    if not currency:
        return MAX_PLACES
    return min(get_currency_precision(currency), MAX_PLACES)


def _ascii(text: str) -> str:
    """Digits of any script as ASCII; spaces dropped; Arabic separators as '.' and ','."""
    out = []
    for ch in text:
        if ch in _ARABIC_MARKS:
            out.append(_ARABIC_MARKS[ch])
        elif ch == _ARABIC_COMMA:
            out.append(",")
        elif ch.isdigit() and not ch.isascii() and unicodedata.digit(ch, None) is not None:
            out.append(str(unicodedata.digit(ch)))
        else:
            out.append(ch)
    return _SPACES.sub("", "".join(out))


def _example(locale: str) -> str:
    return format_decimal(1500000, locale="en" if locale == EXPORT_FORMAT else locale)


def _invalid(locale: str) -> NumberError:
    return NumberError("invalid", _("Enter a number using digits only, for example %(example)s or 1500000.",
                                    example=_example(locale)))


def _plain(raw: str, decimal: str, group: str | None, locale: str) -> str:
    """The number as '1234.5' (no group marks, '.' decimal). Raises NumberError (invalid or ambiguous)."""
    marks = [m for m in ".," if m in raw]
    if not marks:
        return raw
    if len(marks) == 2:
        last = raw[max(raw.rfind("."), raw.rfind(","))]
        other = "," if last == "." else "."
        whole, fraction = raw.rsplit(last, 1)
        if other in fraction or not _GROUPED[other].fullmatch(whole):
            raise _invalid(locale)
        return whole.replace(other, "") + "." + fraction
    mark = marks[0]
    if raw.count(mark) > 1:
        if not _GROUPED[mark].fullmatch(raw):
            raise _invalid(locale)
        return raw.replace(mark, "")
    whole, fraction = raw.split(mark)
    could_group = len(fraction) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0"
    if not could_group:
        return (whole or "0") + "." + fraction
    if mark == group:
        return whole + fraction
    if mark == decimal and mark == "." and locale == EXPORT_FORMAT:
        return whole + "." + fraction
    shown = "en" if locale == EXPORT_FORMAT else locale
    raise NumberError("ambiguous", _(
        "“%(text)s” could mean %(grouped)s or %(decimal)s. Type the number without a thousands separator, "
        "for example %(plain)s.", text=whole + mark + fraction,
        grouped=format_decimal(int(whole + fraction), locale=shown),
        decimal=format_decimal(Decimal(whole + "." + fraction), locale=shown, decimal_quantization=False),
        plain=whole + fraction))


def read_decimal(text: object, *, upper: Decimal, places: int = MAX_PLACES, allow_empty: bool = True,
                 locale: str | None = None, currency: str | None = None) -> Decimal | None:
    """Read a number typed by a person in `locale` (default: the request's language, else English).

    Returns a Decimal with `places` decimals (None for an empty text when `allow_empty`), at least 0
    and below `upper`; with `currency`, at most its ISO 4217 minor unit of decimals. Raises NumberError
    with a message in the reader's language. The rule is in the module docstring.
    """
    code = _locale_code(locale)
    raw = _ascii(unicodedata.normalize("NFKC", str(text or "")).strip()) if text is not None else ""
    if raw == "":
        if allow_empty:
            return None
        raise NumberError("empty", _("Enter a number."))
    if raw[0] in "-\u2212":
        raise NumberError("negative", _("Enter a number of zero or more."))
    if not re.fullmatch(r"[0-9.,]+", raw) or not re.search(r"[0-9]", raw) or len(raw) > 40:
        raise _invalid(code)
    decimal, group = symbols(code)
    try:
        value = Decimal(_plain(raw, decimal, group, code))
    except InvalidOperation:
        raise _invalid(code) from None
    if value >= upper:
        raise NumberError("too_large", _("Enter a number below %(limit)s.", limit=format_decimal(
            upper, format="#,##0", locale="en" if code == EXPORT_FORMAT else code)))
    allowed = min(places, currency_places(currency)) if currency else places
    exponent = Decimal(1).scaleb(-allowed)
    if value != value.quantize(exponent):
        if allowed == 0:
            raise NumberError("precision", currency_precision_error(value, currency) or _("Enter a whole number."))
        raise NumberError("precision", ngettext("Enter at most %(num)d decimal.", "Enter at most %(num)d decimals.",
                                                allowed))
    return value.quantize(Decimal(1).scaleb(-places))


def currency_precision_error(amount: Decimal | None, currency: str | None) -> str | None:
    """Why a stored-to-be `amount` has more decimals than `currency` allows (ISO 4217), or None.

    For readers that learn the currency after the amount (the pledge rules, the import)."""
    if amount is None or not currency:
        return None
    allowed = currency_places(currency)
    if amount == amount.quantize(Decimal(1).scaleb(-allowed)):
        return None
    if allowed == 0:
        return _("Enter a whole number: amounts in %(currency)s have no decimals (ISO 4217).", currency=currency)
    return ngettext("Enter at most %(num)d decimal.", "Enter at most %(num)d decimals.", allowed)


def read_machine_number(value: object, *, upper: Decimal, places: int = MAX_PLACES,
                        allow_empty: bool = True, locale: str | None = None) -> Decimal | None:
    """A JSON/XLSX cell value: int and float are numbers already (float as its shortest repr), text is read
    by `read_decimal` in `locale`. Booleans and other types are refused (NumberError, kind invalid)."""
    code = _locale_code(locale)
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal | None):
        raise _invalid(code)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _invalid(code)
        value = repr(value)
        if "e" in value or "E" in value:
            value = format(Decimal(value), "f")
        return read_decimal(value, upper=upper, places=places, allow_empty=allow_empty, locale=EXPORT_FORMAT)
    if isinstance(value, int | Decimal):
        if isinstance(value, Decimal) and not value.is_finite():
            raise _invalid(code)
        return read_decimal(format(value, "f"), upper=upper, places=places, allow_empty=allow_empty,
                            locale=EXPORT_FORMAT)
    return read_decimal(value, upper=upper, places=places, allow_empty=allow_empty, locale=code)


def money(value_cents: int) -> str:
    """Cents as a decimal string with two places: 150 -> "1.50"."""
    return str((Decimal(value_cents) / 100).quantize(Decimal("0.01")))
