"""The plain multipart/form-data upload, and what processing makes of the content."""

import hashlib
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import AuditEvent, Recording
from tests.recording.conftest import People, both_backends
from tests.recording.helpers import CONSENT, upload_whole
from tests.support.media import make_audio, make_video

FORM = {"title": "Visit", **CONSENT}


def post_form(
    client: TestClient,
    headers: dict[str, str],
    content: bytes,
    fields: dict[str, str] | None = None,
    filename: str = "visit.mp4",
    content_type: str = "video/mp4",
) -> Any:
    return client.post(
        "/api/v1/recordings",
        headers=headers,
        data=FORM if fields is None else fields,
        files={"file": (filename, content, content_type)},
    )


@both_backends
def test_plain_upload_streams_to_storage_and_is_processed(
    client: TestClient, people: People, auth: Any, video_file: Path, storage: Any
) -> None:
    data = video_file.read_bytes()
    headers = auth(people.practitioner)
    answer = post_form(client, headers, data)
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "processing"
    recording = client.get(answer.headers["Location"], headers=headers).json()
    assert recording["status"] == "ready"
    assert recording["sha256"] == hashlib.sha256(data).hexdigest()
    assert recording["consent"]["scope"] == "coaching"
    assert recording["consent"]["method"] == "written"
    assert recording["consent"]["obtained_by"] == str(people.practitioner.id)
    keys = [item.key for item in storage.list("recordings/")]
    prefix = f"recordings/{people.organisation.id}/{recording['id']}/"
    assert keys == [f"{prefix}original", f"{prefix}poster.jpg"]  # never the user's file name


def test_plain_upload_without_consent_is_refused_and_stores_nothing(
    client: TestClient, people: People, auth: Any, video_file: Path, storage: Any, db: Session
) -> None:
    answer = post_form(client, auth(people.practitioner), video_file.read_bytes(), {"title": "x"})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "consent_required"
    assert storage.list("") == [] and storage.list_multiparts() == []
    assert db.exec(select(Recording)).first() is None


@both_backends
def test_a_renamed_text_file_is_rejected_and_its_bytes_deleted(
    client: TestClient, people: People, auth: Any, storage: Any
) -> None:
    text = b"Dear diary, this is not a video at all.\n" * 100
    headers = auth(people.practitioner)
    answer = post_form(client, headers, text, filename="visit.mp4", content_type="video/mp4")
    recording = client.get(answer.headers["Location"], headers=headers).json()
    assert recording["status"] == "rejected"
    assert "not audio or video" in recording["rejection_reason"]
    assert recording["media_url"] is None
    assert storage.list("") == []
    media = client.get(f"/api/v1/recordings/{recording['id']}/media", headers=headers)
    assert media.status_code == 410


@both_backends
def test_a_zero_byte_file_is_rejected(
    client: TestClient, people: People, auth: Any, storage: Any
) -> None:
    headers = auth(people.practitioner)
    plain = post_form(client, headers, b"")
    by_tus = upload_whole(client, headers, b"")
    for recording_id in (plain.json()["id"], by_tus):
        recording = client.get(f"/api/v1/recordings/{recording_id}", headers=headers).json()
        assert recording["status"] == "rejected"
        assert recording["rejection_reason"] == "The file is empty."
    assert storage.list("") == [] and storage.list_multiparts() == []


def test_audio_is_accepted_and_has_no_poster(
    client: TestClient, people: People, auth: Any, tmp_path: Path
) -> None:
    audio = make_audio(tmp_path / "voice.m4a").read_bytes()
    headers = auth(people.practitioner)
    answer = post_form(client, headers, audio, filename="voice.m4a", content_type="audio/mp4")
    recording = client.get(answer.headers["Location"], headers=headers).json()
    assert recording["status"] == "ready"
    assert (recording["has_video"], recording["has_audio"]) == (False, True)
    assert recording["media_type"] == "audio/mp4"
    assert recording["poster_url"] is None


def test_a_declared_type_does_not_make_a_video(
    client: TestClient, people: People, auth: Any, video_file: Path
) -> None:
    # A real video declared as a text file is still a video: the bytes decide.
    headers = auth(people.practitioner)
    answer = post_form(
        client, headers, video_file.read_bytes(), filename="notes.txt", content_type="text/plain"
    )
    recording = client.get(answer.headers["Location"], headers=headers).json()
    assert recording["status"] == "ready"
    assert recording["media_type"] == "video/mp4"


def test_location_metadata_never_shows(
    client: TestClient, people: People, auth: Any, tmp_path: Path, db: Session
) -> None:
    video = make_video(
        tmp_path / "gps.mov",
        container_format="mov",
        metadata={"location": "+51.5074-000.1278/"},
        keep_metadata=True,
    )
    assert b"51.5074" in video.read_bytes()
    headers = auth(people.practitioner)
    answer = post_form(client, headers, video.read_bytes())
    recording = client.get(answer.headers["Location"], headers=headers)
    assert recording.json()["status"] == "ready"
    assert "51.5074" not in recording.text
    events = db.exec(select(AuditEvent)).all()
    assert all("51.5074" not in str(event.details) for event in events)


def test_fields_after_the_file_are_refused_before_it_is_read(
    client: TestClient, people: People, auth: Any, storage: Any
) -> None:
    boundary = "tandem-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n'
        f"Content-Type: video/mp4\r\n\r\nxxxx\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="consent"\r\n\r\nobtained\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    headers = {
        **auth(people.practitioner),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    answer = client.post("/api/v1/recordings", headers=headers, content=body)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "consent_required"


def test_plain_upload_size_limit_is_413(
    client: TestClient, people: People, auth: Any, settings: Settings, app: Any, storage: Any
) -> None:
    app.state.settings = settings.model_copy(update={"plain_upload_max_bytes": 1000})
    answer = post_form(client, auth(people.practitioner), b"x" * 2000)
    assert answer.status_code == 413
    assert "tus" in answer.json()["error"]["message"]
    assert storage.list("") == [] and storage.list_multiparts() == []


def test_not_a_form_is_415(client: TestClient, people: People, auth: Any) -> None:
    answer = client.post("/api/v1/recordings", headers=auth(people.practitioner), json={"a": 1})
    assert answer.status_code == 415


def test_recorded_at_is_read_in_the_organisation_zone_and_programme_checked(
    client: TestClient, people: People, auth: Any, video_file: Path, db: Session, storage: Any
) -> None:
    from tests.factories import make_programme

    programme = make_programme(db, people.organisation)
    elsewhere = make_programme(db, people.other_organisation)
    headers = auth(people.practitioner)
    fields = {**FORM, "recorded_at": "2026-07-01T10:30:00", "programme_id": str(programme.id)}
    answer = post_form(client, headers, video_file.read_bytes(), fields)
    assert answer.status_code == 201, answer.text
    assert answer.json()["recorded_at"].startswith("2026-07-01T09:30:00")  # London, summer time
    assert answer.json()["programme_id"] == str(programme.id)
    before = storage.list("")
    wrong = post_form(client, headers, b"x", {**FORM, "programme_id": str(elsewhere.id)})
    assert wrong.status_code == 404  # another organisation's programme is not found here
    assert wrong.json()["error"]["code"] == "not_found"
    assert storage.list("") == before and storage.list_multiparts() == []
