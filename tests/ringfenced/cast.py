"""The people around ring-fenced time, and rows written straight through the models.

An organisation in Europe/London: p1 and p2 in supervisor's team, p3 in other_supervisor's;
coach coaches p1; lead; outsider leads another organisation (every role there). Sessions
are written as the bookings part stores them: a Booking, its participants, and one
BookingOccurrence per sitting holding its times and status.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import (
    Booking,
    BookingOccurrence,
    BookingParticipant,
    BookingStatus,
    Organisation,
    Role,
    TimeAllocation,
    TimeEntry,
    TimeSignOff,
    User,
)
from app.models.organisation import AssignmentKind
from tests.factories import assign, make_organisation, make_user
from tests.recording.conftest import bearer_for

LONDON = ZoneInfo("Europe/London")
ROLES: dict[str, tuple[Role, ...]] = {
    "p1": (Role.practitioner,),
    "p2": (Role.practitioner,),
    "p3": (Role.practitioner,),
    "supervisor": (Role.supervisor,),
    "other_supervisor": (Role.supervisor,),
    "coach": (Role.coach,),
    "lead": (Role.lead,),
}


@dataclass
class TimeCast:
    client: TestClient
    db: Session
    organisation: Organisation
    people: dict[str, User]
    secret_key: str
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        if who not in self._headers:
            self._headers[who] = bearer_for(self.db, self.people[who], self.secret_key)
        return self._headers[who]

    def id(self, who: str) -> uuid.UUID:
        return self.people[who].id

    @property
    def base(self) -> str:
        return f"/api/v1/organisations/{self.organisation.id}"

    def get(self, who: str, path: str, **params: Any) -> Any:
        return self.client.get(f"{self.base}{path}", params=params, headers=self.auth(who))

    def post(self, who: str, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(f"{self.base}{path}", json=body, headers=self.auth(who))

    def report(self, who: str, first: date, last: date, **params: Any) -> list[dict[str, Any]]:
        answer = self.get(who, "/reports/time", **{"from": first, "to": last, **params})
        assert answer.status_code == 200, answer.text
        rows: list[dict[str, Any]] = answer.json()
        return rows

    def book(
        self,
        kind: str,
        starts_at: datetime,
        minutes: int,
        *participants: str,
        status: str = BookingStatus.completed,
        by_organisation: bool = False,
        organiser: str = "coach",
    ) -> BookingOccurrence:
        return make_session(
            self.db,
            self.organisation,
            kind=kind,
            organiser=self.people[organiser],
            participants=[self.people[who] for who in participants],
            starts_at=starts_at,
            minutes=minutes,
            status=status,
            by_organisation=by_organisation,
        )

    def allocate(
        self,
        who: str,
        category: str,
        minutes: int,
        period: str,
        effective_from: date,
        effective_until: date | None = None,
    ) -> TimeAllocation:
        allocation = TimeAllocation(
            organisation_id=self.organisation.id,
            practitioner_user_id=self.id(who),
            category=category,
            minutes=minutes,
            period=period,
            effective_from=effective_from,
            effective_until=effective_until,
        )
        self.db.add(allocation)
        self.db.commit()
        return allocation

    def log(self, who: str, category: str, on_date: date, minutes: int) -> TimeEntry:
        entry = TimeEntry(
            organisation_id=self.organisation.id,
            practitioner_user_id=self.id(who),
            category=category,
            on_date=on_date,
            minutes=minutes,
        )
        self.db.add(entry)
        self.db.commit()
        return entry

    def signed_off(self, who: str, first: date, last: date) -> TimeSignOff:
        row = TimeSignOff(
            organisation_id=self.organisation.id,
            practitioner_user_id=self.id(who),
            period_start=first,
            period_end=last,
            signed_by_user_id=self.id("supervisor"),
        )
        self.db.add(row)
        self.db.commit()
        return row


def make_session(
    db: Session,
    organisation: Organisation,
    *,
    kind: str,
    organiser: User,
    participants: list[User],
    starts_at: datetime,
    minutes: int,
    status: str = BookingStatus.completed,
    by_organisation: bool = False,
) -> BookingOccurrence:
    """A one-off session and its one occurrence, as the bookings part stores them."""
    booking = Booking(
        organisation_id=organisation.id,
        kind=kind,
        title=f"{kind} session",
        organiser_user_id=organiser.id,
        time_zone=organisation.time_zone,
        starts_at=starts_at,
        duration_minutes=minutes,
    )
    db.add(booking)
    db.flush()
    db.add_all(
        BookingParticipant(booking_id=booking.id, user_id=user.id, organisation_id=organisation.id)
        for user in participants
    )
    cancelled = status == BookingStatus.cancelled
    occurrence = BookingOccurrence(
        organisation_id=organisation.id,
        booking_id=booking.id,
        original_starts_at=starts_at,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        status=status,
        cancelled_at=starts_at - timedelta(days=1) if cancelled else None,
        cancelled_by_organisation=by_organisation,
    )
    db.add(occurrence)
    db.commit()
    return occurrence


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in London, as the UTC instant it is."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def make_time_cast(db: Session, client: TestClient, secret_key: str) -> TimeCast:
    organisation = make_organisation(db)
    organisation.time_zone = "Europe/London"
    db.add(organisation)
    db.commit()
    people = {who: make_user(db, organisation, *roles) for who, roles in ROLES.items()}
    for who, user in people.items():
        user.display_name = who
        db.add(user)
    db.commit()
    supervision = AssignmentKind.supervisor
    assign(db, organisation, people["supervisor"], people["p1"], supervision)
    assign(db, organisation, people["supervisor"], people["p2"], supervision)
    assign(db, organisation, people["other_supervisor"], people["p3"], supervision)
    assign(db, organisation, people["coach"], people["p1"], AssignmentKind.coach)
    people["outsider"] = make_user(db, make_organisation(db), *Role)
    return TimeCast(client, db, organisation, people, secret_key)
