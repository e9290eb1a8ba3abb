"""A plain route and its plain dependencies run in one trip to a worker thread, in the
order FastAPI would have run them, each once; refusals still come before a 422.

The app's own routes are covered by the rest of the suite (the access matrix and the
cross-organisation sweep send invalid bodies to routes the caller may not use); here a
small app on the same router shows what the thread, order and count are."""

import threading
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI, Header, HTTPException, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel

from app.routing import TandemRouter

calls: list[tuple[str, int]] = []
# Each trip to a worker thread runs in a copy of the request's context: what one trip
# sets here, another never sees. A route that sees its dependency's mark shared its trip.
trip_mark: ContextVar[str] = ContextVar("trip_mark", default="another trip")


def signed_in(authorization: Annotated[str, Header()] = "") -> str:
    calls.append(("signed_in", threading.get_ident()))
    trip_mark.set("the sign-in check's trip")
    if authorization != "Bearer good":
        raise HTTPException(status_code=401, detail="sign in")
    return "pat"


Caller = Annotated[str, Depends(signed_in)]


async def greeting_for(caller: Caller) -> str:
    # async, reading only what a plain dependency made (as get_current_user does)
    return f"hello {caller}"


def member(caller: Caller, organisation: str) -> str:
    calls.append(("member", threading.get_ident()))
    if organisation != "ours":
        raise HTTPException(status_code=404, detail="no such organisation")
    return f"{caller} of {organisation}"


async def strict_filter(colour: Annotated[str, Query()] = "blue") -> str:
    if colour not in {"blue", "green"}:
        raise HTTPException(status_code=422, detail="unknown colour")
    return colour


class Note(BaseModel):
    text: str


router = TandemRouter()


@router.post("/{organisation}/notes")
def add_note(
    who: Annotated[str, Depends(member)],
    greeting: Annotated[str, Depends(greeting_for)],
    caller: Caller,
    colour: Annotated[str, Depends(strict_filter)],
    note: Note,
) -> dict[str, str]:
    calls.append(("route", threading.get_ident()))
    return {
        "who": who,
        "greeting": greeting,
        "caller": caller,
        "colour": colour,
        "note": note.text,
        "trip": trip_mark.get(),
    }


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(router, prefix="/api")
    calls.clear()
    with TestClient(app) as client:
        yield client


GOOD = {"Authorization": "Bearer good"}


def test_the_route_and_its_plain_dependencies_share_one_trip_and_each_runs_once(
    client: TestClient,
) -> None:
    answer = client.post("/api/ours/notes", headers=GOOD, json={"text": "Went well"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "who": "pat of ours",
        "greeting": "hello pat",
        "caller": "pat",
        "colour": "blue",
        "note": "Went well",
        "trip": "the sign-in check's trip",
    }
    # signed_in is asked for three times (member, greeting_for, the route): it runs once.
    assert [name for name, _ in calls] == ["signed_in", "member", "route"]
    # ...in a worker thread, never on the event loop's.
    assert threading.get_ident() not in {thread for _, thread in calls}


@pytest.mark.parametrize(
    ("headers", "path", "body", "status"),
    [
        ({}, "/api/ours/notes", {}, 401),  # an invalid body from nobody: who first
        (GOOD, "/api/theirs/notes", {}, 404),  # not theirs to see, body or not
        ({}, "/api/ours/notes?colour=red", {"text": "x"}, 401),  # refused by an async one
        (GOOD, "/api/theirs/notes?colour=red", {"text": "x"}, 404),
        (GOOD, "/api/ours/notes?colour=red", {"text": "x"}, 422),
        (GOOD, "/api/ours/notes", {}, 422),
    ],
)
def test_refusals_come_in_the_order_the_dependencies_are_declared(
    client: TestClient, headers: dict[str, str], path: str, body: dict[str, str], status: int
) -> None:
    assert client.post(path, headers=headers, json=body).status_code == status
    assert "route" not in [name for name, _ in calls]
