"""Published progress reports: freezing, immutability, hash, downloads, compare, admin form and CLI."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.core.errors import ServiceError
from p2c.core.unit import commit
from p2c.extensions import db
from p2c.publications import queries, services
from p2c.publications.canonical import canonical_json, content_hash
from p2c.publications.models import Publication, PublicationImmutable


@pytest.fixture
def pledges(builder):
    """Two pledges approved in 2024, one in 2025 (after the first report's cut-off), one pending."""
    a = builder.pledge(amount=5_000_000, pledged_on=date(2024, 3, 1), title="Connect 100 schools")
    b = builder.pledge(amount=2_000_000, pledged_on=date(2024, 5, 1), focus_area="empower", title="Skills for youth")
    c = builder.pledge(amount=7_000_000, pledged_on=date(2025, 2, 1), title="Rural towers")
    builder.pledge(amount=9_000_000, pledged_on=date(2024, 4, 1), status=ReviewStatus.SUBMITTED)
    builder.progress_report(a, period=2024, implementation_status=ImplementationStatus.COMPLETED,
                            submitted_at=datetime(2024, 11, 1), achieved={"people_connected": 1000})
    db.session.commit()
    return a, b, c


def _publish(title, cutoff, slug=None, sections=None):
    publication = services.publish(title, cutoff, slug, sections or {"foreword": "Dear reader,\n\nthanks."})
    commit()
    return publication


def test_publish_freezes_figures_as_of_the_cutoff(pledges):
    a, b, c = pledges
    pub = _publish("P2C Progress Report 2024", date(2024, 12, 31))
    s = pub.content["summary"]
    assert (s["pledges"], s["usd_value"], s["new_pledges"]) == (2, "7000000.00", 2)
    assert [p["reference"] for p in pub.content["largest_pledges"]] == [a.reference, b.reference]
    assert pub.content["implementation_status"]["completed"] == 1
    assert pub.content["implementation_status"]["not_started"] == 1
    assert pub.content["highlights"]["completed"][0]["pledge"] == a.reference
    assert pub.content["sections"]["foreword"] == "Dear reader,\n\nthanks."
    assert pub.content["figures"]["totals"]["pledges"] == 2
    assert pub.content_hash == hashlib.sha256(canonical_json(pub.content).encode()).hexdigest()
    assert queries.verify(pub)
    # The next report's period starts after the first one's cut-off.
    second = _publish("P2C Progress Report 2025", date(2025, 12, 31))
    assert second.content["previous_cutoff"] == "2024-12-31"
    assert second.content["summary"]["new_pledges"] == 1
    assert [p["reference"] for p in second.content["new_pledges"]] == [c.reference]


def test_later_edits_never_change_a_published_report(client, builder, pledges):
    a, b, c = pledges
    pub = _publish("Report 2025", date(2025, 12, 31))
    frozen, digest = json.loads(canonical_json(pub.content)), pub.content_hash
    page_before = client.get("/reports/report-2025.json").get_data()
    # Edit, withdraw and add pledges and reports after publication.
    a.amount, a.usd_value, a.title = Decimal("99000000"), Decimal("99000000"), "Renamed"
    b.status = ReviewStatus.WITHDRAWN
    builder.pledge(amount=1_000_000, pledged_on=date(2025, 6, 1))
    builder.progress_report(c, period=2025, implementation_status=ImplementationStatus.DELAYED)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalars(select(Publication)).one()
    assert stored.content == frozen
    assert stored.content_hash == digest == content_hash(stored.content)
    assert client.get("/reports/report-2025.json").get_data() == page_before
    page = client.get("/reports/report-2025")
    assert page.status_code == 200
    assert "Connect 100 schools" in page.get_data(as_text=True)
    assert "Renamed" not in page.get_data(as_text=True)


def test_publications_refuse_updates(pledges):
    pub = _publish("Report", date(2025, 12, 31))
    pub.title = "Changed"
    with pytest.raises(PublicationImmutable):
        db.session.flush()
    db.session.rollback()
    assert not hasattr(services, "update") and not hasattr(services, "update_publication")


def test_tampered_content_fails_verification(client, pledges):
    pub = _publish("Report", date(2025, 12, 31))
    # Simulate tampering below the ORM (the model refuses updates).
    content = dict(pub.content, sections={**pub.content["sections"], "foreword": "Edited"})
    db.session.execute(Publication.__table__.update().values(content=content))
    db.session.commit()
    db.session.expire_all()
    assert not queries.verify(db.session.get(Publication, pub.id))
    assert "do not match the fingerprint" in client.get(f"/reports/{pub.slug}").get_data(as_text=True)


@pytest.mark.parametrize("kwargs,field", [
    ({"title": "", "cutoff": date(2025, 1, 1)}, "title"),
    ({"title": "T", "cutoff": date(2999, 1, 1)}, "cutoff"),
    ({"title": "T", "cutoff": date(2025, 1, 1), "slug": "Bad Slug!"}, "slug"),
])
def test_publish_refuses_bad_input(kwargs, field):
    with pytest.raises(ServiceError) as exc:
        services.publish(**kwargs)
    assert exc.value.field == field
    db.session.rollback()
    assert db.session.scalars(select(Publication)).all() == []


def test_duplicate_slug_is_refused(pledges):
    _publish("Report", date(2025, 12, 31), slug="annual")
    with pytest.raises(ServiceError) as exc:
        services.publish("Other", date(2025, 6, 30), "annual")
    assert exc.value.field == "slug"


def test_pages_json_and_csv(client, pledges):
    a, _b, _c = pledges
    pub = _publish("P2C Progress Report 2025", date(2025, 12, 31))
    assert pub.slug == "p2c-progress-report-2025"
    index = client.get("/reports").get_data(as_text=True)
    assert "P2C Progress Report 2025" in index
    for lang in ("en", "ar", "fr", "zh", "ru", "es"):
        page = client.get(f"/reports/{pub.slug}?lang={lang}")
        assert page.status_code == 200
        assert pub.content_hash in page.get_data(as_text=True)
    assert "14 000 000" in client.get(f"/reports/{pub.slug}?lang=fr").get_data(as_text=True).replace("\u202f", " ") \
        .replace("\xa0", " ")
    data = client.get(f"/reports/{pub.slug}.json")
    assert data.mimetype == "application/json"
    assert hashlib.sha256(data.get_data()).hexdigest() == pub.content_hash
    assert data.headers["X-Content-SHA256"] == pub.content_hash
    rows = list(csv.reader(io.StringIO(client.get(f"/reports/{pub.slug}.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["section", "item", "metric", "value"]
    assert ["report", pub.slug, "content_sha256", pub.content_hash] in rows
    assert ["summary", "", "usd_value", "14000000.00"] in rows
    assert ["largest_pledges", a.reference, "title", "Connect 100 schools"] in rows
    assert client.get("/reports/missing").status_code == 404
    assert client.get("/reports/missing.json").status_code == 404


def test_compare_two_reports(client, pledges):
    _a, _b, c = pledges
    first = _publish("Report 2024", date(2024, 12, 31))
    second = _publish("Report 2025", date(2025, 12, 31))
    result = queries.compare(second, first)  # order does not matter
    assert result.a.id == first.id
    assert (result.pledges_added, result.value_added) == (1, Decimal("7000000.00"))
    assert [p["reference"] for p in result.new_pledges] == [c.reference]
    not_started = next(r for r in result.implementation_changes if r["status"] == "not_started")
    assert (not_started["before"], not_started["after"], not_started["change"]) == (1, 2, 1)
    page = client.get(f"/reports/compare?a={first.slug}&b={second.slug}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert c.reference in body and "+1" in body
    assert client.get(f"/reports/compare?a={first.slug}&b={first.slug}").status_code == 400
    assert client.get("/reports/compare?a=nope&b=none").status_code == 404
    assert client.get("/reports/compare").status_code == 200


def test_admin_form_publishes(client, login, pledges):
    assert client.get("/admin/reports/new").status_code in (302, 401)
    login("reviewer")
    assert client.get("/admin/reports/new").status_code == 403
    login("admin")
    bad = client.post("/admin/reports/new", data={"title": "", "cutoff": "not a date"})
    assert bad.status_code == 422
    assert db.session.scalars(select(Publication)).all() == []
    ok = client.post("/admin/reports/new", data={"title": "Annual report", "cutoff": "2025-12-31",
                                                 "key_findings": "Most pledges are on track."})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/reports/annual-report")
    pub = db.session.scalars(select(Publication)).one()
    assert pub.content["sections"]["key_findings"] == "Most pledges are on track."
    assert pub.published_by_id is not None


def test_cli_publish(app, pledges, tmp_path):
    sections = tmp_path / "sections.json"
    sections.write_text(json.dumps({"outlook": "More to come."}), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["p2c", "publish", "--title", "CLI report", "--cutoff", "2025-06-30",
                                 "--slug", "cli-report", "--sections", str(sections)])
    assert result.exit_code == 0, result.output
    pub = queries.by_slug("cli-report")
    assert pub.content["sections"]["outlook"] == "More to come."
    assert pub.content_hash in result.output
    again = runner.invoke(args=["p2c", "publish", "--title", "CLI report", "--cutoff", "2025-06-30",
                                "--slug", "cli-report"])
    assert again.exit_code != 0 and "slug" in again.output


@pytest.mark.parametrize("title,slug", [("Report", "compare"), ("Compare", None), ("Report", "Compare"),
                                        ("Report", "compare.json"), ("Report", "x.csv")])
def test_slugs_of_other_pages_are_refused(pledges, title, slug):
    with pytest.raises(ServiceError) as exc:
        services.publish(title, date(2025, 12, 31), slug)
    assert exc.value.field == "slug"
    db.session.rollback()
    assert db.session.scalars(select(Publication)).all() == []
    assert "compare" in services.reserved_slugs()


def test_admin_form_explains_a_reserved_slug(client, login, pledges):
    login("admin")
    page = client.post("/admin/reports/new", data={"title": "Annual report", "cutoff": "2025-12-31",
                                                   "slug": "compare"})
    assert page.status_code == 422
    assert "is taken by another page of the site" in page.get_data(as_text=True)
    assert db.session.scalars(select(Publication)).all() == []
    assert client.get("/reports/compare").status_code == 200


def _leaves(value, key=""):
    """(key, value) of every scalar in a JSON tree (the key is the innermost dict key)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v, key)
    else:
        yield key, value


def test_csv_has_every_frozen_figure(client, pledges):
    from p2c.reporting.models import Goal

    db.session.add(Goal(title="Ten pledges", metric="pledges", target_value=Decimal(10), target_date=date(2030, 1, 1)))
    db.session.commit()
    pub = _publish("Report 2025", date(2025, 12, 31))
    body = client.get(f"/reports/{pub.slug}.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = [r for r in csv.reader(io.StringIO(body)) if r[0].startswith("figures")]
    cells = {(metric, value) for _section, _item, metric, value in rows}
    figures = pub.content["figures"]
    for key, value in _leaves(figures):
        cell = "" if value is None else ("true" if value is True else "false" if value is False else str(value))
        if key in ("key", "id", "code", "status", "dimension") and any(r[1] == cell for r in rows):
            continue  # identifiers are the item column
        if key == "dimension":
            assert any(r[0] in (f"figures.breakdowns.{value}", f"figures.finance.breakdowns.{value}") for r in rows)
            continue
        # A count is written whole ("1000.00" people frozen, "1000" in the CSV): p2c.core.counts.
        whole_cell = cell[:-3] if cell.endswith(".00") and cell[:-3].isdigit() else cell
        assert (key, cell) in cells or (key, whole_cell) in cells, (key, cell)
    assert ["figures.totals", "", "pledges", "3"] in rows
    assert ["figures.totals", "", "usd_value", "14000000.00"] in rows
    assert ["figures.finance", "", "pledged_usd", pub.content["figures"]["finance"]["pledged_usd"]] in rows
    assert ["figures.finance.breakdowns.year", "", "additive", "true"] in rows
    assert ["figures.breakdowns.country", "KEN", "pledges", "3"] in rows
    assert ["figures.breakdowns.focus_area", "empower", "usd_value", "2000000.00"] in rows
    assert ["figures.indicators", "people_connected", "achieved", "1000"] in rows  # people: whole
    assert ["figures.indicators", "usd_invested", "achieved", "0.00"] in rows  # money keeps its cents
    goal_id = str(next(g["id"] for g in figures["goals"] if g["title"] == "Ten pledges"))
    assert ["figures.goals", goal_id, "reached_value", "3"] in rows  # pledges: whole
    assert ["figures.reporting_status", "current", "pledges", str(figures["reporting_status"][0]["pledges"])] in rows


def test_report_page_shows_the_breakdowns(client, pledges):
    pub = _publish("Report 2025", date(2025, 12, 31))
    body = client.get(f"/reports/{pub.slug}").get_data(as_text=True)
    dimensions = [b["dimension"] for b in pub.content["figures"]["breakdowns"] if b["rows"]]
    assert {"lead_region", "stakeholder", "country", "target_region", "focus_area"} <= set(dimensions)
    for dimension in dimensions:
        assert f'id="breakdown-{dimension}"' in body
    assert "By stakeholder group of the lead organization" in body
    assert "By ITU region of the target countries" in body
    region = body.split('id="breakdown-target_region"', 1)[1].split("</table>", 1)[0]
    assert "Africa" in region and ">3<" in region
    assert "Kenya" in body.split('id="breakdown-country"', 1)[1].split("</table>", 1)[0]
    french = client.get(f"/reports/{pub.slug}?lang=fr").get_data(as_text=True)
    assert "Afrique" in french.split('id="breakdown-target_region"', 1)[1].split("</table>", 1)[0]


def test_a_pledge_withdrawn_after_the_cutoff_still_counts_at_the_cutoff(builder, pledges):
    a, b, c = pledges
    # b withdrawn in 2025 (after the 2024 cut-off); a fourth pledge approved and withdrawn within 2024.
    b.status, b.decided_at = ReviewStatus.WITHDRAWN, datetime(2025, 3, 1)
    early = builder.pledge(amount=3_000_000, pledged_on=date(2024, 7, 1), title="Gone early")
    early.status, early.decided_at = ReviewStatus.WITHDRAWN, datetime(2024, 9, 1)
    db.session.commit()
    pub = _publish("Report 2024", date(2024, 12, 31))
    s = pub.content["summary"]
    assert (s["pledges"], s["usd_value"], s["new_pledges"]) == (2, "7000000.00", 2)
    assert [p["reference"] for p in pub.content["largest_pledges"]] == [a.reference, b.reference]
    assert sum(pub.content["implementation_status"].values()) == 2
    assert sum(pub.content["reporting_status"].values()) == 2
    assert [r["focus_area"] for r in s["by_focus_area"]] == ["connect", "empower"]
    # By the 2025 cut-off b had been withdrawn: it no longer counts.
    later = _publish("Report 2025", date(2025, 12, 31))
    assert later.content["summary"]["pledges"] == 2
    assert b.reference not in [p["reference"] for p in later.content["largest_pledges"]]


def test_report_page_states_what_the_figures_leave_out(client, pledges):
    _a, b, _c = pledges
    b.status, b.decided_at = ReviewStatus.WITHDRAWN, datetime(2025, 3, 1)
    db.session.commit()
    pub = _publish("Report 2024", date(2024, 12, 31))
    body = client.get(f"/reports/{pub.slug}").get_data(as_text=True)
    # The frozen figures follow the same cut-off rule as the summary: the pledge withdrawn after the
    # cut-off still counts in both, so nothing is left out (the note is for reports frozen before that rule).
    assert pub.content["summary"]["pledges"] == pub.content["figures"]["totals"]["pledges"] == 2
    assert 'id="figures-left-out"' not in body
    clean = _publish("Report 2025", date(2025, 12, 31))
    assert 'id="figures-left-out"' not in client.get(f"/reports/{clean.slug}").get_data(as_text=True)


def test_report_goal_titles_are_in_the_reader_language(client, pledges):
    # The migration's default goal, and an admin's own title (and nothing else).
    from sqlalchemy import delete

    from p2c.reporting.models import Goal

    db.session.execute(delete(Goal))
    db.session.add(Goal(title="USD 100 billion mobilized by 2026", metric="usd_value", target_value=10**11,
                        target_date=date(2026, 12, 31), position=0))
    db.session.add(Goal(title="Our own wording", metric="pledges", target_value=500,
                        target_date=date(2030, 12, 31), position=1))
    db.session.commit()
    pub = _publish("Report 2025", date(2025, 12, 31))
    assert len(pub.content["figures"]["goals"]) == 2
    english = client.get(f"/reports/{pub.slug}").get_data(as_text=True)
    french = client.get(f"/reports/{pub.slug}?lang=fr").get_data(as_text=True)
    assert "mobilized by 2026" in english
    assert "mobilized by" not in french and "USD mobilisés d&#39;ici à 2026" in french
    assert 'lang="en" dir="ltr">Our own wording<' in french
