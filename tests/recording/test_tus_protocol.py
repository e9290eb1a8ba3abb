"""tus 1.0.0 status codes and headers, through the ASGI app."""

import base64
import hashlib
import os
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.context import SYSTEM
from app.config import Settings
from app.errors import Conflict
from app.models import Recording, Upload
from app.models.base import utcnow
from app.recording import uploads
from tests.recording.conftest import People, both_backends
from tests.recording.helpers import (
    OFFSET_STREAM,
    TUS,
    create_upload,
    encode_metadata,
    metadata,
    offset_of,
    patch,
)


def sha1_header(data: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(data).digest()).decode()


def test_options_advertises_version_extensions_and_limits(client: TestClient) -> None:
    answer = client.options("/api/v1/uploads")
    assert answer.status_code == 204
    assert answer.headers["Tus-Version"] == "1.0.0"
    extensions = answer.headers["Tus-Extension"].split(",")
    for name in ("creation", "creation-with-upload", "termination", "checksum", "expiration"):
        assert name in extensions
    assert answer.headers["Tus-Max-Size"] == str(8 * 1024**3)
    assert "sha1" in answer.headers["Tus-Checksum-Algorithm"]
    # The PWA's PATCH size: four whole 8 MiB storage parts, so no tail is kept between PATCHes.
    assert answer.headers["Tandem-Chunk-Size"] == str(4 * 8 * 1024**2)


def test_wrong_or_missing_version_is_412(client: TestClient, people: People, auth: Any) -> None:
    headers = {**auth(people.practitioner), "Upload-Length": "10"}
    missing = client.post("/api/v1/uploads", headers=headers)
    wrong = client.post("/api/v1/uploads", headers={**headers, "Tus-Resumable": "0.2.2"})
    assert missing.status_code == wrong.status_code == 412
    assert missing.headers["Tus-Version"] == "1.0.0"
    assert missing.json()["error"]["code"] == "tus_version"


def test_uploads_need_authentication(client: TestClient) -> None:
    answer = client.post("/api/v1/uploads", headers={**TUS, "Upload-Length": "10"})
    assert answer.status_code == 401
    assert answer.headers["Tus-Resumable"] == "1.0.0"


def test_upload_without_consent_is_refused_with_a_clear_message(
    client: TestClient, people: People, auth: Any, db: Session
) -> None:
    fields = {"filename": "a.mp4", "title": "Visit"}
    answer = create_upload(client, auth(people.practitioner), 100, fields)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "consent_required"
    assert "consent" in answer.json()["error"]["message"]
    wrong_scope = create_upload(client, auth(people.practitioner), 100, metadata(consent_scope="x"))
    assert wrong_scope.status_code == 422
    assert db.exec(select(Recording)).first() is None


def test_too_large_is_413_before_the_body(
    client: TestClient, people: People, auth: Any, settings: Settings
) -> None:
    answer = create_upload(client, auth(people.practitioner), settings.max_upload_bytes + 1)
    assert answer.status_code == 413


def test_only_practitioners_of_the_organisation_upload(
    client: TestClient, people: People, auth: Any
) -> None:
    own = str(people.organisation.id)
    as_coach = create_upload(client, auth(people.coach), 10, metadata(organisation_id=own))
    assert as_coach.status_code == 403
    as_outsider = create_upload(client, auth(people.outsider), 10, metadata(organisation_id=own))
    assert as_outsider.status_code == 404


def test_every_answer_names_the_recording_the_upload_becomes(
    client: TestClient, people: People, auth: Any, db: Session
) -> None:
    """The PWA tells its unfinished uploads apart in the recordings list by this id."""
    headers = auth(people.practitioner)
    created = create_upload(client, headers, 10, metadata(), body=b"12345")
    recording_id = created.headers["Tandem-Recording-Id"]
    recording = db.get(Recording, uuid.UUID(recording_id))
    assert recording is not None and recording.status == "uploading"
    url = created.headers["Location"]
    assert (
        client.head(url, headers={**headers, **TUS}).headers["Tandem-Recording-Id"] == recording_id
    )
    done = patch(client, url, headers, 5, b"67890")
    assert done.headers["Tandem-Recording-Id"] == recording_id


@both_backends
def test_creation_with_upload_then_patch_then_complete(
    client: TestClient, people: People, auth: Any, db: Session, video_file: Any
) -> None:
    data = video_file.read_bytes()
    headers = auth(people.practitioner)
    created = create_upload(client, headers, len(data), metadata(), body=data[:1000])
    assert created.status_code == 201
    assert created.headers["Tus-Resumable"] == "1.0.0"
    assert created.headers["Upload-Offset"] == "1000"
    assert "GMT" in created.headers["Upload-Expires"]
    url = created.headers["Location"]
    head = client.head(url, headers={**headers, **TUS})
    assert head.headers["Upload-Length"] == str(len(data))
    assert head.headers["Upload-Metadata"] == encode_metadata(metadata())
    assert head.headers["Cache-Control"] == "no-store"
    assert client.get(url, headers=headers).json()["recording_id"] is None
    done = patch(
        client, url, headers, 1000, data[1000:], **{"Upload-Checksum": sha1_header(data[1000:])}
    )
    assert done.status_code == 204, done.text
    assert done.headers["Upload-Offset"] == str(len(data))
    progress = client.get(url, headers=headers).json()
    assert progress["completed"] is True
    recording = client.get(f"/api/v1/recordings/{progress['recording_id']}", headers=headers).json()
    assert recording["status"] == "ready"
    assert recording["sha256"] == hashlib.sha256(data).hexdigest()


def test_patch_needs_the_offset_stream_type(client: TestClient, people: People, auth: Any) -> None:
    headers = auth(people.practitioner)
    url = create_upload(client, headers, 10).headers["Location"]
    sent = {**headers, **TUS, "Upload-Offset": "0", "Content-Type": "application/json"}
    assert client.patch(url, headers=sent, content=b"0123456789").status_code == 415


def test_wrong_offset_is_409_and_changes_nothing(
    client: TestClient, people: People, auth: Any
) -> None:
    headers = auth(people.practitioner)
    url = create_upload(client, headers, 10).headers["Location"]
    assert patch(client, url, headers, 0, b"01234").status_code == 204
    answer = patch(client, url, headers, 3, b"3456789")
    assert answer.status_code == 409
    assert offset_of(client, url, headers) == 5


@both_backends
def test_checksum_mismatch_is_460_and_the_offset_stays(
    client: TestClient, people: People, auth: Any
) -> None:
    headers = auth(people.practitioner)
    url = create_upload(client, headers, 20).headers["Location"]
    assert (
        patch(
            client,
            url,
            headers,
            0,
            b"0123456789",
            **{"Upload-Checksum": sha1_header(b"0123456789")},
        ).status_code
        == 204
    )
    bad = patch(
        client, url, headers, 10, b"abcdefghij", **{"Upload-Checksum": sha1_header(b"other")}
    )
    assert bad.status_code == 460
    assert offset_of(client, url, headers) == 10
    unknown = patch(client, url, headers, 10, b"abcdefghij", **{"Upload-Checksum": "crc32 AAAA"})
    assert unknown.status_code == 400
    good = patch(
        client, url, headers, 10, b"abcdefghij", **{"Upload-Checksum": sha1_header(b"abcdefghij")}
    )
    assert good.status_code == 204
    assert good.headers["Upload-Offset"] == "20"


def test_body_past_the_length_is_413(client: TestClient, people: People, auth: Any) -> None:
    headers = auth(people.practitioner)
    url = create_upload(client, headers, 10).headers["Location"]
    assert patch(client, url, headers, 0, b"x" * 11).status_code == 413
    assert offset_of(client, url, headers) == 0


def test_a_second_patch_while_one_runs_is_423(
    client: TestClient, people: People, auth: Any, app: Any, settings: Settings
) -> None:
    headers = auth(people.practitioner)
    url = create_upload(client, headers, 10).headers["Location"]
    upload_id = url.rsplit("/", 1)[1]
    # As if another process were in the middle of a PATCH of this upload.
    token = uploads.acquire(app.state.engine, upload_id=uuid_of(upload_id), seconds=60).token
    assert patch(client, url, headers, 0, b"01234").status_code == 423
    uploads.release(app.state.engine, upload_id=uuid_of(upload_id), token=token)
    assert patch(client, url, headers, 0, b"01234").status_code == 204


def test_a_lease_left_by_a_killed_process_lapses(
    client: TestClient, people: People, auth: Any, app: Any, db: Session
) -> None:
    headers = auth(people.practitioner)
    url = create_upload(client, headers, 10).headers["Location"]
    upload = db.get(Upload, uuid_of(url.rsplit("/", 1)[1]))
    assert upload is not None
    upload.lock_token, upload.lock_until = "dead-process", utcnow() - timedelta(seconds=1)
    db.add(upload)
    db.commit()
    assert patch(client, url, headers, 0, b"01234").status_code == 204


def test_only_the_uploader_may_touch_an_upload(
    client: TestClient, people: People, auth: Any, db: Session
) -> None:
    from app.models import Role
    from tests.factories import make_user

    colleague = make_user(db, people.organisation, Role.practitioner)
    url = create_upload(client, auth(people.practitioner), 10).headers["Location"]
    for user in (colleague, people.coach, people.outsider):
        headers = {**auth(user), **TUS}
        assert client.head(url, headers=headers).status_code == 404
        assert patch(client, url, auth(user), 0, b"01234").status_code == 404
        assert client.delete(url, headers=headers).status_code == 404
        assert client.get(url, headers=auth(user)).status_code == 404
        # Whatever they send: not even the tus version or the content type is checked first.
        assert client.request("PATCH", url, headers=auth(user), json={}).status_code == 404
        assert client.head(url, headers=auth(user)).status_code == 404


@both_backends
def test_delete_terminates_and_later_requests_are_404(
    client: TestClient, people: People, auth: Any, db: Session, storage: Any
) -> None:
    headers = auth(people.practitioner)
    url = create_upload(client, headers, 100).headers["Location"]
    assert patch(client, url, headers, 0, b"x" * 40).status_code == 204
    assert client.delete(url, headers={**headers, **TUS}).status_code == 204
    assert client.head(url, headers={**headers, **TUS}).status_code == 404
    assert patch(client, url, headers, 40, b"x" * 60).status_code == 404
    assert db.exec(select(Recording)).first() is None
    assert storage.list("") == []
    assert storage.list_multiparts() == []


def test_expired_upload_is_410(client: TestClient, people: People, auth: Any, db: Session) -> None:
    headers = auth(people.practitioner)
    url = create_upload(client, headers, 100).headers["Location"]
    upload = db.get(Upload, uuid_of(url.rsplit("/", 1)[1]))
    assert upload is not None
    upload.expires_at = utcnow() - timedelta(minutes=1)
    db.add(upload)
    db.commit()
    assert client.head(url, headers={**headers, **TUS}).status_code == 410
    assert patch(client, url, headers, 0, b"x").status_code == 410


def test_malformed_metadata_is_400(client: TestClient, people: People, auth: Any) -> None:
    headers = {
        **auth(people.practitioner),
        **TUS,
        "Upload-Length": "10",
        "Upload-Metadata": "title !!!",
    }
    assert client.post("/api/v1/uploads", headers=headers).status_code == 400


def test_organisation_defaults_to_the_only_practitioner_membership(
    client: TestClient, people: People, auth: Any, db: Session
) -> None:
    from app.models import Membership, MembershipRole, Role

    headers = auth(people.practitioner)
    assert create_upload(client, headers, 10).status_code == 201
    second = Membership(
        organisation_id=people.other_organisation.id, user_id=people.practitioner.id
    )
    db.add(second)
    db.flush()
    db.add(MembershipRole(membership_id=second.id, role=Role.practitioner))
    db.commit()
    ambiguous = create_upload(client, headers, 10)
    assert ambiguous.status_code == 422
    assert ambiguous.json()["error"]["code"] == "organisation_required"
    chosen = create_upload(
        client, headers, 10, metadata(organisation_id=str(people.other_organisation.id))
    )
    assert chosen.status_code == 201


def uuid_of(text: str) -> Any:
    import uuid

    return uuid.UUID(text)


def test_random_bytes_split_over_many_patches_arrive_intact(
    client: TestClient, people: People, auth: Any, storage: Any
) -> None:
    # Not media, so processing rejects it; what matters here is that the bytes add up.
    data = os.urandom(300_000)
    headers = auth(people.practitioner)
    url = create_upload(client, headers, len(data)).headers["Location"]
    offset = 0
    for size in (1, 99_999, 100_000, 100_000):
        answer = patch(client, url, headers, offset, data[offset : offset + size])
        assert answer.status_code == 204
        offset += size
        assert offset_of(client, url, headers) == offset
    recording_id = client.get(url, headers=headers).json()["recording_id"]
    recording = client.get(f"/api/v1/recordings/{recording_id}", headers=headers).json()
    assert recording["sha256"] == hashlib.sha256(data).hexdigest()
    assert recording["status"] == "rejected"
    assert OFFSET_STREAM


def test_cors_lets_another_origin_speak_tus(settings: Settings) -> None:
    from app.main import create_app

    origin = "https://pwa.example.org"
    app = create_app(settings.model_copy(update={"cors_origins": [origin]}))
    with TestClient(app, base_url="http://localhost") as cross:
        preflight = cross.options(
            "/api/v1/uploads/abc",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "PATCH",
                "Access-Control-Request-Headers": "upload-offset,tus-resumable,content-type",
            },
        )
        assert preflight.status_code == 200
        exposed = cross.options("/api/v1/uploads", headers={"Origin": origin}).headers
        for name in (
            "Upload-Offset",
            "Location",
            "Upload-Metadata",
            "Tus-Max-Size",
            "Tandem-Chunk-Size",
        ):
            assert name.lower() in exposed["Access-Control-Expose-Headers"].lower()
    app.state.engine.dispose()


def test_a_cancel_that_crosses_the_last_patch_leaves_the_finished_recording(
    client: TestClient, people: People, auth: Any, app: Any, storage: Any
) -> None:
    headers = auth(people.practitioner)
    url = create_upload(client, headers, 5).headers["Location"]
    upload_id = uuid_of(url.rsplit("/", 1)[1])
    # The DELETE has read the upload (unfinished) when the last PATCH completes it.
    seen_by_delete = uploads.load(app.state.engine, upload_id=upload_id, user=people.practitioner)
    assert patch(client, url, headers, 0, b"01234").status_code == 204
    with pytest.raises(Conflict):
        uploads.terminate(
            app.state.engine,
            storage,
            snapshot=seen_by_delete,
            actor=people.practitioner,
            context=SYSTEM,
            reason="terminated",
        )
    recording_id = client.get(url, headers=headers).json()["recording_id"]
    assert client.get(f"/api/v1/recordings/{recording_id}", headers=headers).status_code == 200
