"""The shared rules: numbers as people type them, websites, country shortcuts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from p2c.core import numbers, text
from p2c.pledges import rules
from p2c.reference import catalog

UPPER = Decimal(10) ** 13


@pytest.mark.parametrize(("typed", "value"), [
    ("1500000", "1500000"), ("1,500,000", "1500000"), ("1 500 000", "1500000"), ("1.500.000", "1500000"),
    ("2500.5", "2500.50"), ("2500,50", "2500.50"), ("2 500,50", "2500.50"), ("1,234.56", "1234.56"),
    ("1.234,56", "1234.56"), ("1'000", "1000"), ("0", "0"), ("١٬٥٠٠٬٠٠٠", "1500000"), ("٢٥٠٠٫٥", "2500.50"),
    ("\u00a01 000\u202f000 ", "1000000"), ("9999999999999.99", "9999999999999.99"),
])
def test_numbers_as_typed(typed, value):
    assert numbers.parse_decimal(typed, upper=UPPER) == Decimal(value)


@pytest.mark.parametrize("typed", ["-1", "1e9", "NaN", "Infinity", "1.2.3", "abc", "1,2,3.4.5", "10000000000000",
                                   "+5", "0x10", "½"])
def test_numbers_refused(typed):
    with pytest.raises(ValueError):
        numbers.parse_decimal(typed, upper=UPPER)


def test_empty_number_is_none_unless_required():
    assert numbers.parse_decimal("  ", upper=UPPER) is None
    with pytest.raises(ValueError):
        numbers.parse_decimal("", upper=UPPER, allow_empty=False)


@pytest.mark.parametrize(("typed", "stored"), [
    ("example.org", "https://example.org"), ("http://a.example.org/path", "http://a.example.org/path"),
    ("HTTPS://Example.ORG", "HTTPS://Example.ORG"), ("", ""), ("bücher.de", "https://bücher.de"),
])
def test_websites(typed, stored):
    assert text.normalize_website(typed) == stored


@pytest.mark.parametrize("typed", ["javascript:alert(1)", "ftp://x.org", "not a site", "localhost", "http://",
                                   "a b.org"])
def test_websites_refused(typed):
    with pytest.raises(ValueError):
        text.normalize_website(typed)


def test_country_shortcuts(app):
    with app.test_request_context():
        codes, is_global, unknown = rules.resolve_countries(["KEN"], ["lldc"])
        assert "KEN" in codes and "NPL" in codes and not is_global and unknown == []
        codes, is_global, _ = rules.resolve_countries(["KEN"], ["global"])
        assert codes == [] and is_global
        _, _, unknown = rules.resolve_countries(["XXX"], ["region:XYZ", "ldc"])
        assert unknown == ["XXX", "region:XYZ"]


def test_control_characters_are_dropped_but_markup_kept():
    assert text.clean_text(" a\x00b\x07<i>c</i>\r\nd ") == "ab<i>c</i>\nd"


def test_embedded_rates_match_the_conversion_service(app):
    from datetime import date

    from p2c.reference.queries import usd_rate

    with app.test_request_context():
        rates = catalog.current_rates(date(2026, 5, 1))
        assert rates["USD"] == "1" and len(rates) > 10
        for code, rate in rates.items():
            assert Decimal(rate) == usd_rate(code, date(2026, 5, 1))[0]
