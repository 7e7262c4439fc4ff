"""Serve the platform as in production, for the multi-node test and benchmarks/load_faults.py.

`Cluster` prepares a database (a fresh PostgreSQL database when given a server URL, else a SQLite
file), then starts gunicorn web nodes and `flask p2c worker` processes on free loopback ports with
the production configuration, sharing that database and one Redis database. `Visitor` is a
requests session that fills forms the way a browser does (CSRF token and form nonce from the page).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from html import unescape
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STAFF_PASSWORD = "cluster-test-password-42"  # noqa: S105 - a throw-away account of a throw-away database


class Cluster:
    """Web nodes and workers on one database and one Redis database; `stop()` ends them all."""

    def __init__(self, tmp: Path, *, database_server: str | None, redis_url: str, smtp_port: int,
                 extra_env: dict[str, str] | None = None) -> None:
        self.tmp = tmp
        self._server = database_server
        self._pg_name = f"p2c_cluster_{uuid.uuid4().hex[:8]}" if database_server else ""
        if database_server:
            self.database_url = make_url(database_server).set(database=self._pg_name).render_as_string(
                hide_password=False)
        else:
            self.database_url = f"sqlite:///{tmp / 'cluster.sqlite'}"
        self.env = {
            **os.environ, "P2C_CONFIG": "production", "SECRET_KEY": "cluster-" + uuid.uuid4().hex,
            "DATABASE_URL": self.database_url, "REDIS_URL": redis_url, "SESSION_COOKIE_SECURE": "0",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port), "MAIL_TIMEOUT": "3",
            "P2C_WORKER_MAIL_SECONDS": "1", "P2C_INSTANCE_PATH": str(tmp / "instance"),
            "P2C_BASE_URL": "http://127.0.0.1", "PYTHONUNBUFFERED": "1", **(extra_env or {}),
        }
        self.env.pop("TEST_DATABASE_URL", None)
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    # -- database -------------------------------------------------------------------------------
    def prepare(self, staff_email: str = "staff@example.org") -> None:
        """Create the database, migrate it, load the reference data and create an admin account."""
        if self._server:
            admin = create_engine(self._server, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._pg_name}"'))
            admin.dispose()
        self.flask("db", "upgrade", "heads")
        self.flask("p2c", "reference", "load")
        self.flask("p2c", "create-user", staff_email, "--role", "admin", stdin=STAFF_PASSWORD + "\n")

    def drop(self) -> None:
        """Drop the PostgreSQL database (the SQLite file goes with the temporary folder)."""
        if self._server:
            admin = create_engine(self._server, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)'))
            admin.dispose()

    def flask(self, *args: str, stdin: str | None = None) -> str:
        """Run `flask --app wsgi ARGS` with the cluster's settings; returns its output."""
        done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=300)
        if done.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    # -- processes ------------------------------------------------------------------------------
    def start_node(self, name: str, workers: int = 2, threads: int = 4) -> str:
        """Start a gunicorn web node; returns its base URL once /readyz answers 200."""
        port = free_port()
        self._start(name, [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                           "--worker-class", "gthread", "--threads", str(threads), "--graceful-timeout", "5",
                           "wsgi:app"])
        base = f"http://127.0.0.1:{port}"
        self.wait_ready(base)
        return base

    def start_worker(self, name: str = "worker") -> None:
        """Start `flask p2c worker`."""
        self._start(name, [str(BIN / "flask"), "--app", "wsgi", "p2c", "worker"])

    def _start(self, name: str, command: list[str]) -> None:
        log = self.tmp / f"{name}.log"
        self.logs[name] = log
        with log.open("ab") as out:
            self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out, stderr=out,
                                                    start_new_session=True)

    def wait_ready(self, base: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/readyz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{base} not ready; log:\n{self.log_text()}")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the process group of `name` and wait for it to end."""
        proc = self.processes.pop(name)
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def stop(self) -> None:
        """End every process this cluster started (SIGTERM, then SIGKILL)."""
        for name in list(self.processes):
            try:
                self.kill(name, signal.SIGTERM)
            except subprocess.TimeoutExpired:
                self.kill(name, signal.SIGKILL)

    def log_text(self) -> str:
        return "\n".join(f"== {n}\n{p.read_text(errors='replace')[-3000:]}" for n, p in self.logs.items()
                         if p.exists())


_INPUT = re.compile(r"<input\b[^>]*>", re.I)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """name -> value of the hidden inputs of a page (CSRF token, form nonce, record version)."""
    fields = {}
    for tag in _INPUT.findall(html):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            fields[attrs["name"]] = unescape(attrs.get("value", ""))
    return fields


class Visitor(requests.Session):
    """A browser-like client: forms are fetched first for their hidden fields, then posted."""

    def post_form(self, url: str, data: dict, *, form_url: str | None = None, timeout: float = 30
                  ) -> requests.Response:
        page = self.get(form_url or url, timeout=timeout)
        if page.status_code != 200:
            return page  # the form itself could not be had (e.g. 503): that is the answer
        return self.post(url, data={**data, **hidden_fields(page.text)}, allow_redirects=False, timeout=timeout)

    def login(self, base: str, email: str, password: str = STAFF_PASSWORD) -> requests.Response:
        return self.post_form(base + "/login", {"email": email, "password": password})
