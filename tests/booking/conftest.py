"""The team around bookings: who organises, who takes part, who may look on.

coach: coaches owner; coach2: another coach, unrelated to owner; supervisor: supervises
owner; owner and other_practitioner: practitioners; lead; outsider: every role, in
another organisation. The organisation's zone is Europe/London.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func
from sqlmodel import Session, select

from app.models import (
    AuditEvent,
    Booking,
    BookingOccurrence,
    BookingParticipant,
    BookingRecording,
    LearningObjective,
    Organisation,
    Role,
    User,
)
from app.models.base import utcnow
from app.models.organisation import AssignmentKind
from tests.factories import assign, make_organisation, make_user
from tests.recording.conftest import bearer_for

LONDON = ZoneInfo("Europe/London")
ROLES: dict[str, tuple[Role, ...]] = {
    "lead": (Role.lead,),
    "coach": (Role.coach,),
    "coach2": (Role.coach,),
    "supervisor": (Role.supervisor,),
    "owner": (Role.practitioner,),
    "other_practitioner": (Role.practitioner,),
}
TABLES = (Booking, BookingParticipant, BookingOccurrence, BookingRecording, LearningObjective)


@dataclass
class Team:
    client: TestClient
    db: Session
    secret_key: str
    organisation: Organisation
    people: dict[str, User]
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"/api/v1/organisations/{self.organisation.id}/bookings"

    def auth(self, who: str) -> dict[str, str]:
        if who not in self._headers:
            self._headers[who] = bearer_for(self.db, self.people[who], self.secret_key)
        return self._headers[who]

    def id(self, who: str) -> str:
        return str(self.people[who].id)

    def body(self, **overrides: Any) -> dict[str, Any]:
        """A coaching hour with the owner, 10:00 London time a week from now."""
        start = next_week_at(10)
        return {
            "kind": "coaching",
            "title": "Coaching: open questions",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "participant_user_ids": [self.id("owner")],
            **overrides,
        }

    def book(self, who: str = "coach", **overrides: Any) -> Response:
        return self.client.post(self.base, json=self.body(**overrides), headers=self.auth(who))

    def booked(self, who: str = "coach", **overrides: Any) -> dict[str, Any]:
        response = self.book(who, **overrides)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    def post(self, booking_id: str, action: str, who: str = "coach", **body: Any) -> Response:
        return self.client.post(
            f"{self.base}/{booking_id}/{action}", json=body, headers=self.auth(who)
        )

    def read(self, booking_id: str, who: str = "coach") -> Response:
        return self.client.get(f"{self.base}/{booking_id}", headers=self.auth(who))

    def listed(self, who: str = "coach", **query: Any) -> list[dict[str, Any]]:
        response = self.client.get(self.base, params=query, headers=self.auth(who))
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()
        return result

    def rows(self) -> dict[str, int]:
        """How many rows each booking table (and objectives) holds."""
        self.db.expire_all()
        return {
            model.__name__: self.db.exec(select(func.count()).select_from(model)).one()
            for model in TABLES
        }

    def audit_actions(self, booking_id: str) -> list[str]:
        statement = (
            select(AuditEvent.action)
            .where(AuditEvent.resource_id == booking_id)
            .order_by(AuditEvent.created_at)  # type: ignore[arg-type]
        )
        return list(self.db.exec(statement))


def next_week_at(hour: int, *, days: int = 7) -> datetime:
    """That hour, London wall-clock, `days` from today."""
    day = (utcnow() + timedelta(days=days)).astimezone(LONDON).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


@pytest.fixture
def team(app: FastAPI, client: TestClient, db: Session) -> Iterator[Team]:
    organisation = make_organisation(db, "Bookings organisation")
    people = {who: make_user(db, organisation, *roles) for who, roles in ROLES.items()}
    for who, user in people.items():
        user.display_name = who.replace("_", " ").capitalize()
        db.add(user)
    db.commit()
    assign(db, organisation, people["coach"], people["owner"], AssignmentKind.coach)
    assign(db, organisation, people["supervisor"], people["owner"], AssignmentKind.supervisor)
    people["outsider"] = make_user(db, make_organisation(db, "Elsewhere"), *Role)
    yield Team(client, db, app.state.settings.secret_key, organisation, people)
