"""Structured JSON logs, each line carrying the request id of the request that wrote it."""

import json
import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
access_logger = logging.getLogger("tandem.access")
# Paths whose last part is a credential (a calendar feed's secret, a short-lived media
# link): the access log keeps which route was asked, never the secret.
SECRET_PATHS = ("/api/v1/calendar-feeds/", "/api/v1/media/")


def loggable_path(path: str) -> str:
    for prefix in SECRET_PATHS:
        if path.startswith(prefix):
            return prefix + "[secret]"
    return path


def current_request_id() -> str | None:
    return _request_id.get()


@contextmanager
def request_id_of(request_id: str | None) -> Iterator[None]:
    """Log under this request's id meanwhile (a job the request queued, in the worker)."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (servers and test runners swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


def configure_logging(level: str = "INFO") -> None:
    handler = _CurrentStderrHandler()
    handler.setFormatter(JsonFormatter())
    tandem = logging.getLogger("tandem")
    tandem.handlers[:] = [handler]
    tandem.setLevel(level)
    tandem.propagate = False


# Told of each request once answered: its scope, status and seconds (app/metrics.py).
Answered = Callable[[Scope, int, float], None]


class RequestIdMiddleware:
    """Takes X-Request-ID from the caller (or makes one), echoes it, logs each request and
    tells `on_answered` of it: the one place that sees every request end."""

    def __init__(self, app: ASGIApp, on_answered: Answered | None = None) -> None:
        self.app = app
        self.on_answered = on_answered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming[:64] if incoming.isprintable() and incoming else uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            access_logger.info(
                "request",
                extra={
                    "fields": {
                        "method": scope["method"],
                        "path": loggable_path(scope["path"]),
                        "status": status,
                        "duration_ms": round(seconds * 1000, 1),
                    }
                },
            )
            if self.on_answered is not None:
                self.on_answered(scope, status, seconds)
            _request_id.reset(token)
