"""The published P2C distributions the demo data follow (DOMAIN.md), in one place."""

from __future__ import annotations

import random

from p2c.core.enums import ImplementationStatus, ReviewStatus

# Published shares (DOMAIN.md): 58% programmatic, 21% advocacy, 12% policy, the rest financial.
PLEDGE_TYPES = [("programmatic", 58), ("advocacy", 21), ("policy", 12), ("financial", 9)]
# Most pledges fall under ACCESS and ADOPTION.
FOCUS_AREAS = [("connect", 40), ("empower", 33), ("ecosystems", 16), ("investment", 11)]
STAKEHOLDERS = [
    ("private_sector", 30), ("government", 22), ("civil_society", 16), ("academia", 9),
    ("international_org", 8), ("un_entity", 5), ("financial_institution", 4), ("foundation", 4), ("other", 2),
]
REVIEW_STATES = [
    (ReviewStatus.APPROVED, 82), (ReviewStatus.SUBMITTED, 6), (ReviewStatus.IN_REVIEW, 4),
    (ReviewStatus.CHANGES_REQUESTED, 3), (ReviewStatus.REJECTED, 3), (ReviewStatus.WITHDRAWN, 2),
]
# Share of pledges naming each beneficiary group: women and girls in about half.
BENEFICIARIES = {
    "women_girls": 0.50, "youth": 0.40, "rural": 0.35, "schools": 0.20, "smes": 0.15,
    "persons_disabilities": 0.15, "older_persons": 0.06, "indigenous": 0.05, "refugees": 0.05,
}
# Most cited SDGs: 9, 4, 10, 5, 17.
SDGS = {9: 0.80, 4: 0.45, 10: 0.40, 5: 0.35, 17: 0.35, 8: 0.20, 1: 0.08, 3: 0.08, 11: 0.06, 13: 0.05, 16: 0.04}
WSIS = {"C2": 0.6, "C4": 0.4, "C7": 0.25, "C3": 0.2, "C6": 0.15, "C5": 0.12, "C1": 0.08, "C11": 0.1, "C8": 0.05}
CURRENCIES = [("USD", 72), ("EUR", 12), ("GBP", 3), ("JPY", 3), ("CHF", 2), ("CNY", 2), ("INR", 2),
              ("SAR", 1), ("ZAR", 1), ("KES", 1), ("XOF", 1)]
IMPLEMENTATION = [
    (ImplementationStatus.ON_TRACK, 62), (ImplementationStatus.DELAYED, 13), (ImplementationStatus.COMPLETED, 12),
    (ImplementationStatus.NOT_STARTED, 9), (ImplementationStatus.DISCONTINUED, 4),
]
LDC_SHARE = 0.31  # Dec 2023: 31% of pledges targeted at least one LDC.
# Government-led pledges: 56% of the 845 of December 2023; a ministry pledges for its own country.
GOVERNMENT_SHARE = 0.56
# Of the other pledges, the share naming an LDC that brings the whole to LDC_SHARE: government pledges
# reach an LDC as often as their countries are LDCs (about 23% of ITU members), and a global pledge
# reaches every LDC.
OTHER_LDC_SHARE = 0.43
GLOBAL_SHARE = 0.08
JOINT_SHARE = 0.15


_CUMULATIVE: dict[int, tuple[tuple, list[float]]] = {}


def weighted(rng: random.Random, options: list[tuple]) -> object:
    """One value drawn by weight; the cumulative weights are computed once per option list."""
    prepared = _CUMULATIVE.get(id(options))
    if prepared is None:
        values, weights = zip(*options, strict=True)
        cumulative, total = [], 0.0
        for weight in weights:
            total += weight
            cumulative.append(total)
        prepared = _CUMULATIVE[id(options)] = (values, cumulative)
    return rng.choices(prepared[0], cum_weights=prepared[1])[0]


def pick_shares(rng: random.Random, shares: dict, at_least_one: object) -> list:
    """The keys drawn each with its own share; `at_least_one` when none was."""
    chosen = [k for k, p in shares.items() if rng.random() < p]
    return chosen or [at_least_one]
