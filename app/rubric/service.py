"""Rubrics: drafts, publishing, retiring and next versions. Services flush, never commit."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.access import Member, load_scoped, scoped
from app.audit import service as audit
from app.audit.context import SYSTEM, AuditContext
from app.errors import Conflict, naming_field
from app.models import Programme, Rubric, RubricCriterion, RubricStatus, RubricVersion
from app.models.base import utcnow
from app.rubric import formats, in_use
from app.rubric.reads import content_of, criteria_of, get_rubric, get_version, latest_version
from app.rubric.schemas import RubricContent, RubricContentInput, RubricCreate
from app.rubric.scoring import ScoringFormula
from app.rubric.validation import check_content, publishable_problems, raise_if_problems


def create_draft(
    db: Session, *, lead: Member, body: RubricCreate, context: AuditContext = SYSTEM
) -> Rubric:
    """A new rubric from a request body; without a threshold the organisation's default applies."""
    threshold = body.fidelity_threshold_percent
    content = RubricContent(
        scale=body.scale,
        fidelity_threshold_percent=(
            lead.organisation.fidelity_threshold_percent if threshold is None else threshold
        ),
        scoring_formula=body.scoring_formula or ScoringFormula.percent_of_maximum,
        criteria=body.criteria,
    )
    rubric, _ = create_rubric(
        db,
        organisation_id=lead.organisation_id,
        programme_id=body.programme_id,
        title=body.title,
        content=content,
        actor_user_id=lead.user.id,
        context=context,
    )
    return rubric


def create_rubric(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    programme_id: uuid.UUID,
    title: str,
    content: RubricContent,
    actor_user_id: uuid.UUID | None,
    context: AuditContext = SYSTEM,
    source: str = "json",
) -> tuple[Rubric, RubricVersion]:
    """A new rubric with version 1 as a draft."""
    check_new_rubric(
        db, organisation_id=organisation_id, programme_id=programme_id, title=title, content=content
    )
    rubric = Rubric(
        organisation_id=organisation_id,
        programme_id=programme_id,
        title=title,
        created_by_user_id=actor_user_id,
    )
    db.add(rubric)
    _flush(db, "This programme already has a rubric with that title.")
    version = _add_version(db, rubric=rubric, number=1, content=content)
    _audit(db, "rubric.created", version, actor_user_id, context, source=source)
    return rubric, version


def check_new_rubric(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    programme_id: uuid.UUID,
    title: str,
    content: RubricContent,
) -> None:
    """Everything creating a rubric checks, writing nothing: imports and their previews."""
    check_content(content)
    load_scoped(
        db, Programme, organisation_id=organisation_id, row_id=programme_id, label="Programme"
    )
    duplicate = scoped(Rubric, organisation_id).where(
        Rubric.programme_id == programme_id, Rubric.title == title
    )
    if db.exec(duplicate).first() is not None:
        raise naming_field(
            Conflict,
            "title",
            f"This programme already has a rubric called {title!r}.",
            code="duplicate_title",
        )


def update_draft(
    db: Session,
    *,
    lead: Member,
    rubric_id: uuid.UUID,
    version: int,
    body: RubricContentInput,
    context: AuditContext = SYSTEM,
) -> RubricVersion:
    """Replace a draft's scale, threshold and criteria; published versions never change."""
    _, row = get_version(db, member=lead, rubric_id=rubric_id, version=version, for_update=True)
    _require_draft(row)
    threshold = body.fidelity_threshold_percent
    if threshold is None:
        threshold = row.fidelity_threshold_percent
    content = RubricContent(
        scale=body.scale,
        fidelity_threshold_percent=threshold,
        scoring_formula=body.scoring_formula or row.scoring_formula,
        criteria=body.criteria,
    )
    check_content(content)
    for criterion in criteria_of(db, version=row):
        db.delete(criterion)
    # Flush the deletes first: the new rows reuse the (version, code) and (version, position) keys.
    db.flush()
    _set_content(db, version=row, content=content)
    row.updated_at = utcnow()
    db.add(row)
    db.flush()
    _audit(db, "rubric.draft_updated", row, lead.user.id, context)
    return row


def publish_version(
    db: Session, *, lead: Member, rubric_id: uuid.UUID, version: int, context: AuditContext = SYSTEM
) -> RubricVersion:
    """Publish a draft; the version published before it is retired, and a programme that
    used that one (or none) now uses this one (app/rubric/in_use.py)."""
    _, row = get_version(db, member=lead, rubric_id=rubric_id, version=version, for_update=True)
    return _publish(db, version=row, actor_user_id=lead.user.id, context=context)


def _publish(
    db: Session, *, version: RubricVersion, actor_user_id: uuid.UUID | None, context: AuditContext
) -> RubricVersion:
    _require_draft(version)
    raise_if_problems(publishable_problems(content_of(version, criteria_of(db, version=version))))
    now = utcnow()
    published = scoped(RubricVersion, version.organisation_id).where(
        RubricVersion.rubric_id == version.rubric_id,
        RubricVersion.status == RubricStatus.published,
    )
    for earlier in db.exec(published):
        _retire(db, earlier, actor_user_id, context, replaced_by=version.version)
    version.status = RubricStatus.published
    version.published_at = now
    version.updated_at = now
    db.add(version)
    db.flush()
    adopted_by = in_use.adopt_on_publish(db, version=version)
    moved = {"programme_id": str(adopted_by.id)} if adopted_by is not None else {}
    _audit(db, "rubric.published", version, actor_user_id, context, **moved)
    return version


def retire_version(
    db: Session, *, lead: Member, rubric_id: uuid.UUID, version: int, context: AuditContext = SYSTEM
) -> RubricVersion:
    """Retire a published version: kept for the observations made with it, not used for new ones."""
    _, row = get_version(db, member=lead, rubric_id=rubric_id, version=version, for_update=True)
    if row.status != RubricStatus.published:
        raise Conflict(
            f"Only a published version can be retired; this one is {row.status}.",
            code="not_published",
        )
    in_use.refuse_retiring_in_use(db, version=row)
    return _retire(db, row, lead.user.id, context)


def _retire(
    db: Session,
    version: RubricVersion,
    actor_user_id: uuid.UUID | None,
    context: AuditContext,
    **details: Any,
) -> RubricVersion:
    version.status = RubricStatus.retired
    version.retired_at = version.updated_at = utcnow()
    db.add(version)
    db.flush()
    _audit(db, "rubric.retired", version, actor_user_id, context, **details)
    return version


def create_next_version(
    db: Session, *, lead: Member, rubric_id: uuid.UUID, context: AuditContext = SYSTEM
) -> RubricVersion:
    """A draft copy of the latest version, to edit; only one draft at a time."""
    rubric = get_rubric(db, member=lead, rubric_id=rubric_id)
    latest = latest_version(db, rubric=rubric)
    if latest.status == RubricStatus.draft:
        raise Conflict(
            f"Version {latest.version} is still a draft; edit it instead.", code="draft_exists"
        )
    content = content_of(latest, criteria_of(db, version=latest))
    version = _add_version(db, rubric=rubric, number=latest.version + 1, content=content)
    _audit(db, "rubric.version_created", version, lead.user.id, context, copied_from=latest.version)
    return version


def import_published_rubric(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    programme_id: uuid.UUID,
    title: str,
    csv_text: str,
    scale_labels: Sequence[str],
    fidelity_threshold_percent: float,
    actor_user_id: uuid.UUID | None,
) -> RubricVersion:
    """A new rubric from CSV, with version 1 published at once (the demo seed uses this)."""
    content = formats.parse_csv(
        csv_text, scale_labels=scale_labels, fidelity_threshold_percent=fidelity_threshold_percent
    )
    _, version = create_rubric(
        db,
        organisation_id=organisation_id,
        programme_id=programme_id,
        title=title,
        content=content,
        actor_user_id=actor_user_id,
        source="csv",
    )
    return _publish(db, version=version, actor_user_id=actor_user_id, context=SYSTEM)


def _require_draft(version: RubricVersion) -> None:
    if version.status != RubricStatus.draft:
        raise Conflict(
            f"Version {version.version} is {version.status} and cannot change; "
            "create a new version to edit it.",
            code="version_immutable",
        )


def _add_version(
    db: Session, *, rubric: Rubric, number: int, content: RubricContent
) -> RubricVersion:
    version = RubricVersion(
        organisation_id=rubric.organisation_id,
        rubric_id=rubric.id,
        version=number,
        scale=[],
        fidelity_threshold_percent=content.fidelity_threshold_percent,
    )
    db.add(version)
    _flush(db, "Another version of this rubric was created at the same time; try again.")
    _set_content(db, version=version, content=content)
    return version


def _set_content(db: Session, *, version: RubricVersion, content: RubricContent) -> None:
    version.scale = [step.model_dump() for step in content.scale]
    version.fidelity_threshold_percent = content.fidelity_threshold_percent
    version.scoring_formula = content.scoring_formula
    db.add(version)
    db.add_all(
        RubricCriterion(
            organisation_id=version.organisation_id,
            rubric_version_id=version.id,
            position=position,
            **criterion.model_dump(),
        )
        for position, criterion in enumerate(content.criteria, start=1)
    )
    db.flush()


def _flush(db: Session, conflict_message: str) -> None:
    try:
        db.flush()
    except IntegrityError as error:
        raise Conflict(conflict_message) from error


def _audit(
    db: Session,
    action: str,
    version: RubricVersion,
    actor_user_id: uuid.UUID | None,
    context: AuditContext,
    **details: Any,
) -> None:
    audit.record(
        db,
        action=action,
        resource_type="rubric_version",
        resource_id=version.id,
        organisation_id=version.organisation_id,
        actor_user_id=actor_user_id,
        context=context,
        details={"rubric_id": str(version.rubric_id), "version": version.version, **details},
    )
