"""The directory page (/pledges) for anonymous readers, cached whole, like /progress.

Key: the reader's language, the full request URL (the page repeats it: `og:url`, the language links,
the chips and the pager keep every parameter) and `queries.page_state` (the data version, the latest
embargo end already past) plus the day (the reporting-status filter moves with the calendar). Every
approval or public edit moves the data version, so a cached page is never older than the data.

Only readers with nothing of their own in the session are served from it: a signed-in member of the
team sees the staff bar, a reader with a flashed message sees it. The one per-reader thing an anonymous
page holds is the CSRF token of the follow box (a focus-area filter): the page is stored in parts
around it and the reader's own token goes in between on the way out, still compressed (`_splice`).
Pages are kept gzip-compressed in a bounded store of their own (`p2c.core.pagecache`), so a crawl of
many URLs costs a fixed amount of memory and evicts nothing else; P2C_DIRECTORY_PAGE_CACHE_MB=0 turns
it off (the benchmark's "render every time").
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import zlib

from flask import Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from p2c.core.compress import not_modified, not_modified_response, packed_response
from p2c.core.i18n import current_language
from p2c.core.pagecache import PageCache
from p2c.pledges import queries
from p2c.pledges.visibility import now

pages = PageCache()
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
    body, parts = found
    if parts is None:
        if not_modified(key):
            return not_modified_response(key)
        raw = gzip.decompress(body) if request.accept_encodings["gzip"] <= 0 else b""
        return packed_response((raw, body), "text/html", key)
    # The reader's own token: no shared validator.
    compressed = _splice(body, parts, generate_csrf().encode())
    if request.accept_encodings["gzip"] > 0:
        response = Response(compressed, mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(gzip.decompress(compressed), mimetype="text/html")
    response.vary.add("Accept-Encoding")
    return response


def store(key: str, html: str) -> None:
    """Keep a page just rendered for `key`, unless rendering put something of the reader's in the session."""
    if not _anonymous():
        return
    token = g.get("csrf_token")
    if token and token in html:
        body, parts = _split(html.encode(), token.encode())
        pages.put(key, body, parts)
    else:
        pages.put(key, gzip.compress(html.encode(), compresslevel=6, mtime=0), None)


# -- a page with a per-reader token, kept compressed -------------------------------------------------
# The page is stored as the raw-deflate streams of the text around the token, each ending on a byte
# boundary (a sync flush; the last one final), with each part's CRC-32 and length. A response is the
# gzip header, the parts with the reader's token deflated between them, and the trailer: the CRC-32 of
# the whole text is combined from the parts' (CRC-32 is affine in its start value: shifting a CRC over
# n bytes is a 32x32 bit matrix, stored per part as its 32 columns). No 40 KB page is compressed per
# request, and a stream from independent compressors is valid deflate: none refers back past its start.

_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, mtime 0, OS unknown


def _deflate(data: bytes, final: bool, level: int = 6) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)


def _shift_columns(length: int) -> tuple[int, ...]:
    """The linear map c -> crc32(n bytes, start c) ^ crc32(n bytes, start 0), as the images of 1 << i."""
    zeros = bytes(length)
    base = zlib.crc32(zeros, 0)
    return tuple(zlib.crc32(zeros, 1 << i) ^ base for i in range(32))


def _shift(crc: int, columns: tuple[int, ...]) -> int:
    out, bit = 0, 0
    while crc:
        if crc & 1:
            out ^= columns[bit]
        crc >>= 1
        bit += 1
    return out


def _split(raw: bytes, token: bytes) -> tuple[bytes, tuple]:
    """(the parts' deflate streams joined, ((end offset, crc32, length, shift columns) per part))."""
    texts = raw.split(token)
    streams, parts, end = [], [], 0
    for i, text in enumerate(texts):
        stream = _deflate(text, final=i == len(texts) - 1)
        end += len(stream)
        streams.append(stream)
        parts.append((end, zlib.crc32(text), len(text), _shift_columns(len(text))))
    return b"".join(streams), tuple(parts)


def _splice(body: bytes, parts: tuple, token: bytes) -> bytes:
    """The gzip member of the stored text with `token` where the reader's token goes."""
    out, crc, size, start = [_GZIP_HEADER], 0, 0, 0
    for i, (end, part_crc, length, columns) in enumerate(parts):
        if i:
            out.append(_deflate(token, final=False, level=1))
            crc, size = zlib.crc32(token, crc), size + len(token)
        out.append(body[start:end])
        crc, size, start = _shift(crc, columns) ^ part_crc, size + length, end
    out.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(out)
