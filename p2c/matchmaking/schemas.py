"""The public form of a need (API and open data): never its contact."""

from __future__ import annotations

from marshmallow import Schema, fields


class PublicNeedSchema(Schema):
    """An approved need, public fields only."""

    id = fields.Integer()
    reference = fields.String()
    country = fields.String(attribute="country_iso3", metadata={"description": "ISO 3166-1 alpha-3"})
    submitter_kind = fields.Function(lambda n: n.submitter_kind.value,
                                     metadata={"description": "government, regulator or itu_office"})
    authority = fields.String()
    title = fields.String()
    description = fields.String()
    focus_area = fields.String(attribute="focus_area_code")
    pillars = fields.Function(lambda n: sorted(p.code for p in n.pillars))
    pledge_type = fields.String(attribute="pledge_type_code", allow_none=True)
    beneficiary_groups = fields.Function(lambda n: sorted(b.code for b in n.beneficiary_groups))
    quantity = fields.Function(lambda n: None if n.quantity is None else format(n.quantity, "f"))
    quantity_unit = fields.String()
    start_year = fields.Integer()
    end_year = fields.Integer()
    approved_at = fields.DateTime()
    met = fields.Function(lambda n: n.met_at is not None)
    met_at = fields.DateTime(allow_none=True)


class NeedPageSchema(Schema):
    """One page of needs."""

    needs = fields.List(fields.Nested(PublicNeedSchema))
    next = fields.String(allow_none=True)
