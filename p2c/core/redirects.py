"""The one rule for redirecting to a target the visitor supplied (`?next=` after login, the review
queue's "back to the list").

Browsers are lenient with a Location header: they drop tabs and newlines (`/\\t/evil.example` becomes
`//evil.example`, another host), read a backslash as a slash (`/\\evil.example`), and Werkzeug refuses
a newline in a header outright (a 500). So a target is followed only when it is plainly a path on
this site: it starts with one "/", has no scheme or host, and contains no whitespace, control,
invisible formatting character or backslash. Anything else goes to the fallback (OWASP "Unvalidated
Redirects and Forwards": allow-list local paths).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_TARGET_LENGTH = 2000


def _plain(target: str) -> bool:
    for char in target:
        if char == "\\" or char.isspace() or unicodedata.category(char)[0] in ("C", "Z"):
            return False
    return True


def safe_target(target: str | None, fallback: str, *, prefix: str = "/") -> str:
    """`target` when it is a local path starting with `prefix`, else `fallback`.

    `target` is the decoded value of a query or form field; `prefix` narrows the allowed paths
    (the review queue accepts only "/review"). Never raises.
    """
    if not isinstance(target, str) or not target or len(target) > MAX_TARGET_LENGTH:
        return fallback
    if not target.startswith("/") or target.startswith("//") or not _plain(target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith(prefix):
        return fallback
    return target
