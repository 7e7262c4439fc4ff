"""The audit trail is append-only at the ORM level: recorded events cannot be changed or deleted."""

from __future__ import annotations

import pytest

from p2c.core import audit
from p2c.core.audit import AuditImmutable
from p2c.extensions import db


def _event():
    event = audit.record("edit", "organization", 1, label="Acme", before={"name": "A"}, after={"name": "B"})
    db.session.commit()
    return event


def test_an_audit_event_cannot_be_updated():
    event = _event()
    event.after = {"name": "Forged"}
    with pytest.raises(AuditImmutable):
        db.session.flush()
    db.session.rollback()
    db.session.expire_all()
    assert event.after == {"name": "B"}


def test_an_audit_event_cannot_be_deleted():
    event = _event()
    db.session.delete(event)
    with pytest.raises(AuditImmutable):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(type(event), event.id) is not None
