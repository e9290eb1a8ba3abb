"""How a request finds its route and runs it, cheaply.

TandemRouter: a request tries a domain router's routes only when its path could be one of
them. FastAPI walks every route of every included router in turn, and each try costs
several microseconds of bookkeeping: a path near the end of the API (the notification
badge, the reports, /healthz) paid ~0.65 ms of CPU to get there, more than its queries.

TandemRoute: a plain route costs one trip to a worker thread, not three or more.

FastAPI runs each plain dependency in a worker thread, then a plain (sync) endpoint in
another, then validates its answer in another trip, and the session dependency commits in
yet another. Each trip hands the interpreter lock between threads, which costs more than
the queries of a typical request (bench/request_cost.py). Here the dependencies come to
the route's trip as notes (app/one_trip.py), and the notes, the endpoint, the validation
of its answer and the commit run in that one trip, in that order: a transaction is
committed only once the answer is known to be valid, and always before it is sent."""

import functools
import inspect
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match
from starlette.types import Scope

from app.db import commit_request_session
from app.one_trip import (
    collecting,
    none_started,
    resolve_notes,
    resolved,
    signature_with_deferred_dependencies,
)

# Where every domain router is included (app/api.py).
API_PREFIX = "/api/v1"


class TandemRouter(APIRouter):
    """An APIRouter that answers "no match" at once for a path none of its routes could
    take. The test is a regular expression of the ends of its routes' paths: where the
    router is included (under /api/v1) only adds to the start, so a path that does not end
    like one of its routes is no route of its. Anything else goes to FastAPI's matching,
    which decides as before: the test only ever skips a router that would not match."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", TandemRoute)
        super().__init__(**kwargs)
        self._path_test: tuple[int, re.Pattern[str] | None] = (-1, None)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        test = self._current_path_test()
        if test is not None and test.search(scope.get("path", "")) is None:
            return Match.NONE, {}
        return super().matches(scope)

    def _current_path_test(self) -> re.Pattern[str] | None:
        # Routes can be added after the first request in principle: rebuilt when they change.
        built_for, test = self._path_test
        if built_for != len(self.routes):
            test = path_test(self.routes)
            self._path_test = (len(self.routes), test)
        return test


# A named group of a route's pattern; the test only needs the shape, and names repeat.
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def path_test(routes: list[Any]) -> re.Pattern[str] | None:
    """One pattern matching the end of any path these routes take, or None (no test)
    when a route is not a plain API route with a path pattern (a mount, a router)."""
    ends = []
    for route in routes:
        pattern = getattr(route, "path_regex", None)
        if not isinstance(route, APIRoute) or pattern is None:
            return None
        ends.append(_NAMED_GROUP.sub("(?:", pattern.pattern.removeprefix("^")))
    # GET and POST of one path share a pattern: each once.
    unique = dict.fromkeys(ends)
    return re.compile("|".join(f"(?:{end})" for end in unique)) if unique else None


class TandemRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if _is_plain_function(endpoint):
            endpoint = _in_one_thread(endpoint, route=self)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        answer = super().get_route_handler()

        async def handler(request: Request) -> Response:
            with collecting() as notes:
                try:
                    return await answer(request)
                except Exception:
                    # Refused before the route ran (invalid parameters, a filter an async
                    # dependency refused): the deferred dependencies still decide first
                    # whether the caller may ask at all (a 401 or 404 before a 422).
                    # Once the route's trip has begun, what it raised is the answer:
                    # running a note again after a database error would only fail worse.
                    if none_started(notes):
                        await run_in_threadpool(resolve_notes)
                    raise

        return handler


def _is_plain_function(endpoint: Callable[..., Any]) -> bool:
    return inspect.isfunction(endpoint) and not (
        inspect.iscoroutinefunction(endpoint)
        or inspect.isgeneratorfunction(endpoint)
        or inspect.isasyncgenfunction(endpoint)
    )


def _in_one_thread(endpoint: Callable[..., Any], *, route: APIRoute) -> Callable[..., Any]:
    # functools.wraps keeps the signature FastAPI reads parameters and the answer's
    # model from; the wrapper being async tells FastAPI not to add trips of its own.
    @functools.wraps(endpoint)
    async def run(**values: Any) -> Any:
        return await run_in_threadpool(_answer, endpoint, route, values)

    # Its plain dependencies come as notes, run in the same trip (app/one_trip.py).
    run.__signature__ = signature_with_deferred_dependencies(endpoint)  # type: ignore[attr-defined]
    return run


def _answer(endpoint: Callable[..., Any], route: APIRoute, values: dict[str, Any]) -> Any:
    resolve_notes()
    result = endpoint(**resolved(values))
    field = route.response_field
    if field is not None and not isinstance(result, Response):
        validated, errors = field.validate(result, {}, loc=("response",))
        if errors:
            # FastAPI validates again and answers 500; the transaction is rolled back.
            return result
        result = validated
    commit_request_session()
    return result
