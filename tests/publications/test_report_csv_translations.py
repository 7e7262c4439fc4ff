"""The team's translations in a published report's CSV are data, one row per language (review finding): a
goal's title translations and the report's own title and sections."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from p2c.core.unit import commit
from p2c.extensions import db
from p2c.publications import services
from p2c.reporting.models import Goal
from tests.publications.test_publications import pledges  # noqa: F401


def test_translations_are_csv_rows_per_language(client, pledges):  # noqa: F811
    goal = Goal(title="Ten pledges by 2030", metric="pledges", target_value=Decimal(10),
                target_date=date(2030, 1, 1), title_translations={"fr": "Dix engagements", "es": "Diez promesas"})
    db.session.add(goal)
    db.session.commit()
    pub = services.publish("Report 2025", date(2025, 12, 31), "report-2025", {"foreword": "Hello"},
                           translations={"fr": {"title": "Rapport 2025", "foreword": "Bonjour"}})
    commit()
    body = client.get(f"/reports/{pub.slug}.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert not any(r[3].startswith("{") for r in rows[1:])
    assert ["figures.goals.title_translations", f"{goal.id}/es", "text", "Diez promesas"] in rows
    assert ["figures.goals.title_translations", f"{goal.id}/fr", "text", "Dix engagements"] in rows
    assert ["translations", "fr", "foreword", "Bonjour"] in rows
    assert ["translations", "fr", "title", "Rapport 2025"] in rows
