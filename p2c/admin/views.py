"""Admin pages (/admin): staff accounts and the global audit log. Admins only.

The reference records admins manage (calls, goals, pillars, rates, events) are in
reference_views.py, on the same blueprint. Nothing here edits or deletes audit events.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from p2c.accounts import services as accounts
from p2c.admin import queries
from p2c.admin.forms import ConfirmForm, InviteForm, RoleForm
from p2c.core.auth import admin_required
from p2c.core.enums import UserRole
from p2c.core.errors import ServiceError
from p2c.core.unit import attempt, unit_of_work
from p2c.web.hooks import LANGUAGE_NAMES

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.before_request
@admin_required
def _admins_only() -> None:
    """Every /admin page needs a signed-in administrator."""
    return None


@bp.get("/")
def index():
    """What admins manage."""
    return render_template("admin/index.html")


@bp.get("/staff")
def staff():
    """Staff accounts with their role and state."""
    return render_template("admin/staff.html", users=queries.staff(), role_form=RoleForm(formdata=None),
                           confirm_form=ConfirmForm(formdata=None), roles=UserRole.choices())


@bp.route("/staff/invite", methods=["GET", "POST"])
@unit_of_work
def invite():
    """Invite a staff member: an inactive account and an e-mail with a set-password link."""
    form = InviteForm()
    form.language.choices = [(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]]
    if form.validate_on_submit():
        with attempt() as done:
            accounts.invite_user(form.email.data, UserRole(form.role.data), form.name.data or "", form.language.data)
        if done.error:
            getattr(form, done.error.field or "email").errors.append(done.error.message)
        else:
            flash(_("Invitation sent to %(email)s.", email=form.email.data.strip().lower()), "success")
            return redirect(url_for("admin.staff"))
    return render_template("admin/invite.html", form=form), 400 if form.errors else 200


def _user_action(fn, *args) -> None:
    """Run one account service for a staff-page button (the view's unit of work commits it)."""
    with attempt() as done:
        fn(*args)
    if done.error is None:
        flash(_("Saved."), "success")
    elif done.error.status_code == 404:
        abort(404)
    else:
        flash(done.error.message, "error")


@bp.post("/staff/<int:user_id>/role")
@unit_of_work
def change_role(user_id: int):
    """Make a staff member reviewer or admin."""
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    _user_action(accounts.change_role, user_id, UserRole(form.role.data), current_user._get_current_object())
    return redirect(url_for("admin.staff"))


@bp.post("/staff/<int:user_id>/deactivate")
@unit_of_work
def deactivate(user_id: int):
    """Deactivate an account; its sessions end at once."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _user_action(accounts.set_active, user_id, False, current_user._get_current_object())
    return redirect(url_for("admin.staff"))


@bp.post("/staff/<int:user_id>/reinvite")
@unit_of_work
def reinvite(user_id: int):
    """Send a new set-password link to an inactive account (re-activates it once used)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _user_action(_reinvite, user_id)
    return redirect(url_for("admin.staff"))


def _reinvite(user_id: int) -> None:
    user = accounts._get_user(user_id)
    if user.active:
        raise ServiceError(_("This account is active; it needs no invitation."))
    accounts.send_invitation(user)


@bp.get("/audit")
def audit():
    """The global audit log, newest first, filtered by action, subject or actor."""
    filters = queries.AuditFilters.from_args(request.args)
    events, has_next = queries.audit_log(filters)
    return render_template("admin/audit.html", events=events, filters=filters, has_next=has_next,
                           choices=queries.audit_choices())
