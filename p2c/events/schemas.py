"""Schemas of /api/v1/events and /api/v1/events/<slug>: the query parameters and the answers.

Money is an exact decimal string in US dollars (as everywhere in the API); counts are of public
pledges only (approved and announced: p2c.pledges.visibility).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from p2c.core.enums import EventKind
from p2c.core.fields import DecimalString
from p2c.events.queries import EVENT_STATUSES

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 10_000


def _one_of(values) -> validate.OneOf:
    return validate.OneOf(values, error=_l("Choose one of: %(values)s.", values=", ".join(values)))


def _range(low: int, high: int) -> validate.Range:
    return validate.Range(low, high, error=_l("Enter a whole number from %(low)s to %(high)s.", low=low, high=high))


class EventQuerySchema(Schema):
    """Query parameters of /api/v1/events (any other parameter is a 400)."""

    kind = fields.String(validate=_one_of(EventKind.values()),
                         metadata={"description": "Kind of event.", "codes": EventKind.values})
    year = fields.Integer(validate=_range(1900, 2100),
                          metadata={"description": "Year the event starts in (undated events never match)."})
    status = fields.String(validate=_one_of(EVENT_STATUSES), metadata={
        "description": "upcoming (starts after today, UTC), ongoing (today is within its dates) or past "
                       "(ended, or undated).", "codes": lambda: list(EVENT_STATUSES)})
    page = fields.Integer(load_default=1, validate=_range(1, MAX_PAGE), metadata={"description": "Page, from 1."})
    limit = fields.Integer(load_default=PAGE_SIZE, validate=_range(1, MAX_PAGE_SIZE),
                           metadata={"description": "Events per page."})


class EventSchema(Schema):
    """A pledging event with what was announced there."""

    code = fields.String(required=True, metadata={"description": "The event's code (the pledges' `event`)."})
    slug = fields.String(allow_none=True, metadata={"description": "Its address: /events/<slug>."})
    name = fields.String(required=True, metadata={"description": "Its name in English."})
    name_translations = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "The coalition team's translations of the name ({\"fr\": ...}; a shipped event's name "
                       "is also translated in the site's catalogs)."})
    kind = fields.String(required=True, metadata={"codes": EventKind.values})
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    location = fields.String(metadata={"description": "Place (city, country), as the coalition team wrote it."})
    status = fields.String(required=True, metadata={"codes": lambda: list(EVENT_STATUSES)})
    url = fields.String(allow_none=True, metadata={"description": "The event's public page (null without a slug)."})
    pledges = fields.Integer(required=True, metadata={"description": "Public pledges announced there."})
    usd_value = DecimalString(required=True, metadata={"description": "Their value in US dollars."})


class EventListSchema(Schema):
    """One page of /api/v1/events."""

    count = fields.Integer(required=True, metadata={"description": "Events matching the filters."})
    next = fields.String(allow_none=True, metadata={"description": "The next page, or null."})
    results = fields.List(fields.Nested(EventSchema), required=True)


class FocusAreaFiguresSchema(Schema):
    """Pledges announced at an event in one focus area."""

    focus_area = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "In the reader's language (?lang=)."})
    pledges = fields.Integer(required=True)
    usd_value = DecimalString(required=True)


class SinceSchema(Schema):
    """What has happened since to the pledges announced at the event (latest approved reports)."""

    reported = fields.Integer(required=True, metadata={"description": "Pledges with an approved progress report."})
    completed = fields.Integer(required=True)
    usd_disbursed = DecimalString(required=True, metadata={"description": "Disbursed to date, US dollars."})
    milestones = fields.Integer(required=True)
    milestones_done = fields.Integer(required=True)


class EventDetailSchema(EventSchema):
    """One event: its dates, place and kind, and what was announced there, as on its page."""

    by_focus_area = fields.List(fields.Nested(FocusAreaFiguresSchema), required=True)
    since = fields.Nested(SinceSchema, required=True)
    references = fields.List(fields.String(), required=True, metadata={
        "description": "References of the public pledges announced there, in order; at most 1,000 (see "
                       "`references_complete`)."})
    references_complete = fields.Boolean(required=True)
    pledges_url = fields.String(required=True, metadata={
        "description": "These pledges in full, paged: /api/v1/pledges?event=<code>."})
