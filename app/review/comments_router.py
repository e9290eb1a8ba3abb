"""Comments at moments of a recording, for the owner and the people who review it."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Response

from app.access.recordings import RecordingAccess, RecordingAccessDep, require_conversation
from app.audit.context import AuditContextDep
from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.error_docs import error_responses
from app.models import Comment
from app.review import comments as service
from app.review.comment_schemas import CommentCreate, CommentRead, CommentUpdate, ReplyCreate
from app.routing import TandemRouter
from app.schemas import PageDep

router = TandemRouter(tags=["comments"])


# Access is settled in dependencies, which run before the body is validated, so a caller
# who may not see the recording gets 404 whatever they send.
def _reviewable(access: RecordingAccessDep) -> RecordingAccess:
    require_conversation(access)
    return access


@dataclass(frozen=True)
class CommentInReach:
    access: RecordingAccess
    comment: Comment


def _comment(comment_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> CommentInReach:
    return CommentInReach(*service.comment_in_reach(db, user=user, comment_id=comment_id))


ReviewableDep = Annotated[RecordingAccess, Depends(_reviewable)]
CommentDep = Annotated[CommentInReach, Depends(_comment)]
ResolvedFilter = Annotated[
    bool | None, Query(description="Only resolved (true) or open (false) threads.")
]


@router.get(
    "/recordings/{recording_id}/comments",
    response_model=list[CommentRead],
    responses=error_responses(403),
)
def list_comments(
    access: ReviewableDep, db: SessionDep, page: PageDep, resolved: ResolvedFilter = None
) -> list[CommentRead]:
    """The recording's comment threads in media order, each with all its replies; a page
    holds at most `limit` threads."""
    return service.list_threads(db, access=access, page=page, resolved=resolved)


@router.post(
    "/recordings/{recording_id}/comments",
    response_model=CommentRead,
    status_code=201,
    responses=error_responses(409),
)
def create_comment(body: CommentCreate, access: ReviewableDep, db: SessionDep) -> CommentRead:
    """Comment at a moment (and optional span) of the media, optionally on a criterion."""
    return service.create_comment(db, access=access, body=body)


@router.get("/comments/{comment_id}", response_model=CommentRead, responses=error_responses(403))
def read_comment(found: CommentDep, db: SessionDep) -> CommentRead:
    """The thread this comment or reply belongs to."""
    return service.read_thread(db, comment=found.comment)


@router.patch("/comments/{comment_id}", response_model=CommentRead, responses=error_responses(410))
def update_comment(body: CommentUpdate, found: CommentDep, db: SessionDep) -> CommentRead:
    """Edit your own comment or reply; a reply only has a body to edit."""
    return service.update_comment(db, access=found.access, comment=found.comment, body=body)


@router.delete("/comments/{comment_id}", status_code=204, responses=error_responses(410))
def delete_comment(found: CommentDep, db: SessionDep, context: AuditContextDep) -> Response:
    """Delete your own comment or reply; a comment with replies leaves a tombstone."""
    service.delete_comment(db, access=found.access, comment=found.comment, context=context)
    return Response(status_code=204)


@router.post("/comments/{comment_id}/replies", response_model=CommentRead, status_code=201)
def reply_to_comment(body: ReplyCreate, found: CommentDep, db: SessionDep) -> CommentRead:
    """Reply in a thread; replying to a reply adds to the same thread. Returns the thread."""
    return service.add_reply(db, access=found.access, comment=found.comment, body=body)


@router.post("/comments/{comment_id}/resolve", response_model=CommentRead)
def resolve_comment(found: CommentDep, db: SessionDep) -> CommentRead:
    """Mark a thread resolved."""
    return service.set_resolved(db, access=found.access, comment=found.comment, resolved=True)


@router.post("/comments/{comment_id}/unresolve", response_model=CommentRead)
def unresolve_comment(found: CommentDep, db: SessionDep) -> CommentRead:
    """Reopen a resolved thread."""
    return service.set_resolved(db, access=found.access, comment=found.comment, resolved=False)
