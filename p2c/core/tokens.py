"""Signed, expiring private links for focal points (itsdangerous).

A token names one record (kind + id) and the contact e-mail it was sent to; it opens that record
only. Tokens expire after ACCESS_LINK_MAX_AGE_DAYS (30 by default).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "p2c-focal-point-access"


@dataclass(frozen=True)
class AccessGrant:
    """What a valid token opens."""

    kind: str  # "pledge" or "eoi"
    record_id: int
    email: str
    lang: str = ""  # the language of the e-mail that carried the link ("" when not given)


class InvalidToken(Exception):
    """The link is malformed, tampered with, or expired (`expired` tells which)."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(kind: str, record_id: int, email: str, lang: str | None = None) -> str:
    """A signed token for one record; `lang` (a UI language code) is the language its pages open in."""
    payload: dict[str, object] = {"k": kind, "i": record_id, "e": email.lower()}
    if lang:
        payload["l"] = lang
    return _serializer().dumps(payload)


def read_token(token: str, max_age_days: int | None = None) -> AccessGrant:
    """Verify a token; raises InvalidToken."""
    days = max_age_days if max_age_days is not None else current_app.config["ACCESS_LINK_MAX_AGE_DAYS"]
    try:
        data = _serializer().loads(token, max_age=days * 24 * 3600)
    except SignatureExpired as exc:
        raise InvalidToken(expired=True) from exc
    except BadSignature as exc:
        raise InvalidToken() from exc
    if not isinstance(data, dict) or not {"k", "i", "e"} <= set(data):
        raise InvalidToken()
    return AccessGrant(kind=str(data["k"]), record_id=int(data["i"]), email=str(data["e"]),
                       lang=str(data.get("l", "")))


def token_language(token: str) -> str:
    """The language a private link was mailed in, or "" (unsigned, tampered or without one).

    Only the signature is checked, not the age: an expired link still opens its "expired" page in
    the language of the e-mail.
    """
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return ""
    return str(data.get("l", "")) if isinstance(data, dict) else ""


def private_link(kind: str, record_id: int, email: str, path: str = "", lang: str | None = None) -> str:
    """The absolute URL of a focal point's private page, `<P2C_BASE_URL>/my/<token><path>`.

    `lang` (the language the e-mail is written in) is signed into the token: every page under the link
    opens in that language unless the reader chose another one on this site (`?lang=` or its cookie;
    `p2c.core.i18n.select_locale`). It is not a query string, so a path can still be appended.

    The one link builder for every e-mail: always the configured public base URL, never the host of
    the request that happens to send the mail (a back-office request may come in through an internal
    name, and a reminder has no request at all). `path` opens a page under the link, e.g.
    "/reports/<ref>".
    """
    token = make_token(kind, record_id, email, lang)
    return f"{current_app.config['BASE_URL'].rstrip('/')}/my/{token}{path}"


def absolute_url(path: str) -> str:
    """`path` (starting with /) under the configured public base URL (P2C_BASE_URL), for e-mails."""
    return current_app.config["BASE_URL"].rstrip("/") + path
