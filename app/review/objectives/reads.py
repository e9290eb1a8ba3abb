"""Objectives as they are read: criteria with progress, the ready flag, notes, evidence."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar

from sqlmodel import Session, col, select

from app.access import Member, scoped
from app.access import evidence as evidence_access
from app.models import (
    LearningObjective,
    ObjectiveCriterion,
    ObjectiveEvidence,
    ObjectiveProgressNote,
    RubricCriterion,
)
from app.models.review import ObjectiveStatus
from app.review.objectives.readiness import CriterionReach, reach_of
from app.review.objectives.schemas import (
    CriterionProgress,
    EvidenceRead,
    NoteRead,
    ObjectiveRead,
)

OPEN = (ObjectiveStatus.open, ObjectiveStatus.in_progress)
Row = TypeVar("Row", ObjectiveProgressNote, ObjectiveEvidence)


def objectives_read(
    db: Session, *, member: Member, objectives: Sequence[LearningObjective]
) -> list[ObjectiveRead]:
    """Objectives with their criteria, notes and the evidence this member may follow."""
    if not objectives:
        return []
    organisation_id = objectives[0].organisation_id
    ids = [objective.id for objective in objectives]
    reach = {
        row.objective_criterion_id: row for row in reach_of(db, member=member, objective_ids=ids)
    }
    criteria = _criteria(db, organisation_id, ids, reach)
    notes = _grouped(db, ObjectiveProgressNote, organisation_id, ids)
    linked = _grouped(db, ObjectiveEvidence, organisation_id, ids)
    followable = {
        link.id
        for link in evidence_access.shown(
            db, member=member, evidence=[link for links in linked.values() for link in links]
        )
    }
    evidence = {
        key: [link for link in links if link.id in followable] for key, links in linked.items()
    }
    return [
        ObjectiveRead(
            **objective.model_dump(),
            ready_to_mark_achieved=_ready(objective, criteria[objective.id], reach),
            criteria=[progress for progress, _ in criteria[objective.id]],
            notes=[NoteRead.model_validate(row) for row in notes[objective.id]],
            evidence=[EvidenceRead.model_validate(row) for row in evidence.get(objective.id, [])],
        )
        for objective in objectives
    ]


def _ready(
    objective: LearningObjective,
    criteria: list[tuple[CriterionProgress, uuid.UUID]],
    reach: dict[uuid.UUID, CriterionReach],
) -> bool:
    if objective.status not in OPEN or not criteria:
        return False
    return all(reach[link_id].ready for _, link_id in criteria)


def _criteria(
    db: Session,
    organisation_id: uuid.UUID,
    ids: list[uuid.UUID],
    reach: dict[uuid.UUID, CriterionReach],
) -> dict[uuid.UUID, list[tuple[CriterionProgress, uuid.UUID]]]:
    statement = (
        select(ObjectiveCriterion, RubricCriterion)
        .join(RubricCriterion, col(RubricCriterion.id) == col(ObjectiveCriterion.criterion_id))
        .where(
            col(ObjectiveCriterion.organisation_id) == organisation_id,
            col(ObjectiveCriterion.objective_id).in_(ids),
        )
        .order_by(col(RubricCriterion.position))
    )
    found: dict[uuid.UUID, list[tuple[CriterionProgress, uuid.UUID]]] = defaultdict(list)
    for link, criterion in db.exec(statement):
        progress = reach[link.id]
        found[link.objective_id].append(
            (
                CriterionProgress(
                    criterion_id=criterion.id,
                    rubric_id=progress.rubric_id,
                    code=criterion.code,
                    title=criterion.title,
                    target_level=link.target_level,
                    reached_in_window=progress.reached,
                    ready_window=progress.window,
                ),
                link.id,
            )
        )
    return found


def _grouped(
    db: Session, model: type[Row], organisation_id: uuid.UUID, ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[Row]]:
    statement = (
        scoped(model, organisation_id)
        .where(col(model.objective_id).in_(ids))
        .order_by(col(model.created_at))
    )
    found: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for row in db.exec(statement):
        found[row.objective_id].append(row)
    return found
