"""`OrderedThread`: calls in the order handed over, at most `pending` waiting, failures raised to the caller,
the thread joined on close, and calls run in the caller's thread while the interpreter exits."""

from __future__ import annotations

import concurrent.futures.thread
import threading
import time

import pytest

from p2c.core.ordered import OrderedThread


def _threads(name: str) -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(name)]


def test_calls_run_in_order_in_one_thread_and_the_thread_is_joined():
    seen: list[tuple[int, str]] = []
    with OrderedThread("ordered-test") as worker:
        for i in range(50):
            worker.submit(lambda i=i: seen.append((i, threading.current_thread().name)))
        worker.drain()
    assert [i for i, _name in seen] == list(range(50))
    assert {name.split("_")[0] for _i, name in seen} == {"ordered-test"}
    assert _threads("ordered-test") == []


def test_submit_waits_while_pending_calls_are_queued():
    release, started = threading.Event(), []
    worker = OrderedThread("ordered-bound", pending=2)
    worker.submit(lambda: (started.append(1), release.wait(5)))
    worker.submit(lambda: started.append(2))
    blocked = threading.Thread(target=worker.submit, args=(lambda: started.append(3),))
    blocked.start()
    time.sleep(0.2)
    assert blocked.is_alive()  # two calls wait: the third hand-over blocks until the oldest is done
    release.set()
    blocked.join(5)
    worker.drain()
    worker.close()
    assert started == [1, 2, 3]


def test_a_failure_reaches_the_caller():
    worker = OrderedThread("ordered-fail")

    def full_disk():
        raise OSError(28, "No space left on device")

    worker.submit(full_disk)
    with pytest.raises(OSError, match="No space left"):
        worker.drain()
    worker.close()
    assert _threads("ordered-fail") == []


def test_calls_run_in_the_callers_thread_after_the_queued_ones_while_the_interpreter_exits(monkeypatch):
    seen: list[tuple[int, bool]] = []
    main = threading.current_thread()
    worker = OrderedThread("ordered-exit", pending=5)
    for i in range(3):
        worker.submit(lambda i=i: (time.sleep(0.05), seen.append((i, threading.current_thread() is main))))
    monkeypatch.setattr(concurrent.futures.thread, "_shutdown", True)  # submit() now raises RuntimeError
    worker.submit(lambda: seen.append((3, threading.current_thread() is main)))
    worker.close()
    assert seen == [(0, False), (1, False), (2, False), (3, True)]


def test_leaving_the_block_waits_for_every_call_and_raises_a_failure():
    seen: list[int] = []
    with OrderedThread("ordered-exit-block", pending=10) as worker:
        for i in range(5):
            worker.submit(lambda i=i: (time.sleep(0.02), seen.append(i)))
    assert seen == [0, 1, 2, 3, 4]  # none dropped by leaving the block
    with pytest.raises(OSError, match="No space"), OrderedThread("ordered-exit-fail") as worker:
        worker.submit(lambda: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    assert _threads("ordered-exit") == []
