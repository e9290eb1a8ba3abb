"""Observations of recordings, their amendments, second raters and gold standards."""

import uuid
from typing import Annotated

from fastapi import Query, Response

from app.access import MemberDep
from app.access.observations import ScoringDep, require_observations
from app.access.recordings import RecordingAccessDep, RecordingManagerDep
from app.audit.context import AuditContextDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.models.review import ObservationStatus
from app.review.observations import amendments, double_coding, reads, service
from app.review.observations.deps import (
    LeadObservationDep,
    ObservationDep,
    RaterObservationDep,
    SecondRaterDep,
)
from app.review.observations.schemas import (
    GoldStandardUpdate,
    ObservationAmend,
    ObservationCreate,
    ObservationDraftUpdate,
    ObservationRead,
    RevisionRead,
    SecondRaterCreate,
    SecondRaterRead,
)
from app.routing import TandemRouter
from app.schemas import Page, PageDep, PageOffset

router = TandemRouter(tags=["observations"])


@router.get("/organisations/{organisation_id}/observations", response_model=list[ObservationRead])
def list_organisation_observations(
    member: MemberDep,
    db: SessionDep,
    practitioner_user_id: uuid.UUID | None = None,
    rater_user_id: uuid.UUID | None = None,
    status: ObservationStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: PageOffset = 0,
) -> list[ObservationRead]:
    """Observations the caller may see across recordings, most recently changed first:
    their own drafts and submitted ones of the practitioners they coach (practitioners:
    their own recordings; leads: all; raters stay blind until they submit)."""
    return reads.list_in_organisation(
        db,
        member=member,
        page=Page(limit, offset),
        practitioner_user_id=practitioner_user_id,
        rater_user_id=rater_user_id,
        status=status,
    )


@router.get(
    "/recordings/{recording_id}/observations",
    response_model=list[ObservationRead],
    responses=error_responses(403),
)
def list_observations(
    access: RecordingAccessDep, db: SessionDep, page: PageDep
) -> list[ObservationRead]:
    """The recording's observations the caller may see, oldest first: their own drafts, and
    submitted ones (hidden from a rater until they have submitted their own)."""
    require_observations(access)
    return reads.list_for_recording(
        db, member=access.member, recording_id=access.recording.id, page=page
    )


@router.post(
    "/recordings/{recording_id}/observations",
    response_model=ObservationRead,
    status_code=201,
    responses=error_responses(409),
)
def create_observation(
    body: ObservationCreate, access: ScoringDep, db: SessionDep, context: AuditContextDep
) -> ObservationRead:
    """Start scoring the recording against a published rubric version (assigned coaches
    and second raters). Scores may be partial: the draft is saved as you go."""
    row = service.create_observation(db, access=access, body=body, context=context)
    return reads.observation_read(db, row)


@router.get("/observations/{observation_id}", response_model=ObservationRead)
def read_observation(access: ObservationDep, db: SessionDep) -> ObservationRead:
    """One observation with its scores, evidence, moments and verdict."""
    return reads.observation_read(db, access.observation)


@router.patch(
    "/observations/{observation_id}", response_model=ObservationRead, responses=error_responses(409)
)
def update_observation(
    body: ObservationDraftUpdate, access: ObservationDep, db: SessionDep, context: AuditContextDep
) -> ObservationRead:
    """Save scores into a draft (the rater). Submitted observations are amended instead."""
    row = service.update_draft(
        db, member=access.member, observation=access.observation, body=body, context=context
    )
    return reads.observation_read(db, row)


@router.delete("/observations/{observation_id}", status_code=204, responses=error_responses(409))
def delete_observation(
    access: ObservationDep, db: SessionDep, context: AuditContextDep
) -> Response:
    """Discard a draft (the rater)."""
    service.delete_draft(db, member=access.member, observation=access.observation, context=context)
    return Response(status_code=204)


@router.post(
    "/observations/{observation_id}/submit",
    response_model=ObservationRead,
    responses=error_responses(409),
)
def submit_observation(
    access: ObservationDep, db: SessionDep, context: AuditContextDep
) -> ObservationRead:
    """Submit a complete draft: the weighted percent and verdict are computed and the
    observation no longer changes except by amendment."""
    row = service.submit(db, member=access.member, observation=access.observation, context=context)
    return reads.observation_read(db, row)


@router.post(
    "/observations/{observation_id}/amendments",
    response_model=ObservationRead,
    responses=error_responses(409),
)
def amend_observation(
    body: ObservationAmend, access: RaterObservationDep, db: SessionDep, context: AuditContextDep
) -> ObservationRead:
    """Correct a submitted observation with a reason (the rater); the previous state is
    kept as a revision and the change is audited."""
    row = amendments.amend(
        db, member=access.member, observation=access.observation, body=body, context=context
    )
    return reads.observation_read(db, row)


@router.get("/observations/{observation_id}/revisions", response_model=list[RevisionRead])
def list_revisions(access: ObservationDep, db: SessionDep, page: PageDep) -> list[RevisionRead]:
    """Earlier submitted states of an amended observation, oldest first."""
    rows = amendments.list_revisions(db, observation=access.observation, page=page)
    return [RevisionRead.model_validate(row, from_attributes=True) for row in rows]


@router.put(
    "/observations/{observation_id}/gold-standard",
    response_model=ObservationRead,
    responses=error_responses(409),
)
def set_gold_standard(
    body: GoldStandardUpdate, access: LeadObservationDep, db: SessionDep, context: AuditContextDep
) -> ObservationRead:
    """Mark (or unmark) a submitted observation as the master rating for calibration (leads)."""
    row = double_coding.set_gold_standard(
        db,
        lead=access.member,
        observation=access.observation,
        is_gold=body.is_gold_standard,
        context=context,
    )
    return reads.observation_read(db, row)


@router.get("/recordings/{recording_id}/second-raters", response_model=list[SecondRaterRead])
def list_second_raters(
    access: RecordingManagerDep, db: SessionDep, page: PageDep
) -> list[SecondRaterRead]:
    """Second raters of the recording, first assigned first (leads)."""
    rows = double_coding.list_second_raters(db, access=access, page=page)
    return [SecondRaterRead.model_validate(row, from_attributes=True) for row in rows]


@router.post(
    "/recordings/{recording_id}/second-raters",
    response_model=SecondRaterRead,
    status_code=201,
    responses=error_responses(409),
)
def assign_second_rater(
    body: SecondRaterCreate, access: RecordingManagerDep, db: SessionDep, context: AuditContextDep
) -> SecondRaterRead:
    """Ask a coach to score the recording independently (leads); they get access to its
    media."""
    row = double_coding.assign_second_rater(
        db, access=access, user_id=body.user_id, context=context
    )
    return SecondRaterRead.model_validate(row, from_attributes=True)


@router.delete("/second-raters/{second_rater_id}", status_code=204, responses=error_responses(409))
def remove_second_rater(
    access: SecondRaterDep, db: SessionDep, context: AuditContextDep
) -> Response:
    """Withdraw a second rater who has not submitted yet, and their media access (leads)."""
    double_coding.remove_second_rater(
        db, lead=access.member, assignment=access.assignment, context=context
    )
    return Response(status_code=204)
