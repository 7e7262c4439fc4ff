"""Access decorators for staff pages.

A focal point holds no account: their private link opens their own records (p2c.access marks the
browser session when it does). Staff pages answer such a visitor 403 rather than the login page,
because there is no login that would let them in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, g, request, session
from flask_babel import gettext as _
from flask_login import current_user

from p2c.core.enums import UserRole
from p2c.core.errors import render_error
from p2c.core.tokens import InvalidToken, read_token
from p2c.extensions import login

# Their answers are the same for everyone (no staff bar, no personal data): cacheable even for staff.
PUBLIC_DATA_BLUEPRINTS = ("api", "opendata")

# Set in the browser session when a private link opened a record (p2c.access).
PRIVATE_LINK_SESSION_KEY = "p2c_private_link"


def mark_private() -> None:
    """Say that this response is for one person only: p2c.web.hooks sends it with
    `Cache-Control: no-store`, so no browser history, back button or shared proxy keeps a copy."""
    g.p2c_private = True


def is_private_response() -> bool:
    """True for a response that must never be stored: a staff page (role_required ran), a private
    link or invitation (a `token` in the route or the query), the sign-in pages, any page seen by a
    signed-in staff member (it carries their name and tools; not the API and open-data files, which
    are the same for everyone), or one a view marked with mark_private()."""
    if g.get("p2c_private") or request.blueprint == "accounts":
        return True
    if "token" in (request.view_args or {}) or "token" in request.args:
        return True
    if request.blueprint in PUBLIC_DATA_BLUEPRINTS:
        return False  # open data and the API answer everyone the same, signed in or not
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - the user could not be loaded (database away): err on the private side
        return True


def mark_private_link_session() -> None:
    """Remember that this browser followed a focal point's private link."""
    if not session.get(PRIVATE_LINK_SESSION_KEY):
        session[PRIVATE_LINK_SESSION_KEY] = True


def is_focal_point_request() -> bool:
    """True when the request comes from a focal point: a private-link session or a valid token in the URL."""
    if session.get(PRIVATE_LINK_SESSION_KEY):
        return True
    token = request.args.get("token", "")
    if not token or len(token) > 1000:
        return False
    try:
        read_token(token)
    except InvalidToken:
        return False
    return True


def role_required(*roles: UserRole) -> Callable:
    """Require a logged-in active staff user with one of `roles` (admin always passes).

    Anonymous visitors go to the login page, except focal points, who get 403.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            mark_private()  # allowed or not, the answer is not for a cache
            if not current_user.is_authenticated:
                if is_focal_point_request():
                    return render_error(403, _("This page is for the coalition team. Your private link opens "
                                               "only your own submissions."))
                return login.unauthorized()
            if current_user.role != UserRole.ADMIN and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(UserRole.REVIEWER, UserRole.ADMIN)
admin_required = role_required(UserRole.ADMIN)
