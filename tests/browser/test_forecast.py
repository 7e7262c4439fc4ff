"""The 2030 forecast on /progress in a browser (French and Arabic): figures, range and method shown."""

from __future__ import annotations

import pytest

from p2c.extensions import db
from tests.browser.conftest import screenshot


@pytest.fixture
def reports(builder):
    a = builder.pledge(targets=[("people_connected", 10**6, 2030)])
    b = builder.pledge(targets=[("people_connected", 10**6, 2030)])
    for period, (va, vb) in zip(range(2022, 2026), [(100, 0), (100, 150), (200, 130), (300, 200)], strict=True):
        builder.progress_report(a, period=period, achieved={"people_connected": va})
        if vb:
            builder.progress_report(b, period=period, achieved={"people_connected": vb})
    db.session.commit()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_forecast_section(live_server, page, reports, lang):
    page.goto(f"{live_server.url}/progress?lang={lang}#forecast")
    section = page.locator("section[aria-labelledby=forecast]")
    assert section.locator("h3").count() == 2  # people connected, USD invested
    text = section.inner_text().replace("\u202f", " ").replace("\u00a0", " ")
    assert "2030" in text and "95" in text
    if lang == "fr":
        assert "environ 1 127 en 2030, entre 775 et 1 479" in text
        assert "Pas encore de prévision : 0 année de rapports" in text
    section.screenshot(path=str(screenshot(page, f"forecast-{lang}").with_name(f"forecast-{lang}-section.png")))
