"""Calibration exercises: listed and set up per organisation, then by id."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlmodel import col

from app.access import LeadDep, Member, MemberDep, scoped
from app.access import calibration as rules
from app.audit.context import AuditContextDep
from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.error_docs import error_responses
from app.models import CalibrationExercise
from app.review.calibration import results, setup
from app.review.calibration.schemas import CalibrationCreate, CalibrationRead, CalibrationResults
from app.review.observations import reads as observation_reads
from app.review.observations.schemas import ObservationRead
from app.routing import TandemRouter
from app.schemas import PageDep

router = TandemRouter(tags=["calibration"])


@dataclass(frozen=True)
class ExerciseAccess:
    member: Member
    exercise: CalibrationExercise


def _exercise(exercise_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> ExerciseAccess:
    return ExerciseAccess(*rules.exercise_for(db, user=user, exercise_id=exercise_id))


ExerciseDep = Annotated[ExerciseAccess, Depends(_exercise)]


@router.get(
    "/organisations/{organisation_id}/calibration-exercises",
    response_model=list[CalibrationRead],
)
def list_exercises(member: MemberDep, db: SessionDep, page: PageDep) -> list[CalibrationRead]:
    """Calibration exercises, newest first: every one for leads, the ones they rate for
    coaches."""
    statement = (
        scoped(CalibrationExercise, member.organisation_id)
        .where(rules.visible(member))
        .order_by(col(CalibrationExercise.created_at).desc(), col(CalibrationExercise.id))
    )
    return setup.read(db, member=member, exercises=list(db.exec(page.of(statement))))


@router.post(
    "/organisations/{organisation_id}/calibration-exercises",
    response_model=CalibrationRead,
    status_code=201,
    responses=error_responses(403, 409),
)
def create_exercise(
    body: CalibrationCreate, member: LeadDep, db: SessionDep, context: AuditContextDep
) -> CalibrationRead:
    """Set up an exercise (leads): the raters score the master recording blind, against
    the chosen rubric version, and optionally a gold-standard observation of it."""
    exercise = setup.create(db, member=member, body=body, context=context)
    return setup.read(db, member=member, exercises=[exercise])[0]


@router.get("/calibration-exercises/{exercise_id}", response_model=CalibrationRead)
def read_exercise(access: ExerciseDep, db: SessionDep) -> CalibrationRead:
    """The exercise, its raters and who has submitted (never their scores)."""
    return setup.read(db, member=access.member, exercises=[access.exercise])[0]


@router.post(
    "/calibration-exercises/{exercise_id}/observation",
    response_model=ObservationRead,
    responses=error_responses(403, 409),
)
def begin_scoring(access: ExerciseDep, db: SessionDep, context: AuditContextDep) -> ObservationRead:
    """The caller's observation in this exercise (its raters): created as a draft the first
    time, then scored, saved and submitted through /observations/{id} like any other."""
    observation = setup.begin_scoring(
        db, member=access.member, exercise=access.exercise, context=context
    )
    return observation_reads.observation_read(db, observation)


@router.post(
    "/calibration-exercises/{exercise_id}/close",
    response_model=CalibrationRead,
    responses=error_responses(403, 409),
)
def close_exercise(
    access: ExerciseDep, db: SessionDep, context: AuditContextDep
) -> CalibrationRead:
    """Close the exercise before every rater has submitted (leads; two submissions at
    least). It closes by itself when the last rater submits."""
    setup.close(db, member=access.member, exercise=access.exercise, context=context)
    return setup.read(db, member=access.member, exercises=[access.exercise])[0]


@router.get(
    "/calibration-exercises/{exercise_id}/results",
    response_model=CalibrationResults,
    responses=error_responses(403, 409),
)
def exercise_results(access: ExerciseDep, db: SessionDep) -> CalibrationResults:
    """Agreement once closed: per criterion and overall, every rater pair, and each rater
    against gold. Leads see every rater; a rater sees the group's figures and their own."""
    return results.results(db, member=access.member, exercise=access.exercise)
