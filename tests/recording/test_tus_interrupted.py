"""Connections that drop and requests that collide, against a real server process."""

import hashlib
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.models import Upload
from app.storage import Storage
from tests.recording.conftest import (
    People,
    both_backends,
    live_bearer,
    live_environment,
)
from tests.recording.helpers import TUS, create_upload, offset_of, patch
from tests.support.live_server import live_server

MIB = 1024 * 1024


def start_patch(
    base_url: str, path: str, headers: dict[str, str], offset: int, length: int
) -> socket.socket:
    """Begin a PATCH announcing `length` bytes, by hand, so the test decides when it stops."""
    address = urlsplit(base_url)
    connection = socket.create_connection((address.hostname, address.port))
    lines = [
        f"PATCH {path} HTTP/1.1",
        f"Host: {address.netloc}",
        "Tus-Resumable: 1.0.0",
        "Content-Type: application/offset+octet-stream",
        f"Upload-Offset: {offset}",
        f"Content-Length: {length}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return connection


def wait_for_offset(client: httpx.Client, path: str, headers: dict[str, str], expected: int) -> int:
    deadline = time.monotonic() + 20
    offset = -1
    while time.monotonic() < deadline:
        offset = offset_of(client, path, headers)
        if offset == expected:
            break
        time.sleep(0.1)
    return offset


@both_backends
def test_a_patch_cut_off_midway_keeps_what_arrived(live: str, people: People, db: Session) -> None:
    data = os.urandom(7 * MIB)
    arrived = 6 * MIB + 12_345  # one full 5 MiB part on S3, the rest a tail object
    headers = live_bearer(db, people.practitioner)
    with httpx.Client(base_url=live, timeout=30) as client:
        path = create_upload(client, headers, len(data)).headers["Location"]
        connection = start_patch(live, path, headers, 0, len(data))
        connection.sendall(data[:arrived])
        connection.close()  # the train goes into a tunnel
        assert wait_for_offset(client, path, headers, arrived) == arrived
        # The phone comes back and sends the rest from where the server says.
        done = patch(client, path, headers, arrived, data[arrived:])
        assert done.status_code == 204, done.text
        recording_id = client.get(path, headers=headers).json()["recording_id"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            recording = client.get(f"/api/v1/recordings/{recording_id}", headers=headers).json()
            if recording["sha256"]:
                break
            time.sleep(0.1)
        assert recording["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_second_patch_during_a_running_one_is_locked(
    live: str, people: People, db: Session
) -> None:
    data = os.urandom(200_000)
    headers = live_bearer(db, people.practitioner)
    with httpx.Client(base_url=live, timeout=30) as client:
        path = create_upload(client, headers, len(data)).headers["Location"]
        running = start_patch(live, path, headers, 0, len(data))
        running.sendall(data[:50_000])
        time.sleep(0.3)  # the server has taken the lease and is reading
        second = patch(client, path, headers, 0, data)
        assert second.status_code in (409, 423)
        running.sendall(data[50_000:])
        reply = running.recv(4096).decode()
        running.close()
        assert reply.startswith("HTTP/1.1 204"), reply
        assert offset_of(client, path, headers) == len(data)
        assert client.head(path, headers={**headers, **TUS}).headers["Upload-Length"] == str(
            len(data)
        )


def read_reply(connection: socket.socket) -> tuple[str, str]:
    """The status line and body of the answer to a hand-made request."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(65536) or b"\r\n\r\n"
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        (int(line.split(":")[1]) for line in lines if line.lower().startswith("content-length")), 0
    )
    while len(body) < length:
        more = connection.recv(65536)
        if not more:
            break
        body += more
    return lines[0], body.decode()


@both_backends
@pytest.mark.parametrize("stop", ["cancel", "withdraw consent"])
def test_an_upload_stopped_during_a_running_patch_ends_it_and_keeps_no_byte(
    live: str, people: People, db: Session, storage: Storage, stop: str
) -> None:
    """Cancelling, or a family withdrawing consent, does not wait for the PATCH in progress;
    that PATCH stops and nothing it wrote before or after stays in storage."""
    part = storage.part_size
    data = os.urandom(part + part // 2)
    headers = live_bearer(db, people.practitioner)
    with httpx.Client(base_url=live, timeout=30) as client:
        path = create_upload(client, headers, len(data)).headers["Location"]
        running = start_patch(live, path, headers, 0, len(data))
        running.sendall(data[: part + 1000])
        assert wait_for_offset(client, path, headers, part) == part  # a part is stored
        if stop == "cancel":
            stopped = client.delete(path, headers={**headers, **TUS})
            assert stopped.status_code == 204, stopped.text
        else:
            upload_id = uuid.UUID(path.rsplit("/", 1)[1])
            recording_id = db.exec(select(Upload.recording_id).where(Upload.id == upload_id)).one()
            withdraw = f"/api/v1/recordings/{recording_id}/consent/withdraw"
            stopped = client.post(withdraw, headers=headers, json={})
            assert stopped.status_code == 200, stopped.text
        # The phone, unaware, sends the rest of its PATCH.
        running.sendall(data[part + 1000 :])
        status, body = read_reply(running)
        running.close()
        assert status.startswith("HTTP/1.1 410"), (status, body)
        assert json.loads(body)["error"]["code"] == "upload_stopped"
        assert client.head(path, headers={**headers, **TUS}).status_code == 404
    assert storage.list("") == []
    assert storage.list_multiparts() == []


@pytest.fixture
def live_with_short_lease(
    db: Session, settings: Settings, storage_values: dict[str, Any], tmp_path: Path
) -> Iterator[str]:
    # Taking `db` sets the app up first, so its teardown (which empties the media folder)
    # waits until this server has stopped writing there.
    env = {**live_environment(settings, storage_values), "TANDEM_UPLOAD_LOCK_SECONDS": "6"}
    with live_server(
        database_url=settings.database_url, work_dir=tmp_path / "live", env=env
    ) as url:
        yield url


def test_a_client_gone_silent_keeps_what_arrived_and_frees_the_upload(
    live_with_short_lease: str, people: People, db: Session
) -> None:
    """A phone that loses its network sends no FIN or RST; the server must not wait for ever."""
    live = live_with_short_lease
    data = os.urandom(6 * MIB)
    arrived = 5 * MIB + 4_321  # one full part, the rest must survive as the tail
    headers = live_bearer(db, people.practitioner)
    with httpx.Client(base_url=live, timeout=30) as client:
        path = create_upload(client, headers, len(data)).headers["Location"]
        connection = start_patch(live, path, headers, 0, len(data))
        connection.sendall(data[:arrived])  # ...and then nothing: the socket stays open
        try:
            assert wait_for_offset(client, path, headers, arrived) == arrived
            done = patch(client, path, headers, arrived, data[arrived:])
            assert done.status_code == 204, done.text
        finally:
            connection.close()
