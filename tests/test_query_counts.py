"""Every list is paginated and runs a fixed number of SQL statements per page, however
many rows it shows.

Each list route of the API is called with 10 rows behind it and again with 100, on a page
large enough for all of them, and the statements the app sends to the database are
counted: the two counts must be equal. Pages of two, one after the other, must make up the
whole list. The list routes are found in the OpenAPI schema (a GET answering a JSON array),
so a new list fails `test_every_list_route_is_counted` until it has a case here.
"""

import itertools
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import (
    AuditEvent,
    AvailabilityException,
    Booking,
    BookingOccurrence,
    BookingParticipant,
    BookingRecording,
    CalibrationExercise,
    CalibrationRater,
    ConsentRecord,
    Invitation,
    MemberAttribute,
    Notification,
    NotificationKind,
    ObjectiveCriterion,
    ObjectiveEvidence,
    ObjectiveProgressNote,
    Observation,
    ObservationRevision,
    Organisation,
    Programme,
    Recording,
    RecordingSeen,
    ReflectionReply,
    Role,
    RubricCriterion,
    RubricVersion,
    User,
)
from app.models.base import utcnow
from app.models.review import EvidenceKind
from app.models.ringfenced import TimeAllocation, TimeEntry, TimeSignOff
from tests.access.scene import LEVELS, comment_thread, consent_of, shared_reflection
from tests.factories import (
    assign,
    grant_recording_access,
    make_comment,
    make_objective,
    make_observation,
    make_organisation,
    make_programme,
    make_ready_recording,
    make_rubric_version,
    make_second_rater,
    make_user,
    membership_id,
)
from tests.recording.conftest import bearer_for
from tests.ringfenced.cast import make_session
from tests.support.statements import statements_run

_numbers = itertools.count(1)


@dataclass(frozen=True)
class Scene:
    """An organisation with one reviewed recording; each case adds its rows around it."""

    db: Session
    organisation: Organisation
    programme: Programme
    version: RubricVersion
    lead: User
    coach: User
    owner: User
    recording: Recording
    observation: Observation  # the coach's, submitted, with scores
    reflection_id: uuid.UUID  # the owner's, shared

    def person(self, *roles: Role) -> User:
        return make_user(self.db, self.organisation, *roles)

    def reviewed_recording(self, owner: User, rater: User) -> Recording:
        """A recording with consent, a grant, and `rater`'s submitted observation of it,
        scored against a rubric version of its own."""
        db = self.db
        recording = make_ready_recording(db, self.organisation, owner, programme=self.programme)
        db.add(ConsentRecord(**consent_of(recording)))
        grant_recording_access(db, recording, self.person(Role.coach))
        version = make_rubric_version(db, self.organisation, self.programme)
        make_observation(db, recording, rater, version, LEVELS, submitted_at=utcnow())
        return recording


def _scene(db: Session) -> Scene:
    organisation = make_organisation(db)
    lead, coach, owner = (
        make_user(db, organisation, role) for role in (Role.lead, Role.coach, Role.practitioner)
    )
    assign(db, organisation, coach, owner)
    programme = make_programme(db, organisation)
    version = make_rubric_version(db, organisation, programme, {"code": "A1"}, {"code": "A2"})
    recording = make_ready_recording(db, organisation, owner, programme=programme)
    observation = make_observation(db, recording, coach, version, LEVELS, submitted_at=utcnow())
    reflection = shared_reflection(db, recording, coach)
    return Scene(
        db=db,
        organisation=organisation,
        programme=programme,
        version=version,
        lead=lead,
        coach=coach,
        owner=owner,
        recording=recording,
        observation=observation,
        reflection_id=reflection.id,
    )


def _commit(scene: Scene, row: object) -> None:
    scene.db.add(row)
    scene.db.commit()


def _invitation(scene: Scene) -> None:
    number = next(_numbers)
    _commit(
        scene,
        Invitation(
            organisation_id=scene.organisation.id,
            email=f"invited{number}@example.org",
            roles=["practitioner"],
            token_hash=f"token-{number}",
            created_by_user_id=scene.lead.id,
            expires_at=utcnow() + timedelta(days=1),
        ),
    )


def _audit_event(scene: Scene) -> None:
    _commit(
        scene,
        AuditEvent(
            organisation_id=scene.organisation.id,
            actor_user_id=scene.person(Role.lead).id,
            action="member.updated",
            resource_type="membership",
        ),
    )


def _programme_with_rubric_in_use(scene: Scene) -> None:
    """Each programme shows the rubric version it uses: read for the page at once."""
    programme = make_programme(scene.db, scene.organisation, name=f"P{next(_numbers)}")
    make_rubric_version(scene.db, scene.organisation, programme)


def _audit_action(scene: Scene) -> None:
    """An event of an action nobody has done before: one more action in the list."""
    _commit(
        scene,
        AuditEvent(
            organisation_id=scene.organisation.id,
            action=f"test.action_{next(_numbers)}",
            resource_type="membership",
        ),
    )


def _attribute_in_use(scene: Scene) -> None:
    """A member holding an attribute nobody else holds: one more name in use."""
    person = scene.person(Role.practitioner)
    member = membership_id(scene.db, scene.organisation, person)
    _commit(
        scene,
        MemberAttribute(
            organisation_id=scene.organisation.id,
            membership_id=member,
            name=f"name_{next(_numbers)}",
            value="North",
        ),
    )


def _notification(scene: Scene) -> None:
    """The owner's, of each kind in turn: each kind's resource and title are read in one
    batch, and what the rule lets them see in the page's one statement."""
    number = next(_numbers)
    about: dict[str, object]
    if number % 3 == 0:
        objective = make_objective(scene.db, scene.organisation, scene.owner, f"O{number}")
        kind, about = NotificationKind.objective_updated, {"objective_id": objective.id}
    elif number % 3 == 1:
        comment = make_comment(scene.db, scene.recording, scene.person(Role.coach))
        kind, about = NotificationKind.comment, {"comment_id": comment.id}
    else:
        kind, about = NotificationKind.feedback_submitted, {"observation_id": scene.observation.id}
    if kind != NotificationKind.objective_updated:
        about["recording_id"] = scene.recording.id
    _commit(
        scene,
        Notification(
            organisation_id=scene.organisation.id,
            recipient_user_id=scene.owner.id,
            actor_user_id=scene.coach.id,
            kind=kind,
            **about,
        ),
    )


def _reflection_reply(scene: Scene) -> None:
    _commit(
        scene,
        ReflectionReply(
            organisation_id=scene.organisation.id,
            reflection_id=scene.reflection_id,
            author_user_id=scene.person(Role.coach).id,
            body="Shall we look at the bath-time part together?",
        ),
    )


def _revision(scene: Scene) -> None:
    observation = scene.observation
    _commit(
        scene,
        ObservationRevision(
            organisation_id=observation.organisation_id,
            observation_id=observation.id,
            revision=next(_numbers),
            submitted_at=utcnow(),
            amended_by_user_id=scene.coach.id,
            reason="Typo in the evidence.",
        ),
    )


def _recording_observation(scene: Scene) -> None:
    rater = scene.person(Role.coach)
    assign(scene.db, scene.organisation, rater, scene.owner)
    make_observation(scene.db, scene.recording, rater, scene.version, LEVELS, submitted_at=utcnow())


def _coached_practitioner_reviewed(scene: Scene) -> None:
    practitioner = scene.person(Role.practitioner)
    assign(scene.db, scene.organisation, scene.coach, practitioner)
    scene.reviewed_recording(practitioner, scene.coach)


def _coached_recording_with_comments(scene: Scene) -> None:
    """A recording of a practitioner the coach coaches with another coach, reviewed,
    double-coded, with a thread the coach has read and one added since."""
    db, number = scene.db, next(_numbers)
    practitioner = scene.person(Role.practitioner)
    assign(db, scene.organisation, scene.coach, practitioner)
    assign(db, scene.organisation, scene.person(Role.coach), practitioner)
    recording = scene.reviewed_recording(practitioner, scene.person(Role.coach))
    comment_thread(db, recording, scene.person(Role.coach), practitioner)
    if number % 2:
        make_second_rater(db, recording, scene.person(Role.coach))
        seen = RecordingSeen(
            user_id=scene.coach.id,
            recording_id=recording.id,
            organisation_id=scene.organisation.id,
            seen_at=utcnow(),
        )
        _commit(scene, seen)
    make_comment(db, recording, practitioner)


def _objective(scene: Scene) -> None:
    db, owner = scene.db, scene.owner
    objective = make_objective(db, scene.organisation, owner, f"Objective {next(_numbers)}")
    criterion = db.exec(
        select(RubricCriterion).where(RubricCriterion.rubric_version_id == scene.version.id)
    ).first()
    assert criterion is not None
    comment = comment_thread(db, scene.recording, scene.coach, owner)
    linked = {"organisation_id": scene.organisation.id, "objective_id": objective.id}
    db.add(ObjectiveCriterion(**linked, criterion_id=criterion.id, target_level=4))
    db.add(ObjectiveProgressNote(**linked, author_user_id=scene.coach.id, body="Better."))
    db.add(ObjectiveEvidence(**linked, kind=EvidenceKind.comment, ref_id=comment.id))
    _commit(
        scene,
        ObjectiveEvidence(**linked, kind=EvidenceKind.observation, ref_id=scene.observation.id),
    )


def _calibration_exercise(scene: Scene) -> None:
    """An exercise the coach rates beside a second rater, who has submitted."""
    db = scene.db
    recording = make_ready_recording(db, scene.organisation, scene.owner)
    exercise = CalibrationExercise(
        organisation_id=scene.organisation.id,
        title=f"Calibration {next(_numbers)}",
        recording_id=recording.id,
        rubric_version_id=scene.version.id,
        created_by_user_id=scene.lead.id,
    )
    db.add(exercise)
    db.flush()
    other = scene.person(Role.coach)
    submitted = make_observation(
        db, recording, other, scene.version, LEVELS, submitted_at=utcnow(), rater_role="calibration"
    )
    seat = {"organisation_id": scene.organisation.id, "exercise_id": exercise.id}
    db.add(CalibrationRater(**seat, rater_user_id=scene.coach.id))
    _commit(scene, CalibrationRater(**seat, rater_user_id=other.id, observation_id=submitted.id))


def _allocated_practitioner(scene: Scene) -> None:
    """A practitioner with time ring-fenced since long ago: one allocation, one report row."""
    _commit(
        scene,
        TimeAllocation(
            organisation_id=scene.organisation.id,
            practitioner_user_id=scene.person(Role.practitioner).id,
            category="coaching",
            minutes=120,
            period="week",
            effective_from=utcnow().date() - timedelta(days=400),
        ),
    )


def _time_entry(scene: Scene) -> None:
    _commit(
        scene,
        TimeEntry(
            organisation_id=scene.organisation.id,
            practitioner_user_id=scene.owner.id,
            category="planning",
            on_date=utcnow().date() - timedelta(days=next(_numbers)),
            minutes=30,
        ),
    )


def _time_sign_off(scene: Scene) -> None:
    day = utcnow().date() - timedelta(days=next(_numbers))
    _commit(
        scene,
        TimeSignOff(
            organisation_id=scene.organisation.id,
            practitioner_user_id=scene.owner.id,
            period_start=day,
            period_end=day,
        ),
    )


def _eroded_practitioner(scene: Scene) -> None:
    """A practitioner whose session this month the organisation cancelled."""
    make_session(
        scene.db,
        scene.organisation,
        kind="supervision",
        organiser=scene.lead,
        participants=[scene.person(Role.practitioner)],
        starts_at=utcnow(),
        minutes=60,
        status="cancelled",
        by_organisation=True,
    )


def _day_away(scene: Scene) -> None:
    on_date = date(2027, 1, 1) + timedelta(days=next(_numbers))
    _commit(scene, _availability_exception(scene, on_date))


def _availability_exception(scene: Scene, on_date: date, **fields: Any) -> AvailabilityException:
    return AvailabilityException(
        organisation_id=scene.organisation.id,
        coach_user_id=scene.coach.id,
        on_date=on_date,
        **fields,
    )


def _first_slot_day() -> date:
    return datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=2)


def _free_slot(scene: Scene) -> None:
    """An hour of extra availability two hours after the last one: one more free slot."""
    statement = select(AvailabilityException.id).where(
        AvailabilityException.coach_user_id == scene.coach.id
    )
    number = len(scene.db.exec(statement).all())
    start = time(8 + 2 * (number % 6))
    on_date = _first_slot_day() + timedelta(days=number // 6)
    hours = {"start_time": start, "end_time": time(start.hour + 1)}
    _commit(scene, _availability_exception(scene, on_date, available=True, **hours))


def _slot_range(scene: Scene) -> dict[str, object]:
    first = _first_slot_day()
    return {"from": first.isoformat(), "to": (first + timedelta(days=20)).isoformat()}


def _booking(scene: Scene) -> None:
    """A supervisor's group session with the owner (whom the coach coaches), with a
    recording to review, in the days ahead: within the list's default range."""
    starts_at = (utcnow() + timedelta(days=1, minutes=next(_numbers))).replace(microsecond=0)
    booking = Booking(
        organisation_id=scene.organisation.id,
        kind="group_supervision",
        title="Group supervision",
        organiser_user_id=scene.person(Role.supervisor).id,
        time_zone=scene.organisation.time_zone,
        starts_at=starts_at,
        duration_minutes=60,
    )
    _commit(scene, booking)
    of_booking = {"organisation_id": scene.organisation.id, "booking_id": booking.id}
    for person in (scene.owner, scene.person(Role.practitioner)):
        scene.db.add(BookingParticipant(**of_booking, user_id=person.id))
    scene.db.add(BookingRecording(**of_booking, recording_id=scene.recording.id))
    end = starts_at + timedelta(hours=1)
    occurrence = {"original_starts_at": starts_at, "starts_at": starts_at, "ends_at": end}
    _commit(scene, BookingOccurrence(**of_booking, **occurrence))


ORG = "/api/v1/organisations/{organisation_id}"
RECORDING = "/api/v1/recordings/{recording_id}"


@dataclass(frozen=True)
class Case:
    caller: str  # who calls: one who sees every row, through the rules that cost the most
    add_row: Callable[[Scene], object]
    query: Callable[[Scene], dict[str, object]] = lambda scene: {}


CASES: dict[str, Case] = {
    ORG + "/members": Case("lead", lambda s: s.person(Role.practitioner, Role.coach)),
    ORG + "/member-attributes": Case("lead", _attribute_in_use),
    ORG + "/invitations": Case("lead", _invitation),
    ORG + "/assignments": Case(
        "lead", lambda s: assign(s.db, s.organisation, s.coach, s.person(Role.practitioner))
    ),
    ORG + "/audit-events": Case("lead", _audit_event),
    ORG + "/calibration-exercises": Case("coach", _calibration_exercise),
    ORG + "/audit-actions": Case("lead", _audit_action),
    ORG + "/programmes": Case("owner", _programme_with_rubric_in_use),
    ORG + "/rubrics": Case(
        "coach", lambda s: make_rubric_version(s.db, s.organisation, s.programme)
    ),
    ORG + "/observations": Case("coach", _coached_practitioner_reviewed),
    ORG + "/fidelity": Case("lead", _coached_practitioner_reviewed),
    ORG + "/objectives": Case("coach", _objective),
    # The coach: each recording names its practitioner and coaches and counts the coach's
    # unread comments (some read, under the blind rule of a double-coded recording).
    "/api/v1/recordings": Case(
        "coach",
        _coached_recording_with_comments,
        query=lambda s: {"organisation_id": s.organisation.id},
    ),
    RECORDING + "/access-grants": Case(
        "lead", lambda s: grant_recording_access(s.db, s.recording, s.person(Role.coach))
    ),
    RECORDING + "/comments": Case(
        "coach", lambda s: comment_thread(s.db, s.recording, s.person(Role.coach), s.owner)
    ),
    RECORDING + "/observations": Case("lead", _recording_observation),
    RECORDING + "/second-raters": Case(
        "lead", lambda s: make_second_rater(s.db, s.recording, s.person(Role.coach))
    ),
    "/api/v1/reflections/{reflection_id}/replies": Case("owner", _reflection_reply),
    "/api/v1/notifications": Case("owner", _notification),
    "/api/v1/observations/{observation_id}/revisions": Case("coach", _revision),
    ORG + "/bookings": Case("coach", _booking),
    ORG + "/coaches/{coach_user_id}/availability/exceptions": Case("coach", _day_away),
    ORG + "/coaches/{coach_user_id}/free-slots": Case("coach", _free_slot, query=_slot_range),
    ORG + "/allocations": Case("lead", _allocated_practitioner),
    ORG + "/time-entries": Case("lead", _time_entry),
    ORG + "/time-sign-offs": Case("lead", _time_sign_off),
    # Both report on this month by default.
    ORG + "/reports/time": Case("lead", _allocated_practitioner),
    ORG + "/reports/time/erosion": Case("lead", _eroded_practitioner),
}


def list_routes(app: FastAPI) -> dict[str, dict[str, Any]]:
    """Every GET of the API that answers a list, with its operation in the schema."""
    found = {}
    for path, operations in app.openapi()["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        content = operation["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        # A route answering one of several kinds of list (the time report's `by`) too.
        shapes = schema.get("anyOf", [schema])
        if any(shape.get("type") == "array" for shape in shapes) or schema.get("$ref", "").endswith(
            "Page"
        ):
            found[path] = operation
    return found


@dataclass(frozen=True)
class Call:
    """A case's route, called by its caller about the case's scene."""

    scene: Scene
    url: str
    params: dict[str, object]  # with the largest page the route allows
    headers: dict[str, str]


def _call(path: str, app: FastAPI, db: Session) -> Call:
    case, scene = CASES[path], _scene(db)
    values = {
        "organisation_id": scene.organisation.id,
        "recording_id": scene.recording.id,
        "reflection_id": scene.reflection_id,
        "observation_id": scene.observation.id,
        "coach_user_id": scene.coach.id,
    }
    parameters = {
        parameter["name"]: parameter["schema"] for parameter in list_routes(app)[path]["parameters"]
    }
    assert {"limit", "offset"} <= set(parameters), f"{path} is not paginated"
    return Call(
        scene,
        path.format(**values),
        {**case.query(scene), "limit": parameters["limit"]["maximum"]},
        bearer_for(db, getattr(scene, case.caller), app.state.settings.secret_key),
    )


def test_every_list_route_is_counted(app: FastAPI) -> None:
    assert set(list_routes(app)) == set(CASES)


@dataclass(frozen=True)
class Measured:
    shown: int  # items on the page
    statements: list[str]


def measure(path: str, app: FastAPI, client: TestClient, db: Session) -> dict[int, Measured]:
    """The route called with 10 rows behind it, then with 100, each on one page."""
    call = _call(path, app, db)
    measured: dict[int, Measured] = {}
    added = 0
    for rows in (10, 100):
        for _ in range(rows - added):
            CASES[path].add_row(call.scene)
        added = rows
        client.get(call.url, params=call.params, headers=call.headers)  # once per sign-in
        with statements_run(app.state.engine) as seen:
            response = client.get(call.url, params=call.params, headers=call.headers)
        assert response.status_code == 200, response.text
        measured[rows] = Measured(len(response.json()), seen)
    return measured


@pytest.mark.parametrize("path", sorted(CASES))
def test_statements_do_not_grow_with_rows(
    path: str, app: FastAPI, client: TestClient, db: Session
) -> None:
    few, many = measure(path, app, client, db).values()
    assert many.shown - few.shown == 90, f"the page shows every row: {few.shown}, {many.shown}"
    repeated = Counter(many.statements) - Counter(few.statements)
    assert len(few.statements) == len(many.statements), (
        f"{len(few.statements)} statements for 10 rows, {len(many.statements)} for 100; "
        f"repeated per row: {[statement[:160] for statement in repeated]}"
    )


@pytest.mark.parametrize("path", sorted(CASES))
def test_pages_follow_on_from_each_other(
    path: str, app: FastAPI, client: TestClient, db: Session
) -> None:
    """Small pages, one after the other, make up the whole list: none missed, none twice."""
    call = _call(path, app, db)
    for _ in range(5):
        CASES[path].add_row(call.scene)
    whole = client.get(call.url, params=call.params, headers=call.headers).json()
    paged: list[object] = []
    for offset in range(0, len(whole) + 2, 2):
        page = {**call.params, "limit": 2, "offset": offset}
        answer = client.get(call.url, params=page, headers=call.headers)
        assert answer.status_code == 200, answer.text
        paged += answer.json()
    assert len(whole) >= 5
    assert paged == whole
