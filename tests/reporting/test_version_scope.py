"""The data version (what /progress caches and the open-data files written ahead key on) moves on for a change
the public can see, and only for one (review of issue 15): a hand-over, a reviewer's assignment, a bookkeeping
date, setting a value to itself, or any edit of a pledge still under embargo leaves it where it is."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges.models import PledgeMilestone
from p2c.reference.models import SdgTarget
from p2c.rollups.queries import data_version


def _version() -> int:
    return data_version()[1]


def _after(change) -> int:
    """How far one committed change moves the version."""
    before = _version()
    change()
    db.session.commit()
    return _version() - before


def test_a_public_edit_moves_the_version_on(builder):
    pledge = builder.pledge(milestones=[PledgeMilestone(kind="law", description="Spectrum law adopted",
                                                        due_on=date(2027, 6, 30))])
    db.session.commit()
    assert _after(lambda: setattr(pledge, "title", "Connect 500 rural schools")) == 1
    assert _after(lambda: setattr(pledge.milestones[0], "description", "Spectrum law in force")) == 1
    assert _after(lambda: setattr(pledge.targets[0], "note", "Schools counted once")) == 1
    assert _after(lambda: setattr(pledge, "sdg_targets", [db.session.get(SdgTarget, "9.c")])) == 1
    assert _after(lambda: pledge.milestones.pop()) == 1


def test_private_and_no_op_changes_keep_the_version(builder):
    pledge = builder.pledge()
    reviewer = builder.user()
    db.session.commit()
    assert _after(lambda: setattr(pledge, "focal_point", builder.contact(name="New focal point"))) == 0  # hand-over
    assert _after(lambda: setattr(pledge, "assignee_id", reviewer.id)) == 0
    assert _after(lambda: setattr(pledge, "decided_at", datetime(2026, 5, 1, 9, 0))) == 0
    assert _after(lambda: setattr(pledge, "last_reminded_at", datetime(2026, 5, 2, 9, 0))) == 0
    assert _after(lambda: setattr(pledge, "title", pledge.title)) == 0  # the same value, as a form saves it
    assert _after(lambda: setattr(pledge.targets[0], "target_value", pledge.targets[0].target_value)) == 0


def test_edits_of_an_embargoed_pledge_keep_the_version_until_it_is_announced(builder):
    pledge = builder.pledge(public_from=utcnow() + timedelta(days=30))
    pending = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    assert _after(lambda: setattr(pledge, "title", "Announced at the summit")) == 0
    assert _after(lambda: pledge.milestones.append(PledgeMilestone(kind="policy", description="Policy published",
                                                                   due_on=date(2027, 1, 31)))) == 0
    assert _after(lambda: setattr(pledge.targets[0], "target_value", 2000)) == 0
    assert _after(lambda: setattr(pending, "title", "Still in review")) == 0
    # The announcement (or lifting the embargo by hand) is public: the version moves on.
    assert _after(lambda: setattr(pledge, "public_from", None)) > 0


def test_hiding_a_public_pledge_moves_the_version_on(builder):
    pledge = builder.pledge()
    db.session.commit()
    assert _after(lambda: setattr(pledge, "public_from", utcnow() + timedelta(days=30))) > 0
    other = builder.pledge()
    db.session.commit()
    assert _after(lambda: setattr(other, "status", ReviewStatus.WITHDRAWN)) > 0
