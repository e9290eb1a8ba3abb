"""Every route that names a resource, called by a member of another organisation, is a 404.

The walk reads the OpenAPI schema, so a new route is covered the day it is added; a new
path parameter must get a real resource of the first organisation in RESOURCE_BUILDERS.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel

from app.models import (
    AvailabilityException,
    Booking,
    BookingOccurrence,
    BookingParticipant,
    CalibrationExercise,
    CalibrationRater,
    Invitation,
    Notification,
    NotificationKind,
    Organisation,
    Recording,
    RecordingStatus,
    Role,
    TimeAllocation,
    TimeEntry,
    TimeSignOff,
    Upload,
    User,
)
from app.models.base import utcnow
from tests.factories import (
    assign,
    make_comment,
    make_objective,
    make_observation,
    make_organisation,
    make_programme,
    make_ready_recording,
    make_reflection,
    make_rubric_version,
    make_second_rater,
    make_user,
    membership_id,
    token_for,
)
from tests.rubric.helpers import make_rubric


@dataclass
class VictimOrganisation:
    organisation: Organisation
    lead: User
    coach: User
    practitioner: User


Builder = Callable[[Session, VictimOrganisation], object]


def _recording(db: Session, victim: VictimOrganisation) -> Recording:
    return make_ready_recording(db, victim.organisation, victim.practitioner)


def _observation(db: Session, victim: VictimOrganisation) -> uuid.UUID:
    programme = make_programme(db, victim.organisation, name=f"Observed {uuid.uuid4()}")
    version = make_rubric_version(db, victim.organisation, programme)
    recording = make_ready_recording(db, victim.organisation, victim.practitioner)
    levels = {"A1": 3, "A2": 4}
    return make_observation(db, recording, victim.coach, version, levels, submitted_at=utcnow()).id


def _calibration_exercise(db: Session, victim: VictimOrganisation) -> uuid.UUID:
    programme = make_programme(db, victim.organisation, name=f"Calibrated {uuid.uuid4()}")
    version = make_rubric_version(db, victim.organisation, programme)
    exercise_id = _saved(
        db,
        CalibrationExercise(
            organisation_id=victim.organisation.id,
            title="Calibration",
            recording_id=_recording(db, victim).id,
            rubric_version_id=version.id,
        ),
    )
    _saved(
        db,
        CalibrationRater(
            organisation_id=victim.organisation.id,
            exercise_id=exercise_id,
            rater_user_id=victim.coach.id,
        ),
    )
    return exercise_id


RESOURCE_BUILDERS: dict[str, Builder] = {
    "organisation_id": lambda db, victim: victim.organisation.id,
    "membership_id": lambda db, victim: membership_id(db, victim.organisation, victim.coach),
    "assignment_id": lambda db, victim: (
        assign(db, victim.organisation, victim.coach, victim.practitioner).id
    ),
    "programme_id": lambda db, victim: make_programme(db, victim.organisation).id,
    "rubric_id": lambda db, victim: make_rubric(db, victim.organisation),
    "version": lambda db, victim: 1,
    "recording_id": lambda db, victim: _recording(db, victim).id,
    "comment_id": lambda db, victim: make_comment(db, _recording(db, victim), victim.coach).id,
    "reflection_id": lambda db, victim: make_reflection(db, _recording(db, victim)).id,
    "observation_id": _observation,
    "second_rater_id": lambda db, victim: (
        make_second_rater(db, _recording(db, victim), victim.coach).id
    ),
    "exercise_id": lambda db, victim: _calibration_exercise(db, victim),
    "objective_id": lambda db, victim: (
        make_objective(db, victim.organisation, victim.practitioner).id
    ),
    "upload_id": lambda db, victim: _upload(db, victim),
    "invitation_id": lambda db, victim: _invitation(db, victim),
    "booking_id": lambda db, victim: _booking(db, victim),
    "notification_id": lambda db, victim: _notification(db, victim),
    "coach_user_id": lambda db, victim: victim.coach.id,
    "exception_id": lambda db, victim: _saved(
        db,
        AvailabilityException(
            organisation_id=victim.organisation.id,
            coach_user_id=victim.coach.id,
            on_date=date(2030, 1, 7),
        ),
    ),
    "allocation_id": lambda db, victim: _saved(
        db,
        TimeAllocation(
            organisation_id=victim.organisation.id,
            practitioner_user_id=victim.practitioner.id,
            category="coaching",
            minutes=120,
            period="month",
            effective_from=date(2030, 1, 1),
        ),
    ),
    "time_entry_id": lambda db, victim: _saved(
        db,
        TimeEntry(
            organisation_id=victim.organisation.id,
            practitioner_user_id=victim.practitioner.id,
            category="planning",
            on_date=date(2026, 1, 5),
            minutes=30,
        ),
    ),
    "sign_off_id": lambda db, victim: _saved(
        db,
        TimeSignOff(
            organisation_id=victim.organisation.id,
            practitioner_user_id=victim.practitioner.id,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
        ),
    ),
    # Not organisation resources: an unknown invitation token and an unknown calendar feed
    # secret (must simply not succeed; a feed's own secret is its only credential).
    "token": lambda db, victim: "no-such-invitation-token",
    "secret": lambda db, victim: "no-such-feed-secret",
}
NOT_ORGANISATION_RESOURCES = frozenset({"token", "secret"})


def _saved(db: Session, row: SQLModel) -> uuid.UUID:
    db.add(row)
    db.commit()
    row_id: uuid.UUID = row.id  # type: ignore[attr-defined]
    return row_id


def _booking(db: Session, victim: VictimOrganisation) -> uuid.UUID:
    starts = datetime(2030, 1, 7, 10, tzinfo=UTC)
    booking = Booking(
        organisation_id=victim.organisation.id,
        kind="coaching",
        title="Coaching",
        organiser_user_id=victim.coach.id,
        time_zone="Europe/London",
        starts_at=starts,
        duration_minutes=60,
    )
    db.add(booking)
    db.flush()
    db.add(
        BookingParticipant(
            booking_id=booking.id,
            user_id=victim.practitioner.id,
            organisation_id=victim.organisation.id,
        )
    )
    db.add(
        BookingOccurrence(
            organisation_id=victim.organisation.id,
            booking_id=booking.id,
            original_starts_at=starts,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )
    )
    db.commit()
    return booking.id


def _notification(db: Session, victim: VictimOrganisation) -> uuid.UUID:
    """The practitioner's, of their coach's comment."""
    comment = make_comment(db, _recording(db, victim), victim.coach)
    return _saved(
        db,
        Notification(
            organisation_id=victim.organisation.id,
            recipient_user_id=victim.practitioner.id,
            actor_user_id=victim.coach.id,
            kind=NotificationKind.comment,
            recording_id=comment.recording_id,
            comment_id=comment.id,
        ),
    )


def _upload(db: Session, victim: VictimOrganisation) -> uuid.UUID:
    recording = make_ready_recording(
        db, victim.organisation, victim.practitioner, status=RecordingStatus.uploading
    )
    upload = Upload(
        organisation_id=victim.organisation.id,
        uploader_user_id=victim.practitioner.id,
        recording_id=recording.id,
        length=10,
        storage_key=recording.storage_key,
        multipart_id="",
        expires_at=utcnow() + timedelta(hours=1),
    )
    db.add(upload)
    db.commit()
    return upload.id


def _invitation(db: Session, victim: VictimOrganisation) -> uuid.UUID:
    invitation = Invitation(
        organisation_id=victim.organisation.id,
        email=f"invited-{uuid.uuid4()}@example.org",
        roles=["practitioner"],
        token_hash=uuid.uuid4().hex,
        created_by_user_id=victim.lead.id,
        expires_at=utcnow() + timedelta(days=1),
    )
    db.add(invitation)
    db.commit()
    return invitation.id


def _victim(db: Session) -> VictimOrganisation:
    organisation = make_organisation(db, "Victim organisation")
    return VictimOrganisation(
        organisation=organisation,
        lead=make_user(db, organisation, Role.lead),
        coach=make_user(db, organisation, Role.coach),
        practitioner=make_user(db, organisation, Role.practitioner),
    )


def _routes_with_path_parameters(app: FastAPI) -> list[tuple[str, str, list[str]]]:
    routes = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            names = [p["name"] for p in parameters if p["in"] == "path"]
            if names:
                routes.append((method.upper(), path, names))
    return routes


def test_another_organisation_gets_404_on_every_resource_route(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    victim = _victim(db)
    outsider_org = make_organisation(db, "Outsider organisation")
    outsider = make_user(
        db, outsider_org, Role.lead, Role.coach, Role.supervisor, Role.practitioner
    )
    headers = token_for(client, outsider)
    routes = _routes_with_path_parameters(app)
    assert len(routes) >= 8, "the walk should see the organisation routes"
    values: dict[str, str] = {}
    leaks = []
    for method, path, names in routes:
        for name in names:
            if name not in values:
                assert name in RESOURCE_BUILDERS, f"add a real resource for {{{name}}} ({path})"
                values[name] = str(RESOURCE_BUILDERS[name](db, victim))
        url = path.format(**{name: values[name] for name in names})
        response = client.request(
            method,
            url,
            headers=headers,
            json={},
            params={"organisation_id": str(victim.organisation.id)},
        )
        expected_404 = not NOT_ORGANISATION_RESOURCES.intersection(names)
        if (expected_404 and response.status_code != 404) or response.is_success:
            leaks.append(f"{method} {path} -> {response.status_code}")
    assert leaks == [], "routes that did not answer 404 to another organisation"


def test_victim_lead_still_sees_the_resources(client: TestClient, db: Session) -> None:
    """The walk would pass vacuously if the resources did not exist; they do."""
    victim = _victim(db)
    headers = token_for(client, victim.lead)
    base = f"/api/v1/organisations/{victim.organisation.id}"
    assert client.get(base, headers=headers).status_code == 200
    assert client.get(f"{base}/members", headers=headers).status_code == 200
    assert uuid.UUID(client.get(base, headers=headers).json()["id"]) == victim.organisation.id
