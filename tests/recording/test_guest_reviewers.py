"""Guest reviewers: external experts a lead lets watch chosen recordings until a date.

A guest membership holds no other role. A guest's grant needs an end (in the future, at
most a year ahead) and a recording whose consent covers training. While it lasts the
guest sees that recording, its media, poster and comments, and adds comments; nothing
else of the organisation. Once it expires it counts as no grant on every route.
"""

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, RecordingAccessGrant, Role, User
from app.models.base import utcnow
from tests.factories import make_user
from tests.recording.conftest import People
from tests.recording.helpers import upload_whole

TRAINING = {"consent_scope": "coaching_and_training"}


def _in(days: float) -> str:
    return (utcnow() + timedelta(days=days)).isoformat()


def _field(answer: Any) -> list[str]:
    return [problem["field"] for problem in answer.json()["error"]["fields"]]


@pytest.fixture
def guest(db: Session, people: People) -> User:
    return make_user(db, people.organisation, Role.guest)


@pytest.fixture
def shared_id(client: TestClient, people: People, auth: Any, video_file: Path) -> str:
    """A recording of the practitioner's, consented for coaching and training."""
    return upload_whole(client, auth(people.practitioner), video_file.read_bytes(), **TRAINING)


def _grant(client: TestClient, lead: dict[str, str], recording_id: str, **body: Any) -> Any:
    return client.post(f"/api/v1/recordings/{recording_id}/access-grants", headers=lead, json=body)


def test_a_guest_membership_holds_no_other_role(
    client: TestClient, people: People, auth: Any, guest: User, db: Session
) -> None:
    members = f"/api/v1/organisations/{people.organisation.id}/members"
    lead = auth(people.lead)
    both = {"email": "expert@example.org", "roles": ["guest", "coach"]}
    refused = client.post(members, headers=lead, json=both)
    assert refused.status_code == 422
    assert _field(refused) == ["roles"]
    invited = client.post(members, headers=lead, json={**both, "roles": ["guest"]})
    assert invited.status_code == 201, invited.text
    assert invited.json()["invitation"]["roles"] == ["guest"]
    listed = client.get(members, headers=lead).json()
    membership = next(item for item in listed if item["user_id"] == str(guest.id))
    widened = client.patch(
        f"{members}/{membership['membership_id']}",
        headers=lead,
        json={"roles": ["guest", "practitioner"]},
    )
    assert widened.status_code == 422
    assert _field(widened) == ["roles"]


def test_a_guest_grant_needs_an_end_in_the_coming_year(
    client: TestClient, people: People, auth: Any, guest: User, shared_id: str
) -> None:
    lead = auth(people.lead)
    for expires_at in (None, _in(-1), _in(366)):
        body = {"user_id": str(guest.id), "expires_at": expires_at}
        refused = _grant(client, lead, shared_id, **body)
        assert refused.status_code == 422, expires_at
        assert _field(refused) == ["expires_at"]
    # Sent with any offset, answered in UTC like every other moment.
    until = (utcnow() + timedelta(days=30)).astimezone(timezone(timedelta(hours=5, minutes=30)))
    granted = _grant(client, lead, shared_id, user_id=str(guest.id), expires_at=until.isoformat())
    assert granted.status_code == 201, granted.text
    assert granted.json()["expires_at"].endswith("Z")
    assert datetime.fromisoformat(granted.json()["expires_at"]) == until
    # A coach's grant may run until a lead removes it, or end like a guest's.
    coach = str(people.other_coach.id)
    assert _grant(client, lead, shared_id, user_id=coach).json()["expires_at"] is None
    in_past = _grant(client, lead, shared_id, user_id=coach, expires_at=_in(-1))
    assert in_past.status_code == 422
    assert _field(in_past) == ["expires_at"]


def test_only_consent_for_training_lets_a_guest_in(
    client: TestClient, people: People, auth: Any, guest: User, video_file: Path
) -> None:
    coaching_only = upload_whole(client, auth(people.practitioner), video_file.read_bytes())
    lead = auth(people.lead)
    refused = _grant(client, lead, coaching_only, user_id=str(guest.id), expires_at=_in(7))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "consent_excludes_guests"
    assert _field(refused) == ["consent"]
    assert client.get(f"/api/v1/recordings/{coaching_only}", headers=auth(guest)).status_code == 404
    # A coach of the organisation is inside the coaching relationship: no such limit.
    coach = _grant(client, lead, coaching_only, user_id=str(people.other_coach.id))
    assert coach.status_code == 201


def test_a_guest_sees_the_granted_recording_and_nothing_else_of_the_organisation(
    client: TestClient, people: People, auth: Any, guest: User, shared_id: str, db: Session
) -> None:
    lead, headers = auth(people.lead), auth(guest)
    until = _in(14)
    assert _grant(client, lead, shared_id, user_id=str(guest.id), expires_at=until).status_code == (
        201
    )
    organisation = str(people.organisation.id)
    listed = client.get(
        "/api/v1/recordings", params={"organisation_id": organisation}, headers=headers
    )
    assert [item["id"] for item in listed.json()] == [shared_id]
    assert listed.json()[0]["grant_expires_at"] is not None
    base = f"/api/v1/recordings/{shared_id}"
    read = client.get(base, headers=headers).json()
    assert read["can_view_media"] is True
    assert read["access_grants"] is None  # who else was let in is the lead's business
    # Nor how the family consented, or who asked them: the recording, not its record.
    assert read["consent"] is None
    assert listed.json()[0]["consent"] is None
    assert client.get(f"{base}/media", headers=headers).status_code == 200
    assert client.get(f"{base}/poster", headers=headers).status_code == 200
    viewed = db.exec(
        select(AuditEvent).where(
            AuditEvent.actor_user_id == guest.id, AuditEvent.action == "recording.media_viewed"
        )
    ).all()
    assert len(viewed) == 1
    comment = client.post(
        f"{base}/comments", headers=headers, json={"start_ms": 1500, "body": "Lovely pacing."}
    )
    assert comment.status_code == 201, comment.text
    reply = client.post(
        f"/api/v1/comments/{comment.json()['id']}/replies",
        headers=headers,
        json={"body": "And the pause after the question."},
    )
    assert reply.status_code == 201, reply.text
    assert client.get(f"{base}/comments", headers=headers).status_code == 200
    # The recording's other parts: visible to them, so refused (403) or not theirs (404).
    assert client.get(f"{base}/observations", headers=headers).status_code == 403
    assert client.get(f"{base}/reflection", headers=headers).status_code == 404
    assert client.get(f"{base}/access-grants", headers=headers).status_code == 403
    assert client.post(f"{base}/consent/withdraw", headers=headers, json={}).status_code == 403
    # The organisation: they know it, and may read nothing of it.
    org = f"/api/v1/organisations/{organisation}"
    for path in ("", "/members", "/observations", "/objectives", "/programmes", "/bookings"):
        answer = client.get(f"{org}{path}", headers=headers)
        assert answer.status_code == 403, path
        assert answer.json()["error"]["code"] == "guest_not_permitted"
    for report in ("fidelity", "coverage", "equity", "time"):
        assert client.get(f"{org}/reports/{report}", headers=headers).status_code == 403


def test_an_expired_grant_counts_as_none_everywhere(
    client: TestClient, people: People, auth: Any, guest: User, shared_id: str, db: Session
) -> None:
    lead, headers = auth(people.lead), auth(guest)
    assert _grant(
        client, lead, shared_id, user_id=str(guest.id), expires_at=_in(3)
    ).status_code == (201)
    base = f"/api/v1/recordings/{shared_id}"
    comment = client.post(
        f"{base}/comments", headers=headers, json={"start_ms": 0, "body": "Warm start."}
    ).json()
    grant = db.exec(
        select(RecordingAccessGrant).where(RecordingAccessGrant.user_id == guest.id)
    ).one()
    grant.expires_at = utcnow() - timedelta(minutes=1)
    db.add(grant)
    db.commit()
    params = {"organisation_id": str(people.organisation.id)}
    assert client.get("/api/v1/recordings", params=params, headers=headers).json() == []
    # Nor is the practitioner told that the guest may still watch.
    owner_view = client.get(base, headers=auth(people.practitioner)).json()
    assert owner_view["access_grants"] == []
    for path in ("", "/media", "/poster", "/comments"):
        assert client.get(f"{base}{path}", headers=headers).status_code == 404, path
    new_comment = {"start_ms": 0, "body": "One more thing."}
    assert client.post(f"{base}/comments", headers=headers, json=new_comment).status_code == 404
    thread = f"/api/v1/comments/{comment['id']}"
    assert client.get(thread, headers=headers).status_code == 404
    reply = {"body": "Still there?"}
    assert client.post(f"{thread}/replies", headers=headers, json=reply).status_code == 404
    # The lead still sees the grant, with its end, and may extend it.
    listed = client.get(f"{base}/access-grants", headers=lead).json()
    assert [item["user_id"] for item in listed] == [str(guest.id)]
    extended = _grant(client, lead, shared_id, user_id=str(guest.id), expires_at=_in(10))
    assert extended.status_code == 200
    assert client.get(f"{base}/media", headers=headers).status_code == 200


def _link_expiry(location: str) -> datetime:
    """When a media link (a signed token in the URL) says it expires."""
    payload = location.rsplit("/", 1)[1].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return datetime.fromtimestamp(claims["exp"], tz=UTC)


def test_a_media_link_ends_when_the_guests_grant_does(
    client: TestClient, people: People, auth: Any, guest: User, shared_id: str
) -> None:
    # A link works for whoever holds it until it expires: given to a guest whose grant
    # ends sooner than links do, it would let them watch on after their access ended.
    until = utcnow() + timedelta(seconds=90)
    granted = _grant(
        client, auth(people.lead), shared_id, user_id=str(guest.id), expires_at=until.isoformat()
    )
    assert granted.status_code == 201, granted.text
    media = f"/api/v1/recordings/{shared_id}/media"
    answer = client.get(
        media, params={"redirect": "true"}, headers=auth(guest), follow_redirects=False
    )
    assert answer.status_code == 307, answer.text
    assert _link_expiry(answer.headers["location"]) <= until
    # The practitioner's own links keep their usual life.
    own = client.get(
        media,
        params={"redirect": "true"},
        headers=auth(people.practitioner),
        follow_redirects=False,
    )
    assert _link_expiry(own.headers["location"]) > until


def test_a_lead_extends_and_removes_a_guests_access(
    client: TestClient, people: People, auth: Any, guest: User, shared_id: str
) -> None:
    lead, headers = auth(people.lead), auth(guest)
    first = _grant(client, lead, shared_id, user_id=str(guest.id), expires_at=_in(2), reason="")
    later = _in(60)
    again = _grant(client, lead, shared_id, user_id=str(guest.id), expires_at=later, reason="Audit")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    base = f"/api/v1/recordings/{shared_id}"
    listed = client.get(f"{base}/access-grants", headers=lead).json()
    assert len(listed) == 1
    assert listed[0]["reason"] == "Audit"
    assert listed[0]["expires_at"][:16] == later[:16]
    removed = client.delete(
        f"{base}/access-grants", params={"user_id": str(guest.id)}, headers=lead
    )
    assert removed.status_code == 204
    assert client.get(base, headers=headers).status_code == 404


def test_a_guest_uploads_nothing(
    client: TestClient, people: People, auth: Any, guest: User, video_file: Path
) -> None:
    form = {"organisation_id": str(people.organisation.id), "consent": "obtained", **TRAINING}
    files = {"file": ("visit.mp4", video_file.read_bytes(), "video/mp4")}
    answer = client.post("/api/v1/recordings", headers=auth(guest), data=form, files=files)
    assert answer.status_code == 403


def test_a_guest_keeps_their_grants_while_a_guest_and_loses_them_on_leaving(
    client: TestClient, people: People, auth: Any, guest: User, shared_id: str, db: Session
) -> None:
    lead = auth(people.lead)
    _grant(client, lead, shared_id, user_id=str(guest.id), expires_at=_in(5))
    members = f"/api/v1/organisations/{people.organisation.id}/members"
    [membership] = [
        m for m in client.get(members, headers=lead).json() if m["user_id"] == str(guest.id)
    ]
    url = f"{members}/{membership['membership_id']}"
    assert client.patch(url, headers=lead, json={"roles": ["guest"]}).status_code == 200
    media = f"/api/v1/recordings/{shared_id}/media"
    assert client.get(media, headers=auth(guest)).status_code == 200
    assert client.delete(url, headers=lead).status_code == 204
    db.expire_all()
    assert db.exec(select(RecordingAccessGrant)).all() == []
