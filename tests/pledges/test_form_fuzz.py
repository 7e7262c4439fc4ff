"""Random garbage posted to the public forms: never a 500, never a saved record."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from p2c.extensions import db
from p2c.members.models import CallForInterest, ExpressionOfInterest, Organization
from p2c.pledges.models import Pledge
from tests.pledges.formdata import valid_eoi, valid_pledge

PLEDGE_FIELDS = sorted(set(valid_pledge()) | {"targets-7-value", "targets-99-indicator", "shortcuts", "version"})
EOI_FIELDS = sorted(valid_eoi())

nasty_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<script>alert(1)</script>", "\x00", "NaN", "-1", "1e999", "9" * 400, "' OR 1=1 --",
                     "javascript:alert(1)", "../../etc/passwd", "%00", "☃" * 50, "2026-02-30", "[]", "{}"]),
)
values = st.one_of(nasty_text, st.lists(nasty_text, max_size=4))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@SETTINGS
@given(garbage=st.dictionaries(st.sampled_from(PLEDGE_FIELDS), values, max_size=25),
       keep_valid=st.booleans())
def test_garbage_to_the_pledge_form(client, garbage, keep_valid):
    # Half the time, garbage in a few fields of an otherwise valid form (reaches deeper checks).
    data = {**valid_pledge(), **garbage} if keep_valid else garbage
    data["homepage"] = ""
    if keep_valid and not garbage:
        data["title"] = ""
    response = client.post("/pledges/new", data=data)
    assert response.status_code in (200, 302, 400, 422), response.status_code
    if response.status_code != 302:
        assert _count(Pledge) == 0
    # A valid example was saved: remove it through the ORM (its link rows go too) for the next example.
    for pledge in db.session.scalars(select(Pledge)):
        db.session.delete(pledge)
    db.session.commit()


@SETTINGS
@given(garbage=st.dictionaries(st.sampled_from(EOI_FIELDS), values, max_size=15))
def test_garbage_to_the_join_form(client, garbage):
    if not _count(CallForInterest):
        db.session.add(CallForInterest(title="Open call", opens_on=date.today() - timedelta(days=1), rolling=True))
        db.session.commit()
    data = {**garbage, "homepage": ""}
    data.setdefault("org_name", "")
    response = client.post("/join", data=data)
    assert response.status_code in (200, 400, 422), response.status_code
    assert _count(ExpressionOfInterest) == 0 and _count(Organization) == 0
