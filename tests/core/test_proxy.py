"""Behind P2C_PROXY_COUNT reverse proxies, the client address comes from X-Forwarded-For; otherwise never."""

import pytest
from flask import request

from p2c import create_app


@pytest.mark.parametrize(("proxies", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_client_address_behind_proxies(proxies, expected):
    app = create_app("testing", PROXY_COUNT=proxies)
    app.add_url_rule("/_client", "client_address", lambda: request.remote_addr or "")
    response = app.test_client().get("/_client", headers={"X-Forwarded-For": "203.0.113.7"},
                                     environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.get_data(as_text=True) == expected
