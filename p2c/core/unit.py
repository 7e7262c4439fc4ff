"""One commit per request, and work that must wait until the commit succeeded.

Services queue side effects (send mail, drop a cache entry) with `after_commit(fn)`; the view
calls `commit()` once, which commits and then runs them. If the commit fails nothing runs, so no
e-mail is ever sent about a change that was not saved.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g, has_app_context

from p2c.extensions import db

_KEY = "_p2c_after_commit"


def after_commit(fn: Callable[[], None]) -> None:
    """Run fn after the current unit of work commits (once per distinct function)."""
    if not has_app_context():  # pragma: no cover - services always run inside an app
        return
    pending: list = g.setdefault(_KEY, [])
    if fn not in pending:
        pending.append(fn)


def commit() -> None:
    """Commit the session, then run the queued after-commit callbacks."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        g.pop(_KEY, None)
        raise
    for fn in g.pop(_KEY, []):
        fn()


def rollback() -> None:
    """Roll back and forget queued callbacks."""
    db.session.rollback()
    if has_app_context():
        g.pop(_KEY, None)
