"""Country names: the UN's official short name wins where pycountry's or CLDR's differs (issue 12), and
Kosovo is not a target territory (README "Country names")."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from p2c.core.i18n import UN_NAMES_FILE, country_name
from p2c.extensions import db
from p2c.reference.models import Country

ROWS = [
    ("TUR", "fr", "Türkiye"), ("TUR", "es", "Türkiye"), ("TUR", "en", "Türkiye"), ("TUR", "ru", "Турция"),
    ("NLD", "en", "Netherlands (Kingdom of the)"), ("NLD", "fr", "Pays-Bas (Royaume des)"),
    ("NLD", "es", "Países Bajos (Reino de los)"), ("CZE", "en", "Czechia"), ("CZE", "ar", "تشيكيا"),
    ("SWZ", "es", "Eswatini"), ("SWZ", "en", "Eswatini"), ("MKD", "fr", "Macédoine du Nord"),
    ("MKD", "en", "North Macedonia"), ("CIV", "es", "Côte d'Ivoire"), ("CIV", "fr", "Côte d'Ivoire"),
    ("CPV", "fr", "Cabo Verde"), ("KOR", "fr", "République de Corée"),
]


@pytest.mark.parametrize(("iso3", "lang", "name"), ROWS, ids=[f"{r[0]}-{r[1]}" for r in ROWS])
def test_the_un_short_name_wins(app, iso3, lang, name):
    with app.app_context():
        assert country_name(iso3, lang=lang) == name


def test_every_override_names_a_known_country_language_and_source(app):
    with app.app_context():
        known = set(db.session.scalars(select(Country.iso3)))
        languages = set(app.config["LANGUAGES"])
    with UN_NAMES_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        assert row["iso3"] in known and row["language"] in languages and row["name"].strip()
        assert row["source"].startswith("UNTERM")
    assert len({(r["iso3"], r["language"]) for r in rows}) == len(rows)


def test_kosovo_is_not_a_target_territory(app, client):
    """XKX is in IATI's country codelist but not in UN M49: not offered, and refused by the import."""
    from p2c.opendata.columns import BY_NAME
    from p2c.opendata.validation import Invalid, Validator

    with app.test_request_context():
        assert db.session.get(Country, "XKX") is None
        with pytest.raises(Invalid, match="Unknown code XKX"):
            Validator().value(BY_NAME["countries"], "KEN;XKX")
    assert 'value="XKX"' not in client.get("/pledges/new").get_data(as_text=True)
