"""A published report never changes: counts are rounded (p2c.core.counts) only in content frozen since the
rule (schema_version 2); a report frozen before it (no schema 2, goals without their unit) shows 12.5 schools
as frozen in HTML and CSV, under the same hash."""

from __future__ import annotations

import copy
import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

from p2c.core.unit import commit
from p2c.extensions import db
from p2c.publications import queries, services
from p2c.publications.canonical import freeze
from p2c.publications.models import Publication


def _schools_cells(html: str) -> list[str]:
    row = re.search(r'<th scope="row">Schools connected</th>(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row)


def _csv_value(text: str, section: str, item: str, metric: str) -> str:
    return next(r[3] for r in csv.reader(io.StringIO(text)) if r[:3] == [section, item, metric])


def test_old_content_is_shown_as_frozen_and_new_content_whole(client, builder):
    builder.pledge(targets=[("schools_connected", Decimal("12.5"), 2030)], pledged_on=date(2024, 3, 1))
    db.session.commit()
    new = services.publish("Whole report", date(2025, 12, 31), "whole-report", {"foreword": "Hello."})
    commit()
    assert new.content["schema_version"] == 2 and queries.counts_whole(new.content)
    old_content = copy.deepcopy(new.content)
    old_content["schema_version"] = 1
    for goal in old_content["figures"].get("goals", []):
        goal.pop("unit", None)
    content, digest = freeze(old_content)
    assert not queries.counts_whole(content)
    db.session.add(Publication(slug="frozen-report", title="Frozen report", cutoff_date=date(2025, 12, 31),
                               content=content, content_hash=digest, published_at=datetime(2026, 1, 5),
                               summary=""))
    commit()

    old_html = client.get("/reports/frozen-report?lang=en")
    assert _schools_cells(old_html.get_data(as_text=True))[:2] == ["1", "12.5"]
    old_csv = client.get("/reports/frozen-report.csv")
    assert _csv_value(old_csv.get_data(as_text=True), "figures.indicators", "schools_connected", "pledged") == "12.50"
    assert old_csv.headers["X-Content-SHA256"] == digest and queries.verify(
        db.session.get(Publication, db.session.scalar(db.select(Publication.id).where(
            Publication.slug == "frozen-report"))))

    new_html = client.get("/reports/whole-report?lang=en").get_data(as_text=True)
    assert _schools_cells(new_html)[:2] == ["1", "13"]
    new_csv = client.get("/reports/whole-report.csv").get_data(as_text=True)
    assert _csv_value(new_csv, "figures.indicators", "schools_connected", "pledged") == "13"
