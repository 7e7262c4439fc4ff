"""The directory filters, parsed once for the HTML directory, the read API and the CSV export.

`PledgeFilterSchema().load(request.args)` gives a plain dict; unknown codes are reported per field
in the reader's language. Values are single codes, so every filtered URL is short and shareable.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from p2c.core.enums import ImplementationStatus, ReportingStatus
from p2c.extensions import cache, db
from p2c.pledges.constants import MAX_YEAR, MIN_YEAR
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import (
    BeneficiaryGroup,
    Country,
    Event,
    FocusArea,
    GdcObjective,
    Pillar,
    PledgeType,
    SdgTarget,
    StakeholderGroup,
    WsisLine,
)
from p2c.reference.regions import REGION_CODES

GROUPS = ("ldc", "lldc", "sids", "global")
SORTS = ("newest", "largest")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Filter parameter -> reference model whose codes it accepts.
CODE_FILTERS = {
    "focus_area": FocusArea, "pillar": Pillar, "type": PledgeType, "stakeholder": StakeholderGroup,
    "beneficiary": BeneficiaryGroup, "wsis": WsisLine, "event": Event, "initiative": RegionalInitiative,
    "sdg_target": SdgTarget, "gdc": GdcObjective,
}
FILTER_NAMES = ("q", "focus_area", "pillar", "type", "region", "lead_region", "country", "group", "stakeholder",
                "beneficiary", "sdg", "wsis", "implementation", "reporting", "year", "event", "initiative",
                "sdg_target", "gdc")


def _known(model) -> set[str]:
    """Codes of a reference table (cached a minute: admins may add pillars or events)."""
    name = f"known-codes:{model.__tablename__}"
    codes = cache.get(name)
    if codes is None:
        key = model.iso3 if model is Country else model.code
        codes = set(db.session.scalars(select(key)))
        cache.set(name, codes, ttl=60)
    return codes


class PledgeFilterSchema(Schema):
    """Query parameters of /pledges, /api/v1/pledges and the exports."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(validate=validate.Length(max=100))
    focus_area = fields.String()
    pillar = fields.String()
    type = fields.String()
    stakeholder = fields.String()
    beneficiary = fields.String()
    wsis = fields.String()
    event = fields.String()
    initiative = fields.String()  # a WTDC-25 regional initiative code (AFR1 ...)
    sdg_target = fields.String(validate=validate.Length(max=8))
    gdc = fields.String(validate=validate.Length(max=40))
    region = fields.String(validate=validate.OneOf(REGION_CODES, error=_l("Choose one of the ITU regions.")))
    lead_region = fields.String(validate=validate.OneOf(REGION_CODES, error=_l("Choose one of the ITU regions.")))
    country = fields.String()
    group = fields.String(validate=validate.OneOf(GROUPS, error=_l("Choose LDC, LLDC, SIDS or global.")))
    sdg = fields.Integer(validate=validate.Range(1, 17, error=_l("Choose an SDG from 1 to 17.")))
    implementation = fields.String(validate=validate.OneOf(ImplementationStatus.values(),
                                                           error=_l("Choose an implementation status.")))
    reporting = fields.String(validate=validate.OneOf(ReportingStatus.values(), error=_l("Choose a reporting status.")))
    year = fields.Integer(validate=validate.Range(MIN_YEAR, MAX_YEAR, error=_l("Choose a year from %(min)s to %(max)s.",
                                                                                min=MIN_YEAR, max=MAX_YEAR)))
    sort = fields.String(load_default="newest", validate=validate.OneOf(SORTS, error=_l("Unknown sort order.")))
    cursor = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(load_default=PAGE_SIZE, validate=validate.Range(1, MAX_PAGE_SIZE))

    @validates_schema(skip_on_field_errors=False)
    def _codes(self, data: dict, **kwargs) -> None:
        errors = {}
        for name, model in CODE_FILTERS.items():
            if data.get(name) and data[name] not in _known(model):
                errors[name] = [str(_l("Unknown value."))]
        if data.get("country"):
            data["country"] = data["country"].upper()
            if data["country"] not in _known(Country):
                errors["country"] = [str(_l("Unknown country code."))]
        if data.get("cursor"):
            try:
                decode_cursor(data["cursor"], data.get("sort", "newest"))
            except ValueError:
                errors["cursor"] = [str(_l("This page link is no longer valid; start from the first page."))]
        if errors:
            raise ValidationError(errors)


def parse_filters(args) -> tuple[dict, dict]:
    """(filters, errors): valid filters are kept, invalid ones dropped and reported (HTML directory)."""
    schema = PledgeFilterSchema()
    raw = {k: v for k, v in args.items() if v not in ("", None)}
    try:
        return schema.load(raw), {}
    except ValidationError as exc:
        errors = exc.messages
        kept = {k: v for k, v in raw.items() if k not in errors}
        try:
            return schema.load(kept), errors
        except ValidationError:
            return schema.load({}), errors


def active_filters(filters: dict) -> dict:
    """Only the filters that narrow the list (no sort, cursor, limit)."""
    return {k: filters[k] for k in FILTER_NAMES if filters.get(k) not in (None, "")}


def encode_cursor(sort: str, phase: int, value: object, pledge_id: int) -> str:
    """An opaque, URL-safe keyset cursor."""
    if isinstance(value, datetime):
        value = value.isoformat()
    elif value is not None:
        value = str(value)
    raw = json.dumps([sort, phase, value, pledge_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[int, str | None, int]:
    """(phase, value, id) from a cursor made for the same sort; ValueError when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        s, phase, value, pledge_id = json.loads(raw)
    except Exception as exc:  # noqa: BLE001 - any garbage is just an invalid cursor
        raise ValueError("bad cursor") from exc
    if (s != sort or phase not in (0, 1) or not isinstance(pledge_id, int) or not 0 < pledge_id < 2**31
            or not (value is None or isinstance(value, str))):
        raise ValueError("bad cursor")
    # The value must parse as what the sort compares, so a forged cursor is a 400, never a 500.
    if sort == "newest":
        datetime.fromisoformat(value or "")
    elif phase == 0:
        try:
            if not Decimal(value or "x").is_finite():
                raise ValueError("bad cursor")
        except InvalidOperation as exc:
            raise ValueError("bad cursor") from exc
    return phase, value, pledge_id
