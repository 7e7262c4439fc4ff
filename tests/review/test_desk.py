"""The reviewer at a desk: the queue says what each submission is (focus area, USD, countries), region
filters have names, a record opened from a filtered queue links back to it and to the next submission,
and a refused decision says why beside the decision buttons."""

from __future__ import annotations

import re
from datetime import date

from p2c.core.enums import ReviewStatus
from p2c.extensions import db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_queue_rows_show_focus_area_usd_and_countries(client, login, builder):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED, countries=["SEN", "KEN"], amount=2_500_000,
                            focus_area="empower", title="Skills for girls")
    builder.progress_report(builder.pledge(countries=["FJI"], amount=10), period=2025,
                            status=ReviewStatus.SUBMITTED)
    db.session.commit()
    text = _text(client.get("/review/?lang=en").get_data(as_text=True))
    row = text[text.index(pledge.reference):][:400]
    assert "Empowering communities" in row and "$2,500,000" in row and "Kenya, Senegal" in row
    assert "Fiji" in text  # the progress report's line is its pledge's


def test_region_filter_has_names(client, login):
    login("reviewer")
    html = client.get("/review/?lang=fr").get_data(as_text=True)
    select = html[html.index('id="f-region"'):]
    select = select[:select.index("</select>")]
    assert '<option value="AFR">Afrique</option>' in select and ">AFR<" not in select


def test_record_keeps_the_queue_and_offers_the_next_submission(client, login, builder):
    login("reviewer")
    first = builder.pledge(status=ReviewStatus.SUBMITTED, countries=["KEN"], pledged_on=date(2024, 1, 1))
    second = builder.pledge(status=ReviewStatus.SUBMITTED, countries=["UGA"], pledged_on=date(2024, 2, 1))
    builder.pledge(status=ReviewStatus.SUBMITTED, countries=["FRA"], pledged_on=date(2024, 3, 1))  # not AFR
    db.session.commit()
    queue = client.get("/review/?region=AFR").get_data(as_text=True)
    link = f"/review/pledge/{first.id}?queue=region%3DAFR"
    assert f'href="{link}"' in queue
    record = client.get(link).get_data(as_text=True)
    assert 'href="/review/?region=AFR"' in record
    assert f'href="/review/pledge/{second.id}?queue=region%3DAFR" rel="next"' in record
    last = client.get(f"/review/pledge/{second.id}?queue=region%3DAFR").get_data(as_text=True)
    assert 'rel="next"' not in last          # the French pledge is not in this queue
    # A decision returns to the record with the queue kept.
    page = client.get(link).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    response = client.post(f"/review/pledge/{first.id}/decide?queue=region%3DAFR",
                           data={"action": "approve", "message": "", "version": str(first.version),
                                 **({"csrf_token": token.group(1)} if token else {})})
    assert response.status_code == 302 and response.headers["Location"].endswith("?queue=region%3DAFR")


def test_refused_decision_says_why_beside_the_buttons(client, login, builder):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    response = client.post(f"/review/pledge/{pledge.id}/decide",
                           data={"action": "reject", "message": "", "version": str(pledge.version)})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    aside = html[html.index('<aside class="record-side"'):]
    problem = aside[aside.index('id="action-problem"') - 80:aside.index("</div>", aside.index('id="action-problem"'))]
    assert "data-autofocus" in problem and 'role="alert"' in problem
    assert "Please give the reason for rejecting." in problem
