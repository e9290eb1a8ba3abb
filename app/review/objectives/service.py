"""Learning objectives: create, change, notes, evidence. Services flush, never commit."""

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.access import Member, member_named, scoped
from app.access import evidence as evidence_access
from app.access import objectives as policy
from app.audit import service as audit
from app.audit.context import AuditContext
from app.errors import Conflict, Unprocessable
from app.models import (
    LearningObjective,
    NotificationKind,
    ObjectiveCriterion,
    ObjectiveEvidence,
    ObjectiveProgressNote,
    Role,
    RubricCriterion,
    RubricStatus,
    RubricVersion,
)
from app.models.base import utcnow
from app.models.review import ObjectiveStatus
from app.notifications.service import notify
from app.review.objectives.schemas import (
    EvidenceCreate,
    NoteCreate,
    ObjectiveCreate,
    ObjectiveCriterionInput,
    ObjectiveUpdate,
)
from app.schemas import Page


def list_objectives(
    db: Session,
    *,
    member: Member,
    page: Page,
    practitioner_user_id: uuid.UUID | None = None,
    status: ObjectiveStatus | None = None,
) -> list[LearningObjective]:
    statement = scoped(LearningObjective, member.organisation_id).where(policy.visible(member))
    if practitioner_user_id is not None:
        statement = statement.where(LearningObjective.practitioner_user_id == practitioner_user_id)
    if status is not None:
        statement = statement.where(LearningObjective.status == status)
    newest_first = statement.order_by(
        col(LearningObjective.created_at).desc(), col(LearningObjective.id)
    )
    return list(db.exec(page.of(newest_first)))


def create_objective(
    db: Session, *, member: Member, body: ObjectiveCreate, context: AuditContext
) -> LearningObjective:
    _require_practitioner(db, member=member, user_id=body.practitioner_user_id)
    policy.require_write(db, member=member, practitioner_user_id=body.practitioner_user_id)
    objective = LearningObjective(
        organisation_id=member.organisation_id,
        created_by_user_id=member.user.id,
        **body.model_dump(exclude={"criteria"}),
    )
    db.add(objective)
    db.flush()
    _link_criteria(db, objective=objective, criteria=body.criteria)
    _audit(db, "objective.created", objective, member, context, title=objective.title)
    _notify(db, objective, member)
    return objective


def _require_practitioner(db: Session, *, member: Member, user_id: uuid.UUID) -> None:
    target = member_named(db, organisation_id=member.organisation_id, user_id=user_id)
    if not target.has(Role.practitioner):
        raise Unprocessable(
            "practitioner_user_id: must be a practitioner of this organisation.",
            code="invalid_practitioner",
        )


def update_objective(
    db: Session,
    *,
    member: Member,
    objective: LearningObjective,
    body: ObjectiveUpdate,
    context: AuditContext,
) -> LearningObjective:
    """Edit an objective; setting the status to achieved is the person's confirmation."""
    policy.require_write(db, member=member, practitioner_user_id=objective.practitioner_user_id)
    changes = body.model_dump(exclude_unset=True, exclude={"criteria", "status"})
    for field, value in changes.items():
        if value is None and field != "target_date":
            raise Unprocessable(f"{field}: may not be null.", code="invalid")
        setattr(objective, field, value)
    if body.criteria is not None:
        _replace_criteria(db, objective=objective, criteria=body.criteria)
    if body.status is not None and body.status != objective.status:
        _set_status(db, member=member, objective=objective, status=body.status, context=context)
    objective.updated_at = utcnow()
    db.add(objective)
    db.flush()
    _notify(db, objective, member)
    return objective


def _set_status(
    db: Session,
    *,
    member: Member,
    objective: LearningObjective,
    status: ObjectiveStatus,
    context: AuditContext,
) -> None:
    before = objective.status
    objective.status = status
    achieved = status == ObjectiveStatus.achieved
    objective.achieved_at = utcnow() if achieved else None
    objective.achieved_confirmed_by_user_id = member.user.id if achieved else None
    _audit(db, "objective.status_changed", objective, member, context, before=before, after=status)


def _link_criteria(
    db: Session, *, objective: LearningObjective, criteria: list[ObjectiveCriterionInput]
) -> None:
    problems = []
    seen: set[uuid.UUID] = set()
    for item in criteria:
        problem = _criterion_problem(db, objective.organisation_id, item, seen)
        if problem:
            problems.append(problem)
        seen.add(item.criterion_id)
    if problems:
        raise Unprocessable(
            " ".join(problems), code="invalid_criteria", extra={"problems": problems}
        )
    db.add_all(
        ObjectiveCriterion(
            organisation_id=objective.organisation_id,
            objective_id=objective.id,
            criterion_id=item.criterion_id,
            target_level=item.target_level,
        )
        for item in criteria
    )
    db.flush()


def _criterion_problem(
    db: Session, organisation_id: uuid.UUID, item: ObjectiveCriterionInput, seen: set[uuid.UUID]
) -> str | None:
    found = db.exec(
        select(RubricCriterion, RubricVersion)
        .join(RubricVersion, col(RubricVersion.id) == col(RubricCriterion.rubric_version_id))
        .where(
            RubricCriterion.id == item.criterion_id,
            RubricCriterion.organisation_id == organisation_id,
        )
    ).first()
    if found is None:
        return f"{item.criterion_id}: no such rubric criterion."
    criterion, version = found
    if item.criterion_id in seen:
        return f"{criterion.code}: linked twice."
    if version.status == RubricStatus.draft:
        return f"{criterion.code}: belongs to a draft rubric version; link a published one."
    levels = [int(step["level"]) for step in version.scale]
    if item.target_level not in levels:
        return (
            f"{criterion.code}: target level {item.target_level} is outside the scale "
            f"{min(levels)}-{max(levels)}."
        )
    return None


def _replace_criteria(
    db: Session, *, objective: LearningObjective, criteria: list[ObjectiveCriterionInput]
) -> None:
    for link in criteria_of(db, objective):
        db.delete(link)
    db.flush()
    _link_criteria(db, objective=objective, criteria=criteria)


def criteria_of(db: Session, objective: LearningObjective) -> list[ObjectiveCriterion]:
    statement = scoped(ObjectiveCriterion, objective.organisation_id).where(
        ObjectiveCriterion.objective_id == objective.id
    )
    return list(db.exec(statement))


def add_note(
    db: Session, *, member: Member, objective: LearningObjective, body: NoteCreate
) -> ObjectiveProgressNote:
    policy.require_write(db, member=member, practitioner_user_id=objective.practitioner_user_id)
    note = ObjectiveProgressNote(
        organisation_id=objective.organisation_id,
        objective_id=objective.id,
        author_user_id=member.user.id,
        body=body.body,
    )
    db.add(note)
    db.flush()
    _notify(db, objective, member)
    return note


def add_evidence(
    db: Session, *, member: Member, objective: LearningObjective, body: EvidenceCreate
) -> ObjectiveEvidence:
    """Link an observation or a comment of this practitioner's that the caller may see."""
    policy.require_write(db, member=member, practitioner_user_id=objective.practitioner_user_id)
    evidence_access.require_target(
        db, member=member, objective=objective, kind=body.kind, ref_id=body.ref_id
    )
    evidence = ObjectiveEvidence(
        organisation_id=objective.organisation_id,
        objective_id=objective.id,
        added_by_user_id=member.user.id,
        **body.model_dump(),
    )
    db.add(evidence)
    try:
        db.flush()
    except IntegrityError as error:
        raise Conflict("This evidence is already linked.", code="duplicate_evidence") from error
    _notify(db, objective, member)
    return evidence


def _notify(db: Session, objective: LearningObjective, member: Member) -> None:
    """The practitioner and their coaches hear of what the other side changed."""
    kind = NotificationKind.objective_updated
    notify(db, kind=kind, about=objective, actor_user_id=member.user_id)


def _audit(
    db: Session,
    action: str,
    objective: LearningObjective,
    member: Member,
    context: AuditContext,
    **details: Any,
) -> None:
    audit.record(
        db,
        action=action,
        resource_type="learning_objective",
        resource_id=objective.id,
        organisation_id=objective.organisation_id,
        actor_user_id=member.user.id,
        context=context,
        details={"practitioner_user_id": str(objective.practitioner_user_id), **details},
    )
