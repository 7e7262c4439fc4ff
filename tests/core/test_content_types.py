"""Every text download names its charset once: werkzeug adds `; charset=utf-8` to a text mimetype itself, so
one given with a charset already went out as `text/csv; charset=utf-8; charset=utf-8` (CSV downloads, the
ledger, the task-force CSV, /metrics), which strict clients refuse as a malformed header."""

from __future__ import annotations

from decimal import Decimal

import pytest

from p2c.core.unit import commit
from p2c.operations.jobs import write_open_data

URLS = ["/data/pledges.csv", "/data/pledges.excel.csv", "/data/ledger.csv", "/data/pledges.csv?focus_area=connect",
        "/data/pledges.excel.csv?focus_area=connect",
        "/progress/task-force.csv", "/metrics", "/data/pledges.json", "/data/iati-activities.xml"]


@pytest.fixture
def written(app, tmp_path, builder):
    builder.pledge(title="Fibre for 40 schools", countries=["KEN"], amount=Decimal("1000"))
    commit()
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path)
    write_open_data()  # the unfiltered downloads then come from the written files
    yield
    app.config["OPENDATA_SNAPSHOT_DIR"] = ""


@pytest.mark.parametrize("url", URLS)
def test_a_download_names_its_charset_once(client, written, url):
    response = client.get(url)
    assert response.status_code == 200, url
    content_type = response.headers["Content-Type"]
    assert content_type.count("charset") <= 1, content_type
    if response.mimetype.startswith("text/"):
        assert content_type.endswith("; charset=utf-8"), content_type
