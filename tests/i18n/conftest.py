"""Compiled catalogs for the i18n tests.

`make test` compiles the .mo files first; running pytest directly on a fresh clone would otherwise
test against no translations at all, so compile here when a .po file is newer than its .mo.
"""

from __future__ import annotations

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.i18n.catalogs import LOCALES, TRANSLATIONS


def compile_catalogs() -> None:
    """Write messages.mo next to each messages.po that changed since the last compile (as pybabel does)."""
    for lang in LOCALES:
        po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
            with mo.open("wb") as fh:
                write_mo(fh, catalog)


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs(app):
    compile_catalogs()
    # Flask-Babel caches loaded translations per app: drop what earlier tests may have cached.
    from flask_babel import get_domain

    with app.app_context():
        get_domain().cache.clear()
