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


class InvalidToken(Exception):
    """The link is malformed, tampered with, or expired (`expired` tells which)."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(kind: str, record_id: int, email: str) -> str:
    """A signed token for one record."""
    return _serializer().dumps({"k": kind, "i": record_id, "e": email.lower()})


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
    return AccessGrant(kind=str(data["k"]), record_id=int(data["i"]), email=str(data["e"]))


def private_link(kind: str, record_id: int, email: str, path: str = "", lang: str | None = None) -> str:
    """The absolute URL of a focal point's private page, `<P2C_BASE_URL>/my/<token><path>`.

    `lang` (the language the e-mail is written in) opens the page in that language (`?lang=`), whatever
    the reader's browser asks for.

    The one link builder for every e-mail: always the configured public base URL, never the host of
    the request that happens to send the mail (a back-office request may come in through an internal
    name, and a reminder has no request at all). `path` opens a page under the link, e.g.
    "/reports/<ref>".
    """
    token = make_token(kind, record_id, email)
    query = f"{'&' if '?' in path else '?'}lang={lang}" if lang else ""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/my/{token}{path}{query}"


def absolute_url(path: str) -> str:
    """`path` (starting with /) under the configured public base URL (P2C_BASE_URL), for e-mails."""
    return current_app.config["BASE_URL"].rstrip("/") + path
