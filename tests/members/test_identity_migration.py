"""Migration 0006_orgs_identity_and_proposals on a database that already holds one organization twice:
it keys every row, keeps the first record on the identity, suffixes the others and prints a merge plan
(a merge is a reviewer's decision, never done by a migration)."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from p2c import create_app
from p2c.extensions import db
from p2c.opendata import tracking as opendata_tracking
from p2c.reference.loaders import load_all
from p2c.reporting.projection import discard_pending
from tests.test_migrations import _fresh_database

ROWS = [  # id, name, country, is_member, merged_into_id
    (1, "Orange Sénégal", "SEN", False, None),
    (2, "ORANGE SENEGAL", "SEN", True, None),  # a member: it keeps the identity
    (3, "Orange  Sénégal.", "SEN", False, None),
    (4, "Orange Sénégal", None, False, None),  # no country: another identity
    (5, "Orange Sénégal", "FRA", False, None),
    (6, "Name\x0bwith\u202econtrols", "KEN", False, None),
]


def test_existing_duplicates_are_keyed_suffixed_and_listed(tmp_path, capsys):
    with _fresh_database(tmp_path) as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade(revision="0006_sec_login_throttle")  # the revision before 0006_orgs_identity_and_proposals
            load_all()
            for oid, name, country, member, merged in ROWS:
                db.session.execute(text(
                    "INSERT INTO organization (id, name, acronym, stakeholder_group_code, country_iso3, website, "
                    "itu_member, is_member, public_listing, merged_into_id, created_at, updated_at, version) "
                    "VALUES (:id, :name, '', 'other', :country, '', false, :member, true, :merged, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"),
                    {"id": oid, "name": name, "country": country, "member": member, "merged": merged})
            discard_pending(db.session)  # the reference rows just loaded would bump today's rollup state
            opendata_tracking.discard_pending(db.session)  # no opendata_stale table at that revision
            db.session.commit()
            upgrade(revision="heads")
            keys = dict(db.session.execute(text("SELECT id, name_key FROM organization")).all())
            assert keys == {1: "orangesenegal#1", 2: "orangesenegal", 3: "orangesenegal#3", 4: "orangesenegal",
                            5: "orangesenegal", 6: "namewithcontrols"}
            assert db.session.scalar(text("SELECT name FROM organization WHERE id = 6")) == "Namewithcontrols"
            printed = capsys.readouterr().out
            assert "keep 2 'ORANGE SENEGAL' (SEN); merge: 1 'Orange Sénégal', 3 'Orange  Sénégal.'" in printed
            db.session.remove()
            db.engine.dispose()
