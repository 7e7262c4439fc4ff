"""One rule for text: which characters no field keeps, for every form, the API, the import and the exports.

Unsafe characters (`UNSAFE`):
- control characters U+0000-U+001F except tab, line feed and carriage return, and U+007F-U+009F
  (DEL and the C1 controls): nobody types them; they arrive pasted from Word or a PDF. PostgreSQL
  refuses NUL, and XML 1.0 (section 2.2, production `Char`) cannot hold any C0 control but the
  three kept, so one U+000B in a name used to break the IATI file;
- Unicode bidirectional embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069 (UAX #9,
  section 2): they reorder what a reader sees ("Trojan Source", CVE-2021-42574). The marks U+200E,
  U+200F and U+061C, which right-to-left text legitimately needs, are kept;
- lone surrogates U+D800-U+DFFF and the noncharacters U+FFFE and U+FFFF (not XML `Char`s either).

How each channel applies the rule:
- forms and the write API REMOVE them (`clean_text`): they are invisible, so a person could not find
  them to delete them, and nothing they mean is lost. Single-line fields (names, titles, e-mail)
  also turn tabs and line breaks into spaces; multi-line fields keep them.
- the import REFUSES them with the position (`find_unsafe`), because an import stores a file exactly
  or says why not (re-importing an export must change nothing).
- exports remove them from stored text on output (`safe_text`), so data stored before this rule can
  never make a download fail half-way.
"""

from __future__ import annotations

import re
import unicodedata

UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n?")
_SINGLE_LINE_SPACE = re.compile(r"[\t\n]+")


def safe_text(value: str) -> str:
    """`value` without unsafe characters, otherwise unchanged (for output of stored text)."""
    return UNSAFE.sub("", value)


def find_unsafe(value: str) -> tuple[int, str] | None:
    """(0-based position, character) of the first unsafe character in `value`, or None."""
    found = UNSAFE.search(value)
    return (found.start(), found.group()) if found else None


def clean_text(value: object, *, multiline: bool = True) -> str:
    """Text as stored: Unicode NFC, unsafe characters removed, line breaks as '\\n', outer spaces stripped.

    With `multiline=False` (single-line fields), tabs and line breaks become one space each run.
    Markup is kept as typed (it is harmless text: templates escape it). None gives "".
    """
    if value is None:
        return ""
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", UNSAFE.sub("", str(value))))
    if not multiline:
        text = _SINGLE_LINE_SPACE.sub(" ", text)
    return text.strip()
