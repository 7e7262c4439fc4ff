"""Home page, health checks and the robots file."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import text

from p2c.core.i18n import catalog_problems
from p2c.extensions import db
from p2c.web import queries

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    """What P2C is, with the headline figures and the ways in."""
    return render_template("web/home.html", stats=queries.home_stats())


@bp.get("/privacy")
def privacy():
    """The privacy notice: what is collected, why, for how long, who sees contact data, deletion."""
    return render_template("web/privacy.html", contact_email=current_app.config["CONTACT_EMAIL"])


@bp.get("/contact")
def contact():
    """How to reach the coalition team."""
    return render_template("web/contact.html", contact_email=current_app.config["CONTACT_EMAIL"])


@bp.get("/healthz")
def healthz():
    """The process is up (no database access)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready to serve: the database answers and every language's catalog is compiled and current.

    200 {"status": "ok", "database": "ok", "catalogs": "ok"}; else 503 with "database": "unreachable"
    and/or "catalogs": [one reason per language] (a load balancer keeps such a node out).
    """
    body: dict = {"status": "ok", "database": "ok", "catalogs": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        current_app.logger.warning("readyz: %s", exc)
        # Named exception to the unit of work: a probe writes nothing; this only resets the session.
        db.session.rollback()
        body.update(status="unavailable", database="unreachable")
    problems = catalog_problems()
    if problems:
        current_app.logger.warning("readyz: %s", "; ".join(problems))
        body.update(status="unavailable", catalogs=problems)
    return jsonify(body), 200 if body["status"] == "ok" else 503
