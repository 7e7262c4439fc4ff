"""Figures a journalist will question: countries targeted (not reached), whole counts of people, a
breakdown that does not say "no approved pledges" beside approved pledges, and a map legend with its
numbers."""

from __future__ import annotations

import re

import pytest

from p2c.extensions import db
from p2c.reporting.worldmap import legend, shade


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("top", [1, 2, 5, 7, 26, 100, 1643])
def test_legend_bands_cover_every_count_with_its_shade(top):
    bands = legend(top)
    assert bands[0] == {"shade": 0, "low": 0, "high": 0}
    covered = [n for b in bands[1:] for n in range(b["low"], b["high"] + 1)]
    assert covered == list(range(1, top + 1))
    for band in bands[1:]:
        assert shade(band["low"], top) == shade(band["high"], top) == band["shade"]


def test_progress_figures_in_words_a_journalist_accepts(client, builder):
    builder.pledge(countries=["KEN", "UGA"], targets=[("people_connected", "1000.5", 2030)])
    builder.pledge(countries=["KEN"], targets=[("people_connected", 2000, 2030)])
    db.session.commit()
    html = client.get("/progress?lang=en").get_data(as_text=True)
    text = _text(html)
    assert "2 countries targeted" in text and "reached" not in text.replace("People reached", "")
    assert "3,001" in text and "3,000.5" not in text            # people are whole (3,000.5 rounded half up)
    # No pledge names a pledging event: the event breakdown says so instead of "No approved pledges yet".
    assert "No approved pledges yet" not in text
    assert "None of the 2 approved pledges records this." in text
    legend_html = html[html.index('class="legend"'):html.index("</ul>", html.index('class="legend"'))]
    assert "1 " in _text(legend_html) and "2" in _text(legend_html)


def test_cumulative_value_by_month_with_events(client, builder):
    from datetime import date

    from p2c.reporting.queries import monthly_pledged

    builder.pledge(pledged_on=date(2022, 5, 10), amount=1_000_000)
    builder.pledge(pledged_on=date(2022, 7, 1), amount=500_000)
    builder.pledge(pledged_on=date(2022, 7, 20), amount=250_000)
    db.session.commit()
    assert monthly_pledged() == [(date(2022, 5, 1), 1_000_000.0), (date(2022, 6, 1), 1_000_000.0),
                                 (date(2022, 7, 1), 1_750_000.0)]
    html = client.get("/progress?lang=en").get_data(as_text=True)
    section = html[html.index('id="over-time"'):html.index('aria-labelledby="map"')]
    assert "<polyline" in section
    # WTDC-22 (7 June 2022, Kigali) falls inside May-July 2022: marked and named.
    assert 'class="chart-event"' in section and "P2C Roundtable at WTDC-22" in section
    assert "$1,750,000" in section
