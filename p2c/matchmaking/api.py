"""/api/v1/needs and /api/v1/needs/<id>: approved needs, public fields only (never the contact)."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from p2c.api.blueprint import bp, documented
from p2c.api.errors import error
from p2c.matchmaking import queries
from p2c.matchmaking.schemas import NeedPageSchema, PublicNeedSchema


@bp.get("/needs")
@documented("/needs", "get", summary="Approved country needs", tags=["needs"], responses={200: NeedPageSchema},
            description="`state=open|met` filters; `page` pages (50 a page). Contact data is never included.")
def list_needs():
    """Approved needs, newest first, one page."""
    state = request.args.get("state", "")
    state = state if state in ("open", "met") else ""
    value = request.args.get("page", "1")
    page = int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1
    needs, more = queries.public_needs(state, "", page)
    nxt = url_for("api.list_needs", state=state or None, page=page + 1, _external=True) if more else None
    return jsonify(NeedPageSchema().dump({"needs": needs, "next": nxt}))


@bp.get("/needs/<int:need_id>")
@documented("/needs/{id}", "get", summary="One approved country need", tags=["needs"],
            responses={200: PublicNeedSchema, 404: None})
def get_need(need_id: int):
    """One approved need."""
    need = queries.public_need(need_id)
    if need is None:
        return error(404, _("No approved need has this id."))
    return jsonify(PublicNeedSchema().dump(need))
