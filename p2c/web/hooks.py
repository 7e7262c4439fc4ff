"""Request hooks: security headers, language cookie, template globals and Jinja filters."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, format_compact_currency, parse_pattern
from flask import Flask, request, url_for
from flask_babel import format_currency, format_date, format_datetime, format_decimal, format_percent
from flask_wtf.csrf import generate_csrf

from p2c.core.auth import is_private_response
from p2c.core.collation import fold
from p2c.core.counts import format_count, is_count
from p2c.core.i18n import (
    LANG_COOKIE,
    LINK_LANG_COOKIE,
    country_name,
    current_language,
    link_language,
    ref_name,
    reference_translation,
    team_translation,
    text_direction,
)
from p2c.web.navigation import footer_items, home_cards, nav_items
from p2c.web.usertext import user_text

LANGUAGE_NAMES = {
    "ar": "العربية",
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "ru": "Русский",
    "zh": "中文",
}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def lang_url(lang: str) -> str:
    """The current page in another language (keeps path and query)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    if request.endpoint and request.url_rule is not None:
        try:
            return url_for(request.endpoint, **(request.view_args or {}), **args)
        except Exception:  # noqa: BLE001 - fall back to the raw path
            pass
    from urllib.parse import urlencode

    return request.path + "?" + urlencode(args, doseq=True)


@lru_cache(maxsize=16)
def _whole_usd(lang: str) -> tuple[Locale, NumberPattern]:
    """The locale and its CLDR currency pattern without decimals ('#,##0\u00a0¤' in French, '¤#,##0' in
    English), parsed once per language: parsing the pattern and finding the locale cost more than
    applying it, and a directory page shows twenty amounts."""
    locale = Locale.parse(lang)
    return locale, parse_pattern(re.sub(r"\.0+", "", locale.currency_formats["standard"].pattern))


def format_usd(value: object, compact: bool = False) -> str:
    """USD amount for the reader's locale, whole dollars, symbol where the locale puts it.

    compact gives e.g. '$18.6B' / '18,6 Md $US' / 'US$186亿' / '18.6 مليار US$'.
    """
    if value is None:
        return "–"
    lang = current_language()
    if compact:
        text = format_compact_currency(float(value), "USD", locale=lang, fraction_digits=1)
    else:
        locale, pattern = _whole_usd(lang)
        text = pattern.apply(value, locale, currency="USD", currency_digits=False)
    return bidi_isolate(text, lang)


def bidi_isolate(text: str, lang: str) -> str:
    """In right-to-left text, keep "18.6 مليار US$" in one piece: without an isolate the neutral
    "$" drifts to the other side of "US" ("$US")."""
    return f"\u2066{text}\u2069" if lang in ("ar",) else text


def format_pct(value: object, fmt: str | None = None) -> str:
    """A share (0.256) as a percentage in the reader's locale: '26%', '26 %', '26,5 %'.

    `fmt` ("#,##0.0%") only says how many decimals; where the sign goes and the spacing come from
    the locale, so a template asking for one decimal still gets French spacing.
    """
    if value is None:
        return "–"
    lang = current_language()
    pattern = Locale.parse(lang).percent_formats[None].pattern
    decimals = re.search(r"0\.(0+)", fmt or "")
    if decimals:
        pattern = pattern.replace("#,##0", "#,##0." + decimals.group(1), 1)
    return format_percent(value, format=pattern)


def format_quantity(value: object, unit: str | None = "") -> str:
    """An indicator value in the reader's locale: whole US dollars for money, else a whole count
    (p2c.core.counts: people, schools, sites... never "1,234.5 people"); '–' for None."""
    if value is None:
        return "–"
    if not is_count(unit):
        return format_usd(value)
    return format_count(value)


def register_hooks(app: Flask) -> None:
    """Install hooks, globals and filters on the app."""

    @app.after_request
    def _headers(response):
        own_policy = response.headers.get("Content-Security-Policy")
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # Framing is refused unless a view set its own policy that allows it (the /embed/ widgets:
        # `frame-ancestors *`); X-Frame-Options has no "any site" value and would contradict it.
        allows_framing = (own_policy is not None and "frame-ancestors" in own_policy
                          and "frame-ancestors 'none'" not in own_policy)
        if not allows_framing:
            response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if is_private_response():
            # Staff pages, private links, sign-in: never stored anywhere (p2c.core.auth.is_private_response).
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        if app.config.get("HSTS"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        secure = app.config.get("SESSION_COOKIE_SECURE", False)
        lang = request.args.get("lang")  # the reader's choice: kept for a year
        if lang in app.config["LANGUAGES"] and request.cookies.get(LANG_COOKIE) != lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", secure=secure,
                                httponly=True)
        # A private link's own language (its e-mail's) is not a choice: kept for this browser session
        # only, so the public pages opened from the private page follow it and a later link wins.
        link_lang = link_language()
        if link_lang and request.cookies.get(LINK_LANG_COOKIE) != link_lang:
            response.set_cookie(LINK_LANG_COOKIE, link_lang, samesite="Lax", secure=secure, httponly=True)
        if "text/html" in response.content_type:
            # Added to whatever the view varies on (/progress sets Accept-Encoding): the language comes
            # from the cookie or Accept-Language, so a shared cache must key on both.
            for header in ("Cookie", "Accept-Language"):
                response.vary.add(header)
        return response

    @app.context_processor
    def _globals():
        return {
            "current_language": current_language,
            "text_direction": text_direction,
            "lang_url": lang_url,
            "language_names": LANGUAGE_NAMES,
            "languages": app.config["LANGUAGES"],
            "country_name": country_name,
            "ref_name": ref_name,
            "csrf_token": generate_csrf,
            "nav_items": nav_items,
            "footer_items": footer_items,
            "home_cards": home_cards,
            "registered_endpoints": lambda: app.view_functions,
        }

    # Globals too (not only the context processor) so that imported macros see them.
    languages = tuple(app.config["LANGUAGES"])

    def _user_text(text, lang=None, block=False, class_=""):
        return user_text(text, lang, block=block, class_=class_, languages=languages)

    def _team_text(english, translations=None, block=False, class_="", catalog=False):
        # A title the team wrote: the reader's language when translated, else the English, marked "en".
        # catalog=True for reference names (events, SDG targets ...): the shipped name's catalog
        # translation comes between the team's and the English.
        pick = reference_translation if catalog else team_translation
        text, lang = pick(english, translations)
        return user_text(text, lang, block=block, class_=class_, languages=languages)

    def _team_string(english, translations=None, catalog=True):
        # The same choice as plain text, where no element can go (<title>, <option>, attributes).
        pick = reference_translation if catalog else team_translation
        return pick(english, translations)[0]

    app.jinja_env.globals.update(languages=app.config["LANGUAGES"], text_direction=text_direction,
                                 current_language=current_language, user_text=_user_text,
                                 team_text=_team_text, team_string=_team_string)
    app.jinja_env.filters.update(
        number=lambda v, fmt=None: "–" if v is None else format_decimal(v, format=fmt),
        percent=format_pct,
        quantity=format_quantity,
        count=format_count,
        money=lambda v, cur: "–" if v is None else bidi_isolate(format_currency(v, cur), current_language()),
        usd=format_usd,
        date=lambda v, fmt="medium": "–" if v is None else format_date(v, fmt),
        datetime=lambda v, fmt="medium": "–" if v is None else format_datetime(v, fmt),
        ref=ref_name,
        user_text=_user_text,
        team_text=_team_text,
        fold=fold,
    )
