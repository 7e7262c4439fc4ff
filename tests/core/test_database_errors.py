"""A refused statement is our bug (500, logged); only an unreachable database is a 503."""

import pytest
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from p2c import create_app


@pytest.mark.parametrize(("error", "status"), [(DataError, 500), (IntegrityError, 500), (OperationalError, 503)])
def test_database_error_status(error, status):
    app = create_app("testing")

    def boom():
        raise error("INSERT ...", {}, Exception("refused"))

    app.add_url_rule("/_boom", "boom", boom)
    app.add_url_rule("/api/v1/_boom", "api_boom", boom)
    client = app.test_client()
    page = client.get("/_boom")
    assert page.status_code == status and "text/html" in page.content_type
    assert "Traceback" not in page.get_data(as_text=True) and "refused" not in page.get_data(as_text=True)
    api = client.get("/api/v1/_boom")
    assert api.status_code == status and api.is_json
