"""The people around one recording (tests/review/scoring_cast.py) and helpers to read
what each of them is notified of."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Membership, MembershipRole, Organisation, Role, User
from tests.review.scoring_cast import Cast, make_cast


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def notifications(cast: Cast, who: str, **query: str) -> list[dict[str, Any]]:
    answer = cast.client.get("/api/v1/notifications", params=query, headers=cast.auth(who))
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()
    return rows


def kinds(cast: Cast, who: str) -> list[str]:
    return [row["kind"] for row in notifications(cast, who)]


def unread(cast: Cast, who: str) -> int:
    answer = cast.client.get("/api/v1/notifications/unread-count", headers=cast.auth(who))
    assert answer.status_code == 200, answer.text
    count: int = answer.json()["unread"]
    return count


def comment(cast: Cast, who: str, body: str = "Lovely open question.") -> dict[str, Any]:
    answer = cast.client.post(
        f"/api/v1/recordings/{cast.recording.id}/comments",
        json={"start_ms": 1000, "body": body},
        headers=cast.auth(who),
    )
    assert answer.status_code == 201, answer.text
    thread: dict[str, Any] = answer.json()
    return thread


def reply(cast: Cast, who: str, comment_id: str, body: str = "Thank you.") -> None:
    answer = cast.client.post(
        f"/api/v1/comments/{comment_id}/replies", json={"body": body}, headers=cast.auth(who)
    )
    assert answer.status_code == 201, answer.text


def join(db: Session, organisation: Organisation, user: User, *roles: Role) -> None:
    """Someone already in another organisation becomes a member of this one too."""
    membership = Membership(organisation_id=organisation.id, user_id=user.id)
    db.add(membership)
    db.flush()
    db.add_all(MembershipRole(membership_id=membership.id, role=role) for role in roles)
    db.commit()
