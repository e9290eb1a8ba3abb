"""A busy moment costs a person a short wait, not an error: the PWA asks again when the
server says it did nothing with a request (503 server_busy) and when to come back.

The server here has one turn (TANDEM_CONCURRENCY=1). A request of the test's own takes it
and waits behind a lock the test holds on the sign-in sessions' table, so the PWA's
requests find every turn taken, for real, until the test lets go."""

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Response, expect
from sqlalchemy import Connection, text
from sqlmodel import Session

from app.db import make_engine
from app.models.recording import Recording, RecordingStatus
from tests.e2e.conftest import Team, settled
from tests.factories import PASSWORD
from tests.recording.conftest import bearer_for
from tests.support.live_server import LIVE_SERVER_SECRET, live_server

pytestmark = pytest.mark.once_on_postgresql


@pytest.fixture
def one_turn_server(database_url: str, tmp_path: Path) -> Iterator[str]:
    env = {"TANDEM_CONCURRENCY": "1", "TANDEM_QUEUE_SECONDS": "0.5"}
    with live_server(database_url=database_url, work_dir=tmp_path, env=env) as url:
        yield url


def _waiting_for_a_lock(connection: Connection) -> bool:
    waiting = connection.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
    return bool(waiting.scalar_one())


def test_the_home_screen_waits_out_a_busy_server_and_shows_no_error(
    page: Page, team: Team, db: Session, database_url: str, one_turn_server: str
) -> None:
    db.add(
        Recording(
            organisation_id=team.organisation.id,
            owner_user_id=team.practitioner.id,
            title="Home visit week 6",
            status=RecordingStatus.ready,
            storage_key="recordings/test/week-6",
        )
    )
    db.commit()
    page.goto(f"{one_turn_server}/#/sign-in")
    page.get_by_label("Email").fill(team.practitioner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    settled(page)

    headers = bearer_for(db, team.coach, LIVE_SERVER_SECRET)
    engine = make_engine(database_url)
    holder_answers: list[int] = []
    try:
        with engine.connect() as locker:
            locker.execute(text("LOCK TABLE auth_session IN ACCESS EXCLUSIVE MODE"))

            def hold_the_only_turn() -> None:
                answer = httpx.get(f"{one_turn_server}/api/v1/me", headers=headers, timeout=30)
                holder_answers.append(answer.status_code)

            holder = threading.Thread(target=hold_the_only_turn)
            holder.start()
            with engine.connect() as watcher:
                for _ in range(200):
                    if _waiting_for_a_lock(watcher):
                        break
                    page.wait_for_timeout(25)
                else:
                    pytest.fail("the holding request never reached the database")

            def busy(response: Response) -> bool:
                return response.status == 503 and "/api/v1/" in response.url

            with page.expect_response(busy) as turned_away:
                page.reload()
            refusal = turned_away.value
            assert refusal.json()["error"]["code"] == "server_busy"
            assert refusal.headers["retry-after"] == "1"
            locker.rollback()  # lets go: the holder finishes and gives its turn back
        holder.join(timeout=30)
    finally:
        engine.dispose()
    assert holder_answers == [200]

    # The PWA asked again after Retry-After: the screen is whole, and no error was shown.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    recordings = page.get_by_role("region", name="My recordings")
    expect(recordings.get_by_role("listitem").filter(has_text="Home visit week 6")).to_be_visible()
    settled(page)
    expect(page.get_by_role("alert")).to_have_count(0)
