"""Publishing a progress report: freeze the content as of the cut-off, hash it, store it. Never commits.

There is deliberately no update or delete here: a published report never changes (the model also
refuses UPDATE statements, see models.py).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.errors import ServiceError
from p2c.extensions import db
from p2c.publications import queries
from p2c.publications.canonical import freeze
from p2c.publications.content import build_content
from p2c.publications.models import Publication

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 120
TITLE_MAX = 300
# Addresses under /reports/ that are pages of their own: a report there could never be opened.
# The URL map is read too (reserved_slugs), so a route added later is reserved without editing this.
RESERVED_SLUGS = frozenset({"compare", "new", "index"})


def reserved_slugs() -> frozenset[str]:
    """Slugs a report may not take: RESERVED_SLUGS and every fixed path segment right under /reports/."""
    fixed = set(RESERVED_SLUGS)
    for rule in current_app.url_map.iter_rules():
        if rule.rule.startswith("/reports/"):
            segment = rule.rule[len("/reports/"):].split("/", 1)[0]
            if segment and "<" not in segment:
                fixed.add(segment.split(".", 1)[0])
    return frozenset(fixed)


def slugify(title: str) -> str:
    """A URL slug from a title: ASCII letters and digits joined by hyphens (e.g. p2c-progress-report-2026)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:SLUG_MAX].strip("-") or "report"


def publish(title: str, cutoff: date, slug: str | None = None, sections: dict[str, str] | None = None,
            user_id: int | None = None, today: date | None = None,
            translations: dict[str, dict[str, str]] | None = None) -> Publication:
    """Freeze the figures and lists as of `cutoff` into a new publication.

    `translations`: the team's translations of the title and sections, {"fr": {"title": ..., "foreword": ...}}.

    Raises ServiceError (with the field) for a cut-off in the future, a bad, reserved or taken slug.
    """
    title = title.strip()
    if not title or len(title) > TITLE_MAX:
        raise ServiceError(_("Give a title of at most %(max)d characters.", max=TITLE_MAX), field="title")
    today = today or utcnow().date()
    if cutoff > today:
        raise ServiceError(_("The cut-off date cannot be in the future: the figures would not be final."),
                           field="cutoff")
    slug = (slug or "").strip().lower() or slugify(title)
    if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        raise ServiceError(_("Use lowercase letters, digits and hyphens only (e.g. p2c-progress-report-2026)."),
                           field="slug")
    if slug in reserved_slugs():
        raise ServiceError(_("The address “%(slug)s” is taken by another page of the site; choose another one.",
                             slug=slug), field="slug")
    if db.session.scalar(select(Publication.id).where(Publication.slug == slug)) is not None:
        raise ServiceError(_("A report with the address “%(slug)s” already exists.", slug=slug), field="slug")
    previous = queries.previous_publication(cutoff)
    content, digest = freeze(build_content(cutoff, previous.cutoff_date if previous else None, sections or {},
                                             translations))
    summary = (sections or {}).get("key_findings", "") or ""
    publication = Publication(slug=slug, title=title, cutoff_date=cutoff, content=content, content_hash=digest,
                              published_by_id=user_id, published_at=utcnow(), summary=summary.strip()[:2000])
    db.session.add(publication)
    db.session.flush()
    audit.record("publication.published", "publication", publication.id, label=title,
                 after={"slug": slug, "cutoff_date": cutoff, "content_hash": digest})
    return publication
