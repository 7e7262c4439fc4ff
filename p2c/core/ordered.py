"""Calls run one after the other in one background thread, in the order they were handed over (issue 19).

The open-data writer hands each page of bytes to a thread that writes, hashes or deflates it (calls that
release the GIL: file writes, SHA-256, deflate), while its own thread joins the next page: on a 2-core
machine the two then overlap instead of taking turns.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class OrderedThread:
    """One thread running `submit`ted calls in order; at most `pending` calls wait (each holds its arguments,
    e.g. a page of bytes), so `submit` blocks until the oldest is done. A call that failed raises its exception
    from a later `submit` or from `drain`, which stop there: the caller is to stop too (`close` then drops the
    calls not started).

    As a context manager it waits for the calls on a normal exit (raising the first failure) and drops the
    calls not started on an exception; `close()` alone drops them too (`drain()` first to keep them). The
    thread is joined either way. While the interpreter exits
    (a worker's SIGTERM lets its running job finish, and concurrent.futures then takes no new work), calls
    run in the caller's thread, after those already queued, so the order holds."""

    def __init__(self, name: str, pending: int = 2) -> None:
        self.pending: deque[Future] = deque()
        self.limit = pending
        self.executor: ThreadPoolExecutor | None = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def submit(self, call: Callable[..., Any], *args: Any) -> None:
        while len(self.pending) >= self.limit:
            self.pending.popleft().result()
        if self.executor is not None:
            try:
                self.pending.append(self.executor.submit(call, *args))
                return
            except RuntimeError:  # the interpreter is exiting: see the class docstring
                pass
        self.drain()
        call(*args)

    def drain(self) -> None:
        """Wait for the calls handed over, in order, until one fails: its exception is raised."""
        while self.pending:
            self.pending.popleft().result()

    def close(self) -> None:
        """Join the thread: calls not started are dropped, the running one is waited for (failures ignored:
        `drain` first to see them)."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
        self.pending.clear()

    def __enter__(self) -> OrderedThread:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        try:
            if kind is None:
                self.drain()
        finally:
            self.close()
