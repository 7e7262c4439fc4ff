"""/data is rendered once per language and data version: an approval shows at once, in every language."""

from __future__ import annotations

from p2c.core.enums import ReviewStatus
from p2c.extensions import db


def test_data_page_is_cached_until_the_data_change(client, builder):
    builder.pledge(status=ReviewStatus.APPROVED)
    builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    assert "1 approved pledge." in client.get("/data").get_data(as_text=True)
    assert "1 approved pledge." in client.get("/data").get_data(as_text=True)  # from the cache
    french = client.get("/data?lang=fr").get_data(as_text=True)
    assert 'lang="fr"' in french and "Données ouvertes" in french and "1 approved pledge." not in french

    pending = builder.pledge(status=ReviewStatus.APPROVED)
    db.session.commit()  # the rollups' data version changes with the approval
    assert "2 approved pledges." in client.get("/data?lang=en").get_data(as_text=True)
    pending.status = ReviewStatus.WITHDRAWN
    db.session.commit()
    assert "1 approved pledge." in client.get("/data?lang=en").get_data(as_text=True)


def test_the_count_is_the_number_of_pledges_in_the_csv_through_an_embargo_and_its_release(client, builder,
                                                                                         monkeypatch):
    """The page's count comes from the rollups: it must be the open data's own count at every step."""
    import csv
    import io
    from datetime import timedelta

    from p2c.core.db import utcnow
    from p2c.pledges import visibility
    from p2c.reporting import embargo

    def csv_rows() -> int:
        body = client.get("/data/pledges.csv?lang=en").get_data(as_text=True)
        return len(list(csv.DictReader(io.StringIO(body))))

    def shown() -> str:
        return client.get("/data?lang=en").get_data(as_text=True)

    monkeypatch.setattr(embargo, "_anything_due", lambda: False)  # released below, as the worker would
    announce = utcnow() + timedelta(hours=2)
    for _ in range(3):
        builder.pledge(status=ReviewStatus.APPROVED)
    builder.pledge(status=ReviewStatus.APPROVED, public_from=announce)
    builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    assert csv_rows() == 3 and "3 approved pledges." in shown()

    monkeypatch.setattr(visibility, "utcnow", lambda: announce + timedelta(seconds=1))
    monkeypatch.setattr(embargo, "_anything_due", lambda: True)
    assert "4 approved pledges." in shown()  # the look before this request released it
    assert csv_rows() == 4


def test_a_database_without_its_rollups_counts_its_pledges(client, builder):
    """Restored without the derived tables (README "Backup and restore"), before the rollups are rebuilt."""
    from p2c.extensions import cache
    from p2c.rollups.models import Rollup, RollupState

    for _ in range(2):
        builder.pledge(status=ReviewStatus.APPROVED)
    db.session.commit()
    db.session.execute(Rollup.__table__.delete())
    db.session.execute(RollupState.__table__.delete())
    db.session.commit()
    cache.clear()
    assert "2 approved pledges." in client.get("/data?lang=en").get_data(as_text=True)
