"""What one demo pledge says and aims at: language, title and description that agree, its target
(or milestone), and its SDG-target and Global Digital Compact alignment."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

from p2c.demo import texts

# Alignment with SDG targets and Global Digital Compact objectives, by focus area (shares).
SDG_TARGETS = {
    "connect": {"9.c": 0.75, "9.1": 0.3, "17.6": 0.1},
    "empower": {"4.4": 0.7, "5.b": 0.35, "10.2": 0.25},
    "ecosystems": {"8.10": 0.25, "9.c": 0.3, "17.8": 0.2, "16.10": 0.1},
    "investment": {"9.c": 0.5, "17.6": 0.3, "1.4": 0.15},
}
GDC = {"connect": {"gdc1": 0.7}, "empower": {"gdc1": 0.5, "gdc2": 0.3},
       "ecosystems": {"gdc2": 0.6, "gdc4": 0.15, "gdc5": 0.1}, "investment": {"gdc1": 0.5, "gdc2": 0.3}}


@dataclass
class Content:
    """Texts and aims of one pledge."""

    language: str
    title: str
    description: str
    indicator: str | None = None
    value: int | None = None
    milestone: tuple[str, str, date] | None = None  # (kind, description, due on)
    sdg_targets: list[str] = field(default_factory=list)
    gdc: list[str] = field(default_factory=list)


def _round(value: float) -> int:
    """Two significant digits, as people round their targets."""
    digits = max(0, int(math.log10(max(value, 1))) - 1)
    return int(round(value / 10 ** digits) * 10 ** digits)


def pledge_content(rng: random.Random, *, area: str, ptype: str, lead: str, lead_country: str | None,
                   lead_region: str | None, iso2_codes: list[str], end: date) -> Content:
    """Draw the language, the action and its number (or milestone), and write the texts."""
    language = texts.language_for(rng, lead_country, lead_region)
    milestone = ptype in texts.MILESTONE_SHARE and rng.random() < texts.MILESTONE_SHARE[ptype]
    action = rng.choice(texts.MILESTONES if milestone else texts.ACTIONS[area])
    value = None
    if action.indicator:
        value = _round(math.exp(rng.uniform(math.log(action.low), math.log(action.high))))
    title, description = texts.write(action, language, lead=lead or "—", n=value or 0, iso2_codes=iso2_codes,
                                     year=end.year)
    content = Content(language, title, description, action.indicator, value)
    if action.milestone:
        content.milestone = (action.milestone, title, end)
    content.sdg_targets = [c for c, p in SDG_TARGETS[area].items() if rng.random() < p]
    content.gdc = [c for c, p in GDC[area].items() if rng.random() < p]
    return content
