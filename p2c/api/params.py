"""Query parameters and money of the read API, one rule for every endpoint: a parameter the endpoint's schema
does not name (other than `lang`, the language of the answer's texts) is a 400, as on /api/v1/progress."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError


def parse_query(schema_class: type, args) -> tuple[dict, dict]:
    """(parameters, errors): the request's query `args` loaded by `schema_class` (empty values ignored), and
    {name: [messages]} for every unknown or invalid parameter (empty when all is well)."""
    schema = schema_class()
    errors: dict[str, Any] = {name: [_("Unknown parameter.")] for name in args
                              if name not in schema.fields and name != "lang"}
    try:
        loaded = schema.load({k: v for k, v in args.items() if k in schema.fields and v != ""})
    except ValidationError as exc:
        return {}, {**errors, **exc.messages}
    return loaded, errors


def usd(value: Any) -> str:
    """US dollars as an exact string with cents ("2500000.00"), whatever type the database's sum has."""
    return format(Decimal(str(value or 0)).quantize(Decimal("0.01")), "f")
