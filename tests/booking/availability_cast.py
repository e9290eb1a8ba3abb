"""The people around one coach, for the availability, free-slot and self-booking tests.

coach: publishes availability; practitioner and practitioner2: coached by the coach;
supervisor: supervises practitioner; other_practitioner, other_coach and
other_supervisor (who supervises other_practitioner): nothing to do with the coach;
lead; outsider: every role, in another organisation. The organisation keeps its default
zone, Europe/London.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.access import Member, member_of
from app.models import (
    AvailabilityException,
    AvailabilityWindow,
    Booking,
    BookingKind,
    BookingOccurrence,
    BookingParticipant,
    BookingStatus,
    CoachBookingRules,
    Organisation,
    Role,
    User,
)
from app.models.organisation import AssignmentKind
from tests.factories import assign, make_organisation, make_user
from tests.recording.conftest import bearer_for

LONDON = ZoneInfo("Europe/London")
ROLES: dict[str, tuple[Role, ...]] = {
    "coach": (Role.coach,),
    "practitioner": (Role.practitioner,),
    "practitioner2": (Role.practitioner,),
    "supervisor": (Role.supervisor,),
    "other_practitioner": (Role.practitioner,),
    "other_coach": (Role.coach,),
    "other_supervisor": (Role.supervisor,),
    "lead": (Role.lead,),
}


@dataclass
class Cast:
    client: TestClient
    db: Session
    secret_key: str
    organisation: Organisation
    people: dict[str, User]
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        if who not in self._headers:
            self._headers[who] = bearer_for(self.db, self.people[who], self.secret_key)
        return self._headers[who]

    def id(self, who: str) -> str:
        return str(self.people[who].id)

    def url(self, suffix: str = "", coach: str = "coach") -> str:
        return f"/api/v1/organisations/{self.organisation.id}/coaches/{self.id(coach)}{suffix}"

    def member(self, who: str) -> Member:
        user = self.people[who]
        return member_of(self.db, user=user, organisation_id=self.organisation.id)

    def publish(
        self, windows: Sequence[tuple[int, str, str]], coach: str = "coach", **rules: Any
    ) -> None:
        """Weekly windows (weekday, "HH:MM", "HH:MM") and rules, straight into the tables."""
        coach_id = self.people[coach].id
        for weekday, start, end in windows:
            self.db.add(
                AvailabilityWindow(
                    organisation_id=self.organisation.id,
                    coach_user_id=coach_id,
                    weekday=weekday,
                    start_time=time.fromisoformat(start),
                    end_time=time.fromisoformat(end),
                )
            )
        rules = {"buffer_minutes": 0, "min_notice_hours": 0, **rules}
        self.db.add(
            CoachBookingRules(organisation_id=self.organisation.id, coach_user_id=coach_id, **rules)
        )
        self.db.commit()

    def except_on(
        self, on_date: date, *, available: bool = False, hours: tuple[str, str] | None = None
    ) -> None:
        start, end = (
            (time.fromisoformat(hours[0]), time.fromisoformat(hours[1])) if hours else (None, None)
        )
        self.db.add(
            AvailabilityException(
                organisation_id=self.organisation.id,
                coach_user_id=self.people["coach"].id,
                on_date=on_date,
                available=available,
                start_time=start,
                end_time=end,
            )
        )
        self.db.commit()

    def book(
        self,
        organiser: str,
        participants: Sequence[str],
        starts_at: datetime,
        *,
        minutes: int = 60,
        kind: BookingKind = BookingKind.coaching,
        status: BookingStatus = BookingStatus.confirmed,
    ) -> Booking:
        """A single booking written through the models, with its one occurrence."""
        organisation_id = self.organisation.id
        booking = Booking(
            organisation_id=organisation_id,
            kind=kind,
            title=f"{kind} session",
            organiser_user_id=self.people[organiser].id,
            time_zone=self.organisation.time_zone,
            starts_at=starts_at,
            duration_minutes=minutes,
        )
        self.db.add(booking)
        self.db.flush()
        self.db.add_all(
            BookingParticipant(
                booking_id=booking.id, user_id=self.people[who].id, organisation_id=organisation_id
            )
            for who in participants
        )
        self.db.add(
            BookingOccurrence(
                organisation_id=organisation_id,
                booking_id=booking.id,
                original_starts_at=starts_at,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=minutes),
                status=status,
            )
        )
        self.db.commit()
        return booking


def make_cast(app: FastAPI, client: TestClient, db: Session) -> Cast:
    organisation = make_organisation(db)
    people = {who: make_user(db, organisation, *roles) for who, roles in ROLES.items()}
    assign(db, organisation, people["coach"], people["practitioner"], AssignmentKind.coach)
    assign(db, organisation, people["coach"], people["practitioner2"], AssignmentKind.coach)
    assign(
        db, organisation, people["supervisor"], people["practitioner"], AssignmentKind.supervisor
    )
    assign(
        db,
        organisation,
        people["other_supervisor"],
        people["other_practitioner"],
        AssignmentKind.supervisor,
    )
    people["outsider"] = make_user(db, make_organisation(db), *Role)
    return Cast(client, db, app.state.settings.secret_key, organisation, people)


def local(day: date, wall: str) -> datetime:
    """A wall-clock time in London on `day` (the first, should it happen twice)."""
    return datetime.combine(day, time.fromisoformat(wall), tzinfo=LONDON)


def written(moment: datetime) -> str:
    """How the API writes an instant, on its own clock (an offset of zero as Z)."""
    return moment.isoformat().replace("+00:00", "Z")


def utc(moment: datetime) -> str:
    """How the API writes an instant in UTC."""
    return written(moment.astimezone(UTC))


def monday_after(day: date, weeks: int = 0) -> date:
    """The first Monday after `day`, and `weeks` more."""
    return day + timedelta(days=7 - day.weekday(), weeks=weeks)


def next_bookable_monday(weeks: int = 1) -> date:
    """A Monday far enough ahead for any notice the API tests use."""
    return monday_after(datetime.now(LONDON).date(), weeks=weeks)
