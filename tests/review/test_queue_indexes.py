"""The queue's region table and search index (issue 19 at 1M): pledge_region follows every write of a
pledge's countries, status and submission time; the search finds exactly what `lower(x) LIKE
'%word%'` found (case-insensitive substring of reference and title, the lead organization's name),
through the FTS5 trigram index on SQLite and the pg_trgm indexes on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import delete, select, update

from p2c.core.bulk import defer_foreign_key_checks, insert_rows
from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges import search as pledge_search
from p2c.pledges.models import Pledge, pledge_country, pledge_region
from p2c.reference.models import Country
from p2c.review import queries
from p2c.review.filters import QueueFilters


def _regions() -> set[tuple]:
    return {(pid, region, str(getattr(status, "value", status)), at) for pid, region, status, at in db.session.execute(
        select(pledge_region.c.pledge_id, pledge_region.c.itu_region, pledge_region.c.status,
               pledge_region.c.submitted_at))}


def _countries(*iso3: str) -> list[Country]:
    return list(db.session.scalars(select(Country).where(Country.iso3.in_(iso3))))


def test_region_rows_follow_countries_status_and_submission(builder):
    at = datetime(2024, 6, 1)
    # KEN and NGA are both in AFR: one row for the region; FRA adds EUR.
    a = builder.pledge(status=ReviewStatus.SUBMITTED, countries=["KEN", "NGA", "FRA"])
    b = builder.pledge(status=ReviewStatus.APPROVED, countries=["BRA"])
    c = builder.pledge(status=ReviewStatus.APPROVED, countries=[], is_global=True)
    assert _regions() == {(a.id, "AFR", "submitted", at), (a.id, "EUR", "submitted", at),
                          (b.id, "AMS", "approved", at)}

    # Removing one of two AFR countries keeps AFR; removing the last one drops it (ORM writes, as the
    # pledge service and an approved amendment do).
    a.countries = _countries("KEN", "FRA")
    db.session.flush()
    assert {(r[0], r[1]) for r in _regions()} == {(a.id, "AFR"), (a.id, "EUR"), (b.id, "AMS")}
    a.countries = _countries("FRA")
    db.session.flush()
    assert {(r[0], r[1]) for r in _regions()} == {(a.id, "EUR"), (b.id, "AMS")}

    # Status and submission time follow the pledge.
    later = datetime(2025, 1, 2, 3, 4, 5)
    a.status = ReviewStatus.IN_REVIEW
    a.submitted_at = later
    db.session.flush()
    assert (a.id, "EUR", "in_review", later) in _regions()

    # A bulk write as the demo data's (COPY on PostgreSQL with the foreign-key triggers off, which
    # turns ordinary triggers off too) goes through the same triggers.
    defer_foreign_key_checks()
    insert_rows(pledge_country, ["pledge_id", "country_iso3"], [(c.id, "IND"), (c.id, "EGY")])
    assert {(r[0], r[1]) for r in _regions() if r[0] == c.id} == {(c.id, "ASP"), (c.id, "ARB")}
    db.session.execute(delete(pledge_country).where(pledge_country.c.pledge_id == c.id))
    assert {r for r in _regions() if r[0] == c.id} == set()

    # A country moved to another region moves its pledges (reference data reloaded).
    db.session.execute(update(Country).where(Country.iso3 == "BRA").values(itu_region="ASP"))
    assert {(r[0], r[1]) for r in _regions() if r[0] == b.id} == {(b.id, "ASP")}
    db.session.rollback()  # the reference table is not emptied between tests


def test_deleting_a_pledge_deletes_its_regions(builder):
    a = builder.pledge(countries=["KEN"])
    b = builder.pledge(countries=["FRA"])
    db.session.commit()
    # The pledge row alone (its countries stay, as a bulk delete leaves them on SQLite without foreign keys).
    db.session.execute(delete(Pledge).where(Pledge.id == a.id))
    db.session.commit()
    assert {(r[0], r[1]) for r in _regions()} == {(b.id, "EUR")}
    db.session.execute(delete(pledge_country).where(pledge_country.c.pledge_id == a.id))
    db.session.commit()


def _found(**filters) -> tuple[set[str], int, dict]:
    f = QueueFilters(status=filters.pop("status", "all"), **filters)
    page = queries.queue(f)
    counts = queries.status_counts(f)
    return {row.reference for row in page.rows}, page.total, {k: v for k, v in counts.items() if v}


def test_region_filter_exact_rows_and_counts_for_every_kind(builder):
    kenya = builder.pledge(status=ReviewStatus.APPROVED, countries=["KEN", "FRA"], title="Kenya and France")
    nigeria = builder.pledge(status=ReviewStatus.SUBMITTED, countries=["NGA"], title="Nigeria")
    builder.pledge(status=ReviewStatus.SUBMITTED, countries=["BRA"], title="Brazil")
    report = builder.progress_report(kenya, status=ReviewStatus.SUBMITTED)
    builder.progress_report(builder.pledge(countries=["IND"]), status=ReviewStatus.SUBMITTED)
    db.session.commit()

    refs, total, counts = _found(region="AFR")
    assert refs == {kenya.reference, nigeria.reference, report.reference}
    assert (total, counts) == (3, {"approved": 1, "submitted": 2, "open": 2, "all": 3})
    refs, total, _ = _found(region="AFR", status="open")
    assert (refs, total) == ({nigeria.reference, report.reference}, 2)
    refs, total, _ = _found(region="AFR", status="approved", kind="pledge")
    assert (refs, total) == ({kenya.reference}, 1)
    refs, total, _ = _found(region="EUR", kind="progress_report")
    assert (refs, total) == ({report.reference}, 1)
    # Region and focus area together: the pledge's other filters still apply.
    refs, total, _ = _found(region="AFR", focus_area="empower")
    assert (refs, total) == (set(), 0)
    refs, total, _ = _found(region="AFR", search="nigeria")
    assert (refs, total) == ({nigeria.reference}, 1)


def test_search_is_a_case_insensitive_substring_with_accents_kept(builder):
    school_org = builder.organization(name="School Networks Ltd", acronym="SNL")
    ecole = builder.pledge(status=ReviewStatus.SUBMITTED, title="École numérique pour tous")
    ecoles = builder.pledge(status=ReviewStatus.APPROVED, title="Écoles rurales")
    schools = builder.pledge(status=ReviewStatus.APPROVED, title="Rural SCHOOLS connected")
    plain = builder.pledge(status=ReviewStatus.SUBMITTED, title="Ecole sans accent")
    by_org = builder.pledge(status=ReviewStatus.SUBMITTED, title="Digital skills", lead=school_org)
    quoted = builder.pledge(status=ReviewStatus.SUBMITTED, title='The "open" network')
    report = builder.progress_report(schools, status=ReviewStatus.SUBMITTED)
    eoi = builder.eoi(organization=school_org)
    db.session.commit()

    def refs(q, **filters):
        found, total, _ = _found(search=q, **filters)
        assert total == len(found)
        return found

    assert refs("école") == {ecole.reference, ecoles.reference}
    assert refs("ÉCOLE") == {ecole.reference, ecoles.reference}  # case folded beyond ASCII, as PostgreSQL does
    assert refs("ecole") == {plain.reference}  # accents are not removed
    # Title in any case, the lead organization's name, a report through its pledge's title, an
    # expression of interest through its organization's name.
    assert refs("school") == {schools.reference, by_org.reference, report.reference, eoi.reference}
    assert refs("school", status="open") == {by_org.reference, report.reference, eoi.reference}
    assert refs("snl") == {by_org.reference, eoi.reference}  # the acronym (pledges and EOIs)
    assert refs("NETWORKS ltd", kind="pledge") == {by_org.reference}
    assert refs(schools.reference.lower()) == {schools.reference, report.reference}  # reference
    assert refs(report.reference) == {report.reference}
    assert refs('"open"') == {quoted.reference}  # quotes are characters, not FTS syntax
    assert refs("rural") == {ecoles.reference, schools.reference, report.reference}
    # Fewer than 3 characters: the LIKE of before (ASCII case folding on SQLite).
    assert refs("ru") == {ecoles.reference, schools.reference, report.reference}
    assert refs("xq") == set()
    _found_refs, total, counts = _found(search="école")
    assert counts == {"approved": 1, "submitted": 1, "open": 1, "all": 2}


def test_search_follows_title_changes(builder):
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED, title="Solar kiosks")
    db.session.commit()
    assert _found(search="kiosk")[0] == {pledge.reference}
    pledge.title = "Mesh networks"
    db.session.commit()
    assert _found(search="kiosk")[0] == set()
    assert _found(search="mesh")[0] == {pledge.reference}
    pledge.lead_organization.name = "Kiosk Partners"
    db.session.commit()
    assert _found(search="kiosk")[0] == {pledge.reference}


@pytest.mark.parametrize("common", [True, False])
def test_search_shapes_for_common_and_rare_words_find_the_same(builder, monkeypatch, common):
    """On PostgreSQL a search's reports and amendments are looked up per record (common word: on a
    page by their pledge's row, in the counts through one shared CTE) or through the array of the few
    matching pledges (rare word): both must find exactly the same records and counts."""
    monkeypatch.setattr(pledge_search, "is_common", lambda text: common)
    monkeypatch.setattr(queries, "_STATEMENTS", {})  # statements built with the other shape
    org = builder.organization(name="Solar Schools Trust", acronym="SST")
    by_title = builder.pledge(status=ReviewStatus.APPROVED, title="Solar kiosks for clinics")
    by_lead = builder.pledge(status=ReviewStatus.SUBMITTED, title="Mesh networks", lead=org)
    other = builder.pledge(status=ReviewStatus.APPROVED, title="Fibre backbone")
    title_report = builder.progress_report(by_title, status=ReviewStatus.SUBMITTED)
    lead_report = builder.progress_report(by_lead, status=ReviewStatus.APPROVED)
    builder.progress_report(other, status=ReviewStatus.SUBMITTED)
    eoi = builder.eoi(organization=org)
    db.session.commit()

    refs, total, counts = _found(search="solar")
    assert refs == {by_title.reference, by_lead.reference, title_report.reference, lead_report.reference,
                    eoi.reference}
    assert total == 5
    assert counts == {"approved": 2, "submitted": 3, "open": 3, "all": 5}
    refs, total, counts = _found(search="solar", kind="progress_report", status="submitted")
    assert (refs, total) == ({title_report.reference}, 1)
    assert counts == {"approved": 1, "submitted": 1, "open": 1, "all": 2}
    # A report's own reference still matches whatever its pledge's title.
    assert _found(search=lead_report.reference)[0] == {lead_report.reference}
    assert _found(search="backbone", kind="progress_report")[1] == 1
