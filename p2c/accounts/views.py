"""Staff login and logout."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from p2c.accounts import services
from p2c.accounts.forms import LoginForm, PasswordChangeForm, SetPasswordForm
from p2c.core.enums import UserRole
from p2c.core.errors import render_error
from p2c.core.redirects import safe_target
from p2c.core.unit import attempt, commit, unit_of_work
from p2c.extensions import limiter

bp = Blueprint("accounts", __name__, template_folder="templates")


@bp.before_app_request
def _idle_timeout() -> None:
    """Signed-in sessions are permanent cookies re-issued on every request, so they end after
    PERMANENT_SESSION_LIFETIME of inactivity (Flask refuses an older signed cookie)."""
    if "_user_id" in session:
        session.permanent = True


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect to another host after login (p2c.core.redirects). Staff sign
    # in to work the queue: land there by default (the home page is the public's).
    landing = url_for("review.queue") if "review.queue" in current_app.view_functions else url_for("web.home")
    # A verifier has no queue: it lands on its assignments (p2c.verification).
    if (current_user.is_authenticated and current_user.role == UserRole.VERIFIER
            and "verification.index" in current_app.view_functions):
        landing = url_for("verification.index")
    return safe_target(target, landing)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: __import__("flask").current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        # Named exception to the unit of work (tests/test_architecture.py): the attempt and the lockout
        # counters are committed before the session is signed in. Login is the `sec` branch's.
        commit()
        if user is not None:
            session.permanent = True
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = [
            *form.password.errors,
            _("The e-mail address or password is not right, or the account is locked."),
        ]
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
@unit_of_work
def logout():
    """Sign out: this session and every copy of its cookie stop working (the user's session token
    changes on the server, see services.end_sessions), not only the cookie in this browser."""
    services.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("web.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@unit_of_work
def password():
    """Change my password; my other sessions end."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        with attempt() as done:
            user = services.change_password(current_user._get_current_object(), form.current.data, form.new.data)
        if done.error:
            getattr(form, done.error.field or "current").errors.append(done.error.message)
        else:
            login_user(user)  # this session carries on with the new session token
            flash(_("Your password is changed. Your other sessions are signed out."), "success")
            return redirect(url_for("accounts.password"))
    return render_template("accounts/password.html", form=form), 400 if form.errors else 200


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
@unit_of_work
def set_password(token: str):
    """An invited staff member chooses a password (the link works once and expires)."""
    user = services.read_invite_token(token)
    if user is None:
        return render_error(404, _("This link is not valid any more (it expired or was used). "
                                   "Ask an administrator for a new invitation."))
    form = SetPasswordForm()
    if form.validate_on_submit():
        with attempt() as done:
            services.accept_invitation(user, form.new.data)
        if done.error:
            form.new.errors.append(done.error.message)
        else:
            flash(_("Your password is set. Please sign in."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, user=user), 400 if form.errors else 200
