"""Demo ledger entries: what a demo progress report disbursed, as one to three entries."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

# Instruments as most digital-development finance is given; co-financing now and then.
INSTRUMENT_SHARES = [("grant", 55), ("loan", 15), ("in_kind", 15), ("equity", 5), ("guarantee", 5), ("other", 5)]
COFINANCING_SHARE = 0.1


def ledger_entries(rng: random.Random, rate: Callable[[str, int], tuple[Decimal, int]], out: list[tuple],
                   ids: tuple[int, int, int, int], usd: Decimal, currency: str, countries: list[str],
                   first_year: int) -> Decimal:
    """Append one to three disbursement_entry rows worth about `usd` to `out` (in the pledge's currency,
    or USD now and then, to one of its countries or "global"); returns their USD value at the rate of
    each entry's year. `ids`: (first entry id of the batch, report id, pledge id, period)."""
    eid0, rid, pid, period = ids
    if usd <= 0:
        return Decimal("0.00")
    parts = rng.randint(1, 3)
    total = Decimal("0.00")
    instruments, weights = zip(*INSTRUMENT_SHARES, strict=True)
    for i in range(parts):
        cur = currency if rng.random() < 0.8 else "USD"
        year = max(first_year, period - (1 if i and rng.random() < 0.3 else 0))
        usd_rate, rate_year = rate(cur, year)
        amount = (usd / parts / usd_rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        if amount <= 0:
            continue
        value = (amount * usd_rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        recipient = rng.choice(countries) if countries else "global"
        out.append((eid0 + len(out), rid, pid, amount, cur, year, recipient, rng.choices(instruments, weights)[0],
                    rng.random() < COFINANCING_SHARE, usd_rate, rate_year, value, False))
        total += value
    return total
