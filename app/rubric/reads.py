"""Finding rubrics, their versions and criteria, always within the caller's organisation."""

import uuid
from collections.abc import Collection, Sequence

from sqlmodel import Session, col

from app.access import Member, load_scoped, scoped
from app.errors import NotFound
from app.models import Rubric, RubricCriterion, RubricVersion
from app.rubric.schemas import CriterionData, RubricContent, ScaleLevel
from app.schemas import Page


def list_rubrics(
    db: Session, *, member: Member, page: Page, programme_id: uuid.UUID | None = None
) -> list[Rubric]:
    statement = scoped(Rubric, member.organisation_id).order_by(col(Rubric.title), col(Rubric.id))
    if programme_id is not None:
        statement = statement.where(Rubric.programme_id == programme_id)
    return list(db.exec(page.of(statement)))


def get_rubric(db: Session, *, member: Member, rubric_id: uuid.UUID) -> Rubric:
    return load_scoped(
        db, Rubric, organisation_id=member.organisation_id, row_id=rubric_id, label="Rubric"
    )


def versions_of(
    db: Session, *, organisation_id: uuid.UUID, rubric_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[RubricVersion]]:
    statement = (
        scoped(RubricVersion, organisation_id)
        .where(col(RubricVersion.rubric_id).in_(rubric_ids))
        .order_by(col(RubricVersion.version))
    )
    found: dict[uuid.UUID, list[RubricVersion]] = {rubric_id: [] for rubric_id in rubric_ids}
    for version in db.exec(statement):
        found[version.rubric_id].append(version)
    return found


def get_version(
    db: Session, *, member: Member, rubric_id: uuid.UUID, version: int, for_update: bool = False
) -> tuple[Rubric, RubricVersion]:
    """A version by its number; `for_update` locks the row (PostgreSQL) while it changes."""
    rubric = get_rubric(db, member=member, rubric_id=rubric_id)
    statement = scoped(RubricVersion, member.organisation_id).where(
        RubricVersion.rubric_id == rubric.id, RubricVersion.version == version
    )
    if for_update:
        statement = statement.with_for_update()
    row = db.exec(statement).first()
    if row is None:
        raise NotFound(f"Version {version} of this rubric not found.")
    return rubric, row


def latest_version(db: Session, *, rubric: Rubric) -> RubricVersion:
    statement = (
        scoped(RubricVersion, rubric.organisation_id)
        .where(RubricVersion.rubric_id == rubric.id)
        .order_by(col(RubricVersion.version).desc())
    )
    row = db.exec(statement).first()
    if row is None:
        raise NotFound(f"Rubric {rubric.title!r} has no versions.")
    return row


def criteria_of(db: Session, *, version: RubricVersion) -> list[RubricCriterion]:
    statement = (
        scoped(RubricCriterion, version.organisation_id)
        .where(RubricCriterion.rubric_version_id == version.id)
        .order_by(col(RubricCriterion.position))
    )
    return list(db.exec(statement))


def criteria_of_versions(
    db: Session, *, organisation_id: uuid.UUID, version_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[RubricCriterion]]:
    """The criteria of each of these versions, in order, in one query."""
    found: dict[uuid.UUID, list[RubricCriterion]] = {version_id: [] for version_id in version_ids}
    if not version_ids:
        return found
    statement = (
        scoped(RubricCriterion, organisation_id)
        .where(col(RubricCriterion.rubric_version_id).in_(version_ids))
        .order_by(col(RubricCriterion.position))
    )
    for criterion in db.exec(statement):
        found[criterion.rubric_version_id].append(criterion)
    return found


def content_of(version: RubricVersion, criteria: Sequence[RubricCriterion]) -> RubricContent:
    return RubricContent(
        scale=[ScaleLevel.model_validate(step) for step in version.scale],
        fidelity_threshold_percent=version.fidelity_threshold_percent,
        scoring_formula=version.scoring_formula,
        criteria=[
            CriterionData.model_validate(criterion, from_attributes=True) for criterion in criteria
        ],
    )
