"""Every public page renders in all six languages, with the right lang/dir and no English left over.

Pages are found by walking the URL map (GET rules without parameters, outside the staff, API,
static and data-file areas), so a page added later is checked without touching this file; pages
with parameters (a pledge, a country, a published report) are added from the fixture's records.
A page "has English left over" when a visible text node is a msgid whose translation differs, or
contains a msgid of three words or more. Text inside an element carrying its own `lang`
(user texts through the `user_text` macro, the language switcher) is the writer's, not ours.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from tests.i18n.catalogs import TRANSLATIONS

LANGS = ("en", "ar", "es", "fr", "ru", "zh")
EXCLUDED_PREFIXES = ("/review", "/admin", "/verify", "/api", "/static", "/logout", "/healthz", "/readyz")
VISIBLE_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")
SKIPPED_TAGS = {"script", "style", "template"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def public_pages(app) -> list[str]:
    """GET pages without parameters that a visitor can open."""
    pages = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.rule.startswith(EXCLUDED_PREFIXES):
            continue
        # Files (/data/pledges.csv, /robots.txt, /sitemap.xml) are not pages.
        if re.search(r"\.\w+$", rule.rule):
            continue
        pages.add(rule.rule)
    return sorted(pages)


class VisibleText(HTMLParser):
    """Text nodes and visible attributes of a page, minus those in another language's element."""

    def __init__(self, page_lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.page_lang = page_lang
        self.texts: list[str] = []
        self.html_attrs: dict[str, str] = {}

    def _hidden(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = {k: v or "" for k, v in attrs.items()}
            return
        foreign = "lang" in attrs and attrs["lang"] != self.page_lang
        own_direction = attrs.get("dir") == "auto"  # user text of unknown language
        skip = tag in SKIPPED_TAGS or foreign or own_direction
        if not self._hidden() and not skip:
            for name in VISIBLE_ATTRIBUTES:
                if attrs.get(name):
                    self.texts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in VOID_TAGS:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden():
            self.texts.append(text)


def _translated_msgids(lang: str) -> tuple[set[str], list[str]]:
    """(all msgids whose translation differs, the long ones) for `lang`, as they appear on a page."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    ids: set[str] = set()
    for message in catalog:
        if not message.id or "fuzzy" in message.flags:
            continue
        sources = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        if not all(strings):
            continue
        for source in sources:
            if "%(" in source or source in strings or re.fullmatch(r"[A-Z0-9+-]{2,6}", source):
                continue  # formatted at run time, the same word in this language, or a code ("USD")
            ids.add(source.replace("%%", "%"))
    long_ones = sorted(i for i in ids if len(i.split()) >= 3)
    return ids, long_ones


@pytest.fixture(scope="module")
def pages(app):
    found = public_pages(app)
    assert "/" in found
    return found


@pytest.fixture
def some_data(builder) -> list[str]:
    """A few approved pledges so that lists, totals and charts have rows to show, and a published report.

    Returns the pages with URL parameters that these records open: one pledge, one of its countries and
    the report (the URL-map walk leaves such pages out).
    """
    from datetime import date

    from p2c.core.unit import commit
    from p2c.extensions import db
    from p2c.publications import services as publications

    pledges = [builder.pledge(status="approved", amount=1000 * (index + 1), countries=["KEN", "FJI"])
               for index in range(3)]
    builder.progress_report(pledges[0], period=2024, achieved={"people_connected": 100})
    db.session.commit()
    report = publications.publish("P2C Progress Report 2024", date(2024, 12, 31),
                                  sections={"foreword": "Dear reader,\n\nthanks."})
    commit()
    return [f"/pledges/{pledges[0].reference}", "/countries/FJI", f"/reports/{report.slug}"]


def test_public_pages_are_found(pages):
    assert "/" in pages
    assert not any(p.startswith(("/review", "/api", "/admin")) for p in pages)


@pytest.mark.parametrize("lang", LANGS)
def test_every_public_page_renders_in_the_language(client, pages, some_data, lang):
    ids, long_ids = _translated_msgids(lang) if lang != "en" else (set(), [])
    failures = []
    for path in [*pages, *some_data]:
        response = client.get(path, query_string={"lang": lang})
        if response.status_code in (301, 302, 303, 307, 308) and path not in some_data:
            continue  # e.g. a page that sends the visitor on; its target is checked on its own
        if response.status_code != 200:
            failures.append(f"{path}: HTTP {response.status_code}")
            continue
        if "text/html" not in response.content_type:
            continue
        parser = VisibleText(lang)
        parser.feed(response.get_data(as_text=True))
        if parser.html_attrs.get("lang") != lang:
            failures.append(f"{path}: <html lang={parser.html_attrs.get('lang')!r}>")
        if parser.html_attrs.get("dir") != ("rtl" if lang == "ar" else "ltr"):
            failures.append(f"{path}: <html dir={parser.html_attrs.get('dir')!r}>")
        for text in parser.texts:
            stripped = text.strip(" .,:;·–-—()[]*|/")
            if stripped in ids:
                failures.append(f"{path}: untranslated {stripped!r}")
                continue
            for msgid in long_ids:
                if msgid in text:
                    failures.append(f"{path}: untranslated {msgid!r} in {text!r}")
    assert not failures, f"{lang}:\n" + "\n".join(sorted(set(failures)))


def test_the_checker_sees_english_left_on_a_french_page():
    ids, long_ids = _translated_msgids("fr")
    parser = VisibleText("fr")
    parser.feed('<html lang="fr" dir="ltr"><body><p>Skip to main content</p>'
                '<p lang="en">Approved</p><div dir="auto">Approved</div>'
                '<button aria-label="Approved">x</button><script>var a = "Approved";</script></body></html>')
    assert parser.texts == ["Skip to main content", "Approved", "x"]
    assert "Skip to main content" in ids and "Approved" in ids
    assert "Skip to main content" in long_ids
