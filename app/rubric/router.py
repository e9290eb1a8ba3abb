"""Observation rubrics of an organisation's programmes: members read, leads write."""

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import Path, Response
from sqlmodel import Session

from app.access import LeadDep, MemberDep
from app.audit.context import AuditContextDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.models import Rubric, RubricCriterion, RubricVersion
from app.request_guard import reads_own_body
from app.routing import TandemRouter
from app.rubric import exchange, reads, service
from app.rubric.imports import CsvImportDep, JsonImportDep
from app.rubric.schemas import (
    CriterionRead,
    RubricContentInput,
    RubricCreate,
    RubricPreview,
    RubricRead,
    RubricVersionRead,
    ScaleLevel,
    VersionSummary,
)
from app.rubric.uploads import MAX_REQUEST_BYTES, file_request_body
from app.schemas import PageDep

router = TandemRouter(prefix="/organisations/{organisation_id}/rubrics", tags=["rubrics"])

VersionNumber = Annotated[
    int, Path(ge=1, le=1_000_000, description="The version number (1, 2, ...).")
]


def _rubric_read(db: Session, rubrics: Sequence[Rubric]) -> list[RubricRead]:
    if not rubrics:
        return []
    versions = reads.versions_of(
        db, organisation_id=rubrics[0].organisation_id, rubric_ids=[r.id for r in rubrics]
    )
    return [
        RubricRead(
            id=rubric.id,
            programme_id=rubric.programme_id,
            title=rubric.title,
            created_at=rubric.created_at,
            versions=[VersionSummary.model_validate(v) for v in versions[rubric.id]],
        )
        for rubric in rubrics
    ]


def _version_read(db: Session, rubric: Rubric, version: RubricVersion) -> RubricVersionRead:
    criteria: list[RubricCriterion] = reads.criteria_of(db, version=version)
    return RubricVersionRead(
        **VersionSummary.model_validate(version).model_dump(),
        rubric_id=rubric.id,
        programme_id=rubric.programme_id,
        title=rubric.title,
        scale=[ScaleLevel.model_validate(step) for step in version.scale],
        sections=list(dict.fromkeys(criterion.section for criterion in criteria)),
        criteria=[CriterionRead.model_validate(criterion) for criterion in criteria],
    )


@router.get("", response_model=list[RubricRead])
def list_rubrics(
    member: MemberDep, db: SessionDep, page: PageDep, programme_id: uuid.UUID | None = None
) -> list[RubricRead]:
    """The organisation's rubrics by title with their versions, optionally of one programme."""
    rubrics = reads.list_rubrics(db, member=member, page=page, programme_id=programme_id)
    return _rubric_read(db, rubrics)


@router.post("", response_model=RubricRead, status_code=201, responses=error_responses(409))
def create_rubric(
    body: RubricCreate, lead: LeadDep, db: SessionDep, context: AuditContextDep
) -> RubricRead:
    """Create a rubric; its version 1 is a draft until published (leads)."""
    rubric = service.create_draft(db, lead=lead, body=body, context=context)
    return _rubric_read(db, [rubric])[0]


@router.post(
    "/import/csv",
    response_model=RubricRead,
    status_code=201,
    openapi_extra=file_request_body("text/csv", "text/plain"),
    responses=error_responses(409, 415),
)
@reads_own_body(MAX_REQUEST_BYTES)
def import_csv(upload: CsvImportDep, db: SessionDep, context: AuditContextDep) -> RubricRead:
    """Create a rubric from CSV, one row per criterion; version 1 is a draft (leads).

    Columns: section, code, title, guidance, weight, min_level, na_allowed (yes/no), then one
    level_N column per scale level. Every problem is reported at once, with its line.
    """
    rubric = exchange.create(
        db,
        lead=upload.lead,
        programme_id=upload.programme_id,
        title=upload.title,
        content=upload.content,
        source="csv",
        context=context,
    )
    return _rubric_read(db, [rubric])[0]


@router.post(
    "/import/csv/preview",
    response_model=RubricPreview,
    openapi_extra=file_request_body("text/csv", "text/plain"),
    responses=error_responses(409, 415),
)
@reads_own_body(MAX_REQUEST_BYTES)
def preview_csv(upload: CsvImportDep, db: SessionDep) -> RubricPreview:
    """What importing this CSV file would create, with the same checks; saves nothing (leads).

    Every problem is reported at once, with its line, exactly as the import reports it.
    """
    return exchange.preview(
        db,
        lead=upload.lead,
        programme_id=upload.programme_id,
        title=upload.title,
        content=upload.content,
    )


@router.post(
    "/import/json",
    response_model=RubricRead,
    status_code=201,
    openapi_extra=file_request_body("application/json"),
    responses=error_responses(409, 415),
)
@reads_own_body(MAX_REQUEST_BYTES)
def import_json(upload: JsonImportDep, db: SessionDep, context: AuditContextDep) -> RubricRead:
    """Create a rubric from an exported JSON document; version 1 is a draft (leads)."""
    rubric = exchange.create(
        db,
        lead=upload.lead,
        programme_id=upload.programme_id,
        title=upload.title,
        content=upload.content,
        source="json",
        context=context,
    )
    return _rubric_read(db, [rubric])[0]


@router.post(
    "/import/json/preview",
    response_model=RubricPreview,
    openapi_extra=file_request_body("application/json"),
    responses=error_responses(409, 415),
)
@reads_own_body(MAX_REQUEST_BYTES)
def preview_json(upload: JsonImportDep, db: SessionDep) -> RubricPreview:
    """What importing this JSON document would create, with the same checks; saves nothing
    (leads)."""
    return exchange.preview(
        db,
        lead=upload.lead,
        programme_id=upload.programme_id,
        title=upload.title,
        content=upload.content,
    )


@router.get("/{rubric_id}", response_model=RubricRead)
def read_rubric(rubric_id: uuid.UUID, member: MemberDep, db: SessionDep) -> RubricRead:
    """One rubric with all its versions."""
    return _rubric_read(db, [reads.get_rubric(db, member=member, rubric_id=rubric_id)])[0]


@router.post(
    "/{rubric_id}/versions",
    response_model=RubricVersionRead,
    status_code=201,
    responses=error_responses(409),
)
def create_next_version(
    rubric_id: uuid.UUID, lead: LeadDep, db: SessionDep, context: AuditContextDep
) -> RubricVersionRead:
    """Start the next version as a draft copy of the latest one (leads)."""
    version = service.create_next_version(db, lead=lead, rubric_id=rubric_id, context=context)
    return _version_read(db, reads.get_rubric(db, member=lead, rubric_id=rubric_id), version)


@router.get("/{rubric_id}/versions/{version}", response_model=RubricVersionRead)
def read_version(
    rubric_id: uuid.UUID, version: VersionNumber, member: MemberDep, db: SessionDep
) -> RubricVersionRead:
    """One version: its scale, threshold, sections and criteria."""
    rubric, row = reads.get_version(db, member=member, rubric_id=rubric_id, version=version)
    return _version_read(db, rubric, row)


@router.put(
    "/{rubric_id}/versions/{version}",
    response_model=RubricVersionRead,
    responses=error_responses(409),
)
def update_version(
    rubric_id: uuid.UUID,
    version: VersionNumber,
    body: RubricContentInput,
    lead: LeadDep,
    db: SessionDep,
    context: AuditContextDep,
) -> RubricVersionRead:
    """Replace a draft's scale, threshold and criteria; a published version answers 409 (leads)."""
    row = service.update_draft(
        db, lead=lead, rubric_id=rubric_id, version=version, body=body, context=context
    )
    return _version_read(db, reads.get_rubric(db, member=lead, rubric_id=rubric_id), row)


@router.post(
    "/{rubric_id}/versions/{version}/publish",
    response_model=RubricVersionRead,
    responses=error_responses(409),
)
def publish_version(
    rubric_id: uuid.UUID,
    version: VersionNumber,
    lead: LeadDep,
    db: SessionDep,
    context: AuditContextDep,
) -> RubricVersionRead:
    """Publish a draft; it never changes again, the version published before is retired, and
    a programme that used that version (or none) now uses this one (leads)."""
    row = service.publish_version(
        db, lead=lead, rubric_id=rubric_id, version=version, context=context
    )
    return _version_read(db, reads.get_rubric(db, member=lead, rubric_id=rubric_id), row)


@router.post(
    "/{rubric_id}/versions/{version}/retire",
    response_model=RubricVersionRead,
    responses=error_responses(409),
)
def retire_version(
    rubric_id: uuid.UUID,
    version: VersionNumber,
    lead: LeadDep,
    db: SessionDep,
    context: AuditContextDep,
) -> RubricVersionRead:
    """Retire a published version: no new observations use it; refused (409) while a
    programme scores against it (leads)."""
    row = service.retire_version(
        db, lead=lead, rubric_id=rubric_id, version=version, context=context
    )
    return _version_read(db, reads.get_rubric(db, member=lead, rubric_id=rubric_id), row)


def _download(name: str, text: str, media_type: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content=text, media_type=media_type, headers=headers)


@router.get(
    "/{rubric_id}/versions/{version}/export/csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_csv(
    rubric_id: uuid.UUID, version: VersionNumber, member: MemberDep, db: SessionDep
) -> Response:
    """One version as CSV, one row per criterion (scale labels and threshold are not included)."""
    name, text = exchange.export_version(
        db, member=member, rubric_id=rubric_id, version=version, as_csv=True
    )
    return _download(name, text, "text/csv; charset=utf-8")


@router.get(
    "/{rubric_id}/versions/{version}/export/json",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def export_json(
    rubric_id: uuid.UUID, version: VersionNumber, member: MemberDep, db: SessionDep
) -> Response:
    """One version as a JSON document holding everything, importable as it is."""
    name, text = exchange.export_version(
        db, member=member, rubric_id=rubric_id, version=version, as_csv=False
    )
    return _download(name, text, "application/json")
