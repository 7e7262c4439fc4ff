"""Migration 0008_revfix_whole_counts: counts typed before the whole-number rule (10.5 schools) become whole,
so each pledge's value, the API totals and the open-data file agree (11 + 11 = 22, not 21), goals on counts
lose their fraction and money keeps its cents, each change has its audit entry, and the focal point can
edit such a pledge again (the prefilled "10.5" was refused by the whole-number check)."""

from __future__ import annotations

import json
from decimal import Decimal

from flask_migrate import upgrade
from sqlalchemy import select, text

from p2c import create_app
from p2c.core.models import AuditEvent
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.opendata import tracking as opendata_tracking
from p2c.operations.jobs import upgrade_rollups
from p2c.pledges.models import PledgeAmendment
from p2c.reporting.models import Goal
from p2c.reporting.projection import discard_pending
from tests.access.test_amendments import amendment_post
from tests.builders import Builder
from tests.test_migrations import _fresh_database

BEFORE = "0008_queue_review_indexes"  # the revision before 0008_revfix_whole_counts


def _targets(row: dict) -> list[dict]:
    return json.loads(row["targets"]) if isinstance(row["targets"], str) else row["targets"]


def test_fractional_counts_become_whole_everywhere_and_editable(tmp_path):
    with _fresh_database(tmp_path) as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context(), app.test_request_context():
            upgrade(revision=BEFORE)
            from p2c.reference.loaders import load_all
            load_all()
            builder = Builder()
            a = builder.pledge(targets=[("schools_connected", Decimal("10.5"), 2030)])
            b = builder.pledge(targets=[("schools_connected", Decimal("10.5"), 2030),
                                        ("usd_invested", Decimal("100.25"), 2030)])
            builder.progress_report(a, period=2025, achieved={"schools_connected": Decimal("0.5")})
            builder.progress_report(b, period=2025, achieved={"schools_connected": Decimal("0.5")})
            # Goals written with SQL, with a fractional target the goal form now refuses.
            for title, metric, code in (("Schools", "indicator", "schools_connected"), ("Money", "usd_value", None)):
                db.session.execute(text(
                    "INSERT INTO goal (title, title_translations, metric, indicator_code, target_value, target_date,"
                    " active, position, created_at, updated_at, version) VALUES (:t, '{}', :m, :c, 99.5,"
                    " '2030-12-31', :a, 9, '2026-01-01', '2026-01-01', 1)"),
                    {"t": title, "m": metric, "c": code, "a": True})
            db.session.flush()
            # The rollups are rebuilt after the upgrade; today's projection would write today's rollup_state
            # columns into the old schema (reference rows the loader touched move the data version).
            discard_pending(db.session)
            opendata_tracking.discard_pending(db.session)  # no opendata_stale table at that revision
            db.session.commit()
            ids = (a.id, b.id)
            refs = (a.reference, b.reference)
            upgrade(revision="heads")
            db.session.expire_all()
            assert upgrade_rollups().startswith("rebuilt")  # the worker's rollup_layout job, once

            client = app.test_client()
            data = client.get("/api/v1/progress").get_json()
            schools = next(i for i in data["indicators"] if i["code"] == "schools_connected")
            assert (schools["pledged"], schools["achieved"]) == (22, 2)
            per_pledge = [client.get(f"/api/v1/pledges/{r}").get_json()["targets"] for r in refs]
            assert [t[0]["target_value"] for t in per_pledge] == [11, 11]
            assert per_pledge[1][1]["target_value"] == "100.25"  # money keeps its cents
            rows = client.get("/data/pledges.json").get_json()
            assert sorted(int(Decimal(str(_targets(r)[0]["target_value"]))) for r in rows) == [11, 11]
            goals = select(Goal.target_value).where(Goal.title.in_(["Money", "Schools"])).order_by(Goal.title)
            assert db.session.scalars(goals).all() == [
                Decimal("99.50"), Decimal("100.00")]
            audit = db.session.execute(select(AuditEvent.subject_type, AuditEvent.before, AuditEvent.after)
                                       .where(AuditEvent.action == "migrate.whole_counts")
                                       .order_by(AuditEvent.subject_type, AuditEvent.subject_id)).all()
            assert [(kind, before, after) for kind, before, after in audit] == [
                ("goal", {"target_value": "99.50"}, {"target_value": "100"}),
                ("pledge", {"schools_connected.target_value": "10.50"}, {"schools_connected.target_value": "11"}),
                ("pledge", {"schools_connected.target_value": "10.50"}, {"schools_connected.target_value": "11"}),
                ("progress_report", {"schools_connected.achieved_value": "0.50"},
                 {"schools_connected.achieved_value": "1"}),
                ("progress_report", {"schools_connected.achieved_value": "0.50"},
                 {"schools_connected.achieved_value": "1"}),
            ]

            # The focal point's form is prefilled with "11" and a description change is saved.
            pledge = db.session.get(type(a), ids[0])
            token = make_token("pledge", pledge.id, pledge.focal_point.email)
            form = client.get(f"/my/{token}/amend?lang=en").get_data(as_text=True)
            assert 'value="11"' in form and "10.5" not in form
            post = amendment_post(pledge, description="A new description of the same schools, now whole.",
                                  title=pledge.title)
            post.update({"targets-0-indicator": "schools_connected", "targets-0-value": "11",
                         "targets-0-year": "2030"})
            response = client.post(f"/my/{token}/amend?lang=en", data=post)
            assert response.status_code == 302
            amendment = db.session.scalars(select(PledgeAmendment)).one()
            assert "now whole" in json.dumps(amendment.data)
            db.session.remove()
            db.engine.dispose()
