"""Deleting a recording erases its media at once and keeps the record of the session."""

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Comment, Upload
from tests.recording.conftest import People, both_backends
from tests.recording.helpers import create_upload, patch, upload_whole


@both_backends
def test_the_owner_deletes_a_recording_and_its_media_are_gone(
    client: TestClient, people: People, auth: Any, video_file: Path, storage: Any, db: Session
) -> None:
    headers = auth(people.practitioner)
    recording_id = upload_whole(client, headers, video_file.read_bytes())
    assert storage.list("recordings/") != []
    answer = client.delete(f"/api/v1/recordings/{recording_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["deleted_reason"]) == ("deleted", "deleted")
    assert body["deleted_at"] is not None
    # Consent is not withdrawn by a deletion: the family's decision stays as it was.
    assert body["consent"]["withdrawn_at"] is None
    assert storage.list("") == []
    for path in ("media", "poster"):
        gone = client.get(f"/api/v1/recordings/{recording_id}/{path}", headers=headers)
        assert gone.status_code == 410
    again = client.delete(f"/api/v1/recordings/{recording_id}", headers=headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_deleted"
    events = db.exec(select(AuditEvent).where(AuditEvent.resource_id == recording_id)).all()
    deleted = [event for event in events if event.action == "recording.deleted"]
    assert [event.details for event in deleted] == [{"by": "owner"}]


def test_only_the_owner_or_a_lead_deletes_and_the_conversation_stays(
    client: TestClient, people: People, auth: Any, video_file: Path, db: Session
) -> None:
    recording_id = upload_whole(client, auth(people.practitioner), video_file.read_bytes())
    url = f"/api/v1/recordings/{recording_id}"
    comment_url = f"{url}/comments"
    said = client.post(
        comment_url, headers=auth(people.coach), json={"start_ms": 1000, "body": "Kind words."}
    )
    assert said.status_code == 201, said.text
    assert client.delete(url, headers=auth(people.coach)).status_code == 403
    assert client.delete(url, headers=auth(people.supervisor)).status_code == 403
    assert client.delete(url, headers=auth(people.outsider)).status_code == 404
    answer = client.delete(url, headers=auth(people.lead))
    assert answer.status_code == 200
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "recording.deleted")).one()
    assert event.details == {"by": "lead"}
    assert db.exec(select(Comment).where(Comment.body == "Kind words.")).one() is not None
    assert client.get(url, headers=auth(people.practitioner)).json()["status"] == "deleted"


@both_backends
def test_deleting_during_an_upload_drops_what_was_sent(
    client: TestClient, people: People, auth: Any, storage: Any, db: Session
) -> None:
    headers = auth(people.practitioner)
    created = create_upload(client, headers, 1000)
    url = created.headers["Location"]
    assert patch(client, url, headers, 0, b"x" * 400).status_code == 204
    upload = db.exec(select(Upload)).one()
    answer = client.delete(f"/api/v1/recordings/{upload.recording_id}", headers=headers)
    assert answer.status_code == 200
    assert answer.json()["status"] == "deleted"
    assert storage.list("") == [] and storage.list_multiparts() == []
    assert patch(client, url, headers, 400, b"x" * 600).status_code == 404
