"""Withdrawing consent erases the media at once and keeps a tombstone."""

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Upload
from tests.recording.conftest import People, both_backends
from tests.recording.helpers import create_upload, patch, upload_whole


@both_backends
def test_withdrawal_by_the_owner_erases_media_and_keeps_a_tombstone(
    client: TestClient, people: People, auth: Any, video_file: Path, storage: Any, db: Session
) -> None:
    headers = auth(people.practitioner)
    recording_id = upload_whole(client, headers, video_file.read_bytes())
    assert storage.list("recordings/") != []
    answer = client.post(
        f"/api/v1/recordings/{recording_id}/consent/withdraw",
        headers=headers,
        json={"reason": "The family asked us to."},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "deleted"
    assert body["consent"]["withdrawn_at"] is not None
    assert body["consent"]["scope"] == "coaching"
    assert storage.list("") == []
    for path in ("media", "poster"):
        gone = client.get(f"/api/v1/recordings/{recording_id}/{path}", headers=headers)
        assert gone.status_code == 410
    again = client.post(
        f"/api/v1/recordings/{recording_id}/consent/withdraw", headers=headers, json={}
    )
    assert again.status_code == 409
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.resource_id == recording_id)).all()
    assert "recording.consent_withdrawn" in actions


def test_only_the_owner_or_a_lead_withdraws(
    client: TestClient, people: People, auth: Any, video_file: Path
) -> None:
    recording_id = upload_whole(client, auth(people.practitioner), video_file.read_bytes())
    url = f"/api/v1/recordings/{recording_id}/consent/withdraw"
    assert client.post(url, headers=auth(people.coach), json={}).status_code == 403
    assert client.post(url, headers=auth(people.supervisor), json={}).status_code == 403
    assert client.post(url, headers=auth(people.outsider), json={}).status_code == 404
    assert client.post(url, headers=auth(people.lead), json={}).status_code == 200


@both_backends
def test_withdrawal_during_an_upload_drops_what_was_sent(
    client: TestClient, people: People, auth: Any, storage: Any, db: Session
) -> None:
    headers = auth(people.practitioner)
    created = create_upload(client, headers, 1000)
    url = created.headers["Location"]
    assert patch(client, url, headers, 0, b"x" * 400).status_code == 204
    upload = db.exec(select(Upload)).one()
    answer = client.post(
        f"/api/v1/recordings/{upload.recording_id}/consent/withdraw", headers=headers, json={}
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "deleted"
    assert storage.list("") == [] and storage.list_multiparts() == []
    assert patch(client, url, headers, 400, b"x" * 600).status_code == 404
