"""The directory page (/pledges) for anonymous readers, cached whole, like /progress.

Key: the reader's language, the full request URL (the page repeats it: `og:url`, the language links,
the chips and the pager keep every parameter) and `queries.page_state` (the data version, the latest
embargo end already past) plus the day (the reporting-status filter moves with the calendar). Every
approval or public edit moves the data version, so a cached page is never older than the data.

Only readers with nothing of their own in the session are served from it: a signed-in member of the
team sees the staff bar, a reader with a flashed message sees it. The one per-reader thing an anonymous
page holds is the CSRF token of the follow box (a focus-area filter): it is stored as a marker and the
reader's own token goes in on the way out. Pages are kept gzip-compressed in a bounded store of their
own (`p2c.core.pagecache`), so a crawl of many URLs costs a fixed amount of memory and evicts nothing
else; P2C_DIRECTORY_PAGE_CACHE_MB=0 turns it off (the benchmark's "render every time").
"""

from __future__ import annotations

import gzip
import hashlib
import secrets

from flask import Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from p2c.core.compress import not_modified, not_modified_response, packed_response
from p2c.core.i18n import current_language
from p2c.core.pagecache import PageCache
from p2c.pledges import queries
from p2c.pledges.visibility import now

pages = PageCache()
# Stands for the reader's CSRF token in a stored page: random per process, so no text can forge it.
_MARKER = f"\x00csrf-{secrets.token_hex(16)}\x00"
# Session keys an anonymous reader may have: the CSRF token, and Flask-Login's "_fresh" flag (False),
# which its session protection sets for anyone; a signed-in user has "_user_id", a message "_flashes".
_ANONYMOUS_SESSION = frozenset({"csrf_token", "_fresh"})


def _anonymous() -> bool:
    """Nothing in the session but (perhaps) a CSRF token, and no private-link token in the URL."""
    return set(session.keys()) <= _ANONYMOUS_SESSION and "token" not in request.args


def page_key() -> str | None:
    """The cache key of this request's page, or None when the reader may not share one."""
    budget = current_app.config.get("DIRECTORY_PAGE_CACHE_MB", 16)
    if not budget or not _anonymous():
        return None
    pages.max_bytes = budget * 1024 * 1024
    moment = now()
    raw = f"{current_language()}\n{queries.page_state(moment)}\n{moment.date().isoformat()}\n{request.url!r}"
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


def cached_response(key: str) -> Response | None:
    """The stored page as a response (304 when the client holds it), or None."""
    found = pages.get(key)
    if found is None:
        return None
    compressed, has_token = found
    if not has_token:
        if not_modified(key):
            return not_modified_response(key)
        raw = gzip.decompress(compressed) if request.accept_encodings["gzip"] <= 0 else b""
        return packed_response((raw, compressed), "text/html", key)
    # The reader's own token: no shared validator, and compressed again (fast level, ~0.3 ms).
    html = gzip.decompress(compressed).replace(_MARKER.encode(), generate_csrf().encode())
    if request.accept_encodings["gzip"] > 0:
        response = Response(gzip.compress(html, compresslevel=1, mtime=0), mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(html, mimetype="text/html")
    response.vary.add("Accept-Encoding")
    return response


def store(key: str, html: str) -> None:
    """Keep a page just rendered for `key`, unless rendering put something of the reader's in the session."""
    if not _anonymous():
        return
    token = g.get("csrf_token")
    has_token = bool(token) and token in html
    if has_token:
        html = html.replace(token, _MARKER)
    pages.put(key, gzip.compress(html.encode(), compresslevel=6, mtime=0), has_token)
