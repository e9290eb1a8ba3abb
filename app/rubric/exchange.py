"""Importing rubrics from CSV or JSON files, and exporting a version as either."""

import re
import uuid
from collections.abc import Sequence

from sqlmodel import Session

from app.access import Member
from app.audit.context import SYSTEM, AuditContext
from app.models import Rubric
from app.rubric import formats, service
from app.rubric.reads import content_of, criteria_of, get_version
from app.rubric.schemas import RubricContent, RubricPreview


def csv_content(
    *,
    lead: Member,
    csv_text: str,
    scale_labels: Sequence[str],
    fidelity_threshold_percent: float | None,
) -> RubricContent:
    """A CSV file's content; without a threshold the organisation's default applies."""
    if fidelity_threshold_percent is None:
        fidelity_threshold_percent = lead.organisation.fidelity_threshold_percent
    return formats.parse_csv(
        csv_text, scale_labels=scale_labels, fidelity_threshold_percent=fidelity_threshold_percent
    )


def json_content(*, json_text: str, title: str | None) -> tuple[str, RubricContent]:
    """(title, content) of an exported JSON document; `title` overrides the document's."""
    document = formats.parse_json(json_text)
    return title or document.title, document


def preview(
    db: Session, *, lead: Member, programme_id: uuid.UUID, title: str, content: RubricContent
) -> RubricPreview:
    """What importing would create, after the very checks the import makes; writes nothing."""
    service.check_new_rubric(
        db,
        organisation_id=lead.organisation_id,
        programme_id=programme_id,
        title=title,
        content=content,
    )
    return RubricPreview(
        title=title,
        **content.model_dump(
            include={"scale", "fidelity_threshold_percent", "scoring_formula", "criteria"}
        ),
        sections=list(dict.fromkeys(criterion.section for criterion in content.criteria)),
    )


def create(
    db: Session,
    *,
    lead: Member,
    programme_id: uuid.UUID,
    title: str,
    content: RubricContent,
    source: str,
    context: AuditContext = SYSTEM,
) -> Rubric:
    """A new rubric whose draft version 1 holds the file's criteria."""
    rubric, _ = service.create_rubric(
        db,
        organisation_id=lead.organisation_id,
        programme_id=programme_id,
        title=title,
        content=content,
        actor_user_id=lead.user.id,
        context=context,
        source=source,
    )
    return rubric


def export_version(
    db: Session, *, member: Member, rubric_id: uuid.UUID, version: int, as_csv: bool
) -> tuple[str, str]:
    """(file name, text) of one version, as CSV or JSON."""
    rubric, row = get_version(db, member=member, rubric_id=rubric_id, version=version)
    content = content_of(row, criteria_of(db, version=row))
    stem = re.sub(r"[^a-z0-9]+", "-", rubric.title.lower()).strip("-") or "rubric"
    if as_csv:
        return f"{stem}-v{row.version}.csv", formats.write_csv(content)
    return f"{stem}-v{row.version}.json", formats.write_json(rubric.title, content)
