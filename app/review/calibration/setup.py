"""Setting calibration exercises up, each rater's observation, and closing them."""

import uuid
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.access import Member, scoped
from app.access import calibration as rules
from app.access.recordings import details_rule
from app.access.relations import RATER_ROLES
from app.audit import service as audit
from app.audit.context import AuditContext
from app.errors import Conflict, Unprocessable, naming_field
from app.models import (
    CalibrationExercise,
    CalibrationRater,
    ConsentRecord,
    Membership,
    MembershipRole,
    Observation,
    Recording,
    RecordingStatus,
    Rubric,
    RubricVersion,
    User,
)
from app.models.base import utcnow
from app.models.calibration import CalibrationStatus
from app.models.recording import ConsentScope
from app.models.review import ObservationStatus, RaterRole
from app.review.calibration.schemas import CalibrationCreate, CalibrationRaterRead, CalibrationRead
from app.review.observations import validation

MIN_RATERS = 2
"""Agreement needs two raters at least: an exercise closes only with two submissions."""


def create(
    db: Session, *, member: Member, body: CalibrationCreate, context: AuditContext
) -> CalibrationExercise:
    recording = _master_recording(db, member=member, recording_id=body.recording_id)
    version = _rubric_version(db, member=member, body=body, recording=recording)
    raters = list(dict.fromkeys(body.rater_user_ids))
    if len(raters) < MIN_RATERS:
        raise naming_field(
            Unprocessable, "rater_user_ids", "choose two raters or more.", code="too_few_raters"
        )
    _require_raters(db, member=member, raters=raters, recording=recording, version=version)
    gold = _gold(db, member=member, body=body, raters=raters)
    exercise = CalibrationExercise(
        organisation_id=member.organisation_id,
        title=body.title,
        recording_id=recording.id,
        rubric_version_id=version.id,
        gold_observation_id=gold,
        created_by_user_id=member.user_id,
    )
    db.add(exercise)
    db.flush()
    db.add_all(
        CalibrationRater(
            organisation_id=member.organisation_id, exercise_id=exercise.id, rater_user_id=rater
        )
        for rater in raters
    )
    db.flush()
    _audit(db, "calibration.created", exercise, member, context, raters=[str(r) for r in raters])
    return exercise


def _master_recording(db: Session, *, member: Member, recording_id: uuid.UUID) -> Recording:
    row = db.exec(
        scoped(Recording, member.organisation_id).where(col(Recording.id) == recording_id)
    ).first()
    if row is None or row.status == RecordingStatus.deleted:
        raise naming_field(
            Unprocessable,
            "recording_id",
            "no recording of this organisation has this id.",
            code="recording_not_found",
        )
    consent = db.exec(select(ConsentRecord).where(ConsentRecord.recording_id == row.id)).first()
    if (
        consent is None
        or consent.withdrawn_at is not None
        or consent.scope != ConsentScope.coaching_and_training
    ):
        raise naming_field(
            Conflict,
            "recording_id",
            "the family's consent to this recording does not allow its use in training.",
            code="consent_excludes_training",
        )
    validation.require_scorable(row)
    return row


def _rubric_version(
    db: Session, *, member: Member, body: CalibrationCreate, recording: Recording
) -> RubricVersion:
    found = db.exec(
        select(RubricVersion, Rubric)
        .join(Rubric, col(Rubric.id) == col(RubricVersion.rubric_id))
        .where(
            col(RubricVersion.id) == body.rubric_version_id,
            col(RubricVersion.organisation_id) == member.organisation_id,
        )
    ).first()
    if found is None:
        raise naming_field(
            Unprocessable,
            "rubric_version_id",
            "no rubric version of this organisation has this id.",
            code="rubric_version_not_found",
        )
    version, rubric = found
    if recording.programme_id is not None and rubric.programme_id != recording.programme_id:
        raise naming_field(
            Unprocessable,
            "rubric_version_id",
            "this rubric belongs to another programme than the recording.",
            code="wrong_programme",
        )
    try:
        validation.require_published(version)
    except Conflict as error:
        raise naming_field(
            Conflict, "rubric_version_id", error.message, code="rubric_version_not_published"
        ) from None
    return version


def _require_raters(
    db: Session,
    *,
    member: Member,
    raters: Sequence[uuid.UUID],
    recording: Recording,
    version: RubricVersion,
) -> None:
    eligible = set(
        db.exec(
            select(Membership.user_id)
            .join(MembershipRole, col(MembershipRole.membership_id) == col(Membership.id))
            .where(
                col(Membership.organisation_id) == member.organisation_id,
                col(Membership.user_id).in_(raters),
                col(MembershipRole.role).in_(RATER_ROLES),
            )
        )
    )
    if outside := [str(rater) for rater in raters if rater not in eligible]:
        raise naming_field(
            Unprocessable,
            "rater_user_ids",
            "every rater must be a coach or lead of this organisation; not: " + ", ".join(outside),
            code="invalid_rater",
        )
    if recording.owner_user_id in raters:
        raise naming_field(
            Unprocessable,
            "rater_user_ids",
            "the practitioner in the recording cannot rate it.",
            code="invalid_rater",
        )
    # One observation per rater, recording and rubric version: someone who already scored
    # this recording with this version cannot score it again blind.
    already = db.exec(
        select(Observation.rater_user_id).where(
            col(Observation.recording_id) == recording.id,
            col(Observation.rubric_version_id) == version.id,
            col(Observation.rater_user_id).in_(raters),
        )
    ).all()
    if already:
        raise naming_field(
            Unprocessable,
            "rater_user_ids",
            "already scored this recording with this rubric version: "
            + ", ".join(str(rater) for rater in already),
            code="rater_already_scored",
        )


def _gold(
    db: Session, *, member: Member, body: CalibrationCreate, raters: Sequence[uuid.UUID]
) -> uuid.UUID | None:
    if body.gold_observation_id is None:
        return None
    gold = db.exec(
        scoped(Observation, member.organisation_id).where(
            col(Observation.id) == body.gold_observation_id
        )
    ).first()
    if (
        gold is None
        or gold.status != ObservationStatus.submitted
        or gold.recording_id != body.recording_id
        or gold.rubric_version_id != body.rubric_version_id
    ):
        raise naming_field(
            Unprocessable,
            "gold_observation_id",
            "choose a submitted observation of this recording with this rubric version.",
            code="invalid_gold_standard",
        )
    return gold.id


def begin_scoring(
    db: Session, *, member: Member, exercise: CalibrationExercise, context: AuditContext
) -> Observation:
    """The caller's observation in this exercise: a new draft the first time, after that the
    one they began (scored, saved and submitted through the observation routes)."""
    seat = rules.require_seat(db, member=member, exercise=exercise)
    if seat.observation_id is not None:
        existing = db.get(Observation, seat.observation_id)
        if existing is not None:
            return existing
    rules.require_open(exercise)
    recording = db.get(Recording, exercise.recording_id)
    assert recording is not None  # the foreign key cascades
    validation.require_scorable(recording)
    version = validation.load_version(
        db, organisation_id=member.organisation_id, rubric_version_id=exercise.rubric_version_id
    )
    validation.require_published(version.version)
    rubric = db.get(Rubric, version.version.rubric_id)
    assert rubric is not None
    observation = Observation(
        organisation_id=member.organisation_id,
        recording_id=recording.id,
        rubric_version_id=version.version.id,
        programme_id=rubric.programme_id,
        practitioner_user_id=recording.owner_user_id,
        rater_user_id=member.user_id,
        rater_role=RaterRole.calibration,
    )
    db.add(observation)
    try:
        db.flush()
    except IntegrityError as error:
        raise Conflict(
            "You already have an observation of this recording with this rubric version.",
            code="duplicate_observation",
        ) from error
    seat.observation_id = observation.id
    db.add(seat)
    db.flush()
    _audit(db, "calibration.scoring_begun", exercise, member, context)
    return observation


def after_submit(db: Session, *, observation: Observation, context: AuditContext) -> None:
    """Close the exercise once every rater has submitted."""
    exercise = db.exec(
        select(CalibrationExercise)
        .join(CalibrationRater, col(CalibrationRater.exercise_id) == col(CalibrationExercise.id))
        .where(col(CalibrationRater.observation_id) == observation.id)
    ).first()
    if exercise is None or exercise.status != CalibrationStatus.open:
        return
    seats, submitted = _progress(db, exercise)
    if submitted == seats:
        _close(db, exercise)
        audit.record(
            db,
            action="calibration.closed",
            resource_type="calibration_exercise",
            resource_id=exercise.id,
            organisation_id=exercise.organisation_id,
            context=context,
            details={"by": "last_submission", "submitted": submitted},
        )


def close(
    db: Session, *, member: Member, exercise: CalibrationExercise, context: AuditContext
) -> CalibrationExercise:
    rules.require_lead(member)
    rules.require_open(exercise)
    _, submitted = _progress(db, exercise)
    if submitted < MIN_RATERS:
        raise Conflict(
            f"{submitted} rater(s) have submitted; agreement needs two at least. Wait for "
            "another rater, or delete the exercise.",
            code="too_few_ratings",
        )
    _close(db, exercise)
    _audit(db, "calibration.closed", exercise, member, context, submitted=submitted)
    return exercise


def _close(db: Session, exercise: CalibrationExercise) -> None:
    exercise.status = CalibrationStatus.closed
    exercise.closed_at = utcnow()
    db.add(exercise)
    db.flush()


def _progress(db: Session, exercise: CalibrationExercise) -> tuple[int, int]:
    """How many raters the exercise has, and how many of them submitted."""
    submitted = func.count(col(Observation.id))
    row = db.exec(
        select(func.count(col(CalibrationRater.id)), submitted)
        .outerjoin(
            Observation,
            (col(Observation.id) == col(CalibrationRater.observation_id))
            & (col(Observation.status) == ObservationStatus.submitted),
        )
        .where(col(CalibrationRater.exercise_id) == exercise.id)
    ).one()
    return int(row[0]), int(row[1])


def read(
    db: Session, *, member: Member, exercises: Sequence[CalibrationExercise]
) -> list[CalibrationRead]:
    """The exercises as this member sees them, in three queries whatever their number."""
    if not exercises:
        return []
    ids = [exercise.id for exercise in exercises]
    seats = db.exec(
        select(CalibrationRater, User.display_name, Observation.status)
        .join(User, col(User.id) == col(CalibrationRater.rater_user_id))
        .outerjoin(Observation, col(Observation.id) == col(CalibrationRater.observation_id))
        .where(col(CalibrationRater.exercise_id).in_(ids))
        .order_by(col(User.display_name), col(CalibrationRater.id))
    ).all()
    # Titles only of master recordings the member may still know about: once the family
    # withdraws consent, a rater no longer does (the title may name the family).
    titles = dict(
        db.exec(
            select(Recording.id, Recording.title).where(
                col(Recording.id).in_({exercise.recording_id for exercise in exercises}),
                col(Recording.organisation_id) == member.organisation_id,
                details_rule(member),
            )
        ).all()
    )
    by_exercise: dict[uuid.UUID, list[tuple[CalibrationRater, str, str | None]]] = {}
    for seat, name, status in seats:
        by_exercise.setdefault(seat.exercise_id, []).append((seat, name, status))
    return [
        _read(
            exercise,
            member,
            by_exercise.get(exercise.id, []),
            titles.get(exercise.recording_id),
        )
        for exercise in exercises
    ]


def _read(
    exercise: CalibrationExercise,
    member: Member,
    seats: list[tuple[CalibrationRater, str, str | None]],
    recording_title: str | None,
) -> CalibrationRead:
    mine = next((seat for seat, _, _ in seats if seat.rater_user_id == member.user_id), None)
    return CalibrationRead(
        id=exercise.id,
        title=exercise.title,
        recording_id=exercise.recording_id,
        recording_title=recording_title,
        rubric_version_id=exercise.rubric_version_id,
        gold_observation_id=exercise.gold_observation_id,
        status=exercise.status,
        created_at=exercise.created_at,
        closed_at=exercise.closed_at,
        raters=[
            CalibrationRaterRead(
                user_id=seat.rater_user_id,
                display_name=name,
                submitted=status == ObservationStatus.submitted,
            )
            for seat, name, status in seats
        ],
        my_observation_id=mine.observation_id if mine else None,
        i_am_rater=mine is not None,
    )


def _audit(
    db: Session,
    action: str,
    exercise: CalibrationExercise,
    member: Member,
    context: AuditContext,
    **details: object,
) -> None:
    audit.record(
        db,
        action=action,
        resource_type="calibration_exercise",
        resource_id=exercise.id,
        organisation_id=exercise.organisation_id,
        actor_user_id=member.user_id,
        context=context,
        details={"recording_id": str(exercise.recording_id), **details},
    )
