"""Names sort by Unicode collation and match without accents or case (issue: in French "Égypte",
"États-Unis", "Éthiopie" came last and "Sénégal" after "Syrie")."""

from __future__ import annotations

import pytest

from p2c.core.collation import collated, fold


def test_accented_capitals_sort_with_their_letter():
    names = ["Zimbabwe", "Syrie", "Éthiopie", "Sénégal", "États-Unis", "Espagne", "Égypte", "Afrique du Sud"]
    assert collated(names) == ["Afrique du Sud", "Égypte", "Espagne", "États-Unis", "Éthiopie", "Sénégal",
                               "Syrie", "Zimbabwe"]


@pytest.mark.parametrize(("text", "folded"), [("Sénégal", "senegal"), ("ÉTATS-UNIS", "etats-unis"),
                                              ("Côte d'Ivoire", "cote d'ivoire"), ("Straße", "strasse")])
def test_fold(text, folded):
    assert fold(text) == folded


def test_french_country_choices_are_collated(app):
    from p2c.members.forms import country_choices

    with app.test_request_context("/?lang=fr"):
        names = [name for _, name in country_choices()]
    position = {name: i for i, name in enumerate(names)}
    assert position["Sénégal"] < position["Syrie"]
    for name in ("Égypte", "États-Unis", "Éthiopie"):
        assert position["Espagne"] - 10 < position[name] < position["Fidji"], name
    assert names == collated(names)


def test_french_directory_country_filter_is_collated(client):
    html = client.get("/pledges?lang=fr").get_data(as_text=True)
    select = html[html.index('id="f-country"'):]
    select = select[:select.index("</select>")]
    assert select.index(">Égypte") < select.index(">Espagne") < select.index(">Sénégal") < select.index(">Syrie")
