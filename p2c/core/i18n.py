"""Language selection, reference-data names and country names in the reader's language."""

from __future__ import annotations

import csv
import gettext as _gettext
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pycountry
from flask import current_app, g, has_request_context, request
from flask_babel import get_locale, get_translations

from p2c.core.tokens import token_language

LANG_COOKIE = "p2c_lang"
# The language of the last private link opened in this browser session (a session cookie, set by
# p2c.web.hooks): the reader made no choice, so it never outranks a later link's own language.
LINK_LANG_COOKIE = "p2c_link_lang"


def supported_languages() -> tuple[str, ...]:
    """The six UN languages, English first."""
    return tuple(current_app.config["LANGUAGES"])


def link_language() -> str:
    """The language signed into the private link of this request (`/my/<token>/...`), or ""."""
    token = (request.view_args or {}).get("token") if request.path.startswith("/my/") else None
    if not token:
        return ""
    lang = token_language(token)
    return lang if lang in supported_languages() else ""


def select_locale() -> str:
    """?lang=, then the reader's cookie, then the private link's own language, then the last link's
    (its session cookie), then Accept-Language, then English.

    The reader's own choice on this site (?lang= sets the cookie) outranks the link's language, so
    switching language on a private page sticks on the pages under it; a link's language only
    carries over to the public pages opened after it in the same browser session.
    """
    languages = supported_languages()
    if not has_request_context():
        return g.get("p2c_locale", current_app.config["BABEL_DEFAULT_LOCALE"])
    lang = request.args.get("lang", "")
    if lang in languages:
        return lang
    lang = request.cookies.get(LANG_COOKIE, "")
    if lang in languages:
        return lang
    lang = link_language() or request.cookies.get(LINK_LANG_COOKIE, "")
    if lang in languages:
        return lang
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The active language code (en, ar, es, fr, ru, zh)."""
    locale = get_locale()
    return locale.language if locale else "en"


def team_translation(english: str, translations: dict[str, str] | None,
                     lang: str | None = None) -> tuple[str, str]:
    """(text, its language code) of a text the coalition team wrote in English and may have translated.

    `translations` maps language codes (ar, es, fr, ru, zh) to the team's translations (admin forms:
    calls for interest, goals). The reader's language (`lang`, default the request's) wins when the
    team gave it; otherwise the English original comes back, marked "en" so that pages can say so.
    """
    lang = lang or current_language()
    text = (translations or {}).get(lang, "") if lang != "en" else ""
    if text and text.strip():
        return text, lang
    return english, "en"


def reference_translation(english: str, translations: dict[str, str] | None = None) -> tuple[str, str]:
    """(text, its language code) of a reference name the team may have translated (events, SDG targets,
    GDC objectives; indicator source notes with no translations).

    Order, for the request's language: the team's translation (`translations`, {"fr": "..."} from the
    admin form); then the catalog's translation of the English msgid (shipped names, see
    p2c/reference/babel.py); then the English, marked "en". On an English page: the English, "en".
    """
    lang = current_language()
    text, found = team_translation(english, translations, lang)
    if found != "en" or lang == "en" or not english:
        return text, found
    translated = ref_name(english)
    if translated != english:
        return translated, lang
    return english, "en"


def text_direction(lang: str | None = None) -> str:
    """'rtl' for Arabic, else 'ltr'."""
    lang = lang or current_language()
    return "rtl" if lang in current_app.config["RTL_LANGUAGES"] else "ltr"


# pycountry ships zh_CN, zh_TW and zh_HK; the UN uses simplified Chinese.
_PYCOUNTRY_LOCALE = {"zh": "zh_CN"}


@lru_cache(maxsize=16)
def _iso3166(lang: str) -> _gettext.NullTranslations:
    locale = _PYCOUNTRY_LOCALE.get(lang, lang)
    return _gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)


# pycountry's ISO names are long and formal; these are the names readers expect in English.
_SHORT_NAMES = {
    "BOL": "Bolivia", "VEN": "Venezuela", "IRN": "Iran", "TZA": "Tanzania", "KOR": "Republic of Korea",
    "PRK": "DPR Korea", "LAO": "Lao PDR", "MDA": "Moldova", "SYR": "Syria", "FSM": "Micronesia",
    "TWN": "Taiwan, China", "PSE": "Palestine", "VAT": "Holy See", "COD": "DR Congo",
}

# The UN's official short names (UNTERM) where pycountry's or CLDR's name differs in a language
# (Türkiye in French and Spanish, Netherlands (Kingdom of the) ...): a data file with each name's source.
UN_NAMES_FILE = resources.files("p2c.reference") / "data" / "un_country_names.csv"


@lru_cache(maxsize=1)
def un_names() -> dict[str, dict[str, str]]:
    """{language: {ISO3: UN short name}} from p2c/reference/data/un_country_names.csv."""
    names: dict[str, dict[str, str]] = {}
    with UN_NAMES_FILE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names.setdefault(row["language"], {})[row["iso3"]] = row["name"]
    return names


def country_name(iso3: str, english_name: str | None = None, lang: str | None = None) -> str:
    """A country's name in the reader's language, from pycountry's translations, falling back to English.

    Order: the UN short name where it differs (un_country_names.csv), our English short names, then
    pycountry's translation of the common name ("Bolivia") and of the ISO name, then the English name.
    """
    lang = lang or current_language()
    if english_name is None:
        return _country_name(iso3, lang)
    return _lookup_country_name(iso3, english_name, lang)


@lru_cache(maxsize=4096)
def _country_name(iso3: str, lang: str) -> str:
    # Lists show thousands of names a minute from about 250 countries in six languages: each looked
    # up once (pycountry's record and its gettext catalog), then remembered.
    return _lookup_country_name(iso3, None, lang)


def _lookup_country_name(iso3: str, english_name: str | None, lang: str) -> str:
    record = pycountry.countries.get(alpha_3=iso3)
    if english_name is None:
        english_name = _SHORT_NAMES.get(iso3) or (getattr(record, "common_name", None) or record.name
                                                  if record else iso3)
    override = un_names().get(lang, {}).get(iso3)
    if override:
        return override
    if lang == "en":
        return _SHORT_NAMES.get(iso3, english_name)
    if record is None:
        return english_name
    translations = _iso3166(lang)
    for msgid in (getattr(record, "common_name", None), record.name):
        if msgid:
            translated = translations.gettext(msgid)
            if translated != msgid:
                return translated
    return english_name


def ref_name(name: str) -> str:
    """Translate a reference-data name (focus areas, pillars, SDGs ...): English names are msgids.

    The msgid doubles any "%" (see p2c/reference/babel.py), so the lookup does too and the result
    is unescaped; without a translation the English name comes back unchanged.
    """
    if not name:
        return name
    translations = request_translations()
    if "%" not in name:
        return translations.ugettext(name)
    return translations.ugettext(name.replace("%", "%%")).replace("%%", "%")


def request_translations():
    """flask_babel.get_translations(), remembered in the request's Babel context for its locale.

    Flask-Babel finds the catalog again for every string (its domain, the locale, the locale's name as
    the cache key: about as much work as the lookup itself); a directory page asks for about a hundred
    strings. Keyed on the locale object, so `force_locale` (e-mails in the recipient's language) gets
    its own catalog."""
    locale = get_locale()
    ctx = g.get("_flask_babel") if g else None  # made by get_locale() (None outside an app context)
    if ctx is None or locale is None:
        return get_translations()
    found = getattr(ctx, "p2c_translations", None)
    if found is not None and found[0] is locale:
        return found[1]
    translations = get_translations()
    ctx.p2c_translations = (locale, translations)
    return translations


def install_fast_gettext(app) -> None:
    """Templates' _(), gettext and ngettext through `request_translations` (same strings, same
    autoescaping and %-formatting: Jinja's newstyle gettext wraps these callables)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )


def catalog_problems() -> list[str]:
    """Why some language would be served in English: one sentence per missing or stale catalog, [] when fine.

    Each non-English language needs translations/<lang>/LC_MESSAGES/messages.mo under
    BABEL_TRANSLATION_DIRECTORIES; where its messages.po is beside it (a checkout) the .mo must not be
    older than the .po (`make compile` or the wheel build compiles them). Flask-Babel falls back to
    English silently, so /readyz reports these.
    """
    problems = []
    directory = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])
    for lang in supported_languages():
        if lang == current_app.config["BABEL_DEFAULT_LOCALE"]:
            continue
        mo = directory / lang / "LC_MESSAGES" / "messages.mo"
        po = mo.with_suffix(".po")
        if not mo.exists():
            problems.append(f"{lang}: compiled catalog {mo} is missing (run `make compile` or install the built wheel)")
        elif po.exists() and po.stat().st_mtime > mo.stat().st_mtime:
            problems.append(f"{lang}: compiled catalog {mo} is older than its .po (run `make compile`)")
    return problems
