"""A TCP proxy to break things on purpose: the database "restarting", a mail server that hangs.

Run as its own process (`python -m tests.faults LISTEN_PORT TARGET_PORT`) so the clients of a load test
do not slow it down. Signals switch its mode:
- SIGUSR1 "cut": every open connection is closed and new ones are refused, as when PostgreSQL restarts;
- SIGUSR2 "forward": connections go through to 127.0.0.1:TARGET_PORT again (the normal mode);
- SIGHUP "hang": new connections are accepted and never answered, as a mail server that hangs.
Loopback only.
"""

from __future__ import annotations

import asyncio
import signal
import sys


class Proxy:
    """Forwards 127.0.0.1:listen_port to 127.0.0.1:target_port, in the mode the last signal chose."""

    def __init__(self, listen_port: int, target_port: int) -> None:
        self.listen_port, self.target_port = listen_port, target_port
        self.mode = "forward"
        self.server: asyncio.base_events.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", self.listen_port, reuse_address=True)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            if self.mode == "hang":
                await reader.read()  # until the client gives up; never a byte back
                return
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
            self.writers.add(upstream_writer)
            await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))
        except OSError:
            pass
        finally:
            for w in (writer,):
                self.writers.discard(w)
                w.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            self.writers.discard(writer)
            writer.close()

    async def cut(self) -> None:
        self.mode = "cut"
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    async def forward(self) -> None:
        self.mode = "forward"
        if self.server is None:
            await self.start()

    async def hang(self) -> None:
        self.mode = "hang"
        if self.server is None:
            await self.start()


async def _main(listen_port: int, target_port: int) -> None:
    proxy = Proxy(listen_port, target_port)
    await proxy.start()
    loop = asyncio.get_running_loop()
    actions = {signal.SIGUSR1: proxy.cut, signal.SIGUSR2: proxy.forward, signal.SIGHUP: proxy.hang}
    for sig, action in actions.items():
        loop.add_signal_handler(sig, lambda action=action: asyncio.ensure_future(action()))
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await stop.wait()


if __name__ == "__main__":
    asyncio.run(_main(int(sys.argv[1]), int(sys.argv[2])))


class ProxyProcess:
    """The proxy in a child process: `cut()`, `forward()`, `hang()`, `stop()`."""

    def __init__(self, target_port: int) -> None:
        import subprocess
        from pathlib import Path

        from tests.smtp import free_port

        self.port = free_port()
        self.process = subprocess.Popen([sys.executable, "-m", "tests.faults", str(self.port), str(target_port)],
                                        cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def _signal(self, sig: int) -> None:
        import time

        self.process.send_signal(sig)
        time.sleep(0.2)  # the child's event loop applies it

    def cut(self) -> None:
        self._signal(signal.SIGUSR1)

    def forward(self) -> None:
        self._signal(signal.SIGUSR2)

    def hang(self) -> None:
        self._signal(signal.SIGHUP)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
