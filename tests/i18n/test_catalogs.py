"""Every string of the current code is translated in ar, es, fr, ru and zh.

The extraction runs in-process with babel.cfg and the Makefile's keywords, so a string added
anywhere without a translation fails here. To fix: `make update-catalogs`, translate the new
entries in translations/<lang>/LC_MESSAGES/messages.po, remove any "fuzzy" flag (README "Languages").
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message

from tests.i18n.catalogs import (
    LOCALES,
    PLURAL_FORMS,
    ROOT,
    Report,
    check_catalogs,
    check_message,
    extract_template,
    load_catalog,
)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract_template()


def test_extraction_finds_code_templates_and_reference_data(template):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    assert "Skip to main content" in ids  # base.html
    assert "Approved" in ids  # p2c/core/enums.py (lazy_gettext)
    assert "Quality education" in ids  # sdgs.csv, through the reference extractor
    assert "100%% of households connected" in ids  # "%" doubled like any python-format msgid
    assert "approved pledge" in ids  # ngettext


@pytest.mark.parametrize("lang", LOCALES)
def test_catalog_is_complete(template, lang):
    (report,) = check_catalogs(template, (lang,))
    problems = report.problems()
    assert not problems, (
        f"{len(problems)} problem(s) in translations/{lang}: run `make update-catalogs` and translate\n"
        + "\n".join(problems[:60]))


def test_the_checker_catches_what_it_must():
    report = Report("ru")
    check_message("ru", Message("Hello %(name)s", "Привет"), report)
    check_message("ru", Message("Save", ""), report)
    check_message("ru", Message("Close", "Закрыть", flags={"fuzzy"}), report)
    check_message("ru", Message(("%(num)d pledge", "%(num)d pledges"), ("%(num)d обязательство",
                                                                        "%(num)d обязательства")), report)
    check_message("ru", Message("100%% done", "100% готово", flags={"python-format"}), report)
    assert report.untranslated == ["Save"]
    assert report.fuzzy == ["Close"]
    broken = "\n".join(report.broken)
    assert "placeholders differ in 'Hello %(name)s'" in broken
    assert "has 2 plural forms, ru needs 3" in broken
    assert "lone '%'" in broken


@pytest.mark.parametrize("lang", LOCALES)
def test_plural_forms_header_matches_the_language(lang):
    catalog = load_catalog(lang)
    assert catalog.num_plurals == PLURAL_FORMS[lang]
    plural = gettext.c2py(catalog.plural_expr)
    if lang == "ar":  # zero, one, two, few (3-10), many (11-99), other (100-102)
        assert [plural(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103)] == [0, 1, 2, 3, 3, 4, 4, 5, 5, 3]
    if lang == "ru":  # one, few, many
        assert [plural(n) for n in (1, 2, 5, 11, 21, 22, 25)] == [0, 1, 2, 2, 0, 1, 2]


def test_mo_files_are_not_committed():
    ignored = (ROOT / ".gitignore").read_text()
    assert "*.mo" in ignored.split()


_GETTEXT_CALL = re.compile(r"""\b(?:_|gettext|ngettext|_l|lazy_gettext)\(\s*(['"])(?:(?!\1).)*\1\s*(~|%|\+)""")


def test_templates_do_not_build_msgids_by_concatenation():
    """`_("a" ~ x)` or `_("a %s" % x)` extracts nothing useful: use `_("a %(x)s", x=x)`."""
    offenders = []
    for path in sorted((ROOT / "p2c").rglob("templates/**/*")):
        if path.suffix in (".html", ".txt"):
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _GETTEXT_CALL.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_concatenation_pattern_matches_the_bad_forms():
    assert _GETTEXT_CALL.search('{{ _("Pledge " ~ ref) }}')
    assert _GETTEXT_CALL.search("{{ _('%s pledges' % n) }}")
    assert not _GETTEXT_CALL.search('{{ _("%(n)s pledges", n=n) }}')
    assert not _GETTEXT_CALL.search('{{ _("Pledges") ~ " · " ~ x }}')


def test_reference_extractor_skips_countries_and_currencies(template):
    ids = {m.id for m in template if isinstance(m.id, str)}
    assert "Afghanistan" not in ids and "UAE Dirham" not in ids
    assert all(Path(loc).suffix != ".csv" or not loc.endswith(("countries.csv", "currencies.csv"))
               for m in template for loc, _ in m.locations)
