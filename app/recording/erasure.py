"""Erasing media: on consent withdrawal, deletion, rejection, retention and abandoned uploads.

Erasure works by key prefix, so it also removes what a crashed process left half-made
(a poster written after a withdrawal, a stray tail object). Every step is idempotent:
two machines erasing the same recording at once both succeed.
"""

import uuid

from sqlmodel import Session, select

from app.access.recordings import RecordingAccess, require_owner_or_lead
from app.audit import service as audit
from app.audit.context import AuditContext
from app.errors import Conflict
from app.models import Recording, RecordingStatus, Upload
from app.models.base import utcnow
from app.recording.service import consent_of, recording_prefix
from app.storage import Storage


def delete_prefix(storage: Storage, prefix: str) -> int:
    found = storage.list(prefix)
    for item in found:
        storage.delete(item.key)
    return len(found)


def discard_upload_bytes(
    storage: Storage, key: str, multipart_id: str, upload_id: uuid.UUID
) -> None:
    if multipart_id:
        storage.abort_multipart(key, multipart_id)
    delete_prefix(storage, f"uploads/{upload_id}/")


def erase_recording_media(storage: Storage, recording: Recording) -> int:
    return delete_prefix(storage, recording_prefix(recording.organisation_id, recording.id))


def erase_now(db: Session, storage: Storage, recording: Recording) -> None:
    """Remove every stored byte of the recording (and of its upload, if unfinished)."""
    upload = db.exec(select(Upload).where(Upload.recording_id == recording.id)).first()
    if upload is not None and upload.completed_at is None:
        discard_upload_bytes(storage, upload.storage_key, upload.multipart_id, upload.id)
        db.delete(upload)
    erase_recording_media(storage, recording)
    recording.media_erased_at = utcnow()
    recording.poster_key = None
    db.add(recording)
    db.flush()


def withdraw_consent(
    db: Session,
    storage: Storage,
    *,
    access: RecordingAccess,
    reason: str | None,
    context: AuditContext,
) -> Recording:
    """The family withdrew consent: erase the media now, keep a tombstone with the record."""
    require_owner_or_lead(access)
    recording = access.recording
    consent = consent_of(db, recording.id)
    if consent is None or consent.withdrawn_at is not None:
        raise Conflict("Consent for this recording is already withdrawn.", code="already_withdrawn")
    now = utcnow()
    consent.withdrawn_at = now
    consent.withdrawn_by_user_id = access.member.user.id
    recording.status = RecordingStatus.deleted
    recording.deleted_at = now
    recording.deleted_reason = "consent_withdrawn"
    db.add(consent)
    db.add(recording)
    db.flush()
    erase_now(db, storage, recording)
    audit.record(
        db,
        action="recording.consent_withdrawn",
        resource_type="recording",
        resource_id=recording.id,
        organisation_id=recording.organisation_id,
        actor_user_id=access.member.user.id,
        context=context,
        details={"reason": reason} if reason else {},
    )
    return recording


def delete_recording(
    db: Session, storage: Storage, *, access: RecordingAccess, context: AuditContext
) -> Recording:
    """The practitioner (or a lead) deletes a recording: its media are erased now, as on a
    withdrawal, and the record of the session stays, marked deleted, with its scores,
    comments and reflections. Consent itself is not withdrawn by this."""
    require_owner_or_lead(access)
    recording = access.recording
    if recording.status == RecordingStatus.deleted:
        raise Conflict("This recording is already deleted.", code="already_deleted")
    recording.status = RecordingStatus.deleted
    recording.deleted_at = utcnow()
    recording.deleted_reason = "deleted"
    db.add(recording)
    db.flush()
    erase_now(db, storage, recording)
    audit.record(
        db,
        action="recording.deleted",
        resource_type="recording",
        resource_id=recording.id,
        organisation_id=recording.organisation_id,
        actor_user_id=access.member.user.id,
        context=context,
        details={"by": "owner" if access.is_owner else "lead"},
    )
    return recording
