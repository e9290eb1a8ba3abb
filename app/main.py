"""create_app(): the one place the application is assembled."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware

from app.admission import Admission, password_check_turns, threads_for
from app.allowed_methods import add_allowed_methods
from app.api import include_api
from app.api_docs import add_api_docs
from app.config import Settings, get_settings
from app.cors import ConfiguredOriginsCORS
from app.db import make_engine, refresh_planner_statistics
from app.error_docs import document_errors, error_responses
from app.errors import UnhandledErrorMiddleware, error_body, install_error_handlers
from app.jobs.worker import embedded_worker
from app.logs import RequestIdMiddleware, configure_logging
from app.metrics import Metrics, add_metrics, count_request
from app.recording.viewings import ViewingLog
from app.request_guard import RequestGuardMiddleware
from app.security_headers import SecurityHeadersMiddleware


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    engine = make_engine(
        settings.database_url,
        concurrency=settings.request_turns,
        wait_seconds=settings.queue_seconds,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        threads = threads_for(settings.request_turns)
        to_thread.current_default_thread_limiter().total_tokens = threads
        await to_thread.run_sync(refresh_planner_statistics, engine)
        with embedded_worker(engine, settings):
            yield
        engine.dispose()

    app = FastAPI(
        title="Tandem",
        summary="Coaching and supervision for practitioners of evidence-based interventions.",
        version="0.1.0",
        lifespan=lifespan,
        # FastAPI's own pages load Swagger UI and ReDoc from a CDN: ours are in app/api_docs.
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine
    reset_state(app, settings)
    install_error_handlers(app)
    _add_middleware(app, settings)
    include_api(app)
    _add_health_routes(app)
    add_metrics(app)
    add_api_docs(app)
    add_allowed_methods(app.router.routes)
    document_errors(app)
    if settings.frontend_dir.is_dir():
        # The PWA's own files only (never the API's media streams) go out compressed: on a
        # phone's connection that halves the first load.
        static = StaticFiles(directory=settings.frontend_dir, html=True)
        app.mount("/", GZipMiddleware(static, minimum_size=1000), name="frontend")
    return app


def reset_state(app: FastAPI, settings: Settings) -> None:
    """What the process keeps between requests, fresh: its settings, its turns
    (app/admission.py), the viewings it audited (app/recording/viewings.py), its figures
    for /metrics (app/metrics.py), and the storage and sign-in clients made on first use."""
    app.state.settings = settings
    turns = settings.request_turns
    app.state.admission = Admission(turns=turns, wait_seconds=settings.queue_seconds)
    app.state.password_checks = Admission(
        turns=password_check_turns(turns), wait_seconds=settings.queue_seconds
    )
    app.state.storage = None
    app.state.oidc_client = None
    app.state.viewings = ViewingLog()
    app.state.metrics = Metrics(app.state.engine)


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    # Innermost first: each add_middleware wraps what is already there.
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(RequestGuardMiddleware, max_body_bytes=settings.max_json_bytes)
    # Only the OpenID Connect sign-in keeps state here (its state and nonce, for minutes).
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="tandem_sso",
        max_age=600,
        same_site="lax",
        https_only=settings.cookie_secure == "always",
    )
    if settings.cors_origins:
        app.add_middleware(
            ConfiguredOriginsCORS,
            allow_origins=settings.cors_origins,
            expose_headers=[
                "Location",
                "Upload-Offset",
                "Upload-Length",
                "Tus-Resumable",
                "Upload-Expires",
                "Upload-Metadata",
                "Tus-Version",
                "Tus-Extension",
                "Tus-Max-Size",
                "Tus-Checksum-Algorithm",
                "Tandem-Chunk-Size",
                "Tandem-Recording-Id",
                # Players on another origin read these to seek within recordings.
                "Accept-Ranges",
                "Content-Range",
                "ETag",
                "X-Request-ID",
            ],
        )
    app.add_middleware(SecurityHeadersMiddleware, media_origins=settings.media_origins)
    app.add_middleware(RequestIdMiddleware, on_answered=count_request)


def _add_health_routes(app: FastAPI) -> None:
    # Both answer however busy the process is: no turn (app/admission.py), and /healthz
    # not even a worker thread.
    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses=error_responses(503))
    async def readyz(request: Request) -> JSONResponse:
        """The process can reach its database (within the pool's wait)."""
        try:
            await run_in_threadpool(_ping, request.app.state.engine)
        except Exception:  # any failure to reach the database means not ready
            return JSONResponse(error_body("not_ready", "The database is unreachable."), 503)
        return JSONResponse({"status": "ready"})


def _ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
