"""Playback: Range requests from disk, short-lived presigned URLs on S3, every viewing
audited once."""

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import AuditEvent
from app.models.base import utcnow
from app.recording.viewings import VIEWING_WINDOW, ViewingLog
from tests.recording.conftest import People, both_backends
from tests.recording.helpers import upload_whole


@pytest.fixture
def uploaded(client: TestClient, people: People, auth: Any, video_file: Path) -> tuple[str, bytes]:
    data = video_file.read_bytes()
    return upload_whole(client, auth(people.practitioner), data), data


def test_ranges_from_disk(client: TestClient, people: People, auth: Any, uploaded: Any) -> None:
    recording_id, data = uploaded
    url = f"/api/v1/recordings/{recording_id}/media"
    headers = auth(people.practitioner)
    whole = client.get(url, headers=headers)
    assert whole.status_code == 200
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["Cache-Control"] == "private, no-store"
    assert whole.headers["Content-Type"] == "video/mp4"
    etag = whole.headers["ETag"]
    assert etag == f'"{hashlib.sha256(data).hexdigest()}"'
    assert whole.content == data

    part = client.get(url, headers={**headers, "Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert part.content == data[100:200]
    # A player seeking around: several requests, each its own range.
    for start in (len(data) - 10, 0, 5000):
        seek = client.get(url, headers={**headers, "Range": f"bytes={start}-"})
        assert seek.status_code == 206 and seek.content == data[start:]

    several = client.get(url, headers={**headers, "Range": "bytes=0-9,20-29"})
    assert several.status_code == 206
    assert several.headers["Content-Type"].startswith("multipart/byteranges")
    assert data[0:10] in several.content and data[20:30] in several.content

    same = client.get(url, headers={**headers, "Range": "bytes=0-9", "If-Range": etag})
    assert same.status_code == 206
    changed = client.get(url, headers={**headers, "Range": "bytes=0-9", "If-Range": '"other"'})
    assert changed.status_code == 200 and changed.content == data

    beyond = client.get(url, headers={**headers, "Range": f"bytes={len(data) + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(data)}"
    assert beyond.json()["error"]["code"] == "range_not_satisfiable"


@pytest.mark.parametrize("header", ["bytes", "items=0-9", "bytes=x-y", "bytes=9-3"])
def test_malformed_ranges_answer_in_the_error_shape(
    client: TestClient, people: People, auth: Any, uploaded: Any, header: str
) -> None:
    recording_id, _ = uploaded
    answer = client.get(
        f"/api/v1/recordings/{recording_id}/media",
        headers={**auth(people.practitioner), "Range": header},
    )
    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["error"]["code"] == "bad_range"


def _views(db: Session, recording_id: str, user: Any) -> list[tuple[str, Any]]:
    db.expire_all()
    events = db.exec(
        select(AuditEvent)
        .where(AuditEvent.resource_id == recording_id, AuditEvent.actor_user_id == user.id)
        .order_by(AuditEvent.created_at)
    ).all()
    return [
        (event.action, event.details.get("range"))
        for event in events
        if event.action.endswith("_viewed")
    ]


def test_every_viewing_is_audited_once_however_many_ranges_it_reads(
    client: TestClient, people: People, auth: Any, uploaded: Any, db: Session
) -> None:
    recording_id, _ = uploaded
    media = f"/api/v1/recordings/{recording_id}/media"
    headers = auth(people.coach)
    assert client.get(media, headers={**headers, "Range": "bytes=0-1"}).status_code == 206
    # The player's further reads and seeks belong to the same viewing.
    for first in (2, 500, 100, 2000):
        seek = {**headers, "Range": f"bytes={first}-{first + 99}"}
        assert client.get(media, headers=seek).status_code == 206
    assert (
        client.get(f"/api/v1/recordings/{recording_id}/poster", headers=headers).status_code == 200
    )
    assert (
        client.get(f"/api/v1/recordings/{recording_id}/poster", headers=headers).status_code == 200
    )
    assert _views(db, recording_id, people.coach) == [
        ("recording.media_viewed", {"first": "0-1", "count": 1}),
        ("recording.poster_viewed", None),
    ]
    # Each person's viewing is their own.
    client.get(media, headers=auth(people.practitioner))
    assert _views(db, recording_id, people.practitioner) == [("recording.media_viewed", None)]


def test_a_new_sitting_after_the_viewing_window_is_audited_again(
    client: TestClient, people: People, auth: Any, uploaded: Any, db: Session, app: Any
) -> None:
    recording_id, _ = uploaded
    media = f"/api/v1/recordings/{recording_id}/media"
    headers = auth(people.coach)
    client.get(media, headers=headers)
    # As if the window had passed: the audited viewing began long ago.
    db.execute(
        update(AuditEvent)
        .where(col(AuditEvent.resource_id) == recording_id)
        .values(created_at=utcnow() - VIEWING_WINDOW - timedelta(minutes=1))
    )
    db.commit()
    app.state.viewings = ViewingLog()  # a process that never saw the first viewing
    client.get(media, headers={**headers, "Range": "bytes=10-19"})
    assert _views(db, recording_id, people.coach) == [
        ("recording.media_viewed", None),
        ("recording.media_viewed", {"first": "10-19", "count": 1}),
    ]


def test_another_process_joins_a_viewing_audited_elsewhere(
    client: TestClient, people: People, auth: Any, uploaded: Any, db: Session, app: Any
) -> None:
    recording_id, _ = uploaded
    media = f"/api/v1/recordings/{recording_id}/media"
    headers = auth(people.coach)
    client.get(media, headers={**headers, "Range": "bytes=0-9"})
    # The player's next request lands on a process that has not seen this viewing: it
    # finds the row in the trail and writes none.
    app.state.viewings = ViewingLog()
    client.get(media, headers={**headers, "Range": "bytes=10-19"})
    assert _views(db, recording_id, people.coach) == [
        ("recording.media_viewed", {"first": "0-9", "count": 1})
    ]


def test_the_audit_trail_keeps_a_bounded_range_never_the_header(
    client: TestClient, people: People, auth: Any, uploaded: Any, db: Session
) -> None:
    recording_id, _ = uploaded
    hostile = "bytes=" + ",".join(f"{n}-{n}" for n in range(0, 20_000, 2))
    client.get(
        f"/api/v1/recordings/{recording_id}/media",
        headers={**auth(people.coach), "Range": hostile},
    )
    # Another person's viewing, so that its first request is audited too.
    client.get(
        f"/api/v1/recordings/{recording_id}/media",
        headers={**auth(people.practitioner), "Range": "bytes=" + "9" * 5000 + "-"},
    )
    ranges = [
        range_read
        for user in (people.coach, people.practitioner)
        for _, range_read in _views(db, recording_id, user)
    ]
    assert {"first": "0-0", "count": 10_000} in ranges
    assert {"first": None, "count": 1} in ranges
    assert all(len(str(summary)) < 100 for summary in ranges)


@both_backends
def test_s3_playback_is_a_short_lived_redirect(
    client: TestClient, people: People, auth: Any, uploaded: Any, backend: str, settings: Settings
) -> None:
    recording_id, data = uploaded
    answer = client.get(
        f"/api/v1/recordings/{recording_id}/media",
        headers=auth(people.practitioner),
        follow_redirects=False,
    )
    if backend == "disk":
        assert answer.status_code == 200
        return
    assert answer.status_code == 307
    assert answer.headers["Cache-Control"] == "private, no-store"
    location = answer.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert int(query["X-Amz-Expires"][0]) == settings.presigned_url_seconds <= 900
    assert query["response-cache-control"] == ["private, no-store"]
    assert f"recordings/{people.organisation.id}/{recording_id}/original" in location
    fetched = httpx.get(location)
    assert fetched.status_code == 200
    assert hashlib.sha256(fetched.content).hexdigest() == hashlib.sha256(data).hexdigest()
    ranged = httpx.get(location, headers={"Range": "bytes=10-19"})
    assert ranged.status_code == 206 and ranged.content == data[10:20]


def test_presigned_urls_cannot_be_configured_beyond_fifteen_minutes() -> None:
    with pytest.raises(ValueError):
        Settings(presigned_url_seconds=15 * 60 + 1)


def test_poster_is_a_jpeg(client: TestClient, people: People, auth: Any, uploaded: Any) -> None:
    recording_id, _ = uploaded
    poster = client.get(
        f"/api/v1/recordings/{recording_id}/poster", headers=auth(people.practitioner)
    )
    assert poster.status_code == 200
    assert poster.headers["Content-Type"] == "image/jpeg"
    assert poster.headers["Cache-Control"] == "private, no-store"
    assert poster.content[:2] == b"\xff\xd8"
