"""Domain errors and the one JSON shape every error takes: {"error": {"code", "message"}}."""

import logging
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import exc as database_errors
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.storage.protocol import StorageFull, StorageUnavailable

logger = logging.getLogger("tandem.errors")


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers
        # Further members of the error object, e.g. the `problems` of an import.
        self.extra = extra or {}
        if code:
            self.code = code


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class MethodNotAllowed(AppError):
    status_code = 405
    code = "method_not_allowed"


class Gone(AppError):
    status_code = 410
    code = "gone"


class PreconditionFailed(AppError):
    status_code = 412
    code = "precondition_failed"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class RangeNotSatisfiable(AppError):
    status_code = 416
    code = "range_not_satisfiable"


class UnsupportedMedia(AppError):
    status_code = 415
    code = "unsupported_media_type"


class Unprocessable(AppError):
    status_code = 422
    code = "invalid"


class Locked(AppError):
    status_code = 423
    code = "locked"


class TooManyRequests(AppError):
    status_code = 429
    code = "too_many_requests"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"


class InsufficientStorage(AppError):
    status_code = 507
    code = "storage_full"


AnError = TypeVar("AnError", bound=AppError)


def naming_field(
    error_type: type[AnError], field: str, message: str, *, code: str, **extra: Any
) -> AnError:
    """An error about one field of the request, named as validation errors name theirs
    (`fields`), whatever its status: a 409 can be about `starts_at` as much as a 422."""
    problem = {"field": field, "message": message}
    return error_type(f"{field}: {message}", code=code, extra={"fields": [problem], **extra})


class FieldProblem(BaseModel):
    field: str = Field(description="Where: a dotted path into the body, or a parameter name.")
    message: str


class ErrorDetail(BaseModel):
    # Some errors carry more members (an import's `problems`, an `observation_id`).
    model_config = ConfigDict(extra="allow")

    code: str = Field(description="Stable, machine-readable: branch on this.")
    message: str = Field(description="For people: what went wrong and what to do.")
    fields: list[FieldProblem] | None = Field(
        default=None, description="Each invalid part of the request (validation errors)."
    )


class ErrorBody(BaseModel):
    """The shape of every error answer (documented as the `model` of error responses)."""

    error: ErrorDetail


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def error_response(exc: AppError) -> JSONResponse:
    """The one rendering of an error, for the handlers and for middleware that answers itself."""
    return JSONResponse(
        error_body(exc.code, exc.message, **exc.extra),
        status_code=exc.status_code,
        headers=exc.headers,
    )


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    malformed_path = [error for error in exc.errors() if error["loc"][:1] == ("path",)]
    if malformed_path:
        # An id that cannot exist names nothing: the same 404 as an id that does not.
        names = ", ".join(_field_name(error["loc"]) for error in malformed_path)
        return JSONResponse(
            error_body("not_found", f"Not found: {names} names nothing here."), status_code=404
        )
    fields = [
        {"field": _field_name(error["loc"]), "message": error["msg"]} for error in exc.errors()
    ]
    message = "; ".join(f"{item['field']}: {item['message']}" for item in fields)
    return JSONResponse(error_body("validation_error", message, fields=fields), status_code=422)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.__cause__, AppError):
        # FastAPI turns whatever fails while it reads a body into a 400; the request guard
        # (app/request_guard.py) fails it on purpose, with its own error.
        return error_response(exc.__cause__)
    code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
        exc.status_code, "http_error"
    )
    return JSONResponse(
        error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


def is_transient(exc: BaseException) -> bool:
    """A database failure that passes by itself: no connection free in time, a lock not
    granted, the server restarting or unreachable. SQLite's other operational errors (a
    missing table, say) are bugs, not weather."""
    if isinstance(exc, database_errors.TimeoutError):
        return True
    if not isinstance(exc, database_errors.OperationalError):
        return False
    if exc.orig is not None and type(exc.orig).__module__.startswith("sqlite3"):
        return any(word in str(exc.orig) for word in ("locked", "busy"))
    return True


# What a database error is raised as: a DBAPI error, or no connection free in time.
DATABASE_ERRORS = (database_errors.DBAPIError, database_errors.TimeoutError)


def database_problem(exc: BaseException) -> AppError:
    """A transient database failure (`is_transient`): the request changed nothing, and the
    same request may succeed in a moment."""
    # The error's class only: its message may quote a statement.
    logger.warning("database unavailable: %s", type(exc).__name__)
    return ServiceUnavailable(
        "The service is briefly unable to reach its database; please try again.",
        code="database_unavailable",
        headers={"Retry-After": "1"},
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    if not is_transient(exc):
        return await _unexpected_error(request, exc)
    return error_response(database_problem(exc))


def storage_problem(exc: StorageUnavailable) -> AppError:
    """Media storage out of reach or full: the request stored nothing that counts (an
    upload's offset has not moved), and the same request may succeed later."""
    logger.warning("media storage unavailable: %s", exc)
    if isinstance(exc, StorageFull):
        return InsufficientStorage(
            "The media store is full, so nothing more was stored; the upload can resume "
            "from its offset once space has been freed.",
            headers={"Retry-After": "60"},
        )
    return ServiceUnavailable(
        "Media storage is briefly out of reach, so nothing more was stored; please try again.",
        code="storage_unavailable",
        headers={"Retry-After": "5"},
    )


async def _storage_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StorageUnavailable)
    return error_response(storage_problem(exc))


async def _unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    # The traceback only: never the request's body, and the engine hides SQL parameters.
    logger.exception("unhandled error", exc_info=exc)
    return JSONResponse(error_body("internal_error", "Something went wrong."), status_code=500)


class UnhandledErrorMiddleware:
    """Answers an unexpected failure inside the other middleware, so a 500 carries the
    request id and the security headers like every other answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as exc:
            if started:
                raise
            response = await _unexpected_error(Request(scope), exc)
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for database_error in DATABASE_ERRORS:
        app.add_exception_handler(database_error, _database_error)
    app.add_exception_handler(StorageUnavailable, _storage_error)
    app.add_exception_handler(Exception, _unexpected_error)
