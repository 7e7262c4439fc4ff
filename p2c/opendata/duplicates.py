"""Import guard: a row without a reference must not create a pledge that already exists."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from p2c.extensions import db
from p2c.members.identity import name_key
from p2c.members.queries import match_organization
from p2c.pledges.models import Pledge


def _title_key(title: str, pledged_on: Any) -> tuple[str, str]:
    return (title.strip().casefold(), str(pledged_on))


class _Leads:
    """The lead organization a row names, by the one organization matcher (members.queries): its id
    when it exists, else its identity (the import will create it), so spellings of one organization
    are one lead."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str | None], object] = {}

    def __call__(self, rec: dict) -> object:
        country = rec.get("lead_organization_country") or None
        key = (name_key(rec["lead_organization"]), country)
        if key not in self.cache:
            found = match_organization(rec["lead_organization"], country)
            self.cache[key] = found.id if found is not None else key
        return self.cache[key]


def duplicates(rows: list[tuple[str, dict]]) -> list[tuple[str, str]]:
    """(location, message) of each row without a reference that would create a second copy of a pledge.

    Such a row creates a new pledge on every run, so one whose lead organization (by the organization
    identity rule), title and pledge date match an existing pledge or another row of the file is
    refused: give it that pledge's reference to update it instead.
    """
    keyed = [(loc, r) for loc, r in rows if r.get("title") and r.get("lead_organization") and r.get("pledged_on")]
    lead_of = _Leads()
    seen: dict[tuple, list[str]] = defaultdict(list)
    for location, rec in keyed:
        seen[(lead_of(rec), *_title_key(rec["title"], rec["pledged_on"]))].append(location)
    titles = sorted({t for _loc, r in keyed if not r.get("reference") for t in (r["title"], r["title"].strip())})
    existing: dict[tuple, str] = {}
    for start in range(0, len(titles), 500):
        stmt = (select(Pledge.reference, Pledge.lead_organization_id, Pledge.title, Pledge.pledged_on)
                .where(Pledge.title.in_(titles[start:start + 500])))
        for ref, lead_id, title, pledged_on in db.session.execute(stmt):
            existing.setdefault((lead_id, *_title_key(title, pledged_on)), ref)
    errors = []
    for location, rec in keyed:
        if rec.get("reference"):
            continue
        key = (lead_of(rec), *_title_key(rec["title"], rec["pledged_on"]))
        if key in existing:
            errors.append((location, _(
                "Pledge %(ref)s has the same lead organization, title and pledge date: give its reference to "
                "update it, or change the title.", ref=existing[key])))
        elif len(seen[key]) > 1:
            other = next(loc for loc in seen[key] if loc != location)
            errors.append((location, _(
                "The same lead organization, title and pledge date appear at %(where)s: give each pledge its "
                "reference or a different title.", where=other)))
    return errors
