"""TandemRoute: a plain route costs one trip to a worker thread, not three.

FastAPI runs a plain (sync) endpoint in a worker thread, then validates its answer in
another trip, and the session dependency commits in a third. Each trip hands the
interpreter lock between threads, which costs more than the queries of a typical
request (bench/request_cost.py). Here the endpoint, the validation of its answer and the
commit run in one trip, in that order: a transaction is committed only once the answer
is known to be valid, and always before the answer is sent."""

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from app.db import commit_request_session


class TandemRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if _is_plain_function(endpoint):
            endpoint = _in_one_thread(endpoint, route=self)
        super().__init__(path, endpoint, **kwargs)


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

    return run


def _answer(endpoint: Callable[..., Any], route: APIRoute, values: dict[str, Any]) -> Any:
    result = endpoint(**values)
    field = route.response_field
    if field is not None and not isinstance(result, Response):
        validated, errors = field.validate(result, {}, loc=("response",))
        if errors:
            # FastAPI validates again and answers 500; the transaction is rolled back.
            return result
        result = validated
    commit_request_session()
    return result
