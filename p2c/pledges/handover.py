"""Services for who holds a pledge: the focal point's hand-over to a successor (confirmed from the
successor's own address), staff reassigning (or attaching, for imported pledges) the contact, and the
partners' contacts. The private links follow the focal point's address, so the former one's link stops
working the moment the pledge changes hands. Services never commit.
"""

from __future__ import annotations

from sqlalchemy import select

from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.errors import ServiceError
from p2c.extensions import db
from p2c.members.services import new_contact
from p2c.pledges import notifications
from p2c.pledges.models import Handover, PartnerContact, Pledge

FOCAL_POINT_LABEL = "focal point"


def _same(a: str, b: str) -> bool:
    return (a or "").strip().lower() == (b or "").strip().lower()


def _open_handover(pledge: Pledge) -> Handover | None:
    return db.session.scalar(select(Handover).where(
        Handover.pledge_id == pledge.id, Handover.confirmed_at.is_(None), Handover.cancelled_at.is_(None)))


def _cancel_open(pledge: Pledge) -> None:
    found = _open_handover(pledge)
    if found is not None:
        found.cancelled_at = utcnow()


def propose_handover(pledge: Pledge, name: str, email: str, language: str) -> Handover:
    """The focal point names a successor: the successor is e-mailed a link to confirm from their address.
    Nothing changes hands until then; a new proposal replaces one still waiting."""
    from flask_babel import gettext as _

    if _same(email, pledge.focal_point.email):
        raise ServiceError(_("This is already the focal point's address."), field="email")
    _cancel_open(pledge)
    handover = Handover(pledge=pledge, from_contact_id=pledge.focal_point_id, name=name, email=email,
                        language=language)
    db.session.add(handover)
    db.session.flush()
    audit.record("handover_proposed", "pledge", pledge.id, label=pledge.reference,
                 after={"handover_id": handover.id}, actor_label=FOCAL_POINT_LABEL)
    notifications.handover_requested(handover)
    return handover


def _replace_focal_point(pledge: Pledge, name: str, email: str, language: str, action: str,
                         actor_label: str | None) -> None:
    former = pledge.focal_point
    contact = new_contact({"name": name, "email": email}, language)
    pledge.focal_point = contact
    db.session.flush()
    audit.record(action, "pledge", pledge.id, label=pledge.reference,
                 before={"focal_point_id": former.id if former else None},
                 after={"focal_point_id": contact.id}, actor_label=actor_label)
    notifications.focal_point_changed(pledge, former)


def confirm_handover(handover: Handover) -> Pledge:
    """The successor confirmed from their own address: the pledge is theirs, the former link stops."""
    pledge = handover.pledge
    handover.confirmed_at = utcnow()
    _replace_focal_point(pledge, handover.name, handover.email, handover.language, "handover",
                         FOCAL_POINT_LABEL)
    return pledge


def reassign_contact(pledge: Pledge, name: str, email: str, language: str) -> Pledge:
    """Staff give the pledge another focal point (a departed one, or an imported pledge without any);
    audited with the staff member; the new contact gets the private link."""
    from flask_babel import gettext as _

    if pledge.focal_point is not None and _same(email, pledge.focal_point.email):
        raise ServiceError(_("This is already the focal point's address."), field="email")
    _cancel_open(pledge)
    _replace_focal_point(pledge, name, email, language, "reassign_contact", None)
    return pledge


def set_partner_contact(pledge: Pledge, organization_id: int, name: str, email: str, language: str) -> None:
    """Give one of the pledge's partners a contact (replacing its previous one); empty e-mail removes it."""
    from flask_babel import gettext as _

    if organization_id not in {o.id for o in pledge.partners}:
        raise ServiceError(_("This organization is not a partner of the pledge."))
    found = db.session.get(PartnerContact, (pledge.id, organization_id))
    if found is not None:
        db.session.delete(found)
        db.session.flush()
    if email:
        contact = new_contact({"name": name, "email": email}, language)
        db.session.add(PartnerContact(pledge_id=pledge.id, organization_id=organization_id, contact_id=contact.id))
        db.session.flush()
    audit.record("partner_contact", "pledge", pledge.id, label=pledge.reference,
                 after={"organization_id": organization_id, "has_contact": bool(email)},
                 actor_label=FOCAL_POINT_LABEL)
