"""Every (status, staff action) pair, as a table: allowed ones change state, others change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from p2c.core.enums import ReviewStatus
from p2c.core.errors import NotAllowed
from p2c.core.models import AuditEvent
from p2c.core.unit import commit
from p2c.core.workflow import STAFF_ACTIONS, TRANSITIONS, Action
from p2c.extensions import db
from p2c.pledges.models import Pledge
from p2c.review import services

PAIRS = [(status, action) for status in ReviewStatus for action in sorted(STAFF_ACTIONS, key=str)]


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_every_status_and_action(app, builder, status, action):
    reviewer = builder.user()
    pledge = builder.pledge(status=status)
    db.session.commit()
    version = pledge.version
    expected = TRANSITIONS.get((status, action))
    if expected is None:
        with pytest.raises(NotAllowed) as info:
            services.decide("pledge", pledge.id, action, "a reason", version, reviewer)
        assert "not possible" in info.value.message and status.title in info.value.message
        db.session.rollback()
        fresh = db.session.get(Pledge, pledge.id)
        assert fresh.status == status and fresh.version == version
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    else:
        result = services.decide("pledge", pledge.id, action, "a reason", version, reviewer)
        commit()
        db.session.expire_all()
        fresh = db.session.get(Pledge, pledge.id)
        assert result.new == expected and fresh.status == expected and fresh.version > version
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == action.value))
        assert event.before == {"status": status.value} and event.after["status"] == expected.value


@pytest.mark.parametrize("action", [Action.RESUBMIT, Action.WITHDRAW])
def test_submitter_actions_are_refused_to_staff(app, builder, action):
    pledge = builder.pledge(status=ReviewStatus.CHANGES_REQUESTED)
    db.session.commit()
    with pytest.raises(Exception) as info:
        services.decide("pledge", pledge.id, action, "", pledge.version, builder.user())
    assert "submitter" in str(info.value)


def test_the_view_shows_the_not_allowed_message_and_changes_nothing(client, login, builder):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.REJECTED)
    db.session.commit()
    response = client.post(f"/review/pledge/{pledge.id}/decide",
                           data={"action": "approve", "message": "", "version": pledge.version})
    assert response.status_code == 409
    assert "This action is not possible while the submission is" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == ReviewStatus.REJECTED


SUBMITTER_PAIRS = [(status, action) for status in ReviewStatus for action in (Action.RESUBMIT, Action.WITHDRAW)]


@pytest.mark.parametrize(("status", "action"), SUBMITTER_PAIRS,
                         ids=[f"{s.value}-{a.value}" for s, a in SUBMITTER_PAIRS])
def test_every_status_and_submitter_action(app, builder, monkeypatch, status, action):
    """The focal point's side of the table, through the same services as the private link (the
    changed values themselves are the form's business, tested with the private link)."""
    from p2c.pledges import services as pledge_services

    monkeypatch.setattr(pledge_services, "_apply", lambda pledge, data, *args, **kwargs: None)
    pledge = builder.pledge(status=status)
    db.session.commit()
    version = pledge.version
    expected = TRANSITIONS.get((status, action))

    def act():
        if action == Action.WITHDRAW:
            return pledge_services.withdraw(pledge)
        # Resubmitting mails the focal point a private link: a request to build it in.
        with app.test_request_context():
            return pledge_services.update_pledge(pledge, {"focal_point": {"name": "Ana"}, "consent": True},
                                                 expected_version=version)

    if expected is None:
        with pytest.raises(NotAllowed) as info:
            act()
        assert status.title in info.value.message
        db.session.rollback()
        fresh = db.session.get(Pledge, pledge.id)
        assert fresh.status == status and fresh.version == version
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    else:
        act()
        commit()
        db.session.expire_all()
        fresh = db.session.get(Pledge, pledge.id)
        assert fresh.status == expected and fresh.version > version
