"""One recording and everything around it, as the access matrix needs it.

A scene is built whole, so that a route that changes state (withdraw consent, delete,
submit, share) can get a scene of its own for every call while every actor keeps the
same relation to it as to the recording under test.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from app.models import (
    Comment,
    ConsentRecord,
    ObservationScore,
    Organisation,
    Programme,
    Recording,
    RecordingAccessGrant,
    RecordingStatus,
    Reflection,
    ReflectionReply,
    RubricVersion,
    Upload,
    User,
)
from app.models.base import utcnow
from app.models.review import Observation, SecondRaterAssignment
from tests.factories import (
    make_comment,
    make_observation,
    make_ready_recording,
    make_reflection,
    make_second_rater,
)

CRITERION = "A1"
GUEST_TERM = timedelta(days=30)  # how long the expert's grant has still to run
LEVELS: dict[str, int | None] = {"A1": 3, "A2": 4}


@dataclass(frozen=True)
class Cast:
    """The organisation, its programme and rubric, and everyone who acts in it."""

    organisation: Organisation
    programme: Programme
    version: RubricVersion  # published: every observation is scored against it
    people: Mapping[str, User]

    def __getitem__(self, actor: str) -> User:
        return self.people[actor]


@dataclass(frozen=True)
class Scene:
    recording: Recording
    coach_observation: Observation  # primary, submitted, with evidence
    second_observation: Observation  # rater_done's, submitted
    blind_draft: Observation  # rater_blind's, not submitted
    blind_rater: SecondRaterAssignment  # rater_blind's: removable, nothing submitted
    comment: Comment  # the coach's, on a criterion, with the owner's reply
    reflection: Reflection  # the owner's, shared, with the coach's reply


def build_scene(db: Session, cast: Cast) -> Scene:
    """A ready recording of the owner's in the programme, reviewed as the issue describes."""
    recording = make_ready_recording(db, cast.organisation, cast["owner"], programme=cast.programme)
    db.add(ConsentRecord(**consent_of(recording)))
    blind_rater = make_second_rater(db, recording, cast["rater_blind"])
    make_second_rater(db, recording, cast["rater_done"])
    grant_by_lead(db, recording, cast["guest"], cast["lead"])
    grant_by_lead(db, recording, cast["expert"], cast["lead"], expires_at=utcnow() + GUEST_TERM)
    return Scene(
        recording=recording,
        coach_observation=submitted(db, recording, cast["coach"], cast.version, "primary"),
        second_observation=submitted(db, recording, cast["rater_done"], cast.version, "second"),
        blind_draft=make_observation(
            db, recording, cast["rater_blind"], cast.version, {"A1": 2}, rater_role="second"
        ),
        blind_rater=blind_rater,
        comment=comment_thread(db, recording, cast["coach"], cast["owner"]),
        reflection=shared_reflection(db, recording, cast["coach"]),
    )


def consent_of(recording: Recording) -> dict[str, Any]:
    return {
        "organisation_id": recording.organisation_id,
        "recording_id": recording.id,
        "obtained_by_user_id": recording.owner_user_id,
        "obtained_at": utcnow(),
        "method": "written",
        "scope": "coaching",
    }


def grant_by_lead(
    db: Session,
    recording: Recording,
    grantee: User,
    lead: User,
    *,
    expires_at: datetime | None = None,
) -> None:
    db.add(
        RecordingAccessGrant(
            organisation_id=recording.organisation_id,
            recording_id=recording.id,
            user_id=grantee.id,
            granted_by_user_id=lead.id,
            expires_at=expires_at,
        )
    )
    db.commit()


def submitted(
    db: Session, recording: Recording, rater: User, version: RubricVersion, role: str
) -> Observation:
    observation = make_observation(
        db, recording, rater, version, LEVELS, submitted_at=utcnow(), rater_role=role
    )
    statement = select(ObservationScore).where(ObservationScore.observation_id == observation.id)
    for score in db.exec(statement):
        score.evidence = f"{rater.email} saw the parent follow the child's lead."
        db.add(score)
    db.commit()
    return observation


def comment_thread(db: Session, recording: Recording, author: User, replier: User) -> Comment:
    comment = criterion_comment(db, recording, author)
    reply = Comment(
        organisation_id=recording.organisation_id,
        recording_id=recording.id,
        parent_id=comment.id,
        author_user_id=replier.id,
        body="Thank you, I had not noticed.",
    )
    db.add(reply)
    db.commit()
    return comment


def criterion_comment(db: Session, recording: Recording, author: User) -> Comment:
    comment = make_comment(db, recording, author, body="Lovely open question here.")
    comment.criterion_code = CRITERION
    db.add(comment)
    db.commit()
    return comment


def shared_reflection(db: Session, recording: Recording, coach: User) -> Reflection:
    reflection = make_reflection(db, recording, shared=True)
    db.add(
        ReflectionReply(
            organisation_id=recording.organisation_id,
            reflection_id=reflection.id,
            author_user_id=coach.id,
            body="Let us look at the bath-time part together.",
        )
    )
    db.commit()
    return reflection


def make_upload(db: Session, cast: Cast) -> Upload:
    """An unfinished tus upload of the owner's; its recording is still uploading."""
    recording = make_ready_recording(
        db, cast.organisation, cast["owner"], status=RecordingStatus.uploading
    )
    db.add(ConsentRecord(**consent_of(recording)))
    upload = Upload(
        organisation_id=cast.organisation.id,
        uploader_user_id=cast["owner"].id,
        recording_id=recording.id,
        length=10,
        storage_key=recording.storage_key,
        multipart_id="",
        expires_at=utcnow() + timedelta(hours=1),
    )
    db.add(upload)
    db.commit()
    return upload
