"""Localized values the audit found in English: currency names, goal titles, grouping in messages, Vary."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize(("lang", "usd_name"), [("ar", "دولار أمريكي"), ("zh", "美元"), ("fr", "dollar des États-Unis"),
                                              ("en", "US Dollar")])
def test_pledge_form_names_currencies_in_the_language(client, lang, usd_name):
    body = client.get("/pledges/new", query_string={"lang": lang}).text
    options = dict(re.findall(r'<option[^>]*value="([A-Z]{3})"[^>]*>([^<]*)</option>', body))
    assert options["USD"].replace("&#39;", "'") == f"USD – {usd_name}"
    if lang != "en":
        assert "US Dollar" not in body
