"""/api/v1/progress: the figures of the progress page, from the same code (p2c.reporting.queries)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from p2c.api.blueprint import bp, documented
from p2c.core.compress import not_modified, not_modified_response, pack, packed_response
from p2c.extensions import cache
from p2c.reporting import queries
from p2c.reporting.schemas import ProgressSchema


@bp.get("/progress")
@documented("/progress", "get", summary="Figures of the progress page", tags=["progress"],
            responses={200: ProgressSchema},
            description="Approved pledges only; non-additive breakdowns are marked `additive: false`.")
def progress():
    """The progress figures; 304 when the client's ETag matches the current data version."""
    token = queries.state_token(committed=True)  # a GET: nothing of its own to see
    etag = hashlib.sha1(token.encode(), usedforsecurity=False).hexdigest()
    if not_modified(etag):
        return not_modified_response(etag)
    key = f"progress-api-v3:{token}"  # v2: (plain, gzip) bytes; v3: figures split by level
    cached = cache.get(key)
    if cached is None:
        figures = queries.progress_figures()
        body = json.dumps(ProgressSchema().dump(figures), separators=(",", ":"), ensure_ascii=False)
        cached = (pack(body), figures["as_of"])
        cache.set(key, cached, ttl=24 * 3600)
    packed, as_of = cached
    response = packed_response(packed, "application/json", etag)
    response.last_modified = datetime.fromisoformat(as_of)
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response
