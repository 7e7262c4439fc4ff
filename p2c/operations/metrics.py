"""Prometheus metrics at /metrics: requests by route and status, latency, outbox backlog, worker jobs.

Request counters live in each process (with several gunicorn workers set PROMETHEUS_MULTIPROC_DIR to an
empty folder, see the README, so a scrape adds them up). The outbox and job figures are read from the
database at scrape time, so every node reports the same, whichever worker did the work.
Access: loopback clients, or a bearer token (P2C_METRICS_TOKEN); anyone else gets a 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from datetime import UTC, datetime

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.exc import InterfaceError, OperationalError

from p2c.core.db import utcnow
from p2c.extensions import db
from p2c.operations import queries

REQUESTS = Counter("p2c_http_requests", "HTTP requests answered, by route pattern, method and status.",
                   ["route", "method", "status"])
LATENCY = Histogram("p2c_http_request_duration_seconds", "Time to answer an HTTP request, by route pattern.",
                    ["route", "method"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))


def register_metrics(app: Flask) -> None:
    """Time every request and count it under its route pattern (never the raw path: bounded label values)."""

    @app.before_request
    def _start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else "unmatched"
            LATENCY.labels(route, request.method).observe(time.perf_counter() - started)
            REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        return response


def allowed() -> bool:
    """A loopback client that no proxy forwarded, or the right bearer token."""
    token = current_app.config.get("METRICS_TOKEN", "")
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    if "X-Forwarded-For" in request.headers and not current_app.config.get("PROXY_COUNT"):
        return False  # a local reverse proxy forwarding an outside client: not the host itself
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def render() -> Response:
    """The exposition text: this process's (or all workers') request metrics, then the database figures."""
    if not allowed():
        abort(404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    shared = CollectorRegistry()
    try:
        shared.register(_DatabaseCollector(queries.outbox_backlog(), queries.job_statuses(), utcnow()))
        database_up = 1
    except (OperationalError, InterfaceError):  # the database is away: still report the requests
        try:
            db.session.remove()  # drop the broken connection now, not in the teardown
        except Exception:  # noqa: BLE001 - it is gone either way
            pass
        database_up = 0
    up = GaugeMetricFamily("p2c_database_up", "1 when /metrics could read the database, else 0.", value=database_up)
    return Response(generate_latest(registry) + generate_latest(shared) + _exposition(up),
                    content_type=CONTENT_TYPE_LATEST)  # as is: a mimetype would get a second charset


def _exposition(*families) -> bytes:
    registry = CollectorRegistry()
    registry.register(_Families(families))
    return generate_latest(registry)


class _Families(Collector):
    def __init__(self, families) -> None:
        self.families = families

    def collect(self):
        yield from self.families


def _epoch(moment: datetime | None) -> float:
    # Stored times are naive UTC (p2c.core.db.utcnow).
    return moment.replace(tzinfo=UTC).timestamp() if moment else 0.0


class _DatabaseCollector(Collector):
    """Outbox and job figures read once per scrape."""

    def __init__(self, backlog: queries.OutboxBacklog, jobs: list, now: datetime) -> None:
        self.backlog, self.jobs, self.now = backlog, jobs, now

    def collect(self):
        messages = GaugeMetricFamily("p2c_outbox_messages", "Unsent e-mails in the outbox, by state.",
                                     labels=["state"])
        for state in ("new", "retrying", "gave_up"):
            messages.add_metric([state], getattr(self.backlog, state))
        yield messages
        oldest = self.backlog.oldest_unsent_at
        yield GaugeMetricFamily("p2c_outbox_oldest_unsent_age_seconds", "Age of the oldest unsent e-mail (0: none).",
                                value=(self.now - oldest).total_seconds() if oldest else 0.0)
        runs = CounterMetricFamily("p2c_worker_job_runs", "Runs of each worker job.", labels=["job"])
        failures = CounterMetricFamily("p2c_worker_job_failures", "Failed runs of each worker job.", labels=["job"])
        success = GaugeMetricFamily("p2c_worker_job_last_success_timestamp_seconds",
                                    "When each job last succeeded (Unix time).", labels=["job"])
        duration = GaugeMetricFamily("p2c_worker_job_last_duration_seconds", "How long each job's last run took.",
                                     labels=["job"])
        for job in self.jobs:
            runs.add_metric([job.name], job.runs)
            failures.add_metric([job.name], job.failures)
            success.add_metric([job.name], _epoch(job.last_succeeded_at))
            duration.add_metric([job.name], job.last_duration_ms / 1000)
        yield from (runs, failures, success, duration)
