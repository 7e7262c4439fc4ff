"""The directory's dropdowns: a team name shown in English on a page in another language (no translation
yet) is marked lang="en"; a translated one is not; an edit shows at once (options cached per data version);
the chosen option is still marked selected."""

from __future__ import annotations

import re

from p2c.extensions import db
from p2c.reference.models import GdcObjective, SdgTarget


def _option(html: str, select: str, value: str) -> str:
    block = re.search(rf'<select id="f-{select}".*?</select>', html, re.S).group(0)
    return re.search(rf'<option value="{re.escape(value)}"[^>]*>[^<]*</option>', block).group(0)


def test_english_fallback_options_carry_lang_en(client):
    target = db.session.get(SdgTarget, "9.c")
    objective = db.session.scalars(db.select(GdcObjective).order_by(GdcObjective.code)).first()
    code = objective.code
    old = (target.name, dict(target.name_translations or {}), objective.name, dict(objective.name_translations or {}))
    try:
        client.get("/pledges?lang=fr")  # options cached before the edit
        target.name, target.name_translations = "Probe access target", {}
        objective.name, objective.name_translations = "Probe objective", {"fr": "Objectif sonde"}
        db.session.commit()
        html = client.get("/pledges?lang=fr&sdg_target=9.c").get_data(as_text=True)
        assert _option(html, "sdg_target", "9.c") == (
            '<option value="9.c" selected lang="en">9.c Probe access target</option>')
        assert _option(html, "gdc", code) == f'<option value="{code}">Objectif sonde</option>'
        english = client.get("/pledges?lang=en").get_data(as_text=True)
        assert _option(english, "sdg_target", "9.c") == '<option value="9.c">9.c Probe access target</option>'
    finally:
        target.name, target.name_translations, objective.name, objective.name_translations = old
        db.session.commit()


def test_pledge_form_marks_english_fallback_names(client):
    from p2c.reference.models import Event

    target = db.session.get(SdgTarget, "9.c")
    event = db.session.scalars(db.select(Event).order_by(Event.code)).first()
    old = (target.name, dict(target.name_translations or {}), event.name, dict(event.name_translations or {}))
    try:
        target.name, target.name_translations = "Probe access target", {}
        event.name, event.name_translations = "Probe summit", {}
        db.session.commit()
        html = client.get("/pledges/new?lang=fr").get_data(as_text=True)
        assert f'<option lang="en" value="{event.code}">Probe summit</option>' in html
        assert re.search(r'value="9\.c"[^>]*> <span lang="en">9\.c Probe access target</span>', html)
        english = client.get("/pledges/new?lang=en").get_data(as_text=True)
        assert f'<option value="{event.code}">Probe summit</option>' in english
        assert re.search(r'value="9\.c"[^>]*> <span>9\.c Probe access target</span>', english)
    finally:
        target.name, target.name_translations, event.name, event.name_translations = old
        db.session.commit()
