"""Marshmallow fields shared by the features' output schemas and the OpenAPI document (which maps
them to their documented types), kept here so the api package needs no feature package."""

from __future__ import annotations

from marshmallow import fields


class DecimalString(fields.String):
    """An exact decimal written as a string ("1081.30"), documented as a string of format "decimal"."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)
