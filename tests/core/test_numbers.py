"""One number reader: the same typed text gives the same value, or the same refusal, in every reader.

The readers: the pledge form (amount, after the shared rules), the progress-report form (USD disbursed),
the write API (pledge amount and report disbursement), the import (a CSV cell in a declared format) and
the page script (static/js/numbers.js under node). Issue 12's examples are rows with their right values.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from p2c.core.numbers import EXPORT_FORMAT, NumberError, currency_places, page_symbols, read_decimal
from p2c.extensions import db
from p2c.implementation.forms import report_form
from p2c.implementation.schemas import ProgressReportInputSchema
from p2c.opendata.exports import csv_chunks
from p2c.opendata.validation import Validator
from p2c.pledges.constants import AMOUNT_MAX
from p2c.pledges.forms import PledgeForm
from p2c.pledges.schemas import PledgeInputSchema
from tests.pledges.formdata import valid_pledge
from tests.pledges.test_form_schema import VALID_JSON

ROOT = Path(__file__).resolve().parents[2]
REPORT_DAY = date(2025, 6, 1)

# (locale, typed, currency, stored value or the refusal's kind)
ROWS = [
    # Issue 12: Spanish pages write 500 000 as 500.000; it was saved as 500.
    ("es", "500.000", "EUR", "500000"),
    ("es", "1.500.000,50", "EUR", "1500000.50"),
    ("es", "0,5", "EUR", "0.5"),
    ("es", "1,200", "EUR", "ambiguous"),
    # Issue 12: the report form refused 1,200 and 900,000 that the pledge form accepts.
    ("en", "1,200", "USD", "1200"),
    ("en", "900,000", "USD", "900000"),
    ("en", "5,000", "USD", "5000"),
    ("en", "500.000", "USD", "ambiguous"),
    ("en", "1,234.56", "USD", "1234.56"),
    ("en", "0.500", "USD", "0.5"),
    ("en", "2500,50", "USD", "2500.50"),
    ("en", "0,5", "USD", "0.5"),
    # Issue 18 item 7: sNaN was a 500 in the report form.
    ("en", "sNaN", "USD", "invalid"),
    ("en", "NaN", "USD", "invalid"),
    ("en", "Infinity", "USD", "invalid"),
    ("en", "-inf", "USD", "negative"),
    ("en", "1e9", "USD", "invalid"),
    ("en", "-5", "USD", "negative"),
    ("en", "1.2.3", "USD", "invalid"),
    ("en", "10000000000000", "USD", "too_large"),
    ("en", "2500.555", "USD", "precision"),
    # Issue 12: 1500000,75 XOF showed as 1 500 001 F CFA and 1500000.75 in the files.
    ("fr", "1500000,75", "XOF", "precision"),
    ("fr", "1 500 000", "XOF", "1500000"),
    ("en", "1,000.5", "JPY", "precision"),
    ("en", "250,000", "KRW", "250000"),
    ("fr", "2\u202f500,50", "EUR", "2500.50"),
    ("fr", "1,200", "EUR", "ambiguous"),
    ("fr", "500.000", "EUR", "ambiguous"),
    ("fr", "1,5", "EUR", "1.5"),
    ("ru", "1\u00a0000\u00a0000", "RUB", "1000000"),
    ("ar", "١٬٥٠٠٬٠٠٠", "USD", "1500000"),
    ("ar", "٢٥٠٠٫٥", "USD", "2500.5"),
    ("zh", "1,500,000.25", "CNY", "1500000.25"),
]
# The import's default: the export's own format ('.' decimal, no grouping); Excel's decimal comma is read.
EXPORT_ROWS = [
    (EXPORT_FORMAT, "0,5", "EUR", "0.5"),
    (EXPORT_FORMAT, "1500000.25", "EUR", "1500000.25"),
    (EXPORT_FORMAT, "1.200", "EUR", "1.2"),
    (EXPORT_FORMAT, "1,200", "EUR", "ambiguous"),
    (EXPORT_FORMAT, "1500000,75", "XOF", "precision"),
    (EXPORT_FORMAT, "sNaN", "EUR", "invalid"),
]
KINDS = {"invalid", "negative", "ambiguous", "too_large", "precision"}


def _expected(locale: str, typed: str, currency: str) -> tuple[Decimal | None, str]:
    """(value, "") or (None, message): what the one reader says, with the refusal's message."""
    try:
        return read_decimal(typed, upper=AMOUNT_MAX, locale=locale, currency=currency), ""
    except NumberError as exc:
        return None, str(exc)


def _ids(rows):
    return [f"{r[0]}-{r[1]}-{r[2]}" for r in rows]


@pytest.mark.parametrize(("locale", "typed", "currency", "right"), ROWS + EXPORT_ROWS, ids=_ids(ROWS + EXPORT_ROWS))
def test_the_reader_gives_the_right_value_or_refusal(app, locale, typed, currency, right):
    with app.test_request_context():
        if right in KINDS:
            with pytest.raises(NumberError) as info:
                read_decimal(typed, upper=AMOUNT_MAX, locale=locale, currency=currency)
            assert info.value.kind == right
            assert str(info.value)  # a message to show
        else:
            assert read_decimal(typed, upper=AMOUNT_MAX, locale=locale, currency=currency) == Decimal(right)


def _multidict(data: dict) -> MultiDict:
    return MultiDict([(k, v) for k, vs in data.items() for v in (vs if isinstance(vs, list) else [vs])])


@pytest.mark.parametrize(("locale", "typed", "currency", "right"), ROWS, ids=_ids(ROWS))
def test_pledge_form_and_api_read_the_amount_alike(app, locale, typed, currency, right):
    with app.test_request_context(method="POST"), force_locale(locale):
        value, message = _expected(locale, typed, currency)
        form = PledgeForm(formdata=_multidict(valid_pledge(amount=typed, currency=currency)))
        valid = form.validate()
        try:
            loaded, api_errors = PledgeInputSchema().load({**VALID_JSON, "amount": typed, "currency": currency}), {}
        except ValidationError as exc:
            loaded, api_errors = None, exc.messages
        if value is not None:
            assert valid, form.errors
            assert form.cleaned["amount"] == value == loaded["amount"]
        else:
            assert not valid
            assert form.amount.errors == [message]
            assert api_errors == {"amount": [message]}


@pytest.fixture
def usd_pledge(builder):
    pledge = builder.pledge(amount=10**12, currency="USD")
    db.session.commit()
    return pledge


REPORT_ROWS = [r for r in ROWS if currency_places(r[2]) == 2]


@pytest.mark.parametrize(("locale", "typed", "currency", "right"), REPORT_ROWS, ids=_ids(REPORT_ROWS))
def test_progress_report_form_and_api_read_the_disbursement_alike(app, usd_pledge, locale, typed, currency, right):
    good = {"period": 2025, "implementation_status": "on_track", "narrative": "We connected 40 schools this year."}
    row = {"entry_1_currency": "USD", "entry_1_recipient": "KEN", "entry_1_instrument": "grant"}
    entry = {"currency": "USD", "recipient": "KEN", "instrument": "grant"}
    with app.test_request_context(method="POST"), force_locale(locale):
        value, message = _expected(locale, typed, "USD")
        form = report_form(usd_pledge, [], formdata=MultiDict({**{k: str(v) for k, v in good.items()}, **row,
                                                                "entry_1_amount": typed}), meta={"csrf": False},
                           today=REPORT_DAY)
        form.validate()
        schema = ProgressReportInputSchema(pledge=usd_pledge, today=REPORT_DAY)
        try:
            loaded, api_errors = schema.load({**good, "entries": [{**entry, "amount": typed}]}), {}
        except ValidationError as exc:
            loaded, api_errors = None, exc.messages
        if value is not None:
            assert form.entry_1_amount.errors == []
            assert form.entry_1_amount.data == value == loaded["entries"][0]["amount"]
            assert loaded["usd_disbursed"] == value
        else:
            assert form.entry_1_amount.errors == [message]
            assert api_errors == {"entries": {0: {"amount": [message]}}}


@pytest.fixture
def export_row(builder) -> dict:
    """One exported pledge as the CSV row an import reads, its USD columns cleared (the import fills them)."""
    builder.pledge(amount=1000, currency="USD")
    db.session.commit()
    text = b"".join(csv_chunks(None)).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    return {**row, "usd_value": "", "usd_rate": "", "usd_rate_year": ""}


@pytest.mark.parametrize(("locale", "typed", "currency", "right"), ROWS + EXPORT_ROWS, ids=_ids(ROWS + EXPORT_ROWS))
def test_import_reads_the_amount_alike(app, export_row, locale, typed, currency, right):
    with app.test_request_context(), force_locale("en" if locale == EXPORT_FORMAT else locale):
        value, message = _expected(locale, typed, currency)
        parsed, errors = Validator(locale).row({**export_row, "amount": typed, "currency": currency})
        if value is not None:
            assert errors == [] and parsed["amount"] == value
        else:
            assert ("amount", message) in errors


def test_an_untouched_decimal_comma_import_is_never_ten_times_bigger(app, export_row):
    """Issue 12: `0,5` in an import was saved as 5."""
    with app.test_request_context():
        parsed, errors = Validator().row({**export_row, "amount": "0,5", "currency": "EUR"})
    assert errors == [] and parsed["amount"] == Decimal("0.50")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_page_script_reads_like_the_server(app):
    """static/js/numbers.js, fed the same rows with the symbols the page gets, says the same."""
    cases = []
    with app.test_request_context():
        for locale, typed, currency, _right in ROWS + EXPORT_ROWS:
            symbols = page_symbols(locale)
            try:
                value = read_decimal(typed, upper=AMOUNT_MAX, locale=locale, currency=currency)
                expected = {"value": format(value.normalize(), "f")}
            except NumberError as exc:
                expected = {"error": exc.kind}
            cases.append({"text": typed, "symbols": symbols, "expected": expected,
                          "options": {"places": currency_places(currency), "upperDigits": 13,
                                      "exportFormat": locale == EXPORT_FORMAT}})
    script = ("const n = require(process.argv[1]); const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(cases.map(c => n.readDecimal(c.text, c.symbols, c.options))));")
    out = subprocess.run(["node", "-e", script, str(ROOT / "static/js/numbers.js")], input=json.dumps(cases),
                         capture_output=True, text=True, check=True, timeout=60)
    got = json.loads(out.stdout)
    for case, result in zip(cases, got, strict=True):
        assert result == case["expected"], case
