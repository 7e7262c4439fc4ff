"""Screenshots of the main pages in Arabic, Chinese and French at phone and desktop width, kept in
tests/artifacts/ (git-ignored) for a person to look at; each page must load, keep its language and
direction, and not scroll sideways."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from tests.browser.conftest import page_width

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture
def pages(builder):
    from p2c.publications import services as publications

    org = builder.organization(name="Réseau Sénégal Numérique")
    for i, countries in enumerate([["SEN", "MLI"], ["EGY"], ["CHN", "VNM"], ["FRA"], ["KEN", "UGA"]]):
        pledge = builder.pledge(lead=org if i == 0 else None, countries=countries, amount=(i + 1) * 3_000_000,
                                pledged_on=date(2022 + i % 3, 3 + i, 1),
                                title=["Écoles connectées au Sénégal", "ربط 100 مدرسة بالإنترنت",
                                       "连接农村学校", "5G for 100 schools (phase 1).", "Solar Wi-Fi"][i],
                                language=["fr", "ar", "zh", "en", "en"][i],
                                targets=[("people_connected", 10_000 * (i + 1), 2030)])
        builder.progress_report(pledge, period=2024, achieved={"people_connected": 2000 * (i + 1)},
                                narrative="Work is under way.\n- 40 schools connected\n- 12 more planned")
    builder.pledge(status=ReviewStatus.SUBMITTED, title="Connect clinics")
    db.session.commit()
    pub = publications.publish("P2C Progress Report 2025", date(2025, 12, 31),
                               sections={"foreword": "Dear reader,\n\n- first\n- second"})
    db.session.commit()
    first = db.session.scalars(db.select(type(pledge)).order_by(type(pledge).id)).first()
    return {"home": "/", "pledges": "/pledges", "pledge": f"/pledges/{first.reference}", "progress": "/progress",
            "report": f"/reports/{pub.slug}", "form": "/pledges/new", "join": "/join", "privacy": "/privacy"}


@pytest.mark.parametrize("lang", ["ar", "zh", "fr"])
def test_main_pages_screenshots(browser, live_server, pages, lang):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width_name, width in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width_name == "phone")
        page = context.new_page()
        try:
            for name, path in pages.items():
                response = page.goto(f"{live_server.url}{path}?lang={lang}")
                assert response.status == 200, path
                assert page.evaluate("document.documentElement.lang") == lang
                assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
                assert page_width(page) <= page.evaluate("window.innerWidth"), (path, width)
                page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-{width_name}.png"), full_page=True)
        finally:
            context.close()
