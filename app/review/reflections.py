"""The practitioner's reflection on a recording, and the thread with their coach under it.

Who reads it is decided in app/access/conversation.py: its author, and once shared the
coaches assigned to them; for everyone else it is not even known to exist (404). The
author may keep editing after sharing; `edited_at` then tells the coach the text changed.
"""

import uuid

from sqlmodel import Session, col

from app.access import scoped
from app.access.conversation import may_read_reflection
from app.access.recordings import RecordingAccess, recording_access
from app.audit import service as audit
from app.audit.context import SYSTEM, AuditContext
from app.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.models import NotificationKind, Reflection, ReflectionReply, User
from app.models.base import utcnow
from app.notifications.service import notify
from app.review.comments import author_names
from app.review.reflection_schemas import (
    ReflectionRead,
    ReflectionReplyCreate,
    ReflectionReplyRead,
    ReflectionWrite,
)
from app.schemas import Page

SECTIONS = ("went_well", "do_differently", "want_help", "notes")


def _of_recording(db: Session, access: RecordingAccess) -> Reflection | None:
    statement = scoped(Reflection, access.recording.organisation_id).where(
        Reflection.recording_id == access.recording.id
    )
    return db.exec(statement).first()


def visible_reflection(db: Session, *, access: RecordingAccess) -> Reflection:
    reflection = _of_recording(db, access)
    if reflection is None or not may_read_reflection(access, reflection):
        raise NotFound("Reflection not found.")
    return reflection


def reflection_in_reach(
    db: Session, *, user: User, reflection_id: uuid.UUID
) -> tuple[RecordingAccess, Reflection]:
    reflection = db.get(Reflection, reflection_id)
    if reflection is None:
        raise NotFound("Reflection not found.")
    access = recording_access(
        db, user=user, recording_id=reflection.recording_id, label="Reflection"
    )
    if not may_read_reflection(access, reflection):
        raise NotFound("Reflection not found.")
    return access, reflection


def write_reflection(
    db: Session, *, access: RecordingAccess, body: ReflectionWrite
) -> tuple[ReflectionRead, bool]:
    """Create or replace the owner's reflection; True when it was created."""
    _require_owner(access, "write the reflection on it")
    reflection = _of_recording(db, access)
    created = reflection is None
    if reflection is None:
        reflection = Reflection(
            organisation_id=access.recording.organisation_id, recording_id=access.recording.id
        )
    now = utcnow()
    for name in SECTIONS:
        setattr(reflection, name, getattr(body, name))
    reflection.updated_at = now
    if reflection.shared_at is not None:
        reflection.edited_at = now
    db.add(reflection)
    db.flush()
    return read(access, reflection), created


def share(
    db: Session,
    *,
    access: RecordingAccess,
    reflection: Reflection,
    context: AuditContext = SYSTEM,
) -> ReflectionRead:
    """Share with the practitioner's coaches; sharing again changes nothing."""
    _require_owner(access, "share its reflection")
    if not any(getattr(reflection, name) for name in SECTIONS):
        raise Unprocessable("Write something before sharing the reflection.", code="empty")
    if reflection.shared_at is None:
        reflection.shared_at = utcnow()
        db.add(reflection)
        db.flush()
        audit.record(
            db,
            action="reflection.shared",
            resource_type="reflection",
            resource_id=reflection.id,
            organisation_id=reflection.organisation_id,
            actor_user_id=access.member.user.id,
            context=context,
            details={"recording_id": str(reflection.recording_id)},
        )
        notify(
            db,
            kind=NotificationKind.reflection_shared,
            about=reflection,
            actor_user_id=access.member.user_id,
        )
    return read(access, reflection)


def list_replies(db: Session, *, reflection: Reflection, page: Page) -> list[ReflectionReplyRead]:
    statement = (
        scoped(ReflectionReply, reflection.organisation_id)
        .where(ReflectionReply.reflection_id == reflection.id)
        .order_by(col(ReflectionReply.created_at), col(ReflectionReply.id))
    )
    replies = list(db.exec(page.of(statement)))
    names = author_names(db, [reply.author_user_id for reply in replies])
    return [_reply_read(reply, names) for reply in replies]


def add_reply(
    db: Session, *, access: RecordingAccess, reflection: Reflection, body: ReflectionReplyCreate
) -> ReflectionReplyRead:
    if reflection.shared_at is None:
        raise Conflict(
            "Share the reflection with your coach before starting a thread on it.",
            code="reflection_not_shared",
        )
    reply = ReflectionReply(
        organisation_id=reflection.organisation_id,
        reflection_id=reflection.id,
        author_user_id=access.member.user.id,
        body=body.body,
    )
    db.add(reply)
    db.flush()
    notify(
        db,
        kind=NotificationKind.reflection_reply,
        about=reflection,
        actor_user_id=access.member.user_id,
    )
    return _reply_read(reply, author_names(db, [reply.author_user_id]))


def read(access: RecordingAccess, reflection: Reflection) -> ReflectionRead:
    return ReflectionRead(
        id=reflection.id,
        recording_id=reflection.recording_id,
        owner_user_id=access.recording.owner_user_id,
        went_well=reflection.went_well,
        do_differently=reflection.do_differently,
        want_help=reflection.want_help,
        notes=reflection.notes,
        created_at=reflection.created_at,
        updated_at=reflection.updated_at,
        shared=reflection.shared_at is not None,
        shared_at=reflection.shared_at,
        edited_at=reflection.edited_at,
    )


def _require_owner(access: RecordingAccess, what: str) -> None:
    if not access.is_owner:
        raise Forbidden(
            f"Only the practitioner who made the recording may {what}.", code="not_owner"
        )


def _reply_read(reply: ReflectionReply, names: dict[uuid.UUID, str]) -> ReflectionReplyRead:
    return ReflectionReplyRead(
        id=reply.id,
        reflection_id=reply.reflection_id,
        author_user_id=reply.author_user_id,
        author_name=names.get(reply.author_user_id) if reply.author_user_id else None,
        body=reply.body,
        created_at=reply.created_at,
    )
