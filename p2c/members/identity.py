"""The organization identity rule: one normalized name key, together with the country.

Two organization names are the same organization when their keys are equal and their countries
agree. The key ignores case, accents, spacing and punctuation: 'Orange Sénégal', 'ORANGE SENEGAL'
and 'Orange-Sénégal.' all give 'orangesenegal'. Letters of every script are kept (Arabic, Chinese,
Cyrillic names keep their own key); only combining marks (accents, Arabic harakat) are dropped.

The database holds the key in `organization.name_key` with a UNIQUE constraint on (name_key,
country_iso3) and a unique partial index on name_key where the country is unknown, so two
simultaneous submissions can never create the same organization twice (see
`p2c.members.services.get_or_create_organization`). `p2c.members.queries.match_organization` is
the only place that compares organization names; the form, the write API and the import (lead and
partners) all go through it.
"""

from __future__ import annotations

import unicodedata

from p2c.core.text import clean_text

KEY_MAX = 250


def name_key(name: str | None) -> str:
    """The identity key of an organization name: casefolded letters and digits, accents dropped.

    A name with no letter or digit at all (only punctuation) keeps its casefolded text, so it still
    has a key of its own. Returns "" for an empty name.
    """
    text = clean_text(name or "", multiline=False)
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)).casefold()
    key = "".join(ch for ch in unicodedata.normalize("NFKC", folded) if ch.isalnum())
    return (key or folded.replace(" ", ""))[:KEY_MAX]
