"""A page on another origin (another loopback port) frames the widgets and reads the API from script;
a framed ordinary page is refused by the browser."""

from __future__ import annotations

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from p2c.extensions import db
from tests.browser.conftest import screenshot


class _OtherSite:
    """A one-page site on its own port: a ministry's page using the widgets and the API."""

    def __init__(self, html: str) -> None:
        body = html.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def copied_code(live_server, live_app, page, builder):
    """The coalition widget's code as a visitor copies it from the box on /progress (French)."""
    builder.pledge(countries=["BRA"], amount=500_000, currency="USD", pledged_on=date(2025, 1, 1))
    db.session.commit()
    old = live_app.config["BASE_URL"]
    live_app.config["BASE_URL"] = live_server.url  # the absolute addresses in the box point here
    try:
        page.goto(f"{live_server.url}/progress?lang=fr")
        page.click("details.embed-code summary")
        code = page.locator("details.embed-code textarea").input_value()
        screenshot(page, "embed-copy-code-progress")
    finally:
        live_app.config["BASE_URL"] = old
    assert code.startswith(f'<iframe src="{live_server.url}/embed/coalition?lang=fr"')
    return code


@pytest.fixture
def other_site(live_server, builder, copied_code):
    org = builder.organization(name="Ministry of ICT")
    pledge = builder.pledge(lead=org, countries=["KEN"], amount=2_000_000, currency="USD", pledged_on=date(2025, 2, 1),
                            title="Connect 120 rural schools")
    builder.pledge(lead=org, countries=["KEN", "UGA"], amount=1_000_000, currency="USD", pledged_on=date(2025, 5, 1))
    db.session.commit()
    base = live_server.url
    html = f"""<!doctype html><html><body><h1>Ministry site</h1>
{copied_code.replace("<iframe ", '<iframe id="coalition" ', 1)}
<iframe id="country" src="{base}/embed/countries/KEN?lang=ar" width="400" height="170"></iframe>
<iframe id="badge" src="{base}/embed/pledges/{pledge.reference}?lang=zh" width="400" height="190"></iframe>
<iframe id="refused" src="{base}/progress" width="400" height="100"></iframe>
<img id="svg" src="{base}/embed/coalition.svg?lang=ru" width="400">
<p id="api">loading</p>
<script>
fetch("{base}/api/v1/pledges?country=KEN").then(r => r.json())
  .then(d => {{ document.getElementById("api").textContent = "pledges: " + d.count; }})
  .catch(e => {{ document.getElementById("api").textContent = "error: " + e; }});
</script></body></html>"""
    site = _OtherSite(html)
    yield site, pledge
    site.server.shutdown()


def _frame(page, name):
    return page.frame_locator(f"#{name}")


def test_another_site_frames_the_widgets_and_reads_the_api(page, other_site, live_server):
    site, pledge = other_site
    page.goto(site.url)
    page.wait_for_function("document.getElementById('api').textContent !== 'loading'")
    assert page.locator("#api").text_content() == "pledges: 2"
    assert _frame(page, "coalition").locator("html[lang=fr]").count() == 1
    assert "engagements approuvés" in _frame(page, "coalition").locator(".counters").inner_text()
    assert _frame(page, "country").locator("html[dir=rtl]").count() == 1
    assert pledge.reference in _frame(page, "badge").locator(".badge-kind").inner_text()
    assert page.evaluate("document.getElementById('svg').naturalWidth") == 400
    # The ordinary page refuses to be framed: the browser shows its own error document instead of ours.
    refused = page.locator("#refused").element_handle().content_frame()
    assert refused.url.startswith("chrome-error://")
    assert "Progress toward the goals" not in refused.content()
    widget = page.locator("#coalition").element_handle().content_frame()
    assert widget.url.startswith(live_server.url)
    screenshot(page, "embed-other-site")
