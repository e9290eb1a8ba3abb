"""The player reads a recording through a short-lived link: the media route checks who may
watch, audits the viewing and redirects; the seeks go to the link. A link that expires in
the middle of a sitting must not end it: the player asks again and stays where it was."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Playwright, expect
from sqlmodel import Session

from tests.e2e.conftest import Team, upload_ready_recording, write_webm
from tests.e2e.test_review_journey import media_at
from tests.factories import PASSWORD
from tests.recording.helpers import media_viewings
from tests.support.live_server import live_server

LINK_SECONDS = 2


@pytest.fixture
def short_links(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second server over the same database whose links live two seconds."""
    env = {"TANDEM_PRESIGNED_URL_SECONDS": str(LINK_SECONDS)}
    with live_server(database_url=database_url, work_dir=tmp_path / "app", env=env) as url:
        yield url


def test_a_link_that_expires_mid_viewing_is_renewed_where_the_person_was(
    page: Page, playwright: Playwright, short_links: str, team: Team, db: Session, tmp_path: Path
) -> None:
    # 30 s of noise (about 1 MB a second): more than the browser reads ahead at once.
    video = write_webm(tmp_path / "visit.webm", 30, width=320, height=240, noise=True)
    recording_id = upload_ready_recording(playwright, short_links, team.practitioner, video)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))

    page.goto(f"{short_links}/#/sign-in")
    page.get_by_label("Email").fill(team.coach.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    page.goto(f"{short_links}/#/recordings/{recording_id}")
    seek = page.get_by_label("Position in the recording")
    seek.fill("20")  # 2.0 s: the player loads, through its first link
    media_at(page, 2.0)
    first_links = [url for url in asked if "/api/v1/media/" in url]
    assert first_links, "the player reads through a short-lived link"

    page.wait_for_timeout((LINK_SECONDS + 1) * 1000)  # that link has expired
    seek.fill("250")  # 25 s: beyond what was read ahead, so the expired link is asked
    media_at(page, 25.0)
    expect(page.get_by_role("alert")).to_be_hidden()
    media_route = f"/api/v1/recordings/{recording_id}/media?redirect=true"
    assert sum(url.endswith(media_route) for url in asked) >= 2, "a fresh link was asked for"

    # One sitting, however many links: one row in the audit trail.
    assert media_viewings(db, str(uuid.UUID(recording_id))) == [(team.coach.id, "link")]
