"""Staff users of the back-office."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from p2c.core.db import TimestampMixin
from p2c.core.enums import UserRole
from p2c.extensions import db


class User(UserMixin, TimestampMixin, db.Model):
    """A member of the coalition team (reviewer or admin)."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[UserRole] = mapped_column(
        db.Enum(UserRole, name="user_role", native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e]),
        default=UserRole.REVIEWER,
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Bumped at sign-out, password change or deactivation so that every earlier session cookie (and any
    # copy of it) stops working: load_user compares it with the one the cookie names.
    session_token: Mapped[str] = mapped_column(String(64), default="")

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    @property
    def is_admin(self) -> bool:
        """True for administrators."""
        return self.role == UserRole.ADMIN

    def get_id(self) -> str:
        """Session identifier: id plus the session token, so a reset logs everyone out."""
        return f"{self.id}:{self.session_token}"


class LoginThrottle(db.Model):
    """Failed sign-ins of one e-mail address from one client address, and until when that pair waits.

    Keyed by the pair, not the account: guessing from one address slows down only that address, so
    nobody can lock the team out of their accounts by failing on purpose. Rows exist for unknown
    addresses too, so that the answer never tells whether an account exists.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("email", "address", name="uq_login_throttle_email_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))  # as typed, lower-cased
    address: Mapped[str] = mapped_column(String(64))  # client IP address
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime)
