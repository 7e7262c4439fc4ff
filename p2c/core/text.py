"""Input cleaning shared by every form, schema and importer: text, web addresses, e-mail, phone.

Each rule returns the value as stored or raises ValueError with a message for the person who typed
it (translated), so an HTML form (`p2c.members.forms.apply_rule`), a marshmallow schema and the
importer all give the same answer for the same input.

The text rule (which characters no field keeps, for every form, the API, the import and the exports):

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

from flask_babel import gettext as _

# Lengths of the contact and web fields (RFC 5321 caps a path at 254 characters for e-mail).
WEBSITE_MAX = 300
EMAIL_MAX = 254
PHONE_MAX = 40

_PHONE = re.compile(r"^[0-9+()./\- x]*$", re.IGNORECASE)
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9\u00a1-\uffff]([a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+"
                   r"[a-z\u00a1-\uffff]{2,63}$", re.IGNORECASE)
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


def normalize_website(value: object) -> str:
    """A website as stored: 'example.org' becomes 'https://example.org'. Raises ValueError if it is not one."""
    text = clean_text(value, multiline=False)
    if not text:
        return ""
    if not re.match(r"^https?://", text, re.IGNORECASE):
        if "://" in text:
            raise ValueError(_("Enter a web address starting with http:// or https://."))
        text = "https://" + text
    host = re.sub(r"^https?://", "", text, flags=re.IGNORECASE).split("/", 1)[0].split(":", 1)[0]
    if not _HOST.match(host) or any(ch.isspace() for ch in text) or len(text) > WEBSITE_MAX:
        raise ValueError(_("Enter a web address such as https://example.org."))
    return text


def check_phone(value: str) -> None:
    """Digits, spaces and + ( ) . - / x only."""
    if value and (not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 4):
        raise ValueError(_("Enter a phone number with digits, for example +41 22 730 5111."))


def check_email(value: str) -> str:
    """An address the platform can deliver to, normalized; raises ValueError with the message to show.

    Syntax only (no DNS lookup: it would fail on a slow or offline line), by email-validator. The
    mail goes out through a plain SMTP relay, which cannot carry an internationalized local part
    (RFC 6531 SMTPUTF8), so such an address is refused with its own message rather than accepted and
    never delivered. An internationalized domain is kept in its ASCII (IDNA) form, which every relay
    delivers: 'ana@bücher.example' is stored as 'ana@xn--bcher-kva.example'.
    """
    from email_validator import EmailNotValidError, EmailSyntaxError, validate_email

    try:
        return validate_email(value, check_deliverability=False, allow_smtputf8=False).ascii_email
    except EmailSyntaxError:
        if value.isascii() or "@" not in value:
            raise ValueError(_("Enter a valid e-mail address, such as name@example.org.")) from None
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            raise ValueError(_("Enter a valid e-mail address, such as name@example.org.")) from None
        raise ValueError(_("We cannot send e-mail to an address with accented or non-Latin letters before "
                           "the @. Please give another address, for example one with Latin letters only.")) from None
    except EmailNotValidError:
        raise ValueError(_("Enter a valid e-mail address, such as name@example.org.")) from None
