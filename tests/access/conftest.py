"""The world of the access matrix: one organisation, one recording and everything around
it (tests/access/scene.py), a person in each relation to it (the actors), and another
organisation's lead.

The world is written through the models (tests/factories.py), never through the API under
test, so a change to the rules cannot change the world the rules are checked against. The
recording's media are real: a small video put through the app's storage backend and its
own processing, so /media and /poster genuinely serve bytes.
"""

import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import (
    Assignment,
    Booking,
    BookingKind,
    BookingOccurrence,
    BookingParticipant,
    Invitation,
    LearningObjective,
    Membership,
    MembershipRole,
    ObjectiveEvidence,
    Programme,
    Recording,
    RecordingStatus,
    Role,
    Upload,
)
from app.models.base import utcnow
from app.models.organisation import AssignmentKind
from app.models.review import EvidenceKind, Observation
from app.models.rubric import RubricStatus
from app.recording.processing import process_recording
from app.storage import get_storage
from tests.access.scene import Cast, Scene, build_scene, criterion_comment, make_upload
from tests.factories import (
    assign,
    make_objective,
    make_organisation,
    make_programme,
    make_rubric_version,
    make_user,
    membership_id,
    token_for,
)
from tests.recording.conftest import bearer_for
from tests.support.media import make_video

# The roles each actor holds in the world's organisation. The foreign lead holds every
# role, in another organisation; anonymous has no account.
ROLES: Mapping[str, tuple[Role, ...]] = {
    "owner": (Role.practitioner,),
    "other_practitioner": (Role.practitioner,),
    "coach": (Role.coach,),
    "other_coach": (Role.coach,),
    "rater_blind": (Role.coach,),
    "rater_done": (Role.coach,),
    "supervisor": (Role.supervisor,),
    "other_supervisor": (Role.supervisor,),
    "lead": (Role.lead,),
    "guest": (Role.coach,),
    # A guest reviewer (an external expert): the lead's grant on the recording, until a date.
    "expert": (Role.guest,),
}
NO_SUCH_INVITATION = "no-such-invitation-token"


@dataclass
class World:
    client: TestClient
    cast: Cast
    scene: Scene  # the recording under test, with real media
    objective: LearningObjective  # the owner's, with the coach's observation as evidence
    upload: Upload  # the owner's, unfinished
    spare_membership_id: uuid.UUID  # a member nobody relates to, for the member routes
    spare_programme: Programme  # home of the rubrics that routes publish, retire, extend
    coach_assignment_id: uuid.UUID
    invitation_id: uuid.UUID  # a pending invitation of the organisation
    booking_id: uuid.UUID  # the coach's session with the owner, still to come
    secret_key: str
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def headers(self, actor: str) -> dict[str, str]:
        """Bearer headers from POST /auth/token, signed in on first use (argon2 is slow)."""
        if actor == "anonymous":
            return {}
        if actor not in self._headers:
            self._headers[actor] = token_for(self.client, self.cast[actor])
        return self._headers[actor]

    def one_off_headers(self, db: Session, actor: str) -> dict[str, str]:
        """A sign-in of its own, for a call that ends it (logout); minted the way sign-in
        does, without checking the password again."""
        if actor == "anonymous":
            return {}
        return bearer_for(db, self.cast[actor], self.secret_key)

    def path_values(self) -> dict[str, object]:
        """A real resource of the world for every path parameter of the API."""
        scene, cast = self.scene, self.cast
        return {
            "organisation_id": cast.organisation.id,
            "membership_id": self.spare_membership_id,
            "assignment_id": self.coach_assignment_id,
            "programme_id": cast.programme.id,
            "rubric_id": cast.version.rubric_id,
            "version": cast.version.version,
            "recording_id": scene.recording.id,
            "comment_id": scene.comment.id,
            "reflection_id": scene.reflection.id,
            "observation_id": scene.coach_observation.id,
            "second_rater_id": scene.blind_rater.id,
            "objective_id": self.objective.id,
            "upload_id": self.upload.id,
            "token": NO_SUCH_INVITATION,
            "invitation_id": self.invitation_id,
            "coach_user_id": cast["coach"].id,
            "booking_id": self.booking_id,
        }


@pytest.fixture
def matrix_client(app: FastAPI) -> Iterator[TestClient]:
    """Like `client`, but a 500 is an answer to report with every other mismatch, not an
    exception that ends the walk at the first one."""
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as test:
        yield test


@pytest.fixture(scope="session")
def video(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = make_video(tmp_path_factory.mktemp("access") / "visit.mp4", seconds=1, width=160)
    return path.read_bytes()


@pytest.fixture
def world(app: FastAPI, matrix_client: TestClient, db: Session, video: bytes) -> World:
    return build_world(app, db, matrix_client, video)


def build_world(app: FastAPI, db: Session, client: TestClient, video: bytes) -> World:
    """A new organisation with everything in the world (tests/contract builds many)."""
    cast = _cast(db)
    scene = build_scene(db, cast)
    _store_media(app, db, scene.recording, video)
    spare_member = make_user(db, cast.organisation, Role.practitioner)
    return World(
        client=client,
        cast=cast,
        scene=scene,
        objective=_objective(db, cast, scene.coach_observation),
        upload=make_upload(db, cast),
        spare_membership_id=membership_id(db, cast.organisation, spare_member),
        spare_programme=make_programme(db, cast.organisation, name="Spare programme"),
        coach_assignment_id=_coach_assignment(db, cast),
        invitation_id=_invitation(db, cast),
        booking_id=new_booking(db, cast).id,
        secret_key=app.state.settings.secret_key,
    )


def _cast(db: Session) -> Cast:
    organisation = make_organisation(db, "World organisation")
    people = {actor: make_user(db, organisation, *roles) for actor, roles in ROLES.items()}
    assign(db, organisation, people["coach"], people["owner"], AssignmentKind.coach)
    assign(db, organisation, people["supervisor"], people["owner"], AssignmentKind.supervisor)
    assign(
        db,
        organisation,
        people["other_supervisor"],
        people["other_practitioner"],
        AssignmentKind.supervisor,
    )
    people["foreign_lead"] = make_user(db, make_organisation(db, "Foreign"), *Role)
    programme = make_programme(db, organisation)
    version = make_rubric_version(db, organisation, programme, {"code": "A1"}, {"code": "A2"})
    return Cast(organisation, programme, version, people)


def new_booking(db: Session, cast: Cast) -> Booking:
    """A confirmed coaching session next week, organised by the coach with the owner."""
    starts_at = (utcnow() + timedelta(days=7)).replace(second=0, microsecond=0)
    booking = Booking(
        organisation_id=cast.organisation.id,
        kind=BookingKind.coaching,
        title="Coaching: open questions",
        organiser_user_id=cast["coach"].id,
        time_zone=cast.organisation.time_zone,
        starts_at=starts_at,
        duration_minutes=60,
    )
    db.add(booking)
    db.flush()
    db.add(
        BookingParticipant(
            booking_id=booking.id, user_id=cast["owner"].id, organisation_id=booking.organisation_id
        )
    )
    db.add(
        BookingOccurrence(
            organisation_id=booking.organisation_id,
            booking_id=booking.id,
            original_starts_at=starts_at,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
        )
    )
    db.commit()
    return booking


def _coach_assignment(db: Session, cast: Cast) -> uuid.UUID:
    statement = select(Assignment.id).where(
        Assignment.kind == AssignmentKind.coach,
        Assignment.staff_user_id == cast["coach"].id,
        Assignment.practitioner_user_id == cast["owner"].id,
    )
    return db.exec(statement).one()


def _store_media(app: FastAPI, db: Session, recording: Recording, video: bytes) -> None:
    """The bytes go through the app's storage and processing, as after a real upload."""
    storage = get_storage(app.state.settings)
    storage.put(recording.storage_key, video)
    recording.status = RecordingStatus.processing
    recording.size_bytes = len(video)
    recording.uploaded_at = utcnow()
    db.add(recording)
    db.commit()
    process_recording(app.state.engine, storage, app.state.settings, recording.id)
    db.refresh(recording)
    assert recording.status == RecordingStatus.ready, recording.rejection_reason
    assert recording.poster_key is not None, "the world's recording needs a poster frame"


def _objective(db: Session, cast: Cast, evidence: Observation) -> LearningObjective:
    objective = make_objective(db, cast.organisation, cast["owner"])
    db.add(
        ObjectiveEvidence(
            organisation_id=cast.organisation.id,
            objective_id=objective.id,
            kind=EvidenceKind.observation,
            ref_id=evidence.id,
            note="Open questions at 0:42",
            added_by_user_id=cast["coach"].id,
        )
    )
    db.commit()
    return objective


# Fresh resources for the routes whose call changes what the next caller would see
# (delete, withdraw, submit, share...; see probes.plan): each builds a new resource in the
# same relation to every actor as the world's own.
Builder = Callable[[Session, World], object]


def new_scene(db: Session, world: World) -> Scene:
    return build_scene(db, world.cast)


def new_recording(db: Session, world: World) -> uuid.UUID:
    return new_scene(db, world).recording.id


def new_reflection(db: Session, world: World) -> uuid.UUID:
    return new_scene(db, world).reflection.id


def new_observation(db: Session, world: World) -> uuid.UUID:
    return new_scene(db, world).coach_observation.id


def new_second_rater(db: Session, world: World) -> uuid.UUID:
    return new_scene(db, world).blind_rater.id


def new_comment(db: Session, world: World) -> uuid.UUID:
    """The coach's, on the recording under test: a comment's own state is all that changes."""
    return criterion_comment(db, world.scene.recording, world.cast["coach"]).id


def new_membership(db: Session, world: World) -> uuid.UUID:
    organisation = world.cast.organisation
    return membership_id(db, organisation, make_user(db, organisation, Role.practitioner))


def new_invitee(db: Session, world: World) -> uuid.UUID:
    """A member who has not set a password yet: the one an invitation is reissued to."""
    organisation = world.cast.organisation
    invitee = make_user(db, organisation, Role.practitioner, password=False)
    return membership_id(db, organisation, invitee)


def _invitation(db: Session, cast: Cast) -> uuid.UUID:
    invitation = Invitation(
        organisation_id=cast.organisation.id,
        email=f"invited-{uuid.uuid4()}@example.org",
        roles=["practitioner"],
        token_hash=uuid.uuid4().hex,
        created_by_user_id=cast["lead"].id,
        expires_at=utcnow() + timedelta(days=1),
    )
    db.add(invitation)
    db.commit()
    return invitation.id


def new_invitation(db: Session, world: World) -> uuid.UUID:
    return _invitation(db, world.cast)


def new_assignment(db: Session, world: World) -> uuid.UUID:
    organisation = world.cast.organisation
    coach = make_user(db, organisation, Role.coach)
    return assign(db, organisation, coach, make_user(db, organisation, Role.practitioner)).id


def new_draft_rubric(db: Session, world: World) -> uuid.UUID:
    return _spare_rubric(db, world, RubricStatus.draft)


def new_published_rubric(db: Session, world: World) -> uuid.UUID:
    return _spare_rubric(db, world, RubricStatus.published)


def _spare_rubric(db: Session, world: World, status: RubricStatus) -> uuid.UUID:
    organisation = world.cast.organisation
    return make_rubric_version(db, organisation, world.spare_programme, status=status).rubric_id


def new_upload(db: Session, world: World) -> uuid.UUID:
    return make_upload(db, world.cast).id


def rejoin(db: Session, world: World, actor: str, *roles: Role) -> None:
    """A person who left the organisation joins it again, with nothing but these roles."""
    organisation, user = world.cast.organisation, world.cast[actor]
    membership = Membership(organisation_id=organisation.id, user_id=user.id)
    db.add(membership)
    db.flush()
    db.add_all(MembershipRole(membership_id=membership.id, role=role) for role in roles)
    db.commit()
