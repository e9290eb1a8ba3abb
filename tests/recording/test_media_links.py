"""Short-lived media links on disk storage: `/media?redirect=true` decides who may watch,
audits the viewing and redirects; the link serves the viewing's Range requests with no
sign-in, until it expires, and never once the media are erased."""

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.logs import loggable_path
from app.models.base import utcnow
from app.recording.media_links import PREFIX, MediaLink, link_to
from tests.recording.conftest import People
from tests.recording.helpers import media_viewings, upload_whole


@pytest.fixture
def uploaded(client: TestClient, people: People, auth: Any, video_file: Path) -> tuple[str, bytes]:
    data = video_file.read_bytes()
    return upload_whole(client, auth(people.practitioner), data), data


def _link(client: TestClient, recording_id: str, headers: dict[str, str]) -> str:
    answer = client.get(
        f"/api/v1/recordings/{recording_id}/media",
        params={"redirect": "true"},
        headers=headers,
        follow_redirects=False,
    )
    assert answer.status_code == 307, answer.text
    assert answer.headers["Cache-Control"] == "private, no-store"
    location: str = answer.headers["Location"]
    assert location.startswith(PREFIX)
    return location


def test_a_link_serves_the_ranges_of_a_viewing_without_a_sign_in(
    client: TestClient, people: People, auth: Any, uploaded: Any, db: Session
) -> None:
    recording_id, data = uploaded
    link = _link(client, recording_id, auth(people.coach))

    # What a browser does next: every read of the viewing goes to the link, cookie or not.
    whole = client.get(link)
    assert whole.status_code == 200
    assert whole.content == data
    assert whole.headers["Content-Type"] == "video/mp4"
    assert whole.headers["Cache-Control"] == "private, no-store"
    assert whole.headers["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert (
        whole.headers["Content-Disposition"] == f'inline; filename="recording-{recording_id}.mp4"'
    )
    for start in (len(data) - 10, 0, 5000):
        seek = client.get(link, headers={"Range": f"bytes={start}-{start + 9}"})
        assert seek.status_code == 206
        assert seek.content == data[start : start + 10]
    beyond = client.get(link, headers={"Range": f"bytes={len(data) + 10}-"})
    assert beyond.status_code == 416
    assert beyond.json()["error"]["code"] == "range_not_satisfiable"

    assert media_viewings(db, recording_id) == [(people.coach.id, "link")]


def test_only_those_who_may_watch_are_given_a_link(
    client: TestClient, people: People, auth: Any, uploaded: Any
) -> None:
    recording_id, _ = uploaded
    media = f"/api/v1/recordings/{recording_id}/media?redirect=true"
    assert client.get(media, follow_redirects=False).status_code == 401
    supervisor = client.get(media, headers=auth(people.supervisor), follow_redirects=False)
    assert supervisor.status_code == 403
    outsider = client.get(media, headers=auth(people.outsider), follow_redirects=False)
    assert outsider.status_code == 404


def test_without_asking_the_media_route_streams_as_before(
    client: TestClient, people: People, auth: Any, uploaded: Any
) -> None:
    recording_id, data = uploaded
    answer = client.get(
        f"/api/v1/recordings/{recording_id}/media",
        headers={**auth(people.practitioner), "Range": "bytes=0-9"},
        follow_redirects=False,
    )
    assert answer.status_code == 206 and answer.content == data[:10]


def test_an_expired_link_says_so_and_an_altered_one_names_nothing(
    client: TestClient, people: People, auth: Any, uploaded: Any, settings: Settings
) -> None:
    recording_id, _ = uploaded
    link = _link(client, recording_id, auth(people.practitioner))
    stored = MediaLink(
        key=f"recordings/{people.organisation.id}/{recording_id}/original",
        content_type="video/mp4",
        filename="visit.mp4",
        etag=None,
    )
    expired = link_to(stored, secret_key=settings.secret_key, expires_at=utcnow() - timedelta(1))
    answer = client.get(expired)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "link_expired"

    # Signed with another key, or changed on the way: not ours, so nothing is there.
    forged = link_to(stored, secret_key="another secret", expires_at=utcnow() + timedelta(1))
    header, claims, signature = link.removeprefix(PREFIX).split(".")
    for other in (forged, f"{PREFIX}{header}.{claims}x.{signature}", f"{PREFIX}not-a-link"):
        answer = client.get(other)
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"
    # An access token is no media link, whatever it says.
    token = auth(people.practitioner)["Authorization"].removeprefix("Bearer ")
    assert client.get(PREFIX + token).status_code == 404


def test_erasing_the_media_ends_every_link(
    client: TestClient, people: People, auth: Any, uploaded: Any
) -> None:
    recording_id, _ = uploaded
    owner = auth(people.practitioner)
    link = _link(client, recording_id, owner)
    withdrawn = client.post(
        f"/api/v1/recordings/{recording_id}/consent/withdraw",
        json={"reason": "The family asked."},
        headers=owner,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    answer = client.get(link)
    assert answer.status_code == 410
    assert answer.json()["error"]["code"] == "media_missing"


def test_the_access_log_never_keeps_a_link_or_a_feed_secret() -> None:
    assert loggable_path("/api/v1/media/eyJ.eyJ.sig") == "/api/v1/media/[secret]"
    assert loggable_path("/api/v1/calendar-feeds/s3cr3t.ics") == "/api/v1/calendar-feeds/[secret]"
    assert loggable_path("/api/v1/recordings/1/media") == "/api/v1/recordings/1/media"
