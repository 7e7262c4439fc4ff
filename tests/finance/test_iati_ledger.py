"""IATI: each ledger entry is one disbursement transaction with its own date, currency, recipient and
finance type; with a ledger, recipients are on every transaction and not on the activity."""

from __future__ import annotations

from lxml import etree

from tests.opendata.test_iati import XML_LANG, schema  # noqa: F401 - the shared schema fixture


def _activity(client, reference: str):
    root = etree.fromstring(client.get("/data/iati-activities.xml").data)
    return root, next(a for a in root.findall("iati-activity") if a.findtext("iati-identifier").endswith(reference))


def test_each_entry_is_a_disbursement_with_its_country_and_finance_type(eur_pledge, client, schema):  # noqa: F811
    root, activity = _activity(client, eur_pledge.reference)
    schema.assertValid(root)
    assert activity.find("recipient-country") is None and activity.find("recipient-region") is None
    rows = []
    for tx in activity.findall("transaction"):
        country = tx.find("recipient-country")
        finance = tx.find("finance-type")
        rows.append((tx.find("transaction-type").get("code"), tx.find("transaction-date").get("iso-date"),
                     tx.find("value").get("currency"), tx.findtext("value"),
                     country.get("code") if country is not None else None,
                     finance.get("code") if finance is not None else None))
    # The EUR 1,000,000 commitment split 50/50 between Kenya and Uganda, then the three entries.
    assert rows == [
        ("2", "2023-03-01", "EUR", "500000.00", "KE", None),
        ("2", "2023-03-01", "EUR", "500000.00", "UG", None),
        ("3", "2023-12-31", "EUR", "100000.00", "KE", "110"),
        ("3", "2024-12-31", "USD", "50000.00", "UG", "421"),
        ("3", "2025-12-31", "EUR", "200000.00", "KE", "110"),
    ]
    # Dates in order (the validator's rules beyond the XSD) and a language on every narrative of ours.
    dates = [tx.find("transaction-date").get("iso-date") for tx in activity.findall("transaction")]
    assert dates == sorted(dates)
    for narrative in activity.iter("narrative"):
        if narrative.getparent().tag not in ("participating-org",):
            assert narrative.get(XML_LANG), etree.tostring(narrative.getparent())
