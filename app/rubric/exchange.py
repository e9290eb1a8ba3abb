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


def import_csv(
    db: Session,
    *,
    lead: Member,
    programme_id: uuid.UUID,
    title: str,
    csv_text: str,
    scale_labels: Sequence[str],
    fidelity_threshold_percent: float | None,
    context: AuditContext = SYSTEM,
) -> Rubric:
    """A new rubric whose draft version 1 holds the file's criteria."""
    if fidelity_threshold_percent is None:
        fidelity_threshold_percent = lead.organisation.fidelity_threshold_percent
    content = formats.parse_csv(
        csv_text, scale_labels=scale_labels, fidelity_threshold_percent=fidelity_threshold_percent
    )
    rubric, _ = service.create_rubric(
        db,
        organisation_id=lead.organisation_id,
        programme_id=programme_id,
        title=title,
        content=content,
        actor_user_id=lead.user.id,
        context=context,
        source="csv",
    )
    return rubric


def import_json(
    db: Session,
    *,
    lead: Member,
    programme_id: uuid.UUID,
    json_text: str,
    title: str | None = None,
    context: AuditContext = SYSTEM,
) -> Rubric:
    """A new rubric from an exported JSON document; `title` overrides the document's."""
    document = formats.parse_json(json_text)
    rubric, _ = service.create_rubric(
        db,
        organisation_id=lead.organisation_id,
        programme_id=programme_id,
        title=title or document.title,
        content=document,
        actor_user_id=lead.user.id,
        context=context,
        source="json",
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
