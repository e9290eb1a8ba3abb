"""The player reads a recording through a short-lived link: the media route checks who may
watch, audits the viewing and redirects; the seeks go to the link. A link that expires in
the middle of a sitting must not end it: the player asks again and stays where it was."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from tests.e2e.conftest import Team, write_webm
from tests.e2e.test_review_journey import media_at
from tests.factories import PASSWORD
from tests.recording.conftest import live_bearer
from tests.recording.helpers import media_viewings, upload_whole, wait_until_processed
from tests.support.live_server import live_server

LINK_SECONDS = 2


def long_video(path: Path, *, repeats: int) -> Path:
    """Two seconds of noise (about 1 MB a second, so barely compressed) played `repeats`
    times over: a recording far larger than a browser reads ahead, made in a moment by
    copying the encoded frames rather than encoding them all."""
    segment = write_webm(path.with_name("segment.webm"), 2, width=320, height=240, noise=True)
    with av.open(str(segment)) as source, av.open(str(path), "w") as target:
        frames = source.streams.video[0]
        stream = target.add_stream_from_template(frames)
        packets = [packet for packet in source.demux(frames) if packet.size]
        assert packets[0].is_keyframe and packets[0].pts is not None
        step = packets[1].pts - packets[0].pts  # type: ignore[operator]
        length = packets[-1].pts + step  # type: ignore[operator]
        for repeat in range(repeats):
            for packet in packets:
                packet.pts = packet.dts = (packet.pts or 0) + (length if repeat else 0)
                packet.stream = stream
                target.mux(packet)
    return path


def shows_frame_at(page: Page, seconds: float) -> None:
    """The video has the frame at `seconds` (its position alone is set at once by a seek,
    before any byte of it arrives: only the bytes prove the read went through)."""
    page.wait_for_function(
        "(at) => { const video = document.querySelector('video');"
        " return video.readyState >= 2 && !video.seeking"
        " && Math.abs(video.currentTime - at) < 0.2; }",
        arg=seconds,
    )


@pytest.fixture
def short_links(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second server over the same database whose links live two seconds."""
    env = {"TANDEM_PRESIGNED_URL_SECONDS": str(LINK_SECONDS)}
    with live_server(database_url=database_url, work_dir=tmp_path / "app", env=env) as url:
        yield url


def test_a_link_that_expires_mid_viewing_is_renewed_where_the_person_was(
    page: Page, short_links: str, team: Team, db: Session, tmp_path: Path
) -> None:
    video = long_video(tmp_path / "visit.webm", repeats=50)
    owner = live_bearer(db, team.practitioner)
    with httpx.Client(base_url=short_links, timeout=60) as client:
        data = video.read_bytes()
        recording_id = upload_whole(
            client, owner, data, filename="visit.webm", filetype="video/webm"
        )
        assert wait_until_processed(client, recording_id, owner, 60)["status"] == "ready"
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
    seek.fill("900")  # 90 s: far beyond what was read ahead, so the expired link is asked
    shows_frame_at(page, 90.0)
    expect(page.get_by_role("alert")).to_be_hidden()
    media_route = f"/api/v1/recordings/{recording_id}/media?redirect=true"
    assert sum(url.endswith(media_route) for url in asked) >= 2, "a fresh link was asked for"

    # One sitting, however many links: one row in the audit trail.
    assert media_viewings(db, str(uuid.UUID(recording_id))) == [(team.coach.id, "link")]
