"""A busy process answers 503 with Retry-After within its queue time, never stalls.

The crowd itself is in tests/load/test_stress.py; these pin down each way of being busy.
"""

from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.admission import Admission
from app.config import Settings
from app.errors import ServiceUnavailable
from app.main import create_app
from app.models import Role
from tests.factories import make_organisation, make_user
from tests.recording.conftest import bearer_for
from tests.support.event_loop import run_apart


def test_a_request_that_finds_every_turn_taken_hears_busy_after_the_wait() -> None:
    admission = Admission(turns=1, wait_seconds=0.2)
    outcomes: list[str] = []

    async def hold(seconds: float) -> None:
        async with admission.turn():
            outcomes.append("served")
            await anyio.sleep(seconds)

    async def late() -> None:
        await anyio.sleep(0.05)
        try:
            async with admission.turn():
                outcomes.append("served late")
        except ServiceUnavailable as busy:
            assert busy.headers == {"Retry-After": "1"}
            outcomes.append("busy")

    async def crowd() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(hold, 1.0)
            group.start_soon(late)

    run_apart(crowd)
    assert outcomes == ["served", "busy"]


def test_a_turn_given_back_serves_the_next_in_line() -> None:
    admission = Admission(turns=1, wait_seconds=2.0)
    outcomes: list[str] = []

    async def use(name: str, seconds: float) -> None:
        async with admission.turn():
            outcomes.append(name)
            await anyio.sleep(seconds)

    async def queue() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(use, "first", 0.1)
            await anyio.sleep(0.01)
            group.start_soon(use, "second", 0)

    run_apart(queue)
    assert outcomes == ["first", "second"]


@pytest.mark.parametrize(
    ("url", "turns"),
    [("sqlite:///./var/turns.sqlite3", 2), ("postgresql+psycopg://tandem@127.0.0.1/turns", 16)],
)
def test_a_process_takes_as_many_requests_at_once_as_its_database_serves_well(
    settings: Settings, url: str, turns: int
) -> None:
    # SQLite works inside the process: more than two at once only queue for the
    # interpreter lock. TANDEM_CONCURRENCY, when set, decides on either database.
    for chosen, expected in ((None, turns), (5, 5)):
        app = create_app(settings.model_copy(update={"database_url": url, "concurrency": chosen}))
        assert app.state.admission.turns == expected
        assert app.state.engine.pool.size() == expected  # a connection for every turn
        app.state.engine.dispose()


@pytest.fixture
def tight_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"concurrency": 1, "queue_seconds": 0.2})


def test_no_database_connection_free_in_time_is_a_503_not_a_stall(
    tight_settings: Settings, db: Session
) -> None:
    organisation = make_organisation(db)
    user = make_user(db, organisation, Role.practitioner)
    headers = bearer_for(db, user, tight_settings.secret_key)
    app = create_app(tight_settings)
    engine = app.state.engine
    # Someone else (uploads, sign-in counters) holds every connection of the pool.
    held: list[Any] = [engine.connect() for _ in range(2)]
    try:
        with TestClient(app) as client:
            busy = client.get("/api/v1/me", headers=headers)
            health = client.get("/healthz")
    finally:
        for connection in held:
            connection.close()
    assert busy.status_code == 503
    assert busy.json()["error"]["code"] == "database_unavailable"
    assert busy.headers["retry-after"] == "1"
    assert health.status_code == 200
    with TestClient(app) as client:
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    engine.dispose()
