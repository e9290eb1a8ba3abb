"""Access rows for calibration exercises. The exercise built for each call is on a
recording of its own (so the world's relations stay as they are), rated by `other_coach`:
leads see and run every exercise, its rater sees it and scores it, every other member
finds nothing (404), like another organisation."""

from sqlmodel import Session

from app.models import CalibrationExercise, CalibrationRater
from app.models.base import utcnow
from app.models.calibration import CalibrationStatus
from tests.access.conftest import World
from tests.access.probes import Row
from tests.access.rules import LEAD_ONLY, ORG_MEMBER, members
from tests.factories import make_ready_recording

ORG = "/api/v1/organisations/{organisation_id}"
EXERCISE = "/api/v1/calibration-exercises/{exercise_id}"
RATER = "other_coach"

SEEN = members(allowed={"lead", RATER})
SCORED = members(allowed={RATER}, forbidden={"lead"})
RUN_BY_LEAD = members(allowed={"lead"}, forbidden={RATER})


def _exercise(db: Session, world: World, *, closed: bool = False) -> object:
    cast = world.cast
    exercise = CalibrationExercise(
        organisation_id=cast.organisation.id,
        title="Calibration",
        recording_id=make_ready_recording(db, cast.organisation, cast["owner"]).id,
        rubric_version_id=cast.version.id,
        status=CalibrationStatus.closed if closed else CalibrationStatus.open,
        closed_at=utcnow() if closed else None,
    )
    db.add(exercise)
    db.flush()
    db.add(
        CalibrationRater(
            organisation_id=cast.organisation.id,
            exercise_id=exercise.id,
            rater_user_id=cast[RATER].id,
        )
    )
    db.commit()
    return exercise.id


def _closed_exercise(db: Session, world: World) -> object:
    return _exercise(db, world, closed=True)


ROWS: dict[tuple[str, str], Row] = {
    # Every member may list: each sees the exercises they may (none, for most).
    ("GET", ORG + "/calibration-exercises"): Row(ORG_MEMBER),
    ("POST", ORG + "/calibration-exercises"): Row(LEAD_ONLY),
    ("GET", EXERCISE): Row(SEEN, fresh={"exercise_id": _exercise}),
    ("POST", EXERCISE + "/observation"): Row(SCORED, fresh={"exercise_id": _exercise}),
    ("POST", EXERCISE + "/close"): Row(RUN_BY_LEAD, fresh={"exercise_id": _exercise}),
    ("GET", EXERCISE + "/results"): Row(SEEN, fresh={"exercise_id": _closed_exercise}),
}
