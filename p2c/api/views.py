"""Admin pages for API tokens (/admin/api-tokens): issue (the secret is shown once) and revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from p2c.api import queries, services
from p2c.api.forms import RevokeForm, TokenForm
from p2c.api.models import ApiToken
from p2c.core.auth import admin_required
from p2c.core.unit import unit_of_work
from p2c.extensions import db
from p2c.members.models import Organization

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens", template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@admin_required
@unit_of_work
def index():
    """The tokens, and the form to issue one."""
    form = TokenForm()
    if form.validate_on_submit():
        organization = db.session.get(Organization, form.organization_id.data)
        if organization is None or organization.merged_into_id is not None:
            form.organization_id.errors.append(_("No organization has this ID."))
        else:
            token, secret = services.issue_token(organization, form.name.data.strip(), current_user.id)
            # The secret exists only in this response: it is stored as a hash.
            return render_template("api/token_issued.html", token=token, secret=secret)
    return render_template("api/tokens.html", form=form, tokens=queries.tokens(), revoke_form=RevokeForm())


@bp.post("/<int:token_id>/revoke")
@admin_required
@unit_of_work
def revoke(token_id: int):
    """Revoke a token at once."""
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    services.revoke_token(token)
    flash(_("The token %(prefix)s… is revoked.", prefix=token.prefix), "success")
    return redirect(url_for(".index"))
