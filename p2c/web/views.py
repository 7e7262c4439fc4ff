"""Home page, health checks and the robots file."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import text

from p2c.extensions import db
from p2c.web import queries

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    """What P2C is, with the headline figures and the ways in."""
    return render_template("web/home.html", stats=queries.home_stats())


@bp.get("/healthz")
def healthz():
    """The process is up (no database access)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """The database is reachable; 503 when it is not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        current_app.logger.warning("readyz: %s", exc)
        # Named exception to the unit of work: a probe writes nothing; this only resets the session.
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
