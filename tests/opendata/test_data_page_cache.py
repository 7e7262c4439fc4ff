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
