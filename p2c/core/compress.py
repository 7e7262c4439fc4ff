"""Cached, pre-compressed response bodies for the hot public reads (/progress, /api/v1/progress).

The progress page is about 120 KB of HTML: encoding and sending it cost more than finding it in the
cache. So the cache keeps it as bytes, plain and gzip-compressed, and a client that accepts gzip (every
browser does) gets the small copy without any work per request. The gzip variant has its own ETag
(suffix "-gzip", as Apache does) because a strong validator names one exact representation.
"""

from __future__ import annotations

import gzip

from flask import Response, request

GZIP_SUFFIX = "-gzip"


def pack(text: str) -> tuple[bytes, bytes]:
    """The body as UTF-8 bytes and its gzip-compressed copy."""
    raw = text.encode("utf-8")
    return raw, gzip.compress(raw, compresslevel=6, mtime=0)


def not_modified(etag: str) -> bool:
    """True when the client already holds either representation of `etag`."""
    return request.if_none_match.contains(etag) or request.if_none_match.contains(etag + GZIP_SUFFIX)


def packed_response(packed: tuple[bytes, bytes], mimetype: str, etag: str) -> Response:
    """A response with the plain or the gzip body, depending on the client's Accept-Encoding."""
    raw, compressed = packed
    if request.accept_encodings["gzip"] > 0:
        response = Response(compressed, mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(etag + GZIP_SUFFIX)
    else:
        response = Response(raw, mimetype=mimetype)
        response.set_etag(etag)
    response.vary.add("Accept-Encoding")
    return response


def not_modified_response(etag: str) -> Response:
    """304 for a client whose copy is current."""
    response = Response(status=304)
    response.set_etag(etag + GZIP_SUFFIX if request.if_none_match.contains(etag + GZIP_SUFFIX) else etag)
    response.vary.add("Accept-Encoding")  # a 304 carries the Vary of the 200 it stands for
    return response
