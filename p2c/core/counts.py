"""Counts (people, schools, sites, pledges...) are whole numbers on every page, file and API answer.

An indicator's unit (p2c.reference.models.Indicator.unit) says what it measures: "USD" is money, every
other unit of the reference list (people, households, schools, businesses, devices, sites, organizations,
services) counts things. A count is stored as NUMERIC(20, 2) like any target value, and sums or forecasts
of counts can carry fractions (a least-squares line, an average): they are rounded half up to a whole
number where they are shown, never written "1,234.00 people" or "12.5 schools".

- `is_count(unit)`: whether a unit counts things;
- `whole(value)`: the nearest whole number (int), None for None;
- `format_count(value, locale=None)`: a count in the reader's locale (Babel, 0 decimals): '1,235' in
  English, '1 235' in French (narrow no-break space), '–' for None;
- `json_quantity(value, unit)`: what the API writes: an int for a count, a decimal string with two places
  for money ("1234.50"), None for None (`Quantity` is the marshmallow field that writes it);
- `count_precision_error(value, unit)`: the message refusing a fraction of a count at input (forms, the
  write API, the import), so that stored counts are whole and every total of them is too.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal
from flask_babel import gettext as _
from marshmallow import fields

from p2c.core.i18n import current_language, ref_name

MONEY_UNITS = frozenset({"USD"})
EMPTY = "–"


def is_count(unit: str | None) -> bool:
    """True for a unit that counts things (anything but money); an unknown unit (None) is a count too."""
    return (unit or "") not in MONEY_UNITS


def whole(value: object) -> int | None:
    """`value` (int, Decimal, float or numeric string) rounded half up to an int; None stays None.

    Raises ValueError for a value that is not a finite number.
    """
    if value is None:
        return None
    try:
        number = Decimal(str(value))
        return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError, OverflowError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def format_count(value: object, locale: str | None = None) -> str:
    """A count as a whole number in `locale` (default: the reader's language), '–' for None."""
    if value is None:
        return EMPTY
    return format_decimal(whole(value), format="#,##0", locale=locale or current_language())


def json_quantity(value: object, unit: str | None) -> int | str | None:
    """An indicator value for JSON: an int for a count, "1234.50" (two decimals) for money, None for None."""
    if value is None:
        return None
    if is_count(unit):
        return whole(value)
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


QUANTITY_DOC = ("a whole number (JSON integer) when the indicator's unit counts things (people, schools, "
                "sites...); a decimal string with two places when the unit is USD")
# The rule as a field's whole description (a field without one of its own).
QUANTITY_SENTENCE = QUANTITY_DOC[0].upper() + QUANTITY_DOC[1:]


class Quantity(fields.Field):
    """An indicator value in an API answer (`json_quantity`): an int for a count, "1234.50" for money.

    `unit(obj)` gives the unit of the object being dumped (a dict's "unit", a target's indicator unit).
    Documented in OpenAPI as integer or string.
    """

    def __init__(self, unit: Callable[[Any], str | None], **kwargs: Any) -> None:
        metadata = {"oneOf": [{"type": "integer"}, {"type": "string"}], **kwargs.pop("metadata", {})}
        given = (metadata.get("description") or "").strip()
        # Without a description of its own the field's description is the rule itself (not "(a whole...").
        metadata["description"] = f"{given} ({QUANTITY_DOC})" if given else QUANTITY_SENTENCE
        super().__init__(metadata=metadata, **kwargs)
        self.unit = unit

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> int | str | None:
        return json_quantity(value, self.unit(obj))


def count_precision_error(value: object, unit: str | None) -> str | None:
    """Why `value` cannot be a figure in `unit`: a fraction of a count ("12.5" schools), in the reader's
    language; None when it can (a whole count, any amount of money, or no value)."""
    if value is None or value == "" or not is_count(unit):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None  # not a number at all: the number reader says so
    if number == number.to_integral_value():
        return None
    return _("Enter a whole number: this indicator counts %(unit)s.", unit=unit_name(unit))


def unit_name(unit: str | None) -> str:
    """A unit of the reference list in the reader's language ("people", "schools"...)."""
    return ref_name(unit or "")
