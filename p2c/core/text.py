"""Input cleaning shared by every form, schema and importer: text, web addresses, e-mail, phone.

Each rule returns the value as stored or raises ValueError with a message for the person who typed
it (translated), so an HTML form (`p2c.members.forms.apply_rule`), a marshmallow schema and the
importer all give the same answer for the same input.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _

# Lengths of the contact and web fields (RFC 5321 caps a path at 254 characters for e-mail).
WEBSITE_MAX = 300
EMAIL_MAX = 254
PHONE_MAX = 40

# Control characters other than tab and newlines: PostgreSQL refuses NUL, and none belong in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^[0-9+()./\- x]*$", re.IGNORECASE)
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9\u00a1-\uffff]([a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+"
                   r"[a-z\u00a1-\uffff]{2,63}$", re.IGNORECASE)


def clean_text(value: object) -> str:
    """Text as stored: Unicode NFC, control characters removed, outer whitespace stripped.

    Markup is kept as typed (it is harmless text: templates escape it); only characters no person
    types, and that some databases refuse (NUL), are dropped.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _CONTROL.sub("", text).replace("\r\n", "\n").strip()


def normalize_website(value: object) -> str:
    """A website as stored: 'example.org' becomes 'https://example.org'. Raises ValueError if it is not one."""
    text = clean_text(value)
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
    """A syntactically valid address (no DNS lookup), normalized; raises ValueError."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError(_("Enter a valid e-mail address, such as name@example.org.")) from None
