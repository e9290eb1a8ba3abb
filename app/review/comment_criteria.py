"""Which criteria a comment may be tagged with.

A tag is a criterion code, not an id: codes stay the same across rubric versions, so a
tag keeps its meaning when the rubric is revised. Allowed codes are those of the
published rubric versions of the recording's programme, or of any of the
organisation's rubrics when the recording names no programme.
"""

from sqlmodel import Session, col, select

from app.errors import Unprocessable
from app.models import Recording, Rubric, RubricCriterion, RubricStatus, RubricVersion

# Listing every allowed code helps the caller fix a typo; beyond this, it is noise.
LISTED_CODES = 30


def allowed_criterion_codes(db: Session, *, recording: Recording) -> set[str]:
    statement = (
        select(RubricCriterion.code)
        .join(RubricVersion, col(RubricVersion.id) == col(RubricCriterion.rubric_version_id))
        .join(Rubric, col(Rubric.id) == col(RubricVersion.rubric_id))
        .where(
            RubricCriterion.organisation_id == recording.organisation_id,
            RubricVersion.status == RubricStatus.published,
        )
    )
    if recording.programme_id is not None:
        statement = statement.where(Rubric.programme_id == recording.programme_id)
    return set(db.exec(statement))


def require_criterion(db: Session, *, recording: Recording, code: str) -> None:
    allowed = allowed_criterion_codes(db, recording=recording)
    if code in allowed:
        return
    where = "the recording's programme" if recording.programme_id else "this organisation"
    if not allowed:
        message = f"{where.capitalize()} has no published rubric, so there is no criterion to tag."
    else:
        codes = ", ".join(sorted(allowed)[:LISTED_CODES])
        more = " ..." if len(allowed) > LISTED_CODES else ""
        message = (
            f"{code!r} is not a criterion of a published rubric of {where}; "
            f"use one of: {codes}{more}."
        )
    raise Unprocessable(message, code="unknown_criterion")
