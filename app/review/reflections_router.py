"""The practitioner's reflection on a recording, shared with their coaches, and its thread."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Response

from app.access.recordings import RecordingAccess, RecordingAccessDep
from app.audit.context import AuditContextDep
from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.error_docs import error_responses
from app.models import Reflection
from app.review import reflections as service
from app.review.reflection_schemas import (
    ReflectionRead,
    ReflectionReplyCreate,
    ReflectionReplyRead,
    ReflectionWrite,
)
from app.routing import TandemRouter
from app.schemas import PageDep

router = TandemRouter(tags=["reflections"])


# Dependencies run before the body is validated: another organisation gets 404 first.
@dataclass(frozen=True)
class ReflectionInReach:
    access: RecordingAccess
    reflection: Reflection


def _reflection(reflection_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> ReflectionInReach:
    return ReflectionInReach(
        *service.reflection_in_reach(db, user=user, reflection_id=reflection_id)
    )


RecordingDep = RecordingAccessDep
ReflectionDep = Annotated[ReflectionInReach, Depends(_reflection)]


@router.get("/recordings/{recording_id}/reflection", response_model=ReflectionRead)
def read_recording_reflection(access: RecordingDep, db: SessionDep) -> ReflectionRead:
    """The reflection on this recording: its author always, their coaches once shared."""
    return service.read(access, service.visible_reflection(db, access=access))


@router.put("/recordings/{recording_id}/reflection", response_model=ReflectionRead)
def write_reflection(
    body: ReflectionWrite, access: RecordingDep, db: SessionDep, response: Response
) -> ReflectionRead:
    """Write or rewrite your reflection on your own recording (201 the first time)."""
    reflection, created = service.write_reflection(db, access=access, body=body)
    response.status_code = 201 if created else 200
    return reflection


@router.get("/reflections/{reflection_id}", response_model=ReflectionRead)
def read_reflection(found: ReflectionDep) -> ReflectionRead:
    """One reflection, for its author, or their coaches once shared."""
    return service.read(found.access, found.reflection)


@router.post("/reflections/{reflection_id}/share", response_model=ReflectionRead)
def share_reflection(
    found: ReflectionDep, db: SessionDep, context: AuditContextDep
) -> ReflectionRead:
    """Share your reflection with the coaches assigned to you."""
    return service.share(db, access=found.access, reflection=found.reflection, context=context)


@router.get("/reflections/{reflection_id}/replies", response_model=list[ReflectionReplyRead])
def list_reflection_replies(
    found: ReflectionDep, db: SessionDep, page: PageDep
) -> list[ReflectionReplyRead]:
    """The thread under a reflection, oldest first."""
    return service.list_replies(db, reflection=found.reflection, page=page)


@router.post(
    "/reflections/{reflection_id}/replies",
    response_model=ReflectionReplyRead,
    status_code=201,
    responses=error_responses(409),
)
def reply_to_reflection(
    body: ReflectionReplyCreate, found: ReflectionDep, db: SessionDep
) -> ReflectionReplyRead:
    """Reply under a shared reflection (its author or their coaches)."""
    return service.add_reply(db, access=found.access, reflection=found.reflection, body=body)
