"""Speaking tus and reading recordings in tests."""

import base64
import time
import uuid
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import AuditEvent

TUS = {"Tus-Resumable": "1.0.0"}
OFFSET_STREAM = {"Content-Type": "application/offset+octet-stream"}
CONSENT = {"consent": "obtained", "consent_scope": "coaching", "consent_method": "written"}


def encode_metadata(values: dict[str, str]) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items()
    )


def metadata(**values: str) -> dict[str, str]:
    return {
        "filename": "session.mp4",
        "filetype": "video/mp4",
        "title": "Home visit",
        **CONSENT,
        **values,
    }


def create_upload(
    client: TestClient | httpx.Client,
    headers: dict[str, str],
    length: int,
    fields: dict[str, str] | None = None,
    body: bytes | None = None,
) -> httpx.Response:
    extra = {
        **TUS,
        "Upload-Length": str(length),
        "Upload-Metadata": encode_metadata(fields or metadata()),
    }
    if body is not None:
        extra.update(OFFSET_STREAM)
    return client.post("/api/v1/uploads", headers={**headers, **extra}, content=body)


def patch(
    client: TestClient | httpx.Client,
    url: str,
    headers: dict[str, str],
    offset: int,
    body: bytes,
    **extra: str,
) -> httpx.Response:
    sent = {**headers, **TUS, **OFFSET_STREAM, "Upload-Offset": str(offset), **extra}
    return client.patch(url, headers=sent, content=body)


def offset_of(client: TestClient | httpx.Client, url: str, headers: dict[str, str]) -> int:
    response = client.head(url, headers={**headers, **TUS})
    assert response.status_code == 200, response.status_code
    return int(response.headers["Upload-Offset"])


def upload_whole(
    client: TestClient | httpx.Client, headers: dict[str, str], data: bytes, **fields: str
) -> str:
    """A tus upload in one PATCH; returns the recording id."""
    created = create_upload(client, headers, len(data), metadata(**fields))
    assert created.status_code == 201, created.text
    url = created.headers["Location"]
    done = patch(client, url, headers, 0, data)
    assert done.status_code == 204, done.text
    recording_id: str = client.get(url, headers=headers).json()["recording_id"]
    return recording_id


def wait_until_processed(
    client: TestClient | httpx.Client,
    recording_id: str,
    headers: dict[str, str],
    timeout: float = 30,
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(
            f"/api/v1/recordings/{recording_id}", headers=headers
        ).json()
        if body["status"] in ("ready", "rejected") or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def media_viewings(db: Session, recording_id: str) -> list[tuple[uuid.UUID | None, Any]]:
    """Who viewed the recording's media by the audit trail, and how it was delivered."""
    db.expire_all()
    viewed = db.exec(
        select(AuditEvent)
        .where(
            col(AuditEvent.resource_id) == recording_id,
            col(AuditEvent.action) == "recording.media_viewed",
        )
        .order_by(col(AuditEvent.created_at))
    ).all()
    return [(event.actor_user_id, event.details["delivery"]) for event in viewed]
