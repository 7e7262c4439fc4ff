"""Sorting and matching names the way readers expect: Unicode collation and accent-free matching.

Sorting by code point puts "Égypte", "États-Unis" and "Éthiopie" after "Zimbabwe" and "Sénégal" after
"Syrie" on French pages. `sort_key` uses the Unicode Collation Algorithm with the default table
(DUCET, via the `pyuca` package: PyICU has no wheels on PyPI, and the default table already gives
French, Spanish, Russian and Arabic readers the order they expect; Chinese names follow the table's
ideograph order, not pinyin).

`fold` is the matching form of a name: no accents, no case ("Sénégal" -> "senegal"), so "sene" finds
Sénégal; the country filter box matches the folded name in the reader's language and in English.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")


@lru_cache(maxsize=1)
def _collator():
    from pyuca import Collator  # loads the 1.8 MB table once per process

    return Collator()


def sort_key(text: str) -> tuple:
    """The collation key of `text` (compare keys, not strings). Raises nothing; "" sorts first."""
    return tuple(_collator().sort_key(text or ""))


def collated(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    """`items` sorted by the Unicode collation of key(item)."""
    return sorted(items, key=lambda item: sort_key(key(item)))


def fold(text: str) -> str:
    """`text` for matching: accents and other marks removed, case folded ("Égypte" -> "egypte")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
