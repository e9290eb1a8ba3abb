"""Turning the table into requests, sending them, and collecting every mismatch.

Every POST, PUT and PATCH carries the body `{}`: invalid for (nearly) every route, so an
actor who is let in gets 422 and nothing changes, while one who is not gets 403 or 404
before the body is read. A route whose call changes state anyway (no body, or `{}` is a
valid body) names its `fresh` path parameters: each call gets resources of its own.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.access.conftest import Builder, World
from tests.access.rules import ACTORS, Allowed, Expected, Rule, as_expected

PARAMETER = re.compile(r"{(\w+)}")
WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
TUS = {"Tus-Resumable": "1.0.0"}
Query = Callable[[World], dict[str, str]]
Expectation = Callable[[Rule, str], Expected]


def organisation_query(world: World) -> dict[str, str]:
    return {"organisation_id": str(world.cast.organisation.id)}


def no_query(world: World) -> dict[str, str]:
    """For routes that refuse query parameters they do not know (the reports)."""
    return {}


@dataclass(frozen=True)
class Row:
    rule: Rule
    # Path parameters the call changes: built anew for it (see plan()).
    fresh: Mapping[str, Builder] = field(default_factory=dict)
    # Path parameters that name another resource of the world than path_values() does.
    values: Mapping[str, Callable[[World], object]] = field(default_factory=dict)
    query: Query = organisation_query
    headers: Mapping[str, str] = field(default_factory=dict)
    # The call ends the caller's sign-in (logout): it gets a sign-in of its own.
    own_sign_in: bool = False


@dataclass(frozen=True)
class Probe:
    name: str
    method: str
    url: str
    actor: str
    expected: Expected
    query: dict[str, str]
    headers: dict[str, str]


Check = tuple[str, str, str, Row]  # name, method, path, row


def schema_routes(app: FastAPI) -> set[tuple[str, str]]:
    paths = app.openapi()["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def plan(
    db: Session,
    world: World,
    checks: Iterable[Check],
    expect: Expectation,
    actors: Iterable[str] = ACTORS,
) -> list[Probe]:
    """Every check for every actor, its resources built before the first request is sent
    (and before any relationship changes). A route whose call changes state builds its
    `fresh` resources anew for every actor let in, and once for all those kept out: a
    wrong answer still shows as a mismatch, and a right one cannot disturb another."""
    shared = world.path_values()
    probes = []
    for name, method, path, row in checks:
        values = {**shared, **{key: get(world) for key, get in row.values.items()}}
        kept_out = _fresh(db, world, row)
        for actor in actors:
            expected = expect(row.rule, actor)
            own = _fresh(db, world, row) if isinstance(expected, Allowed) else kept_out
            url = _url(name, path, {**values, **own})
            headers = {**_sign_in(db, world, row, actor), **row.headers}
            probes.append(Probe(name, method, url, actor, expected, row.query(world), headers))
    return probes


def _url(name: str, path: str, values: Mapping[str, object]) -> str:
    missing = set(PARAMETER.findall(path)) - values.keys()
    assert not missing, f"{name}: add a real resource for {missing} to World.path_values()"
    return path.format(**{key: str(value) for key, value in values.items()})


def _fresh(db: Session, world: World, row: Row) -> dict[str, object]:
    return {key: build(db, world) for key, build in row.fresh.items()}


def _sign_in(db: Session, world: World, row: Row, actor: str) -> dict[str, str]:
    return world.one_off_headers(db, actor) if row.own_sign_in else world.headers(actor)


def run(client: TestClient, probes: Iterable[Probe]) -> list[str]:
    """Send every probe; the mismatches, as "METHOD path actor: expected X got Y"."""
    mismatches = []
    for probe in probes:
        status = _send(client, probe)
        if not as_expected(probe.expected, probe.method, status):
            mismatches.append(f"{probe.name} {probe.actor}: expected {probe.expected} got {status}")
    return mismatches


def _send(client: TestClient, probe: Probe) -> int:
    # Nothing may ride along from an earlier answer (the SSO routes set a cookie).
    client.cookies.clear()
    response = client.request(
        probe.method,
        probe.url,
        params=probe.query,
        headers=probe.headers,
        json={} if probe.method in WITH_BODY else None,
    )
    return response.status_code
