"""Who may see and take part in calibration exercises.

Leads set exercises up, close them and read every result. A rater sees the exercises they
were asked to rate, scores the master recording blind while the exercise is open (see
`recordings.py`: its media is theirs to watch, every other observation of it hidden), and
once it is closed reads the group's agreement and their own scores against gold, not
another rater's. Anyone else in the organisation: 404. A rater keeps their seat only while
they hold a role that rates (coach or lead).
"""

import uuid

from sqlalchemy import ColumnElement, true
from sqlmodel import Session, col, select

from app.access import relations
from app.access.members import Member
from app.access.scoping import load_visible
from app.errors import Conflict, Forbidden
from app.models import CalibrationExercise, CalibrationRater, Observation, Role, User
from app.models.calibration import CalibrationStatus


def _seats(member: Member):  # type: ignore[no-untyped-def]
    return select(col(CalibrationRater.exercise_id)).where(
        col(CalibrationRater.organisation_id) == member.organisation_id,
        col(CalibrationRater.rater_user_id) == member.user_id,
    )


def visible(member: Member) -> ColumnElement[bool]:
    """The exercises this member may see, as a filter on CalibrationExercise."""
    if member.has(Role.lead):
        return true()
    if not member.has(*relations.RATER_ROLES):
        return col(CalibrationExercise.id).is_(None)
    return col(CalibrationExercise.id).in_(_seats(member))


def exercise_for(
    db: Session, *, user: User, exercise_id: uuid.UUID
) -> tuple[Member, CalibrationExercise]:
    return load_visible(
        db,
        CalibrationExercise,
        user=user,
        row_id=exercise_id,
        rule=visible,
        label="Calibration exercise",
    )


def seat_of(
    db: Session, *, member: Member, exercise: CalibrationExercise
) -> CalibrationRater | None:
    if not member.has(*relations.RATER_ROLES):
        return None
    return db.exec(
        select(CalibrationRater).where(
            CalibrationRater.exercise_id == exercise.id,
            CalibrationRater.rater_user_id == member.user_id,
        )
    ).first()


def require_lead(member: Member) -> None:
    if not member.has(Role.lead):
        raise Forbidden(
            "Only a lead sets up, closes and reads every result of a calibration exercise.",
            code="lead_required",
        )


def require_seat(db: Session, *, member: Member, exercise: CalibrationExercise) -> CalibrationRater:
    seat = seat_of(db, member=member, exercise=exercise)
    if seat is None:
        raise Forbidden(
            "Only the raters of this calibration exercise score it.", code="not_a_rater"
        )
    return seat


def require_open(exercise: CalibrationExercise) -> None:
    if exercise.status != CalibrationStatus.open:
        raise Conflict(
            "This calibration exercise is closed; its scores can no longer change.",
            code="calibration_closed",
        )


def require_still_calibrating(db: Session, *, member: Member, observation: Observation) -> None:
    """A calibration observation is submitted only by its rater, while the exercise is open."""
    row = db.exec(
        select(CalibrationRater, CalibrationExercise)
        .join(CalibrationExercise, col(CalibrationExercise.id) == col(CalibrationRater.exercise_id))
        .where(col(CalibrationRater.observation_id) == observation.id)
    ).first()
    if row is None or not member.has(*relations.RATER_ROLES):
        raise Forbidden("You no longer rate in this calibration exercise.", code="not_a_rater")
    require_open(row[1])


def reads_every_result(db: Session, *, member: Member, exercise: CalibrationExercise) -> bool:
    """Whether this reader sees every rater's results (leads) or only their own (a rater;
    anyone else is refused)."""
    if member.has(Role.lead):
        return True
    require_seat(db, member=member, exercise=exercise)
    return False
