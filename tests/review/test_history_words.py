"""A resubmission shows what changed, field by field and in words; the history reads as sentences
with the changes behind them (not escaped JSON)."""

from __future__ import annotations

import re

from p2c.core import audit
from p2c.core.enums import ReviewStatus
from p2c.extensions import db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_resubmission_diff_and_history_in_words(client, login, builder):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED, countries=["KEN", "UGA"])
    before = {"title": "Old title", "countries": ["KEN"], "amount": "1000000.00", "is_global": False,
              "focus_area_code": "connect", "version": 1}
    after = {"title": "Connect rural schools", "countries": ["KEN", "UGA"], "amount": "1500000.00",
             "is_global": False, "focus_area_code": "empower", "version": 2}
    audit.record("resubmit", "pledge", pledge.id, label=pledge.reference, before=before, after=after,
                 actor_label="focal point")
    db.session.commit()
    html = client.get(f"/review/pledge/{pledge.id}?lang=en").get_data(as_text=True)
    assert "&#34;" not in html and '{"' not in html           # no JSON
    box = _text(html[html.index('class="resubmission"'):html.index("</table>", html.index('class="resubmission"'))])
    assert "Title Old title Connect rural schools" in box
    assert "Target countries Kenya Kenya, Uganda" in box
    assert "Amount 1,000,000 1,500,000" in box
    assert "Focus area Connecting people everywhere Empowering communities" in box
    assert "version" not in box.lower()                       # bookkeeping stays out
    history = _text(html[html.index('<ol class="history">'):])
    assert re.search(r"Resubmitted · focal point · ", history)
    assert "4 changes" in history


def test_french_history_sentence(client, login, builder):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    audit.record("resubmit", "pledge", pledge.id, label=pledge.reference, before={"is_global": False},
                 after={"is_global": True}, actor_label="focal point")
    db.session.commit()
    text = _text(client.get(f"/review/pledge/{pledge.id}?lang=fr").get_data(as_text=True))
    assert "Mondial Non Oui" in text
