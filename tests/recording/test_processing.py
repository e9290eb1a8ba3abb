"""Processing that a stopped process left unfinished, leftovers, and what the bytes are."""

import hashlib
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.models import Recording
from app.models.base import utcnow
from app.recording.media import sniff
from app.recording.retention import run_purge
from tests.recording.conftest import People, both_backends
from tests.recording.helpers import upload_whole


def test_processing_left_by_a_stopped_process_is_finished_by_purge(
    client: TestClient, people: People, auth: Any, video_file: Path, db: Session, settings: Settings
) -> None:
    data = video_file.read_bytes()
    recording_id = upload_whole(client, auth(people.practitioner), data)
    recording = db.get(Recording, uuid.UUID(recording_id))
    assert recording is not None
    # As the row stands when a process dies halfway through processing.
    recording.status, recording.sha256, recording.poster_key = "processing", None, None
    recording.processing_started_at = utcnow()
    db.add(recording)
    db.commit()
    assert run_purge(settings).recordings_processed == 1
    db.refresh(recording)
    assert recording.status == "processing"  # its claim is fresh: someone may still be at it
    recording.processing_started_at = utcnow() - timedelta(hours=1)
    db.add(recording)
    db.commit()
    run_purge(settings)
    db.refresh(recording)
    assert recording.status == "ready"
    assert recording.sha256 == hashlib.sha256(data).hexdigest()
    assert recording.poster_key is not None


@both_backends
def test_leftovers_no_row_accounts_for_are_removed_after_a_grace_period(
    client: TestClient,
    people: People,
    auth: Any,
    video_file: Path,
    storage: Any,
    settings: Settings,
) -> None:
    kept = upload_whole(client, auth(people.practitioner), video_file.read_bytes())
    stray_object = f"recordings/{people.organisation.id}/{uuid.uuid4()}/original"
    stray_tail = f"uploads/{uuid.uuid4()}/tail-1"
    storage.put(stray_object, b"left by a crash")
    storage.put(stray_tail, b"left by a crash")
    stray_multipart = storage.create_multipart(f"recordings/{people.organisation.id}/x/original")
    run_purge(settings)
    # Too recent to be leftovers: a request may be about to commit their rows. (Not asserted
    # for the multipart: moto reports every multipart upload as initiated in 2010.)
    assert {stray_object, stray_tail} <= {item.key for item in storage.list("")}
    later = utcnow() + timedelta(days=2)
    run_purge(settings, now=later)
    keys = [item.key for item in storage.list("")]
    assert all(key.startswith(f"recordings/{people.organisation.id}/{kept}/") for key in keys)
    assert stray_multipart not in [item.multipart_id for item in storage.list_multiparts()]


@pytest.mark.parametrize(
    ("head", "family"),
    [
        (b"\x00\x00\x00\x18ftypmp42", "mp4"),
        (b"\x00\x00\x00\x14ftypqt  ", "quicktime"),
        (b"\x1a\x45\xdf\xa3\x01", "matroska"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "wav"),
        (b"OggS\x00\x02", "ogg"),
        (b"ID3\x04\x00", "mp3"),
        (b"\xff\xf1\x50\x80", "mpeg-audio"),
        (b"#!AMR\n", "amr"),
        (b"Dear diary", None),
        (b"\xff\xd8\xff\xe0JFIF", None),  # a JPEG photo is not a recording
        (b"%PDF-1.7", None),
        (b"", None),
    ],
)
def test_signatures(head: bytes, family: str | None) -> None:
    assert sniff(head) == family
