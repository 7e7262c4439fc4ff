"""Registers needs as a kind of submission in the review back-office (reviewed like pledges).

Approving a need makes it public at /needs/<id> and counts it on /progress; its submitter follows it
through their own private link (/my/<token>/need), which the access pages do not open.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import Integer, cast, literal_column, null, select
from werkzeug.routing import BuildError

from p2c.core import search
from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus, SubmissionKind
from p2c.core.submissions import SubmissionType, register
from p2c.extensions import db
from p2c.matchmaking import notifications
from p2c.matchmaking.models import Need
from p2c.matchmaking.services import bump_public_version
from p2c.reference.models import Country, FocusArea


@dataclass(frozen=True)
class Authority:
    """The submitting authority, in the place of an organization (needs have none)."""

    name: str
    id: None = None


def _approved(need: Need) -> None:
    need.approved_at = utcnow()


def _decided(need: Need, old, new) -> None:
    if ReviewStatus.APPROVED in (ReviewStatus(new), ReviewStatus(old) if old is not None else None):
        bump_public_version()  # /progress counts approved needs


def _public_url(need: Need) -> str | None:
    if need.status != ReviewStatus.APPROVED:
        return None
    try:
        return url_for("matchmaking.detail", need_id=need.id)
    except (BuildError, RuntimeError):
        return None


def _queue_select(f):
    """Queue rows of needs (title; the authority in the organization column). The NULL organization
    id is typed: the queue reads each kind as a subquery, where PostgreSQL types a bare NULL as text."""
    m = Need
    query = select(
        literal_column("'need'").label("kind"), m.id.label("id"), m.reference.label("reference"),
        m.title.label("title"), m.authority.label("organization"), cast(null(), Integer).label("organization_id"),
        m.status.label("status"), m.submitted_at.label("submitted_at"), m.assignee_id.label("assignee_id"),
        m.version.label("version"),
    )
    if getattr(f, "focus_area", ""):
        query = query.where(m.focus_area_code == f.focus_area)
    if getattr(f, "region", ""):
        query = query.where(m.country_iso3.in_(select(Country.iso3).where(Country.itu_region == f.region)))
    if getattr(f, "search", ""):
        query = query.where(search.contains(m.reference, f.search) | search.contains(m.title, f.search)
                            | search.contains(m.authority, f.search))
    return query


def _details(ids: list[int]) -> dict[int, dict]:
    return {nid: {"focus_area": name, "usd_value": None, "is_global": False, "countries": [iso3]}
            for nid, name, iso3 in db.session.execute(
                select(Need.id, FocusArea.name, Need.country_iso3)
                .join(FocusArea, FocusArea.code == Need.focus_area_code).where(Need.id.in_(ids)))}


NEED = SubmissionType(
    kind=SubmissionKind.NEED,
    model=Need,
    title=lambda need: need.title,
    organization=lambda need: Authority(need.authority),
    contact=lambda need: need.contact,
    detail_template="matchmaking/review_detail.html",
    on_approve=_approved,
    on_decided=_decided,
    public_url=_public_url,
    private_link=lambda need, email, lang=None: notifications.need_link(need, lang),
    queue_select=_queue_select,
    queue_details=_details,
)

register(NEED)
