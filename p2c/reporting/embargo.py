"""The end of an embargo, seen by the web processes: a pledge "to be announced" becomes public at
its announcement time (`p2c.pledges.visibility`), with no write at that moment. Every public query
checks the time itself; only the rollups (what /progress, the facet counts and the widgets read)
need the pledge counted. The worker does it every WORKER_EMBARGO_SECONDS; each web process also
looks at most every EMBARGO_RELEASE_SECONDS before a request, so the figures follow within seconds
even without a worker. The look is one indexed query; the write happens once per announced pledge.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from p2c.core.unit import unit_of_work
from p2c.extensions import db
from p2c.reporting import projection

_NEXT = "p2c_embargo_next_look"


@unit_of_work
def _release() -> int:
    return projection.release_due()


# Probes and files answer without looking (a probe must not depend on anything but what it checks).
_SKIP = ("static", "web.healthz", "web.readyz", "metrics.prometheus")


def _anything_due() -> bool:
    """One indexed query on a connection of its own: a database that is away or not migrated yet
    leaves the request's session untouched, and the request's own view answers for it."""
    try:
        with db.engine.connect() as connection:
            return connection.execute(projection.due_for_release_query().limit(1)).first() is not None
    except SQLAlchemyError:
        return False


def look_before_request() -> None:
    """Count announced pledges in the rollups if any became public since the last look."""
    if request.endpoint in _SKIP:
        return
    app = current_app._get_current_object()
    now = time.monotonic()
    if now < app.extensions.get(_NEXT, 0.0):
        return
    app.extensions[_NEXT] = now + app.config.get("EMBARGO_RELEASE_SECONDS", 5)
    if _anything_due():
        _release()


def init_app(app: Flask) -> None:
    """Register the look (called by the app factory)."""
    app.before_request(look_before_request)
