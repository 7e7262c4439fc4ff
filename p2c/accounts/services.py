"""Staff account writes: create users, check passwords, throttle failed logins. Never commits."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from p2c.accounts import notifications
from p2c.accounts.models import LoginThrottle, User
from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.enums import UserRole
from p2c.core.errors import NotFound, ServiceError
from p2c.extensions import db

_hasher = PasswordHasher()

# Sign-in back-off per e-mail and client address (authenticate): free tries, then 30 s, 60 s, ... 1 h.
FREE_FAILURES = 5
BACKOFF_FIRST_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
FORGET_AFTER = timedelta(days=1)
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """argon2id hash of a password."""
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    """True when the password matches the user's hash."""
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(email: str, password: str, role: UserRole, name: str = "") -> User:
    """Create a staff user; refuses a duplicate e-mail or a short password."""
    email = email.strip().lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(_("The password must have at least %(num)d characters.", num=MIN_PASSWORD_LENGTH),
                           field="password")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise ServiceError(_("A staff account with this e-mail address exists."), field="email")
    user = User(email=email, name=name, role=role, password_hash=hash_password(password),
                session_token=secrets.token_hex(8))
    db.session.add(user)
    db.session.flush()
    audit.record("create", "user", user.id, label=email, after={"email": email, "role": role.value})
    return user


def authenticate(email: str, password: str, ip: str) -> User | None:
    """Return the user when e-mail and password match, the account is active and this pair of
    e-mail and client address is not waiting out a back-off (see LoginThrottle); else None.

    Every call does exactly one argon2 verification (against a dummy hash when there is no account,
    the account is invited or deactivated, or the pair is waiting), so the answer time does not
    tell whether an account exists or is locked (OWASP Authentication Cheat Sheet). Failures are
    counted per e-mail and address; from the FREE_FAILURES-th on, that pair waits
    BACKOFF_FIRST_SECONDS, doubled at each further failure up to BACKOFF_MAX_SECONDS.
    """
    email = (email or "").strip().lower()[:254]
    ip = (ip or "")[:64]
    password = password or ""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    now = utcnow()
    throttle = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == email,
                                                             LoginThrottle.address == ip))
    subject_id = user.id if user is not None else None
    if throttle is not None and throttle.blocked_until is not None and throttle.blocked_until > now:
        _verify_dummy(password)
        audit.record("login_locked", "user", subject_id, label=email, actor_label=email)
        return None
    if user is not None and user.active and user.password_hash:
        accepted = check_password(user, password)
    else:
        accepted = _verify_dummy(password)
    if not accepted or user is None:
        _count_failure(throttle, email, ip, now)
        audit.record("login_failed", "user", subject_id, label=email, actor_label=email)
        return None
    if throttle is not None:
        db.session.delete(throttle)
    user.last_login_at = now
    audit.record("login", "user", user.id, label=email, actor_user_id=user.id, actor_label=email)
    return user


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_hex(16))


def _verify_dummy(password: str) -> bool:
    """The same argon2 work as checking a real password; always False."""
    try:
        _hasher.verify(_dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        pass
    return False


def backoff_seconds(failures: int) -> int:
    """How long a pair waits after its `failures`-th failure in a row (0 below FREE_FAILURES)."""
    if failures < FREE_FAILURES:
        return 0
    return min(BACKOFF_FIRST_SECONDS * 2 ** (failures - FREE_FAILURES), BACKOFF_MAX_SECONDS)


def _count_failure(throttle: LoginThrottle | None, email: str, ip: str, now) -> None:
    # Pairs quiet for a day start again from zero (and their rows go, so the table stays small).
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - FORGET_AFTER))
    if throttle is None or throttle.last_failure_at < now - FORGET_AFTER:
        throttle = LoginThrottle(email=email, address=ip, failures=0, last_failure_at=now)
        try:
            with db.session.begin_nested():  # two failures at the same moment: the second one updates
                db.session.add(throttle)
        except IntegrityError:
            throttle = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == email,
                                                                     LoginThrottle.address == ip))
            if throttle is None:  # pragma: no cover - the other row went between the two statements
                return
    throttle.failures += 1
    throttle.last_failure_at = now
    wait = backoff_seconds(throttle.failures)
    throttle.blocked_until = now + timedelta(seconds=wait) if wait else None
    db.session.flush()


def load_user(session_id: str) -> User | None:
    """Flask-Login user loader: '<id>:<session token>'."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


# --- password change, invitations, roles, deactivation -------------------------------------------

INVITE_SALT = "p2c-staff-invite"
INVITE_MAX_AGE_DAYS = 7


def _new_session_token() -> str:
    return secrets.token_hex(8)


def _check_new_password(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(_("The password must have at least %(num)d characters.", num=MIN_PASSWORD_LENGTH),
                           field=field)


def change_password(user: User, current: str, new: str) -> User:
    """Change a user's password after checking the current one; other sessions end."""
    if not check_password(user, current or ""):
        raise ServiceError(_("The current password is not right."), field="current")
    _check_new_password(new, "new")
    user.password_hash = hash_password(new)
    user.session_token = _new_session_token()
    db.session.flush()
    audit.record("password_change", "user", user.id, label=user.email)
    return user


def _invite_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITE_SALT)


def make_invite_token(user: User) -> str:
    """A signed set-password token for one user; it stops working once used (session token changes)."""
    return _invite_serializer().dumps({"u": user.id, "s": user.session_token})


def read_invite_token(token: str) -> User | None:
    """The invited user, or None when the token is invalid, expired or already used."""
    try:
        data = _invite_serializer().loads(token, max_age=INVITE_MAX_AGE_DAYS * 24 * 3600)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, int(data.get("u", 0)))
    if user is None or user.session_token != data.get("s"):
        return None
    return user


def invite_user(email: str, role: UserRole, name: str = "", language: str = "en") -> User:
    """Create an inactive staff account and e-mail it a link to set its password."""
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise ServiceError(_("A staff account with this e-mail address exists."), field="email")
    user = User(email=email, name=name, role=role, password_hash="", active=False, language=language,
                session_token=_new_session_token())
    db.session.add(user)
    db.session.flush()
    audit.record("invite", "user", user.id, label=email, after={"email": email, "role": role.value, "name": name})
    send_invitation(user)
    return user


def send_invitation(user: User) -> None:
    """(Re)send the set-password link; any earlier link stops working."""
    user.session_token = _new_session_token()
    db.session.flush()
    notifications.staff_invitation(user, make_invite_token(user), INVITE_MAX_AGE_DAYS)


def accept_invitation(user: User, password: str) -> User:
    """Set the invited user's password and activate the account (the link is then used up)."""
    _check_new_password(password)
    user.password_hash = hash_password(password)
    user.active = True
    user.session_token = _new_session_token()
    db.session.flush()
    audit.record("set_password", "user", user.id, label=user.email, actor_user_id=user.id, actor_label=user.email,
                 after={"active": True})
    return user


def change_role(user_id: int, role: UserRole, actor: User | None = None) -> User:
    """Make a user reviewer or admin. An admin cannot demote themself (someone must stay admin)."""
    user = _get_user(user_id)
    if actor is not None and actor.id == user.id and role != user.role:
        raise ServiceError(_("You cannot change your own role."), field="role")
    before = user.role.value
    user.role = role
    db.session.flush()
    audit.record("change_role", "user", user.id, label=user.email, before={"role": before},
                 after={"role": role.value})
    return user


def set_active(user_id: int, active: bool, actor: User | None = None) -> User:
    """Deactivate (every session ends at once) or reactivate a staff account."""
    user = _get_user(user_id)
    if actor is not None and actor.id == user.id and not active:
        raise ServiceError(_("You cannot deactivate your own account."))
    before = user.active
    user.active = active
    user.session_token = _new_session_token()  # ends their sessions (see load_user)
    db.session.flush()
    audit.record("deactivate" if not active else "reactivate", "user", user.id, label=user.email,
                 before={"active": before}, after={"active": active})
    return user


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session cookie issued so far names the old session token,
    so load_user refuses it, copies included (a signed cookie cannot be recalled from the browser)."""
    user.session_token = _new_session_token()
    db.session.flush()
    audit.record("logout", "user", user.id, label=user.email, actor_user_id=user.id, actor_label=user.email)


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("This staff account does not exist."))
    return user
