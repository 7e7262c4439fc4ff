"""Property-based conformance of the API to its own OpenAPI document (schemathesis, bounded).

GET operations run with generated parameters; the write operations run with a valid token and
generated bodies. Every response must not be a server error and must match the documented status
codes, content type and schema.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from p2c.api import services
from p2c.core.enums import ImplementationStatus
from p2c.extensions import db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Bounded in examples and in time: a generous deadline per example (a slow, busy machine passes; a
# request that hangs does not), and a bound on each test's total time.
BOUNDED = settings(max_examples=25, deadline=timedelta(seconds=10), derandomize=True,
                   suppress_health_check=list(HealthCheck))
TOTAL_SECONDS = 300


@pytest.fixture
def api_data(builder):
    """A few public pledges with progress, and a token of the lead organization."""
    lead = builder.organization(name="Schema Org")
    partner = builder.organization(name="Partner Org", country_iso3=None)
    first = builder.pledge(lead=lead, partners=[partner], countries=["KEN", "FJI"], event_code="wtdc25")
    builder.progress_report(first, achieved={"people_connected": 10}, usd_disbursed=5)
    builder.pledge(lead=lead, is_global=True, countries=[], amount=None, currency=None, targets=[],
                   pledged_on=date(2023, 1, 1))
    builder.progress_report(builder.pledge(), implementation_status=ImplementationStatus.COMPLETED)
    _token, secret = services.issue_token(lead, "schemathesis")
    db.session.commit()
    return {"secret": secret, "ref": first.reference}


def _operations(app, method: str):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.include(method=method).get_all_operations()]
    assert operations, f"no {method} operation in the OpenAPI document"
    return operations


def _run(operation, headers: dict | None = None, ref: str | None = None) -> str | None:
    """None when the operation conforms, else the failure (so one run reports every operation)."""
    @given(case=operation.as_strategy())
    @BOUNDED
    def check(case):
        if ref and case.path_parameters and "ref" in case.path_parameters and case.path_parameters["ref"][:1] == "P":
            case.path_parameters["ref"] = ref  # also exercise an existing pledge
        if case.path_parameters and "slug" in case.path_parameters and case.path_parameters["slug"][:1] in "0aeiou":
            case.path_parameters["slug"] = "wtdc-25"  # also exercise an existing event
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        check()
    except Exception as exc:  # noqa: BLE001 - collected and reported below
        return f"{operation.label}: {exc}"
    return None


def test_read_operations_conform(app, api_data):
    started = time.monotonic()
    # The WSGI transport does not undo Content-Encoding as an HTTP client would; the gzip variant of
    # /api/v1/progress is checked against the plain one in tests/reporting/test_compressed.py.
    plain = {"Accept-Encoding": "identity"}
    failures = [f for op in _operations(app, "GET") if (f := _run(op, headers=plain))]
    assert not failures, "\n\n".join(failures)
    assert time.monotonic() - started < TOTAL_SECONDS


def test_write_operations_conform_with_a_valid_token(app, api_data):
    headers = {"Authorization": f"Bearer {api_data['secret']}"}
    started = time.monotonic()
    failures = [f for op in _operations(app, "POST") if (f := _run(op, headers=headers, ref=api_data["ref"]))]
    assert not failures, "\n\n".join(failures)
    assert time.monotonic() - started < TOTAL_SECONDS
