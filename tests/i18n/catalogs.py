"""Catalog completeness checks, shared by tests/i18n/test_catalogs.py and `make update-catalogs`.

`python -m tests.i18n.catalogs` extracts the strings of the current code (same babel.cfg and
keywords as `make extract`) and lists, per language, what is missing, untranslated, fuzzy, or
broken (placeholders, plural forms). Exit status 1 when anything is listed.
"""

from __future__ import annotations

import re
import shlex
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LOCALES = ("ar", "es", "fr", "ru", "zh")
# Plural forms each language needs (CLDR): Arabic zero/one/two/few/many/other, Russian one/few/many.
PLURAL_FORMS = {"ar": 6, "es": 2, "fr": 2, "ru": 3, "zh": 1}

# %(name)s and friends, and positional %s / %d; "%%" is a literal percent sign.
_NAMED = re.compile(r"%\((\w+)\)[-#0 +]?\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_POSITIONAL = re.compile(r"(?<!%)%[-#0 +]?\d*(?:\.\d+)?[sdif](?![\w(])")
_BRACED = re.compile(r"\{(\w+)\}")


def make_keywords() -> list[str]:
    """The -k options of `make extract`, read from the Makefile so test and make never disagree."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^KEYWORDS\s*:=\s*(.+)$", text, re.MULTILINE)
    if not match:
        raise RuntimeError("Makefile has no KEYWORDS := line")
    return shlex.split(match.group(1))


def extract_template() -> Catalog:
    """Run the extraction of `make extract` in-process and return the template catalog."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        args = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), *make_keywords(),
                "--no-wrap", "-o", str(pot), "."]
        cwd = Path.cwd()
        sys.path.insert(0, str(ROOT))  # the reference-data extractor lives in the p2c package
        try:
            import os

            os.chdir(ROOT)
            CommandLineInterface().run(args)
        finally:
            os.chdir(cwd)
            sys.path.remove(str(ROOT))
        with pot.open("rb") as fh:
            return read_po(fh)


def load_catalog(lang: str) -> Catalog:
    """translations/<lang>/LC_MESSAGES/messages.po."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def placeholders(text: str) -> Counter:
    """The substitution markers of a message: named, positional and {braced} ones."""
    found: Counter = Counter()
    found.update("%(" + name + ")" for name in _NAMED.findall(text))
    found.update("%" + m.group(0)[-1] for m in _POSITIONAL.finditer(text))
    found.update("{" + name + "}" for name in _BRACED.findall(text))
    return found


def _stray_percent(message: Message, text: str) -> bool:
    """A lone "%" in a python-format translation breaks `%` formatting at run time."""
    if "python-format" not in message.flags:
        return False
    stripped = _NAMED.sub("", text.replace("%%", ""))
    stripped = _POSITIONAL.sub("", stripped)
    return "%" in stripped


@dataclass
class Report:
    """Problems found in one language's catalog."""

    lang: str
    missing: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every problem as one line."""
        return ([f"{self.lang}: missing from the catalog: {m!r}" for m in self.missing]
                + [f"{self.lang}: untranslated: {m!r}" for m in self.untranslated]
                + [f"{self.lang}: fuzzy: {m!r}" for m in self.fuzzy]
                + [f"{self.lang}: {m}" for m in self.broken])


def check_message(lang: str, message: Message, report: Report) -> None:
    """Add whatever is wrong with one catalog entry to `report`."""
    msgid = message.id[0] if message.pluralizable else message.id
    strings = message.string if message.pluralizable else (message.string,)
    strings = tuple(strings or ())
    if not any(strings) or not all(strings):
        report.untranslated.append(msgid)
        return
    if "fuzzy" in message.flags:
        report.fuzzy.append(msgid)
    if message.pluralizable and len(strings) != PLURAL_FORMS[lang]:
        report.broken.append(f"{msgid!r} has {len(strings)} plural forms, {lang} needs {PLURAL_FORMS[lang]}")
    sources = message.id if message.pluralizable else (message.id,)
    wanted = placeholders(sources[-1]) | placeholders(sources[0])
    for text in strings:
        # A plural form may leave the count out ("one pledge"), nothing else.
        got = placeholders(text)
        extra = got - wanted
        lost = wanted - got
        if message.pluralizable:
            lost = Counter({k: v for k, v in lost.items() if k not in ("%(num)", "%d")})
        if extra or lost:
            report.broken.append(f"placeholders differ in {msgid!r}: {dict(wanted)} vs {text!r}")
        if _stray_percent(message, text):
            report.broken.append(f"lone '%' (write '%%') in {text!r}")


def check_catalogs(template: Catalog | None = None, langs: tuple[str, ...] = LOCALES) -> list[Report]:
    """Check every language's catalog against the strings of the current code."""
    template = template or extract_template()
    reports = []
    for lang in langs:
        report = Report(lang)
        path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            report.broken.append(f"no catalog at {path.relative_to(ROOT)}")
            reports.append(report)
            continue
        catalog = load_catalog(lang)
        if catalog.num_plurals != PLURAL_FORMS[lang]:
            report.broken.append(f"Plural-Forms header says {catalog.num_plurals} forms, {lang} needs "
                                 f"{PLURAL_FORMS[lang]}")
        for wanted in template:
            if not wanted.id:
                continue
            message = catalog.get(wanted.id, wanted.context)
            if message is None:
                report.missing.append(wanted.id[0] if wanted.pluralizable else wanted.id)
                continue
            check_message(lang, message, report)
        reports.append(report)
    return reports


def main(argv: list[str]) -> int:
    """Print the work left for translators; `--summary` prints one line per language."""
    reports = check_catalogs()
    status = 0
    for report in reports:
        problems = report.problems()
        status |= bool(problems)
        if "--summary" in argv:
            print(f"{report.lang}: {len(report.missing)} missing, {len(report.untranslated)} untranslated, "
                  f"{len(report.fuzzy)} fuzzy, {len(report.broken)} broken")
        else:
            print("\n".join(problems))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
