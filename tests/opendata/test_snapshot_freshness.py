"""The written-ahead files are never older than the data, and harmless parameters do not bypass them
(review findings): a renamed organization moves no rollup, yet changes every row that names it."""

from __future__ import annotations

import pytest

from p2c.core.unit import commit
from p2c.extensions import db
from p2c.operations.jobs import write_open_data
from p2c.review import organizations


@pytest.fixture
def written(app, tmp_path):
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["OPENDATA_SNAPSHOT_DIR"] = ""


def test_renaming_the_lead_organization_is_not_hidden_by_the_written_file(client, builder, written):
    lead = builder.organization(name="Old Telecom Name")
    builder.pledge(title="Fibre for 40 schools", lead=lead)
    db.session.commit()
    assert write_open_data().startswith("wrote")
    assert b"Old Telecom Name" in client.get("/data/pledges.csv").data

    organizations.update_organization(lead.id, {"name": "New Telecom Name"}, None)
    commit()

    live = client.get("/data/pledges.csv?country=KEN")  # filtered: always live
    assert b"New Telecom Name" in live.get_data()
    live.close()
    served = client.get("/data/pledges.csv")
    assert b"New Telecom Name" in served.data, f"stale file served (ETag {served.headers.get('ETag')})"


def test_an_unfiltered_download_with_a_harmless_parameter_is_served_from_the_file(client, builder, written):
    """`?lang=fr` or any non-filter parameter (utm_source, a cache-buster) filters nothing, yet it makes
    the full 1M-pledge download stream live (minutes of CPU per request): a cheap denial of service."""
    builder.pledge(title="Fibre for 40 schools")
    db.session.commit()
    write_open_data()
    assert client.get("/data/pledges.csv").headers.get("ETag")
    for query in ("?lang=fr", "?utm_source=newsletter", "?v=2"):
        response = client.get("/data/pledges.csv" + query)
        response.get_data()  # consume the live stream inside the test
        response.close()
        assert response.headers.get("ETag"), f"{query}: streamed live"
