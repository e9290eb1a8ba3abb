"""Uploads that survive what phones and servers go through: connections cut again and
again (tests/support/flaky_proxy.py), and an app process killed mid-upload.

The client is the real tuspy, driven the way an app drives it: when a request breaks,
make a new uploader with the upload's URL (it asks the server for its offset with a
HEAD) and go on from there.
"""

import hashlib
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import pytest
from sqlmodel import Session
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError

from app.config import Settings
from app.models import Upload
from tests.recording.conftest import People, both_backends, live_bearer, live_environment
from tests.recording.helpers import create_upload, metadata, offset_of, wait_until_processed
from tests.support.flaky_proxy import FlakyProxy, random_plan
from tests.support.live_server import LIVE_SERVER_SECRET, REPO_ROOT, live_server
from tests.support.media import make_video
from tests.support.ports import free_port
from tests.support.processes import running_process

# Servers killed and connections cut (faults under load): once, on PostgreSQL.
pytestmark = pytest.mark.once_on_postgresql

T = TypeVar("T")
MIB = 1024 * 1024
PART_BYTES = 5 * MIB  # the smallest part S3 allows; the disk backend uses the same setting
CHUNK_BYTES = 3 * MIB  # tuspy's PATCH size: parts and tails both come into play
CUT_SEED = 20_240_611
SAFETY_SECONDS = 120  # a net against a hang, not a measure of speed
RETRY_PAUSE_SECONDS = 0.2
MAX_ATTEMPTS = 100


@pytest.fixture
def server_env(settings: Settings, storage_values: dict[str, Any]) -> dict[str, str]:
    return {
        **live_environment(settings, storage_values),
        "TANDEM_S3_PART_SIZE_MIB": str(PART_BYTES // MIB),
        # The shortest lease allowed: a dead process holds an upload this long at most.
        "TANDEM_UPLOAD_LOCK_SECONDS": "5",
    }


def large_video(path: Path, size: int) -> bytes:
    """A real MP4 made `size` bytes long by a `free` box of seeded random bytes: unlike
    zeros, a part stored at the wrong place or twice changes its sha256."""
    make_video(path, seconds=2)
    extra = size - path.stat().st_size - 8
    with path.open("ab") as file:
        file.write(struct.pack(">I", extra + 8) + b"free" + random.Random(size).randbytes(extra))
    return path.read_bytes()


def upload_through_breaks(
    endpoint: str,
    headers: dict[str, str],
    video: Path,
    url: str | None = None,
    *,
    upload_checksum: bool = True,
) -> tuple[str, list[int | None]]:
    """tuspy until the upload is whole, resumed from the server's offset after every
    failure; returns the upload's URL and the failures (their status, None for none)."""
    client = TusClient(f"{endpoint}/api/v1/uploads", headers=headers)
    failures: list[int | None] = []
    for _ in range(MAX_ATTEMPTS):
        uploader = None
        try:
            uploader = client.uploader(
                str(video),
                url=url,
                chunk_size=CHUNK_BYTES,
                metadata=metadata(),
                upload_checksum=upload_checksum,
            )
            uploader.upload()
            assert uploader.url is not None
            return uploader.url, failures
        except TusCommunicationError as error:
            failures.append(error.status_code)
            url = uploader.url if uploader is not None and uploader.url else url
            time.sleep(RETRY_PAUSE_SECONDS)
    raise AssertionError(f"no complete upload after {MAX_ATTEMPTS} attempts: {failures}")


def in_a_thread(work: Callable[[], T]) -> T:
    """Run `work` in a thread, so that a hang fails this test instead of the suite."""
    outcome: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(SAFETY_SECONDS)
    if thread.is_alive():
        pytest.fail(f"still uploading after {SAFETY_SECONDS} s")
    if errors:
        raise errors[0]
    return outcome[0]


def assert_plays_back_identically(
    base_url: str, headers: dict[str, str], upload_url: str, original: bytes
) -> None:
    path = urlsplit(upload_url).path
    with httpx.Client(
        base_url=base_url, headers=headers, follow_redirects=True, timeout=60
    ) as client:
        upload = client.get(path).json()
        assert upload["completed"] and upload["offset"] == len(original), upload
        recording = wait_until_processed(client, upload["recording_id"], {}, timeout=60)
        assert recording["status"] == "ready", recording
        assert recording["sha256"] == hashlib.sha256(original).hexdigest()
        assert recording["size_bytes"] == len(original)
        played = client.get(f"/api/v1/recordings/{upload['recording_id']}/media")
        assert played.status_code == 200
        assert hashlib.sha256(played.content).hexdigest() == recording["sha256"]


# Each way of keeping what arrived on each store, in two runs rather than four: a
# checksummed PATCH (kept whole or not at all) against S3, and the parts and tail of an
# unchecksummed one on disk. The other pairings run the same code on each side of the
# storage protocol (tests/recording/test_tus_interrupted.py cuts PATCHes on both stores).
@pytest.mark.parametrize(
    ("backend", "upload_checksum"),
    [("s3", True), ("disk", False)],
    ids=["checksum-s3", "no-checksum-disk"],
    indirect=["backend"],
)
def test_an_upload_cut_off_again_and_again_completes_intact(
    db: Session,
    people: People,
    settings: Settings,
    server_env: dict[str, str],
    tmp_path: Path,
    upload_checksum: bool,
) -> None:
    """With a checksum a broken PATCH counts for nothing; without one, the server keeps
    the parts and the tail of what arrived, and the client goes on from there."""
    video = tmp_path / "visit.mp4"
    original = large_video(video, 24 * MIB + 12_345)
    plan = random_plan(CUT_SEED, cuts=6)
    # A cut body brings at most its fraction of a chunk: the upload cannot be whole
    # before the last planned cut has fallen.
    assert sum(cut.after_bodies + cut.fraction for cut in plan) * CHUNK_BYTES < len(original)
    headers = live_bearer(db, people.practitioner)
    with (
        live_server(
            database_url=settings.database_url, work_dir=tmp_path / "live", env=server_env
        ) as live,
        FlakyProxy(live, plan, stall_seconds=1) as proxy,
    ):
        upload_url, failures = in_a_thread(
            lambda: upload_through_breaks(
                proxy.url, headers, video, upload_checksum=upload_checksum
            )
        )
        counts = proxy.cut_counts()
        assert proxy.planned_left() == 0, counts
        assert sum(counts.values()) >= 5 and all(counts.values()), proxy.cuts
        assert len(failures) >= sum(counts.values()), failures
        assert_plays_back_identically(live, headers, upload_url, original)


@contextmanager
def app_process(
    *, database_url: str, work_dir: Path, env: dict[str, str], port: int
) -> Iterator[subprocess.Popen[bytes]]:
    """The app as tests/support/live_server.py serves it, but with its process at hand."""
    base_url = f"http://127.0.0.1:{port}"
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("TANDEM_")}
    server_env = {
        **inherited,
        "TANDEM_ENV": "test",
        "TANDEM_DATABASE_URL": database_url,
        "TANDEM_SECRET_KEY": LIVE_SERVER_SECRET,
        "TANDEM_PUBLIC_URL": base_url,
        **env,
    }
    args = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    args += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with running_process(
        args,
        ready_url=f"{base_url}/healthz",
        log_path=work_dir / f"uvicorn-{port}.log",
        env=server_env,
        cwd=REPO_ROOT,
    ) as process:
        yield process


def start_patch(base_url: str, path: str, headers: dict[str, str], length: int) -> socket.socket:
    """A PATCH from offset 0 announcing `length` bytes; the test sends the body itself."""
    address = urlsplit(base_url)
    connection = socket.create_connection((address.hostname, address.port))
    lines = [
        f"PATCH {path} HTTP/1.1",
        f"Host: {address.netloc}",
        "Tus-Resumable: 1.0.0",
        "Content-Type: application/offset+octet-stream",
        "Upload-Offset: 0",
        f"Content-Length: {length}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return connection


def wait_for_offset(client: httpx.Client, path: str, headers: dict[str, str], least: int) -> int:
    deadline = time.monotonic() + SAFETY_SECONDS
    while (offset := offset_of(client, path, headers)) < least:
        assert time.monotonic() < deadline, f"offset {offset} never reached {least}"
        time.sleep(0.05)
    return offset


@both_backends
def test_an_upload_resumes_after_its_server_is_killed(
    db: Session,
    people: People,
    settings: Settings,
    server_env: dict[str, str],
    tmp_path: Path,
) -> None:
    video = tmp_path / "visit.mp4"
    original = large_video(video, 3 * PART_BYTES + 54_321)
    headers = live_bearer(db, people.practitioner)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    serve = partial(app_process, database_url=settings.database_url, env=server_env, port=port)
    sent = PART_BYTES + PART_BYTES // 2

    with serve(work_dir=tmp_path / "first") as first:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            path = create_upload(client, headers, len(original)).headers["Location"]
            connection = start_patch(base_url, path, headers, len(original))
            connection.sendall(original[:sent])
            wait_for_offset(client, path, headers, PART_BYTES)  # a part is committed
        os.kill(first.pid, signal.SIGKILL)  # mid-body, holding the upload's lease
        first.wait(timeout=30)
        connection.close()

    row = db.get(Upload, uuid.UUID(path.rsplit("/", 1)[1]), populate_existing=True)
    assert row is not None and row.lock_token is not None  # the dead process's lease

    with serve(work_dir=tmp_path / "second"):
        with httpx.Client(base_url=base_url, timeout=30) as client:
            offset = offset_of(client, path, headers)
        assert 0 < offset <= sent
        upload_url, failures = in_a_thread(
            lambda: upload_through_breaks(base_url, headers, video, url=f"{base_url}{path}")
        )
        assert set(failures) <= {423}  # refused only while the dead lease lasted
        assert_plays_back_identically(base_url, headers, upload_url, original)
