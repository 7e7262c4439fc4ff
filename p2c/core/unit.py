"""One unit of work per request, done for the view: commit when it returns, roll back when it fails.

Views and API handlers that write are decorated with `@unit_of_work` (the role of Indico's
`RH.process`): the decorator commits once when the view returns, rolls back on any exception, and
then runs the work queued with `after_commit(fn)` (mail, cache invalidation). If the commit fails
nothing queued runs, so no e-mail is ever sent about a change that was not saved. Views never call
commit or rollback themselves (tests/test_architecture.py checks it).

A view calls its one service inside `with attempt(form) as done:`. A `ServiceError` raised there
is caught: the transaction is rolled back at once (nothing is saved, and the page re-rendered
after it shows the stored state), the error is put next to the form field it names (or on the
form), and `done.error` tells the view to show it. The decorator then commits nothing.

`commit()` and `rollback()` remain for command-line commands and tests, which are their own unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import g, has_app_context
from sqlalchemy.exc import IntegrityError

from p2c.core.errors import ServiceError
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
    """Commit the session, then run the queued after-commit callbacks (CLI commands and tests)."""
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


def unit_of_work(view: Callable | None = None, *,
                 on_integrity_error: Callable[..., Any] | None = None) -> Callable:
    """Decorate a view or API handler: commit once when it returns, roll back if it raises.

    `on_integrity_error(*args, **kwargs)` (same arguments as the view) answers instead of the view
    when a flush or the commit breaks a unique constraint (the transaction is rolled back by then): the same
    form or Idempotency-Key sent twice at the same moment, where the first request won and the
    second shows what the first stored. When it returns None, or without it, the IntegrityError
    propagates (a 500: a bug of ours).
    """

    def decorate(fn: Callable) -> Callable:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                try:
                    response = fn(*args, **kwargs)
                except BaseException:
                    rollback()
                    raise
                commit()
            except IntegrityError:
                # Raised at a flush inside the view or at the commit; rolled back either way.
                answer = on_integrity_error(*args, **kwargs) if on_integrity_error is not None else None
                if answer is None:
                    raise
                return answer
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


@dataclass
class Attempt:
    """The outcome of a service call made under `attempt`: `error` is the refusal, if any."""

    error: ServiceError | None = None

    @property
    def status(self) -> int:
        """HTTP status for the page that shows the refusal (a refusal naming a field is 422)."""
        if self.error is None:
            return 200
        return 422 if self.error.status_code == 400 else self.error.status_code


def put_on_form(form: Any, exc: ServiceError) -> None:
    """Show a service's refusal next to the field it names, or at the top of the form."""
    if exc.field and exc.field in form:
        form[exc.field].errors = [*form[exc.field].errors, exc.message]
    else:
        form.form_errors.append(exc.message)


@contextmanager
def attempt(form: Any = None) -> Iterator[Attempt]:
    """Run the view's service call; a ServiceError rolls everything back at once and is reported in
    the returned `Attempt` (and on `form`, when given) instead of propagating."""
    outcome = Attempt()
    try:
        yield outcome
    except ServiceError as exc:
        rollback()
        outcome.error = exc
        if form is not None:
            put_on_form(form, exc)
