"""What every request passes before a route sees it: a bounded body, and text the
database can store.

PostgreSQL cannot store NUL in text, and no UTF-8 encoder takes an unpaired surrogate
(JSON can spell both: "\\u0000", "\\ud800"). Rather than a 500 from the database, such
text is refused with 422 wherever it comes from: the path, the query string, a JSON or
form body here; the routes that parse their own bodies (tus Upload-Metadata, the plain
upload's fields, rubric files) call `require_storable` on what they parse.

Bodies are limited to TANDEM_MAX_JSON_BYTES (413 as soon as Content-Length or the bytes
received say too much, without reading on), except on routes marked `reads_own_body`:
uploads and imports stream their bodies and limit them themselves.
"""

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import AppError, PayloadTooLarge, Unprocessable, error_response

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
ENDPOINT_LIMIT = "max_body_bytes"
UNLIMITED = -1
BEYOND_ANY_SIZE = 10**19
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
JSON_TYPE = re.compile(r"^application/([\w.+-]+\+)?json$")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def reads_own_body(max_bytes: int = UNLIMITED) -> Callable[[Endpoint], Endpoint]:
    """Marks a route that reads its body itself: limited to `max_bytes`, or by the route."""

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, ENDPOINT_LIMIT, max_bytes)
        return endpoint

    return mark


def require_storable(value: Any, location: str) -> None:
    """422 when a string anywhere in `value` (keys of mappings too) holds unstorable text."""
    pending: list[tuple[str, Any]] = [(location, value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, str) and UNSTORABLE.search(item):
            raise Unprocessable(
                f"{where}: text may not contain NUL characters or unpaired surrogates.",
                code="unstorable_text",
                extra={"fields": [{"field": where, "message": "unstorable character"}]},
            )
        if isinstance(item, dict):
            for key, member in item.items():
                pending.append((where, key))
                pending.append((f"{where}.{_printable(key)}", member))
        elif isinstance(item, list | tuple):
            pending.extend((f"{where}.{index}", member) for index, member in enumerate(item))


def _require_storable_pairs(pairs: list[tuple[str, str]], location: str) -> None:
    for key, value in pairs:
        require_storable(key, location)
        require_storable(value, f"{location}.{_printable(key)}")


def _printable(key: object) -> str:
    text = str(key)
    return text if text.isprintable() and len(text) <= 64 else "?"


def parse_count(value: str | None) -> int | None:
    """A header's non-negative decimal number, or None unless it is ASCII digits only
    (int() also takes "²", "١٢", signs, underscores and spaces). More than 19 digits read
    as 10**19: beyond every size here, and never thousands of digits through int()."""
    if value is None or not (value.isascii() and value.isdigit()):
        return None
    return int(value) if len(value) <= 19 else BEYOND_ANY_SIZE


def _check_url(scope: Scope) -> None:
    require_storable(scope["path"], "path")
    query = scope.get("query_string", b"").decode("latin-1")
    _require_storable_pairs(parse_qsl(query, keep_blank_values=True), "query")


class RequestGuardMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            _check_url(scope)
        except AppError as error:
            await error_response(error)(scope, receive, send)
            return
        guard = _BodyGuard(scope, receive, self.max_body_bytes)
        await self.app(scope, guard.receive, send)


class _BodyGuard:
    """Runs when the route first asks for its body: by then routing has chosen the route,
    so its own limit (if marked) is known. Errors raised here reach the error handler
    (FastAPI wraps them in a 400 that the handler unwraps)."""

    def __init__(self, scope: Scope, receive: Receive, default_limit: int) -> None:
        self.scope = scope
        self.upstream = receive
        self.default_limit = default_limit
        self.done = False

    async def receive(self) -> Message:
        if self.done:
            return await self.upstream()
        self.done = True
        limit = getattr(self.scope.get("endpoint"), ENDPOINT_LIMIT, self.default_limit)
        if limit == UNLIMITED:
            return await self.upstream()
        headers = Headers(scope=self.scope)
        declared = parse_count(headers.get("content-length"))
        if declared is not None and declared > limit:
            raise _too_large(limit)
        body = bytearray()
        while True:
            message = await self.upstream()
            if message["type"] != "http.request":
                return message
            body += message.get("body", b"")
            if len(body) > limit:
                raise _too_large(limit)
            if not message.get("more_body", False):
                break
        await _check_body(headers, bytes(body))
        return {"type": "http.request", "body": bytes(body), "more_body": False}


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"Request bodies are limited to {limit} bytes here.")


async def _check_body(headers: Headers, body: bytes) -> None:
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if JSON_TYPE.match(media_type):
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, RecursionError) as error:
            # FastAPI would answer these 400, off the validation errors' 422.
            raise Unprocessable(
                "body: unreadable as JSON (it must be UTF-8 text, not nested thousands deep).",
                code="invalid_json",
                extra={"fields": [{"field": "body", "message": "unreadable JSON"}]},
            ) from error
        except ValueError:
            return  # not JSON: the route's own parsing says so (422)
        require_storable(data, "body")
    elif media_type == FORM_TYPES[0]:
        pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
        _require_storable_pairs(pairs, "body")
    elif media_type == FORM_TYPES[1]:
        await _check_multipart(headers, body)


async def _check_multipart(headers: Headers, body: bytes) -> None:
    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "headers": headers.raw}
    try:
        form = await Request(scope, replay).form()
    except Exception:  # a malformed form: the route's own parsing says so
        return
    try:
        fields = [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
        _require_storable_pairs(fields, "body")
    finally:
        await form.close()
