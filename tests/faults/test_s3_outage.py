"""S3 going away in the middle of an upload, or hanging, and coming back.

A real uvicorn stores media in S3 (moto on loopback) through a proxy that can be
switched off (tests/support/switchable_proxy.py): off, connections are refused and the
open ones reset, as when S3 or the network to it fails; silent, connections are taken
and never answered, as when a firewall drops packets or S3 hangs (the server gives up on
each try after TANDEM_S3_TIMEOUT_SECONDS, shortened here). The phone is midway through
a PATCH when it happens. What it relies on, either way:

- the PATCH answers 503 `storage_unavailable` in the JSON error shape, with Retry-After
  and Tus-Resumable, so a tus client backs off and retries;
- HEAD's offset is exactly what S3 holds: the part stored before the outage counts,
  nothing after it does;
- the recording stays "uploading": nothing goes to processing, or shows as ready, with
  half its media;
- once S3 is back the upload resumes from HEAD's offset and completes with the right
  sha256, leaving no unfinished multipart upload or stray tail object behind.
"""

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from app.config import Settings
from app.models.base import utcnow
from app.recording.leftovers import remove_leftovers
from app.storage.factory import get_storage
from tests.faults.conftest import MIB, PART_BYTES, Uploader, video_of_size
from tests.recording.conftest import live_bearer
from tests.recording.helpers import (
    OFFSET_STREAM,
    TUS,
    create_upload,
    metadata,
    offset_of,
    patch,
    wait_until_processed,
)
from tests.support.live_server import live_server
from tests.support.s3 import as_environment, everything_in, new_bucket, s3_settings
from tests.support.switchable_proxy import SwitchableProxy

pytestmark = pytest.mark.once_on_postgresql

DEADLINE_SECONDS = 30.0
# Each try at a silent S3 ends after this (three tries, then 503); long enough that moto
# under a busy suite still answers a normal part within it.
S3_TIMEOUT_SECONDS = 2


@pytest.fixture
def s3_proxy(s3_endpoint: str) -> Iterator[SwitchableProxy]:
    with SwitchableProxy(s3_endpoint) as proxy:
        yield proxy


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    return new_bucket(s3_endpoint)


@pytest.fixture
def server(
    db: Session, settings: Settings, s3_proxy: SwitchableProxy, bucket: str, tmp_path: Path
) -> Iterator[str]:
    # Taking `db` sets the app up first, so its cleanup waits for this server to stop.
    env = as_environment(s3_settings(s3_proxy.url, bucket))
    env["TANDEM_S3_TIMEOUT_SECONDS"] = str(S3_TIMEOUT_SECONDS)
    with live_server(database_url=settings.database_url, work_dir=tmp_path, env=env) as url:
        yield url


def wait_for_offset(client: httpx.Client, url: str, headers: dict[str, str], wanted: int) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while (offset := offset_of(client, url, headers)) != wanted:
        assert time.monotonic() < deadline, f"offset {offset}, never {wanted}"
        time.sleep(0.02)


@pytest.mark.parametrize("outage", ["go_down", "go_silent"], ids=["gone", "hanging"])
def test_an_upload_survives_s3_going_away_midway(
    outage: str,
    db: Session,
    uploader: Uploader,
    server: str,
    s3_proxy: SwitchableProxy,
    s3_endpoint: str,
    bucket: str,
    tmp_path: Path,
) -> None:
    # Two whole parts and a short last one.
    video = video_of_size(tmp_path / "visit.mp4", 2 * PART_BYTES + 123_456)
    headers = live_bearer(db, uploader.practitioner)
    client = httpx.Client(base_url=server, timeout=DEADLINE_SECONDS)
    with client:
        created = create_upload(client, headers, len(video.data), metadata())
        assert created.status_code == 201, created.text
        url = created.headers["Location"]

        def body() -> Iterator[bytes]:
            # The first part, and a little of the second; S3 goes (or hangs) once the
            # first part is stored and committed, while the phone is still sending.
            yield video.data[: PART_BYTES + MIB]
            wait_for_offset(client, url, headers, PART_BYTES)
            getattr(s3_proxy, outage)()
            yield video.data[PART_BYTES + MIB :]

        sent = {**headers, **TUS, **OFFSET_STREAM, "Upload-Offset": "0"}
        sent["Content-Length"] = str(len(video.data))
        refused = client.patch(url, headers=sent, content=body())
        assert_refused_for_now(refused)
        assert offset_of(client, url, headers) == PART_BYTES  # exactly what S3 holds
        # Trying again while S3 is still away changes nothing either.
        again = patch(client, url, headers, PART_BYTES, video.data[PART_BYTES:])
        assert_refused_for_now(again)
        assert offset_of(client, url, headers) == PART_BYTES
        assert_nothing_shown_as_a_recording(client, uploader, url, headers)

        s3_proxy.come_back()
        offset = offset_of(client, url, headers)
        done = patch(client, url, headers, offset, video.data[offset:])
        assert done.status_code == 204, done.text
        recording_id = client.get(url, headers=headers).json()["recording_id"]
        recording = wait_until_processed(client, recording_id, headers)
    assert recording["status"] == "ready"
    assert (recording["size_bytes"], recording["sha256"]) == (len(video.data), video.sha256)
    objects, unfinished = everything_in(s3_endpoint, bucket)
    assert not unfinished, "no multipart upload is left unfinished"
    assert not [key for key in objects if key.startswith("uploads/")], "no tail is left behind"


def assert_refused_for_now(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "storage_unavailable"
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["tus-resumable"] == "1.0.0"


def assert_nothing_shown_as_a_recording(
    client: httpx.Client, uploader: Uploader, url: str, headers: dict[str, str]
) -> None:
    assert client.get(url, headers=headers).json()["recording_id"] is None
    assert statuses_listed(client, uploader, headers) == ["uploading"]


def statuses_listed(client: httpx.Client, uploader: Uploader, headers: dict[str, str]) -> list[str]:
    """The status of each recording the uploader's list shows."""
    listed = client.get(
        "/api/v1/recordings",
        params={"organisation_id": str(uploader.organisation.id)},
        headers=headers,
    )
    assert listed.status_code == 200, listed.text
    return [recording["status"] for recording in listed.json()]


def test_an_upload_cancelled_while_s3_is_away_is_gone_and_its_bytes_are_swept_later(
    db: Session,
    settings: Settings,
    uploader: Uploader,
    server: str,
    s3_proxy: SwitchableProxy,
    s3_endpoint: str,
    bucket: str,
    tmp_path: Path,
) -> None:
    """The person who cancels hears that it is done (204), not 503: the upload is gone,
    and what it stored is removed with a crash's leftovers once S3 is back."""
    video = video_of_size(tmp_path / "visit.mp4", PART_BYTES + MIB)
    headers = live_bearer(db, uploader.practitioner)
    with httpx.Client(base_url=server, timeout=DEADLINE_SECONDS) as client:
        url = create_upload(client, headers, len(video.data), metadata()).headers["Location"]
        stored = patch(client, url, headers, 0, video.data[:PART_BYTES])
        assert stored.status_code == 204, stored.text
        assert everything_in(s3_endpoint, bucket)[1], "a multipart upload holds the part"

        s3_proxy.go_down()
        cancelled = client.delete(url, headers={**headers, **TUS})
        assert cancelled.status_code == 204, cancelled.text
        assert client.head(url, headers={**headers, **TUS}).status_code == 404
        assert statuses_listed(client, uploader, headers) == []

    s3_proxy.come_back()
    store = get_storage(settings.model_copy(update=s3_settings(s3_endpoint, bucket)))
    later = utcnow() + timedelta(hours=settings.upload_expiry_hours + 1)
    assert remove_leftovers(db.get_bind(), store, settings, now=later) == 1  # type: ignore[arg-type]
    assert everything_in(s3_endpoint, bucket) == ([], [])
