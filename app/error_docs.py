"""Every status an operation can answer is in the OpenAPI schema, in the one error shape.

What follows from how a route is built is written here once, read from its dependencies
and parameters: a bearer token or session cookie read (401, and 403 for a cookie
session's unsafe request without its CSRF header), a database session (503: busy, or the
database briefly out of reach), a path parameter (404: an id that names nothing the
caller may see), a body (413), and 422 everywhere, since the request guard refuses
unstorable text in any URL. A shared dependency that refuses says so with `answers`
(LeadDep: 403). What a route's own rules answer (409, 410, 412...) its decorator says,
with `error_responses`.
"""

from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant

from app.auth.deps import SAFE_METHODS, bearer_scheme
from app.db import get_session
from app.errors import ErrorBody
from app.request_guard import ENDPOINT_LIMIT

REF = "#/components/schemas/{model}"
ANSWERS = "error_statuses"
Dependency = TypeVar("Dependency", bound=Callable[..., Any])
DESCRIPTIONS = {
    401: "Not signed in, or the sign-in has ended.",
    403: "Signed in, but not allowed to do this (or a browser session's change without "
    "its X-CSRF-Token header).",
    404: "Nothing by that id that the caller may see.",
    413: "The request body is too large.",
    422: "The request is invalid: `error.fields` names each problem.",
    423: "Another request is writing this upload right now: try again shortly.",
    429: "Too many attempts: wait as Retry-After says.",
    460: "Checksum Mismatch (tus checksum extension): the chunk was not stored.",
    503: "Busy, or the database or media storage is briefly out of reach: retry after Retry-After.",
    507: "The media store is full: nothing more was stored; resume once space is freed.",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route decorator: the statuses its own rules answer."""
    return {status: {"model": ErrorBody, **_response(status, content=False)} for status in statuses}


def answers(*statuses: int) -> Callable[[Dependency], Dependency]:
    """Marks a dependency: every route that uses it can answer these statuses."""

    def mark(dependency: Dependency) -> Dependency:
        setattr(dependency, ANSWERS, statuses)
        return dependency

    return mark


def document_errors(app: FastAPI) -> None:
    """Adds the statuses every operation can answer by construction to app.openapi()."""
    generate = app.openapi
    documented: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        schema = generate()
        if not documented or documented[0] is not schema:  # generated anew
            _document(schema, app.routes)
            documented[:] = [schema]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document(schema: dict[str, Any], routes: Iterable[Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorBody.model_json_schema(ref_template=REF, mode="serialization")
    components.update(error_schema.pop("$defs", {}))
    components[ErrorBody.__name__] = error_schema
    built = {
        (route.path_format, method.lower()): route
        for route in _route_contexts(routes)
        if getattr(route, "dependant", None) is not None
        for method in route.methods
    }
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            route = built.get((path, method))
            # The request guard reads every URL, so every operation can answer 422.
            statuses = {422} if route is None else _statuses(route, method.upper())
            _add(operation["responses"], statuses)
            operation["responses"] = dict(sorted(operation["responses"].items()))
    # FastAPI's own 422 shape ({"detail": [...]}) is never what this API answers.
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)


def _route_contexts(routes: Iterable[Any]) -> Iterator[Any]:
    # Newer FastAPI releases keep included routers nested and pair each route with its
    # include here; older ones list every route flat.
    contexts: Callable[[Iterable[Any]], Iterator[Any]] = getattr(
        routing, "iter_route_contexts", iter
    )
    return contexts(routes)


def _statuses(route: Any, method: str) -> set[int]:
    dependants = list(_dependants(route.dependant))
    calls = {each.call for each in dependants}
    statuses = {422}
    if get_session in calls or bearer_scheme in calls:
        statuses.add(503)
    if bearer_scheme in calls:  # a token (or cookie) is read: it may be wrong or expired
        statuses.add(401)
        if method not in SAFE_METHODS:
            statuses.add(403)
    if any(each.path_params for each in dependants):
        statuses.add(404)
    if route.body_field is not None or hasattr(route.endpoint, ENDPOINT_LIMIT):
        statuses.add(413)
    for each in dependants:
        statuses.update(getattr(each.call, ANSWERS, ()))
    return statuses


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for dependency in dependant.dependencies:
        yield from _dependants(dependency)


def _add(responses: dict[str, Any], statuses: set[int]) -> None:
    for status in sorted(statuses):
        key = str(status)
        documented = responses.get(key, {}).get("content", {}).get("application/json", {})
        if key in responses and "HTTPValidationError" not in str(documented.get("schema")):
            continue  # the route's decorator says it better
        responses[key] = _response(status)


def _response(status: int, *, content: bool = True) -> dict[str, Any]:
    response: dict[str, Any] = {"description": _describe(status)}
    if content:
        schema = {"$ref": REF.format(model="ErrorBody")}
        response["content"] = {"application/json": {"schema": schema}}
    if status in (429, 503, 507):
        response["headers"] = RETRY_AFTER
    return response


def _describe(status: int) -> str:
    return DESCRIPTIONS.get(status) or HTTPStatus(status).phrase
