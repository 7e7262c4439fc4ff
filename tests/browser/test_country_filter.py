"""The pledge form's country filter box matches without accents or case, in the page's language and
in English; the list is in the reader's collation order."""

from __future__ import annotations


def _visible(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('#country-list label'))
        .filter(l => !l.hidden).map(l => l.textContent.trim())""")


def test_country_filter_folds_accents_and_knows_english(live_server, page):
    page.goto(f"{live_server.url}/pledges/new?lang=fr")
    names = page.evaluate("() => Array.from(document.querySelectorAll('#country-list label span'))"
                          ".map(s => s.textContent.trim())")
    assert names.index("Sénégal") < names.index("Syrie")
    assert names.index("Égypte") < names.index("Fidji") and names.index("Éthiopie") < names.index("Fidji")
    box = page.locator("#country-filter")
    box.fill("sene")
    assert "Sénégal" in _visible(page)
    box.fill("SÉNÉ")
    assert "Sénégal" in _visible(page)
    box.fill("Senegal")     # the English name on the French page
    assert _visible(page) == ["Sénégal"]
    box.fill("Germany")
    assert _visible(page) == ["Allemagne"]
    box.fill("")
    assert len(_visible(page)) == len(names)
