"""Goal titles in the reader's language.

A goal is stored with one free-text title (an admin's, or the migration's "USD 100 billion mobilized
by 2026"), which would show in English on every page. When the title is empty or is just what the
goal's metric, target and date say in English, the page builds it again through gettext in the
reader's language; a custom title is the admin's text and is shown as written, marked as English.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.numbers import format_compact_decimal
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from p2c.core.counts import format_count
from p2c.core.i18n import current_language, ref_name, team_translation
from p2c.web.hooks import format_quantity


def generated_title(metric: str, target: Decimal, year: int, indicator_name: str = "", unit: str = "") -> str:
    """The title a goal's figures say, in the current language ("USD 100 billion mobilized by 2026").

    `unit`: the indicator's unit for an indicator goal: "USD" writes the target as money ("USD invested:
    $1,500,001 by 2030"), any other unit as a whole count ("Schools connected: 1,500 by 2030").
    """
    lang = current_language()
    if metric == "usd_value":
        amount = format_compact_decimal(float(target), format_type="long", locale=lang, fraction_digits=1)
        return _("USD %(amount)s mobilized by %(year)s", amount=amount, year=year)
    count = int(target)
    if metric == "pledges":
        return ngettext("%(count)s approved pledge by %(year)s", "%(count)s approved pledges by %(year)s", count,
                        count=format_count(count), year=year)
    if metric == "organizations":
        return ngettext("%(count)s pledging organization by %(year)s", "%(count)s pledging organizations by %(year)s",
                        count, count=format_count(count), year=year)
    return _("%(indicator)s: %(amount)s by %(year)s", indicator=ref_name(indicator_name) if indicator_name else "",
             amount=format_quantity(target, unit), year=year)


def goal_title(goal: dict, indicator_names: dict[str, str]) -> tuple[str, bool]:
    """(title to show, whether it is ours) for one goal of `progress_figures()["goals"]`.

    `True`: in the reader's language (built through gettext, or the team's translation of its own
    title). `False`: the admin's own title in English, to be shown as written and marked as English.
    """
    metric, target = goal["metric"], Decimal(goal["target_value"])
    year = date.fromisoformat(goal["target_date"]).year
    name = indicator_names.get(goal.get("indicator") or "", "")
    unit = goal.get("unit") or ""
    stored = " ".join((goal.get("title") or "").split())
    if stored:
        with force_locale("en"):
            english = generated_title(metric, target, year, name, unit)
        if stored.casefold() != english.casefold():
            text, lang = team_translation(stored, goal.get("title_translations"))
            return text, lang != "en"
    return generated_title(metric, target, year, name, unit), True
