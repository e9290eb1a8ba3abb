"""/metrics: what an operator's Prometheus scrapes from each app process.

Counted as requests end (`count_request`, which app/logs.py's middleware calls), in
prometheus-client's counters and histograms, one registry per app so that several apps in
one process (as in the tests) never share counts: requests and their latency by route
template and method, upload bytes stored, uploads being received. Read when scraped: the
database pool's use and the job queue's depth.

Each process keeps its own figures, as Prometheus expects of a target: scrape every app
process (and sum), not the address in front of them. The route is the template
(`/api/v1/recordings/{recording_id}`), never the path, so ids neither leak into the
monitoring nor make a series per recording.

Only a scraper holding the configured token (`TANDEM_METRICS_TOKEN`, sent as a bearer
token) sees it; with none configured /metrics is not there (404)."""

import hmac
from collections.abc import Iterator

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import QueuePool
from sqlmodel import col
from starlette.concurrency import run_in_threadpool
from starlette.routing import Mount
from starlette.types import Scope

from app.error_docs import error_responses
from app.errors import NotFound
from app.models import Job
from app.routing import API_PREFIX

# From a badge count (a few ms) to a report on SQLite (about two seconds) and beyond.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "tandem_requests",
            "Requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "tandem_request_duration_seconds",
            "Time from a request's arrival to its answer's last byte.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.upload_bytes = Counter(
            "tandem_upload_bytes", "Bytes of uploads stored.", registry=self.registry
        )
        self.uploads_receiving = Gauge(
            "tandem_uploads_receiving",
            "Upload requests (tus PATCHes, plain uploads) this process is receiving now.",
            registry=self.registry,
        )
        self.registry.register(_DatabaseCollector(engine))

    def scrape(self) -> bytes:
        return generate_latest(self.registry)


class _DatabaseCollector(Collector):
    """Read when scraped: a query's worth of cost only when Prometheus asks."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        pool = self.engine.pool
        if isinstance(pool, QueuePool):
            yield GaugeMetricFamily(
                "tandem_db_pool_connections_in_use",
                "Database connections checked out of this process's pool.",
                value=pool.checkedout(),
            )
            yield GaugeMetricFamily(
                "tandem_db_pool_size",
                "Connections the pool keeps (more may open, up to its overflow).",
                value=pool.size(),
            )
        waiting = _jobs_waiting(self.engine)
        if waiting is not None:
            yield GaugeMetricFamily(
                "tandem_jobs_waiting",
                "Jobs queued and neither finished nor given up on (all processes).",
                value=waiting,
            )


def _jobs_waiting(engine: Engine) -> int | None:
    statement = (
        select(func.count())
        .select_from(Job)
        .where(col(Job.finished_at).is_(None), col(Job.failed_at).is_(None))
    )
    try:
        with engine.connect() as connection:
            return connection.execute(statement).scalar_one()
    except SQLAlchemyError:
        # A scrape while the database is away still shows the process's own figures.
        return None


def count_request(scope: Scope, status: int, seconds: float) -> None:
    """Count and time an answered request by the route that answered it, in the figures
    of the app it came to (`app.state.metrics`, made afresh by `reset_state`)."""
    metrics: Metrics = scope["app"].state.metrics
    method, route = scope["method"], route_template(scope)
    metrics.requests.labels(method, route, str(status)).inc()
    metrics.latency.labels(method, route).observe(seconds)


def route_template(scope: Scope) -> str:
    """The template of the route that answered; "unmatched" for a path no route took
    (scanners' guesses make no series of their own)."""
    route = scope.get("route")
    if isinstance(route, Mount):
        return "frontend"
    path = getattr(route, "path_format", None)
    if not isinstance(path, str):
        return "unmatched"
    # A domain router's route knows its path within the router, not where it was included.
    if scope["path"].startswith(API_PREFIX) and not path.startswith(API_PREFIX):
        return API_PREFIX + path
    return path


def add_metrics(app: FastAPI) -> None:
    @app.get(
        "/metrics",
        tags=["operations"],
        response_class=Response,
        responses={
            200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}},
            **error_responses(404),
        },
    )
    async def read_metrics(request: Request) -> Response:
        """This process's figures in the Prometheus text format (a bearer token)."""
        token = request.app.state.settings.metrics_token
        sent = request.headers.get("authorization", "")
        if token is None or not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            raise NotFound("Not found.")
        metrics: Metrics = request.app.state.metrics
        return Response(await run_in_threadpool(metrics.scrape), media_type=CONTENT_TYPE_LATEST)
