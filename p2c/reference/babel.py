"""Babel extractor: the English names in the reference CSV files are gettext msgids.

babel.cfg points at `extract_reference`, so `make extract` puts focus areas, pillars, SDG names,
WSIS lines, indicators (with their gap source notes), groups and types into the catalogs, and
`ref_name()` translates them.
Countries and currencies are translated by pycountry instead.

A literal "%" in a name ("100% of schools connected") is written "%%" in the msgid, as in every
other python-format message: otherwise Babel flags "% o" as a placeholder and `pybabel compile`
rejects every translation that does not repeat it. `ref_name()` escapes the same way at run time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

# gap_source: the source notes of the 2030 gaps on /progress ("ITU Facts and Figures 2025: ...").
TRANSLATED_COLUMNS = ("name", "official_name", "unit", "umc_target", "gap_source")
SKIP_FILES = ("countries.csv", "currencies.csv", "exchange_rates.csv", "un_country_names.csv")


def extract_reference(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Yield (lineno, funcname, message, comments) for each translatable cell."""
    name = getattr(fileobj, "name", "")
    if isinstance(name, bytes):
        name = name.decode()
    if name.endswith(SKIP_FILES):
        return
    text = fileobj.read().decode("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    for lineno, row in enumerate(reader, start=2):
        for column in TRANSLATED_COLUMNS:
            value = (row.get(column) or "").strip()
            if value:
                yield lineno, "gettext", escape_percent(value), [f"reference data: {column}"]


def escape_percent(value: str) -> str:
    """The msgid of a reference name: "%" doubled, as python-format strings write it."""
    return value.replace("%", "%%")
