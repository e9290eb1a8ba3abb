"""Plain factory functions for test data, written through the real models."""

import itertools
import uuid
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session, select

from app.models import (
    Assignment,
    Comment,
    Identity,
    Membership,
    MembershipRole,
    Organisation,
    Programme,
    Recording,
    RecordingAccessGrant,
    RecordingStatus,
    Reflection,
    Role,
    User,
)
from app.models.base import utcnow
from app.models.identity import IdentityKind
from app.models.review import (
    LearningObjective,
    Observation,
    ObservationScore,
    ObservationStatus,
    SecondRaterAssignment,
)
from app.models.rubric import Rubric, RubricCriterion, RubricStatus, RubricVersion
from app.review import first_comments
from app.review.counting import recount
from app.rubric import in_use, scoring
from app.rubric.scoring import ScoringFormula

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)
# Argon2 at the app's parameters is deliberately slow (about 150 ms a sign-in here, and the
# suite signs in thousands of times). Tests share one hash of the common password, made at
# the lowest cost Argon2 allows: a hash carries its own parameters, so signing in verifies
# it through the app's own hasher and code path, only faster. Passwords people choose in
# a test (invitations, resets) are hashed by the app at full cost.
_PASSWORD_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),)).hash(
    PASSWORD
)


def make_organisation(db: Session, name: str | None = None) -> Organisation:
    number = next(_sequence)
    organisation = Organisation(name=name or f"Organisation {number}", slug=f"org-{number}")
    db.add(organisation)
    db.commit()
    return organisation


def make_user(
    db: Session,
    organisation: Organisation | None = None,
    *roles: Role,
    email: str | None = None,
    champion: bool = False,
    password: bool = True,
) -> User:
    user = User(email=email or f"person{next(_sequence)}@example.org", display_name="Test Person")
    db.add(user)
    db.flush()
    if password:
        db.add(
            Identity(
                user_id=user.id,
                kind=IdentityKind.password,
                issuer="local",
                subject=str(user.id),
                password_hash=_PASSWORD_HASH,
            )
        )
    if organisation is not None:
        membership = Membership(
            organisation_id=organisation.id, user_id=user.id, is_champion=champion
        )
        db.add(membership)
        db.flush()
        db.add_all(MembershipRole(membership_id=membership.id, role=role) for role in roles)
    db.commit()
    return user


def assign(
    db: Session, organisation: Organisation, staff: User, practitioner: User, kind: str = "coach"
) -> Assignment:
    assignment = Assignment(
        organisation_id=organisation.id,
        kind=kind,
        staff_user_id=staff.id,
        practitioner_user_id=practitioner.id,
    )
    db.add(assignment)
    db.commit()
    return assignment


def make_programme(
    db: Session, organisation: Organisation, name: str = "Home visiting"
) -> Programme:
    programme = Programme(organisation_id=organisation.id, name=name)
    db.add(programme)
    db.commit()
    return programme


def token_for(client: TestClient, user: User, password: str = PASSWORD) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def membership_id(db: Session, organisation: Organisation, user: User) -> uuid.UUID:
    from sqlmodel import select

    membership = db.exec(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user.id
        )
    ).one()
    return membership.id


def make_ready_recording(
    db: Session,
    organisation: Organisation,
    owner: User,
    *,
    programme: Programme | None = None,
    duration_seconds: float | None = 120.0,
    status: str = RecordingStatus.ready,
) -> Recording:
    """A processed recording row, without media bytes (enough for everything but streaming)."""
    recording_id = uuid.uuid4()
    recording = Recording(
        id=recording_id,
        organisation_id=organisation.id,
        owner_user_id=owner.id,
        programme_id=programme.id if programme else None,
        title="Home visit",
        status=status,
        media_type="video/mp4",
        duration_seconds=duration_seconds,
        storage_key=f"recordings/{organisation.id}/{recording_id}/original",
    )
    db.add(recording)
    db.commit()
    return recording


def grant_recording_access(db: Session, recording: Recording, user: User) -> RecordingAccessGrant:
    grant = RecordingAccessGrant(
        organisation_id=recording.organisation_id, recording_id=recording.id, user_id=user.id
    )
    db.add(grant)
    db.commit()
    return grant


def make_comment(
    db: Session, recording: Recording, author: User, *, start_ms: int = 1000, body: str = "Nice"
) -> Comment:
    comment = Comment(
        organisation_id=recording.organisation_id,
        recording_id=recording.id,
        author_user_id=author.id,
        start_ms=start_ms,
        body=body,
    )
    db.add(comment)
    db.flush()
    first_comments.comment_written(db, comment)
    db.commit()
    return comment


def make_reflection(db: Session, recording: Recording, *, shared: bool = True) -> Reflection:
    reflection = Reflection(
        organisation_id=recording.organisation_id,
        recording_id=recording.id,
        went_well="The family joined in.",
        shared_at=utcnow() if shared else None,
    )
    db.add(reflection)
    db.commit()
    return reflection


def make_rubric_version(
    db: Session,
    organisation: Organisation,
    programme: Programme,
    *criteria: dict[str, Any],
    status: str = RubricStatus.published,
    levels: tuple[int, ...] = (1, 2, 3, 4, 5),
    threshold: float = 80,
    rubric: Rubric | None = None,
    formula: ScoringFormula = ScoringFormula.normalised,
) -> RubricVersion:
    """A rubric version with criteria given as RubricCriterion fields (code at least);
    a new rubric unless `rubric` is given, then its next version. The suite's worked
    examples give their percents in the normalised form (the first form Tandem had), so
    that is this factory's default; tests of percent of maximum, the app's default, ask
    for it."""
    if rubric is None:
        rubric = Rubric(
            organisation_id=organisation.id,
            programme_id=programme.id,
            title=f"Rubric {next(_sequence)}",
        )
        db.add(rubric)
        db.flush()
    number = 1 + len(
        db.exec(select(RubricVersion.id).where(RubricVersion.rubric_id == rubric.id)).all()
    )
    version = RubricVersion(
        organisation_id=organisation.id,
        rubric_id=rubric.id,
        version=number,
        status=status,
        scale=[{"level": level, "label": f"Level {level}"} for level in levels],
        fidelity_threshold_percent=threshold,
        scoring_formula=formula,
        published_at=utcnow() if status != RubricStatus.draft else None,
    )
    db.add(version)
    db.flush()
    db.add_all(
        RubricCriterion(
            organisation_id=organisation.id,
            rubric_version_id=version.id,
            position=position,
            **{
                "title": f"Criterion {fields['code']}",
                "weight": 1,
                "level_descriptors": [f"level {level}" for level in levels],
                **fields,
            },
        )
        for position, fields in enumerate(criteria or ({"code": "A1"}, {"code": "A2"}), start=1)
    )
    if status == RubricStatus.published:
        # As publishing does: the programme takes it if it has none or used this rubric.
        in_use.adopt_on_publish(db, version=version)
    db.commit()
    return version


def make_observation(
    db: Session,
    recording: Recording,
    rater: User,
    version: RubricVersion,
    levels: dict[str, int | None] | None = None,
    *,
    submitted_at: datetime | None = None,
    rater_role: str = "primary",
    is_gold_standard: bool = False,
) -> Observation:
    """An observation written through the models; submitted when `submitted_at` is given,
    with its verdict computed by the real scoring rule."""
    criteria = list(
        db.exec(select(RubricCriterion).where(RubricCriterion.rubric_version_id == version.id))
    )
    rubric = db.get(Rubric, version.rubric_id)
    assert rubric is not None
    levels = levels or {}
    observation = Observation(
        organisation_id=recording.organisation_id,
        recording_id=recording.id,
        rubric_version_id=version.id,
        programme_id=rubric.programme_id,
        practitioner_user_id=recording.owner_user_id,
        rater_user_id=rater.id,
        rater_role=rater_role,
        is_gold_standard=is_gold_standard,
    )
    if submitted_at is not None:
        result = scoring.score(
            criteria,
            scale_levels=[step["level"] for step in version.scale],
            levels=levels,
            fidelity_threshold_percent=version.fidelity_threshold_percent,
            formula=version.scoring_formula,
        )
        observation.status = ObservationStatus.submitted
        observation.submitted_at = submitted_at
        observation.weighted_percent = result.weighted_percent
        observation.meets_fidelity = result.meets_fidelity
    db.add(observation)
    db.flush()
    db.add_all(
        ObservationScore(
            organisation_id=recording.organisation_id,
            observation_id=observation.id,
            criterion_id=criterion.id,
            level=levels.get(criterion.code),
            not_applicable=criterion.code in levels and levels[criterion.code] is None,
        )
        for criterion in criteria
        if criterion.code in levels
    )
    recount(db, recording.organisation_id, recording_id=recording.id)
    db.commit()
    return observation


def make_second_rater(db: Session, recording: Recording, rater: User) -> SecondRaterAssignment:
    assignment = SecondRaterAssignment(
        organisation_id=recording.organisation_id, recording_id=recording.id, rater_user_id=rater.id
    )
    db.add(assignment)
    db.commit()
    return assignment


def make_objective(
    db: Session, organisation: Organisation, practitioner: User, title: str = "Open questions"
) -> LearningObjective:
    objective = LearningObjective(
        organisation_id=organisation.id, practitioner_user_id=practitioner.id, title=title
    )
    db.add(objective)
    db.commit()
    return objective
