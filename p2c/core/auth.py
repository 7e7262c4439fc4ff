"""Access decorators for staff pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from p2c.core.enums import UserRole
from p2c.extensions import login


def role_required(*roles: UserRole) -> Callable:
    """Require a logged-in active staff user with one of `roles` (admin always passes)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login.unauthorized()
            if current_user.role != UserRole.ADMIN and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(UserRole.REVIEWER, UserRole.ADMIN)
admin_required = role_required(UserRole.ADMIN)
