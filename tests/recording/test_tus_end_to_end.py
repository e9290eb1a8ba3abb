"""A real tus client (tuspy) against real app processes, on disk and on S3."""

import hashlib
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session
from tusclient.client import TusClient

from app.config import Settings
from tests.recording.conftest import People, both_backends, live_bearer, live_environment
from tests.recording.helpers import metadata, wait_until_processed
from tests.support.live_server import live_server
from tests.support.media import make_video, pad_with_free_box

pytestmark = both_backends


@pytest.fixture
def servers(
    db: Session, settings: Settings, storage_values: dict[str, Any], tmp_path: Path
) -> Iterator[tuple[str, str]]:
    """Two app processes over one database and one storage: any may take any request."""
    env = live_environment(settings, storage_values)
    with ExitStack() as stack:
        first = stack.enter_context(
            live_server(database_url=settings.database_url, work_dir=tmp_path / "a", env=env)
        )
        second = stack.enter_context(
            live_server(database_url=settings.database_url, work_dir=tmp_path / "b", env=env)
        )
        yield first, second


def test_tuspy_upload_resumed_on_another_process_plays_back_identically(
    servers: tuple[str, str], people: People, tmp_path: Path, backend: str, db: Session
) -> None:
    first, second = servers
    video = make_video(tmp_path / "visit.mp4", seconds=3)
    if backend == "s3":
        pad_with_free_box(video, 6 * 1024 * 1024)  # two 5 MiB parts, and a tail between
    original = video.read_bytes()
    headers = live_bearer(db, people.practitioner)

    started = TusClient(f"{first}/api/v1/uploads", headers=headers).uploader(
        str(video), chunk_size=40_000, metadata=metadata(), upload_checksum=True
    )
    started.upload(stop_at=len(original) // 2)
    assert started.url is not None
    upload_path = started.url.removeprefix(first)

    # The phone comes back on another connection, served by another process.
    resumed = TusClient(f"{second}/api/v1/uploads", headers=headers).uploader(
        str(video), url=f"{second}{upload_path}", chunk_size=3 * 1024 * 1024, upload_checksum=True
    )
    assert 0 < resumed.offset <= len(original) // 2 + 40_000
    resumed.upload()

    with httpx.Client(base_url=second, headers=headers, follow_redirects=True) as client:
        recording_id = client.get(upload_path).json()["recording_id"]
        recording = wait_until_processed(client, recording_id, {})
        assert recording["status"] == "ready", recording
        assert recording["sha256"] == hashlib.sha256(original).hexdigest()
        assert recording["size_bytes"] == len(original)
        assert recording["media_type"] == "video/mp4"
        assert recording["has_video"] and recording["has_audio"]
        assert (recording["width"], recording["height"]) == (320, 240)
        assert 2.9 < recording["duration_seconds"] < 3.2
        played = client.get(f"/api/v1/recordings/{recording_id}/media")
        assert played.status_code == 200
        assert hashlib.sha256(played.content).hexdigest() == recording["sha256"]
        poster = client.get(f"/api/v1/recordings/{recording_id}/poster")
        assert poster.content[:2] == b"\xff\xd8"
