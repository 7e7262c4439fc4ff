"""A real SMTP server for tests, built on aiosmtpd, that keeps the messages it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import time
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, store: list[Message]) -> None:
        self.store = store
        self.hold = False  # True: answer no RCPT until it is False again (a stalled exchange, before DATA)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        import asyncio

        while self.hold:
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.store.append(message)
        return "250 OK"


class LocalSmtpServer:
    """Start/stop a local SMTP server; `messages` lists received email.message objects."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.port = free_port()
        self.handler = _Handler(self.messages)
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[Message]:
        """Wait until at least `count` messages arrived."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    @staticmethod
    def text_of(message: Message) -> str:
        """The plain-text body of a message."""
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""


class HangingSmtpServer:
    """Accepts TCP connections and never answers (not even the greeting): a mail server that hangs."""

    def __init__(self) -> None:
        import threading

        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._sock.close()
        for conn in self.connections:
            conn.close()


def _sink(port: int, out: str) -> None:
    """Run a real SMTP server on `port` appending one JSON line per received message to `out`."""
    import json
    import signal
    import threading

    class _Writer(_Handler):
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            with open(out, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"to": str(message["To"]), "subject": str(message["Subject"]),
                                     "message_id": str(message["Message-ID"]), "at": time.time()}) + "\n")
            return "250 OK"

    controller = Controller(_Writer([]), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    import sys

    _sink(int(sys.argv[1]), sys.argv[2])
