"""The IATI file passes the IATI Validator's rules beyond the schema (tests/opendata/iati_rules.py) on the
demo data, and the checker catches each rule when it is broken."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date, timedelta

import pytest
from lxml import etree
from sqlalchemy import func, select

from p2c.core.db import utcnow
from p2c.extensions import db
from p2c.implementation.models import DisbursementEntry
from p2c.reference.models import Event
from tests.opendata.iati_rules import XML_LANG, check, check_activity
from tests.opendata.test_iati import XSD


@pytest.fixture(scope="module")
def demo_file(app):
    """The IATI file of 300 demo pledges (seed 2030), with their ledger entries."""
    from tests.conftest import clean_database

    with app.app_context():
        clean_database()
        # The demo dates the next annual meeting (a reference row the suite keeps): put the dates back after.
        dates = {e.code: (e.starts_on, e.ends_on) for e in db.session.scalars(select(Event))}
        result = app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "300", "--seed", "2030"])
        assert result.exit_code == 0, result.output
        entries = db.session.scalar(select(func.count(DisbursementEntry.id)))
        response = app.test_client().get("/data/iati-activities.xml")
        assert response.status_code == 200
        root = etree.fromstring(response.get_data())
        clean_database()
        for event in db.session.scalars(select(Event)):
            event.starts_on, event.ends_on = dates.get(event.code, (event.starts_on, event.ends_on))
        db.session.commit()
    return root, entries


def test_the_demo_file_breaks_no_rule(demo_file):
    root, entries = demo_file
    activities = root.findall("iati-activity")
    assert len(activities) > 200 and entries > 100  # the ledger is in it
    assert len(list(root.iter("finance-type"))) > 50
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(root)  # the schema first, as the Validator does
    broken = check(root, utcnow().date())
    assert broken == [], (Counter(rule for rule, *_ in broken).most_common(), broken[:10])


def _activity(demo_file, having: str) -> etree._Element:
    """A copy of the first demo activity that has `having` (an XPath)."""
    root, _ = demo_file
    return copy.deepcopy(next(a for a in root.findall("iati-activity") if a.xpath(having)))


def _rules(activity: etree._Element) -> set[str]:
    return {rule for rule, *_ in check_activity(activity, utcnow().date())}


def test_a_narrative_without_a_language_is_rule_4_1_1(demo_file):
    activity = _activity(demo_file, "participating-org/narrative")
    assert _rules(activity) == set()
    del activity.attrib[XML_LANG]
    activity.find("title/narrative").attrib.pop(XML_LANG, None)
    assert "4.1.1" in _rules(activity)


def test_an_empty_title_narrative_is_rule_4_3_1(demo_file):
    activity = _activity(demo_file, "title/narrative")
    activity.find("title/narrative").text = " "
    assert {"4.3.1", "narrative-empty"} <= _rules(activity)


def test_an_identifier_not_under_the_reporting_org_is_rule_1_1_21(demo_file):
    activity = _activity(demo_file, "iati-identifier")
    activity.find("iati-identifier").text = "XM-OTHER-1-P"
    assert _rules(activity) == {"1.1.21"}


def test_dates_out_of_order_or_in_the_future(demo_file):
    activity = _activity(demo_file, "activity-date[@type='2'] and activity-date[@type='4']")
    actual_end = activity.find("activity-date[@type='4']")
    actual_end.set("iso-date", "1999-01-01")
    assert "11.1.3" in _rules(activity)
    actual_end.set("iso-date", (date.today() + timedelta(days=400)).isoformat())
    assert "11.1.5" in _rules(activity)
    planned = _activity(demo_file, "activity-date[@type='3']")
    planned.find("activity-date[@type='3']").set("iso-date", "1999-01-01")
    assert "11.1.2" in _rules(planned)


def test_a_transaction_in_the_future_or_without_value_date(demo_file):
    activity = _activity(demo_file, "transaction[transaction-type/@code='3']")
    tx = activity.xpath("transaction[transaction-type/@code='3']")[0]
    future = (date.today() + timedelta(days=40)).isoformat()
    tx.find("transaction-date").set("iso-date", future)
    tx.find("value").set("value-date", future)
    assert {"11.2.1", "11.2.2"} <= _rules(activity)
    del tx.find("value").attrib["value-date"]
    assert "value-date" in _rules(activity)


def test_a_value_without_currency_anywhere_is_rule_7_8_1(demo_file):
    activity = _activity(demo_file, "transaction/value")
    del activity.attrib["default-currency"]
    activity.find("transaction/value").attrib.pop("currency")
    assert "7.8.1" in _rules(activity)


def test_percentages_that_do_not_add_up(demo_file):
    activity = _activity(demo_file, "count(recipient-country) > 1")
    activity.find("recipient-country").set("percentage", "1")
    assert "3.4.2" in _rules(activity)
    sectors = _activity(demo_file, "sector")
    extra = etree.SubElement(sectors, "sector", vocabulary="1", code="22020", percentage="50")
    sectors.find("sector").addnext(extra)
    assert "2.1.2" in _rules(sectors)


def test_recipients_on_activity_and_transactions_is_rule_3_6_2(demo_file):
    activity = _activity(demo_file, "recipient-country and transaction")
    etree.SubElement(activity.find("transaction"), "recipient-country", code="KE")
    assert "3.6.2" in _rules(activity)


def test_a_budget_longer_than_a_year_is_rule_7_5_3(demo_file):
    activity = _activity(demo_file, "iati-identifier")
    budget = etree.SubElement(activity, "budget")
    etree.SubElement(budget, "period-start", **{"iso-date": "2024-01-01"})
    etree.SubElement(budget, "period-end", **{"iso-date": "2025-01-02"})
    assert _rules(activity) == {"7.5.3"}
    budget.find("period-end").set("iso-date", "2024-12-31")
    assert _rules(activity) == set()


@pytest.mark.parametrize(("xpath", "attribute", "bad", "rule"), [
    ("transaction/finance-type", "code", "111", "codelist:FinanceType"),  # withdrawn
    ("transaction/transaction-type", "code", "14", "codelist:TransactionType"),
    ("sector", "vocabulary", "13", "codelist:SectorVocabulary"),
    ("recipient-country", "code", "XX", "codelist:Country"),
    ("activity-status", "code", "7", "codelist:ActivityStatus"),
    ("participating-org", "role", "5", "codelist:OrganisationRole"),
    ("participating-org[@type]", "type", "12", "codelist:OrganisationType"),
    ("tag", "vocabulary", "6", "codelist:TagVocabulary"),
    ("transaction/value", "currency", "VEF", "codelist:Currency"),  # withdrawn
])
def test_codes_outside_the_code_lists(demo_file, xpath, attribute, bad, rule):
    activity = _activity(demo_file, xpath)
    activity.xpath(xpath)[0].set(attribute, bad)
    assert rule in _rules(activity)


def test_a_region_outside_the_dac_list(demo_file):
    activity = _activity(demo_file, ".//recipient-region[@vocabulary='1']")
    activity.xpath(".//recipient-region[@vocabulary='1']")[0].set("code", "380")  # withdrawn
    assert "codelist:Region" in _rules(activity)
