"""Time-stamped comments on a recording: threads at moments, replies, resolution.

Who takes part and who reads which thread is decided in app/access/ (recordings.py and
conversation.py): the people who may watch the media; raters who have not submitted see
only their own and the practitioner's threads. Replies are one level deep; a reply to a
reply joins the same thread.
"""

import uuid
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, func, or_, select

from app.access import scoped
from app.access.conversation import may_read_thread, thread_readable
from app.access.recordings import RecordingAccess, recording_access, require_conversation
from app.audit import service as audit
from app.audit.context import SYSTEM, AuditContext
from app.errors import Conflict, Forbidden, Gone, NotFound, Unprocessable
from app.models import Comment, NotificationKind, Recording, RecordingStatus, User
from app.models.base import utcnow
from app.notifications.service import notify
from app.review import first_comments
from app.review.comment_criteria import require_criterion
from app.review.comment_schemas import (
    CommentCreate,
    CommentRead,
    CommentUpdate,
    ReplyCreate,
    ReplyRead,
)
from app.schemas import Page


def comment_in_reach(
    db: Session, *, user: User, comment_id: uuid.UUID
) -> tuple[RecordingAccess, Comment]:
    """The comment and the caller's access to its recording: 404 when they may not see
    the recording or this thread, 403 when they see the recording but not its comments."""
    comment = db.get(Comment, comment_id)
    if comment is None:
        raise NotFound("Comment not found.")
    access = recording_access(db, user=user, recording_id=comment.recording_id, label="Comment")
    require_conversation(access)
    if not may_read_thread(access, _root_of(db, comment)):
        raise NotFound("Comment not found.")
    return access, comment


def author_names(db: Session, user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    users = db.exec(select(User).where(col(User.id).in_(wanted)))
    return {user.id: user.display_name or user.email for user in users}


def list_threads(
    db: Session, *, access: RecordingAccess, page: Page, resolved: bool | None = None
) -> list[CommentRead]:
    """A page of the threads this member may read, ordered by their moment in the media,
    each with all its replies (oldest first), in three queries."""
    recording = access.recording
    shown = _readable_threads(db, access=access, resolved=resolved)
    shown = shown[page.offset : page.offset + page.limit]
    in_threads = or_(col(Comment.id).in_(shown), col(Comment.parent_id).in_(shown))
    statement = scoped(Comment, recording.organisation_id).where(
        Comment.recording_id == recording.id, in_threads
    )
    rows = db.exec(statement).all()
    roots = {row.id: row for row in rows if row.parent_id is None}
    replies = [row for row in rows if row.parent_id is not None]
    return _threads(db, [roots[key] for key in shown if key in roots], replies)


def _readable_threads(
    db: Session, *, access: RecordingAccess, resolved: bool | None
) -> list[uuid.UUID]:
    """Every thread of the recording this member may read, in media order. Only their keys
    are read; the blind rule (app/access/conversation.py) picks the readable ones."""
    recording = access.recording
    keys = (
        select(col(Comment.id), col(Comment.author_user_id))
        .where(
            col(Comment.organisation_id) == recording.organisation_id,
            col(Comment.recording_id) == recording.id,
            col(Comment.parent_id).is_(None),
        )
        .order_by(col(Comment.start_ms), col(Comment.created_at), col(Comment.id))
    )
    if resolved is not None:
        resolution = col(Comment.resolved_at)
        keys = keys.where(resolution.is_not(None) if resolved else resolution.is_(None))
    return [
        thread_id
        for thread_id, started_by in db.exec(keys)
        if thread_readable(
            blind=access.is_blind,
            started_by=started_by,
            reader=access.member.user_id,
            practitioner=recording.owner_user_id,
        )
    ]


def read_thread(db: Session, *, comment: Comment) -> CommentRead:
    root = _root_of(db, comment)
    statement = scoped(Comment, root.organisation_id).where(Comment.parent_id == root.id)
    return _threads(db, [root], list(db.exec(statement)))[0]


def create_comment(db: Session, *, access: RecordingAccess, body: CommentCreate) -> CommentRead:
    recording = access.recording
    if recording.status != RecordingStatus.ready:
        raise Conflict(
            f"Comments are anchored in the media, and this recording is {recording.status}, "
            "not ready.",
            code="recording_not_ready",
        )
    _require_within_media(recording, body.start_ms, body.end_ms)
    code = body.criterion_code
    if code is not None:
        require_criterion(db, recording=recording, code=code)
    # Deliberately nothing else on the recording changes: commenting is not a review.
    comment = Comment(
        organisation_id=recording.organisation_id,
        recording_id=recording.id,
        author_user_id=access.member.user.id,
        start_ms=body.start_ms,
        end_ms=body.end_ms,
        criterion_code=code,
        body=body.body,
    )
    db.add(comment)
    db.flush()
    first_comments.comment_written(db, comment)
    notify(db, kind=NotificationKind.comment, about=comment, actor_user_id=comment.author_user_id)
    return read_thread(db, comment=comment)


def add_reply(
    db: Session, *, access: RecordingAccess, comment: Comment, body: ReplyCreate
) -> CommentRead:
    root = _root_of(db, comment)
    reply = Comment(
        organisation_id=root.organisation_id,
        recording_id=root.recording_id,
        parent_id=root.id,
        author_user_id=access.member.user.id,
        body=body.body,
    )
    db.add(reply)
    db.flush()
    first_comments.comment_written(db, reply)
    notify(db, kind=NotificationKind.comment, about=reply, actor_user_id=reply.author_user_id)
    return read_thread(db, comment=root)


def update_comment(
    db: Session, *, access: RecordingAccess, comment: Comment, body: CommentUpdate
) -> CommentRead:
    _require_own_live(access, comment)
    changes = body.model_dump(exclude_unset=True)
    if comment.parent_id is not None and set(changes) - {"body"}:
        raise Unprocessable(
            "A reply has no moment or criterion of its own; only its body can change.",
            code="reply_has_no_moment",
        )
    start_ms = changes.get("start_ms", comment.start_ms)
    end_ms = changes.get("end_ms", comment.end_ms)
    if comment.parent_id is None:
        if end_ms is not None and start_ms is not None and end_ms <= start_ms:
            raise Unprocessable("end_ms must be after start_ms.", code="invalid_span")
        _require_within_media(access.recording, start_ms, end_ms)
    if changes.get("criterion_code") is not None:
        require_criterion(db, recording=access.recording, code=changes["criterion_code"])
    if changes:
        for name, value in changes.items():
            setattr(comment, name, value)
        comment.edited_at = utcnow()
        db.add(comment)
        db.flush()
    return read_thread(db, comment=comment)


def set_resolved(
    db: Session, *, access: RecordingAccess, comment: Comment, resolved: bool
) -> CommentRead:
    """Resolve or reopen a thread; anyone in the conversation may, and repeating is harmless."""
    if comment.parent_id is not None:
        raise Unprocessable(
            "Threads are resolved, not replies; resolve the comment the reply belongs to.",
            code="reply_not_resolvable",
        )
    if resolved and comment.resolved_at is None:
        comment.resolved_at = utcnow()
        comment.resolved_by_user_id = access.member.user.id
    elif not resolved:
        comment.resolved_at = None
        comment.resolved_by_user_id = None
    db.add(comment)
    db.flush()
    return read_thread(db, comment=comment)


def delete_comment(
    db: Session, *, access: RecordingAccess, comment: Comment, context: AuditContext = SYSTEM
) -> None:
    """Delete own comment; a thread with replies keeps a tombstone so they stay readable."""
    _require_own_live(access, comment)
    comment_id, parent_id = comment.id, comment.parent_id
    tombstone = parent_id is None and _reply_count(db, comment.id) > 0
    if tombstone:
        comment.deleted_at = utcnow()
        comment.body = ""
        db.add(comment)
    else:
        db.delete(comment)
    db.flush()
    first_comments.comment_deleted(db, comment)
    removed_tombstone = parent_id is not None and _drop_empty_tombstone(db, parent_id)
    audit.record(
        db,
        action="comment.deleted",
        resource_type="comment",
        resource_id=comment_id,
        organisation_id=access.recording.organisation_id,
        actor_user_id=access.member.user.id,
        context=context,
        # Never the text: it describes the family's session.
        details={
            "recording_id": str(access.recording.id),
            "reply": parent_id is not None,
            "tombstone": tombstone,
            "removed_tombstone": removed_tombstone,
        },
    )


def _require_own_live(access: RecordingAccess, comment: Comment) -> None:
    if comment.deleted_at is not None:
        raise Gone("This comment was deleted.", code="comment_deleted")
    if comment.author_user_id != access.member.user.id:
        raise Forbidden("Only its author may edit or delete a comment.", code="not_author")


def _require_within_media(recording: Recording, start_ms: int | None, end_ms: int | None) -> None:
    # An unknown duration (not probed) cannot be checked; the schema still bounds the values.
    if recording.duration_seconds is None:
        return
    duration_ms = round(recording.duration_seconds * 1000)
    for name, value in (("start_ms", start_ms), ("end_ms", end_ms)):
        if value is not None and value > duration_ms:
            raise Unprocessable(
                f"{name} {value} is beyond the end of the recording, which lasts "
                f"{duration_ms} ms ({_clock(duration_ms)}).",
                code="beyond_media_duration",
            )


def _clock(milliseconds: int) -> str:
    minutes, seconds = divmod(milliseconds // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def _root_of(db: Session, comment: Comment) -> Comment:
    if comment.parent_id is None:
        return comment
    root = db.get(Comment, comment.parent_id)
    if root is None or root.organisation_id != comment.organisation_id:
        raise NotFound("Comment not found.")
    return root


def _reply_count(db: Session, comment_id: uuid.UUID) -> int:
    statement = select(func.count()).select_from(Comment).where(Comment.parent_id == comment_id)
    return db.exec(statement).one()


def _drop_empty_tombstone(db: Session, root_id: uuid.UUID) -> bool:
    """A tombstone only exists to hold replies; with the last one gone, so is it."""
    root = db.get(Comment, root_id)
    if root is None or root.deleted_at is None or _reply_count(db, root_id) > 0:
        return False
    db.delete(root)
    db.flush()
    return True


def _threads(
    db: Session, roots: Sequence[Comment], replies: Sequence[Comment]
) -> list[CommentRead]:
    names = author_names(db, [row.author_user_id for row in (*roots, *replies)])
    by_root: dict[uuid.UUID, list[ReplyRead]] = {root.id: [] for root in roots}
    for reply in sorted(replies, key=lambda row: (row.created_at, str(row.id))):
        if reply.parent_id in by_root:
            by_root[reply.parent_id].append(
                ReplyRead(
                    id=reply.id,
                    parent_id=reply.parent_id,
                    author_user_id=reply.author_user_id,
                    author_name=names.get(reply.author_user_id) if reply.author_user_id else None,
                    body=reply.body,
                    created_at=reply.created_at,
                    edited_at=reply.edited_at,
                )
            )
    return [_thread(root, names, by_root[root.id]) for root in roots]


def _thread(root: Comment, names: dict[uuid.UUID, str], replies: list[ReplyRead]) -> CommentRead:
    deleted = root.deleted_at is not None
    return CommentRead(
        id=root.id,
        recording_id=root.recording_id,
        author_user_id=root.author_user_id,
        author_name=names.get(root.author_user_id) if root.author_user_id else None,
        start_ms=root.start_ms or 0,
        end_ms=root.end_ms,
        criterion_code=root.criterion_code,
        body=None if deleted else root.body,
        deleted=deleted,
        created_at=root.created_at,
        edited_at=root.edited_at,
        deleted_at=root.deleted_at,
        resolved=root.resolved_at is not None,
        resolved_at=root.resolved_at,
        resolved_by_user_id=root.resolved_by_user_id,
        replies=replies,
    )
