"""Language selection, the switcher, <html lang dir>, alternate links, localized values, country names."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import render_template_string
from flask_babel import force_locale

from p2c.core.i18n import LANG_COOKIE, country_name, ref_name
from p2c.web.hooks import format_usd

LANGS = ("en", "ar", "es", "fr", "ru", "zh")


def _html_tag(body: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', body)
    assert match, body[:300]
    return match.group(1), match.group(2)


@pytest.mark.parametrize("lang", LANGS)
def test_lang_parameter_sets_html_lang_dir_and_cookie(client, lang):
    response = client.get(f"/?lang={lang}")
    assert response.status_code == 200
    assert _html_tag(response.text) == (lang, "rtl" if lang == "ar" else "ltr")
    assert f"{LANG_COOKIE}={lang}" in response.headers.get("Set-Cookie", "")


def test_order_is_parameter_then_cookie_then_accept_language_then_english(client):
    assert _html_tag(client.get("/").text)[0] == "en"
    assert _html_tag(client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}).text)[0] == "ru"
    assert _html_tag(client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).text)[0] == "en"
    client.set_cookie(LANG_COOKIE, "zh")
    assert _html_tag(client.get("/", headers={"Accept-Language": "ru"}).text)[0] == "zh"
    assert _html_tag(client.get("/?lang=es", headers={"Accept-Language": "ru"}).text)[0] == "es"
    # An unknown code is ignored, not stored.
    response = client.get("/?lang=xx")
    assert _html_tag(response.text)[0] == "es"  # the cookie that ?lang=es just stored
    assert "xx" not in response.headers.get("Set-Cookie", "")


def test_pages_vary_on_the_language_inputs(client):
    assert "Accept-Language" in client.get("/").headers.get("Vary", "")


def _links(body: str, pattern: str) -> list[tuple[str, str]]:
    return re.findall(pattern, body)


def test_switcher_keeps_the_reader_on_the_same_page_with_its_query(client):
    body = client.get("/?lang=fr&utm=x&utm=y").text
    switcher = body[body.index('class="lang-switch"'):]
    switcher = switcher[:switcher.index("</nav>")]
    links = re.findall(r'<a href="([^"]+)" hreflang="([^"]+)" lang="([^"]+)"', switcher)
    assert [code for _, code, _ in links] == list(LANGS)
    for href, code, lang_attr in links:
        href = href.replace("&amp;", "&")
        parts = urlsplit(href)
        assert parts.path == "/"
        assert parse_qs(parts.query) == {"lang": [code], "utm": ["x", "y"]}
        assert lang_attr == code  # each language's name is marked with its language
    assert 'aria-current="true">Français<' in switcher


def test_switcher_keeps_path_parameters(app):
    from p2c.web.hooks import lang_url

    rule = next((r for r in app.url_map.iter_rules() if r.arguments and "GET" in r.methods
                 and not r.rule.startswith(("/static", "/api"))), None)
    if rule is None:
        pytest.skip("no page with a path parameter is registered yet")
    values = {name: "1" for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        path = url_for(rule.endpoint, **values)
    with app.test_request_context(path + "?page=2"):
        url = lang_url("ar")
    assert urlsplit(url).path == urlsplit(path).path
    assert parse_qs(urlsplit(url).query) == {"lang": ["ar"], "page": ["2"]}


def test_alternate_language_links_are_declared(client):
    body = client.get("/?lang=ru").text
    head = body[:body.index("</head>")]
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head)
    assert [code for code, _ in alternates] == [*LANGS, "x-default"]
    for code, href in alternates:
        wanted = "en" if code == "x-default" else code
        assert parse_qs(urlsplit(href.replace("&amp;", "&")).query)["lang"] == [wanted]


def test_home_page_is_translated(client):
    assert "<h1>Coalition numérique Partner2Connect</h1>" in client.get("/?lang=fr").text
    assert "<h1>Partner2Connect 数字联盟</h1>" in client.get("/?lang=zh").text
    assert "انتقل إلى المحتوى الرئيسي" in client.get("/?lang=ar").text


# Values formatted with Babel for the locale (CLDR data of the Babel release pinned in pyproject.toml).
EXPECTED_USD = {
    "en": ("$1,234,567", "$18.6B"),
    "fr": ("1\u202f234\u202f567\xa0$US", "18,6\xa0Md\xa0$US"),
    "es": ("1.234.567\xa0US$", "18,6\xa0mil\xa0M\xa0US$"),
    "ru": ("1\xa0234\xa0567\xa0$", "18,6\xa0млрд\xa0$"),
    "zh": ("US$1,234,567", "US$186亿"),
    # Left-to-right isolates keep "US$" whole inside Arabic text.
    "ar": ("\u2066\u200f1,234,567\xa0US$\u2069", "\u2066\u200f18.6\xa0مليار\xa0US$\u2069"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_usd_full_and_compact_for_each_locale(app, lang):
    with app.test_request_context(f"/?lang={lang}"):
        assert format_usd(Decimal("1234567.40")) == EXPECTED_USD[lang][0]
        assert format_usd(18_600_000_000, compact=True) == EXPECTED_USD[lang][1]
        assert format_usd(None) == "–"


def test_number_percent_date_and_money_filters_follow_the_locale(app):
    template = ("{{ 1234567.5|number }}|{{ 0.256|percent }}|{{ d|date }}|{{ 1500|money('EUR') }}|"
                "{{ none|number }}")
    with app.test_request_context("/"):
        with force_locale("fr"):
            assert render_template_string(template, d=date(2026, 3, 5), none=None) == \
                "1\u202f234\u202f567,5|26\xa0%|5 mars 2026|1\u202f500,00\xa0€|–"
            assert render_template_string("{{ 0.2567|percent('#,##0.0%') }}") == "25,7\xa0%"
        with force_locale("zh"):
            assert render_template_string("{{ 0.2567|percent('#,##0.0%') }}") == "25.7%"
        with force_locale("ru"):
            assert render_template_string("{{ d|date }}", d=date(2026, 3, 5)) == "5 мар. 2026\u202fг."
        with force_locale("zh"):
            assert render_template_string("{{ d|date }}", d=date(2026, 3, 5)) == "2026年3月5日"
        with force_locale("ar"):
            # The date carries right-to-left marks so that it reads right inside Arabic text.
            assert "\u200f" in render_template_string("{{ d|date }}", d=date(2026, 3, 5))


COUNTRIES = {
    "en": ("Republic of Korea", "Bolivia", "Côte d'Ivoire", "France"),
    "ar": ("جمهورية كوريا", "بوليفيا", "كوت ديفوار", "فرنسا"),
    "es": ("República de Corea", "Bolivia", "Côte d'Ivoire", "Francia"),
    "fr": ("République de Corée", "Bolivie", "Côte d'Ivoire", "France"),
    "ru": ("Республика Корея", "Боливия", "Кот-д'Ивуар", "Франция"),
    "zh": ("大韩民国", "玻利维亚", "科特迪瓦", "法国"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_country_names_in_each_language(lang):
    assert tuple(country_name(c, lang=lang) for c in ("KOR", "BOL", "CIV", "FRA")) == COUNTRIES[lang]


def test_no_country_name_is_left_in_inverted_iso_form(app):
    from p2c.extensions import db
    from p2c.reference.models import Country

    iso3s = list(db.session.scalars(db.select(Country.iso3)))
    assert len(iso3s) > 190
    for lang in LANGS:
        for iso3 in iso3s:
            name = country_name(iso3, lang=lang)
            assert name and name != iso3, (lang, iso3)
            # "Corée, République de" is a catalogue form, not a name a reader expects.
            if iso3 not in ("BES", "TWN"):
                assert not re.search(r"[,،]\s*\S+\s+(de|d'|del|of|Îles?|Islas)\b", name), (lang, iso3, name)


def test_country_name_falls_back_to_english():
    assert country_name("FRA", lang="xx") == "France"
    assert country_name("XKX", "Kosovo", lang="fr") == "Kosovo"
    assert country_name("QQQ", lang="ar") == "QQQ"


def test_reference_names_translate_even_with_a_percent_sign(app):
    with app.test_request_context("/"):
        with force_locale("fr"):
            assert ref_name("Quality education") == "Éducation de qualité"
            assert ref_name("100% of households connected") == "100 % des ménages connectés"
            assert render_template_string("{{ 'Gender equality'|ref }}") == "Égalité entre les sexes"
        with force_locale("zh"):
            assert ref_name("Partnerships for the goals") == "促进目标实现的伙伴关系"
        assert ref_name("Not a reference name") == "Not a reference name"
        assert ref_name("") == ""


def test_user_text_macro_marks_language_and_direction(app):
    template = ('{% from "macros.html" import user_text %}'
                '{{ user_text(t, "ar") }}|{{ user_text(t2, "fr", inline=True) }}|{{ user_text(t2, "") }}')
    with app.test_request_context("/"):
        html = render_template_string(template, t="نص\n\nفقرة <b>", t2="Texte")
    assert '<div class="user-text" lang="ar" dir="rtl"><p>نص</p><p>فقرة &lt;b&gt;</p></div>' in html
    assert '<span class="user-text" lang="fr" dir="ltr">Texte</span>' in html
    # No language given: the direction of the first strong letter, decided on the server.
    assert '<div class="user-text" dir="ltr"><p>Texte</p></div>' in html


def test_mail_is_rendered_in_the_language_of_the_submission(app):
    """queue_mail renders under force_locale: words, numbers and dates of the recipient's language."""
    from jinja2 import ChoiceLoader, DictLoader

    from p2c import create_app
    from p2c.core.mail import queue_mail
    from p2c.extensions import db

    mail_app = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                          MAIL_SEND_AFTER_COMMIT=False)
    mail_app.jinja_env.loader = ChoiceLoader([
        DictLoader({"mail/i18n_probe.txt": "{{ _('Pledge') }} {{ ref }}\n{{ _('Approved') }}: "
                                           "{{ amount|usd }}, {{ day|date }}, {{ country_name('KOR') }}"}),
        mail_app.jinja_env.loader,
    ])
    with mail_app.test_request_context("/?lang=en"):
        messages = {lang: queue_mail("a@example.org", "i18n_probe", lang, "test", ref="P2C-2026-00001",
                                     amount=1500000, day=date(2026, 3, 5)) for lang in ("fr", "ru", "ar")}
        texts = {lang: (m.subject, m.body_text, m.language) for lang, m in messages.items()}
        db.session.rollback()
    assert texts["fr"][0] == "Engagement P2C-2026-00001"
    assert texts["fr"][2] == "fr"
    assert texts["fr"][1] == "Approuvé: 1\u202f500\u202f000\xa0$US, 5 mars 2026, République de Corée"
    assert texts["ru"][0] == "Обязательство P2C-2026-00001"
    assert texts["ru"][1].startswith("Одобрено: 1\xa0500\xa0000\xa0$, 5 мар. 2026")
    assert texts["ru"][1].endswith(", Республика Корея")
    assert texts["ar"][0] == "تعهد P2C-2026-00001"
    assert texts["ar"][1].startswith("معتمد: ")
