"""The state of tus uploads in the database: creation, the PATCH lease, progress, the end.

Every function here blocks (database, storage); async routes call them through
`anyio.to_thread`. Each opens its own short transaction, so progress is committed as
it happens and no connection is held while bytes trickle in from a phone.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col

from app.audit import service as audit
from app.audit.context import AuditContext
from app.config import Settings
from app.errors import Conflict, Gone, Locked, NotFound
from app.jobs.kinds import queue_processing
from app.models import Recording, RecordingStatus, Upload, User
from app.models.base import utcnow
from app.recording import service as recording_service
from app.recording.erasure import discard_upload_bytes
from app.recording.schemas import RecordingIntent
from app.storage import Storage, StorageUnavailable, StoredPart

logger = logging.getLogger("tandem.recording.uploads")


class LeaseLost(Conflict):
    """Another request took this upload over after our lease lapsed: stop, write nothing."""

    def __init__(self) -> None:
        super().__init__("This upload was taken over by another request.", code="upload_taken_over")


@dataclass(frozen=True)
class UploadSnapshot:
    id: uuid.UUID
    organisation_id: uuid.UUID
    uploader_user_id: uuid.UUID
    recording_id: uuid.UUID
    length: int
    offset: int
    raw_metadata: str
    storage_key: str
    multipart_id: str
    parts: list[StoredPart]
    tail_key: str | None
    tail_size: int
    expires_at: datetime
    completed_at: datetime | None

    @classmethod
    def of(cls, row: Upload) -> "UploadSnapshot":
        values = row.model_dump()
        values["parts"] = [StoredPart(**part) for part in row.parts]
        return cls(**{name: values[name] for name in cls.__dataclass_fields__})

    @property
    def expired(self) -> bool:
        return self.completed_at is None and self.expires_at < utcnow()


def tail_prefix(upload_id: uuid.UUID) -> str:
    return f"uploads/{upload_id}/"


def create_upload(
    engine: Engine,
    storage: Storage,
    settings: Settings,
    *,
    user: User,
    intent: RecordingIntent,
    length: int,
    raw_metadata: str,
    context: AuditContext,
) -> UploadSnapshot:
    with Session(engine, expire_on_commit=False) as db:
        member = recording_service.uploading_member(
            db, user=user, organisation_id=intent.organisation_id
        )
        recording = recording_service.create_recording(
            db, member=member, intent=intent, context=context
        )
        # Nothing to store for an empty file; it is rejected as soon as it is complete.
        multipart_id = storage.create_multipart(recording.storage_key) if length else ""
        upload = Upload(
            organisation_id=member.organisation_id,
            uploader_user_id=user.id,
            recording_id=recording.id,
            length=length,
            raw_metadata=raw_metadata,
            storage_key=recording.storage_key,
            multipart_id=multipart_id,
            expires_at=utcnow() + timedelta(hours=settings.upload_expiry_hours),
        )
        db.add(upload)
        db.commit()
        return UploadSnapshot.of(upload)


def load(engine: Engine, *, upload_id: uuid.UUID, user: User) -> UploadSnapshot:
    """The caller's own upload; anyone else's does not exist for them (404)."""
    with Session(engine) as db:
        row = db.get(Upload, upload_id)
        if row is None or row.uploader_user_id != user.id:
            raise NotFound("Upload not found.")
        return UploadSnapshot.of(row)


def load_live(engine: Engine, *, upload_id: uuid.UUID, user: User) -> UploadSnapshot:
    snapshot = load(engine, upload_id=upload_id, user=user)
    if snapshot.expired:
        raise Gone("This upload has expired; start a new one.", code="upload_expired")
    return snapshot


def reload_if_present(engine: Engine, *, upload_id: uuid.UUID) -> UploadSnapshot | None:
    with Session(engine) as db:
        row = db.get(Upload, upload_id)
        return UploadSnapshot.of(row) if row is not None else None


@dataclass(frozen=True)
class Lease:
    token: str
    upload: UploadSnapshot  # as committed when the lease was taken


def acquire(engine: Engine, *, upload_id: uuid.UUID, seconds: int) -> Lease:
    """Hold the upload for one request, across processes: a conditional UPDATE, and the
    upload read back in the same transaction (another process may have moved it on)."""
    token = uuid.uuid4().hex
    now = utcnow()
    statement = (
        update(Upload)
        .where(col(Upload.id) == upload_id)
        .where((col(Upload.lock_until).is_(None)) | (col(Upload.lock_until) < now))
        .values(lock_token=token, lock_until=now + timedelta(seconds=seconds))
    )
    with Session(engine) as db:
        changed = db.execute(statement).rowcount  # type: ignore[attr-defined]
        row = db.get(Upload, upload_id)
        snapshot = UploadSnapshot.of(row) if row is not None else None
        db.commit()
    if changed != 1 or snapshot is None:
        raise Locked(
            "Another request is writing to this upload; retry shortly.", code="upload_locked"
        )
    return Lease(token, snapshot)


def _guarded_update(
    engine: Engine, upload_id: uuid.UUID, token: str, values: dict[Any, Any]
) -> None:
    statement = (
        update(Upload)
        .where(col(Upload.id) == upload_id, col(Upload.lock_token) == token)
        .values(values)
    )
    with Session(engine) as db:
        changed = db.execute(statement).rowcount  # type: ignore[attr-defined]
        db.commit()
    if changed != 1:
        raise LeaseLost()


def renew(engine: Engine, *, upload_id: uuid.UUID, token: str, seconds: int) -> None:
    until = utcnow() + timedelta(seconds=seconds)
    _guarded_update(engine, upload_id, token, {Upload.lock_until: until})


def release(engine: Engine, *, upload_id: uuid.UUID, token: str) -> None:
    statement = (
        update(Upload)
        .where(col(Upload.id) == upload_id, col(Upload.lock_token) == token)
        .values(lock_token=None, lock_until=None)
    )
    with Session(engine) as db:
        db.execute(statement)
        db.commit()


def record_progress(
    engine: Engine,
    settings: Settings,
    *,
    upload_id: uuid.UUID,
    token: str,
    parts: list[StoredPart],
    tail_key: str | None,
    tail_size: int,
    release: bool = False,
) -> int:
    """Commit what is durably stored; the new offset is what HEAD reports from now on.
    With `release`, the request is done with the upload: the lease ends in the same commit."""
    offset = sum(part.size for part in parts) + tail_size
    now = utcnow()
    lease_until = None if release else now + timedelta(seconds=settings.upload_lock_seconds)
    values = {
        Upload.parts: [vars(part) for part in parts],
        Upload.tail_key: tail_key,
        Upload.tail_size: tail_size,
        Upload.offset: offset,
        Upload.lock_until: lease_until,
        # Expiry slides with activity: a slow phone upload over days is not abandoned.
        Upload.expires_at: now + timedelta(hours=settings.upload_expiry_hours),
    }
    if release:
        values[Upload.lock_token] = None
    _guarded_update(engine, upload_id, token, values)
    return offset


def finish(
    engine: Engine,
    storage: Storage,
    *,
    snapshot: UploadSnapshot,
    token: str,
    context: AuditContext,
) -> uuid.UUID:
    """Every byte is stored: assemble the object and hand the recording to processing."""
    if snapshot.length:
        storage.complete_multipart(snapshot.storage_key, snapshot.multipart_id, snapshot.parts)
    now = utcnow()
    completed = (
        update(Upload)
        .where(col(Upload.id) == snapshot.id, col(Upload.lock_token) == token)
        .values(completed_at=now)
    )
    # One transaction: an upload is never complete while its recording still waits for it.
    with Session(engine) as db:
        if db.execute(completed).rowcount != 1:  # type: ignore[attr-defined]
            raise LeaseLost()
        recording = db.get(Recording, snapshot.recording_id)
        if recording is not None and recording.status == RecordingStatus.uploading:
            recording.status = RecordingStatus.processing
            recording.uploaded_at = now
            recording.size_bytes = snapshot.length
            db.add(recording)
            audit.record(
                db,
                action="recording.uploaded",
                resource_type="recording",
                resource_id=recording.id,
                organisation_id=recording.organisation_id,
                actor_user_id=snapshot.uploader_user_id,
                context=context,
                details={"size_bytes": snapshot.length, "via": "tus"},
            )
            queue_processing(db, recording.id)
        db.commit()
    return snapshot.recording_id


def discard_all_bytes(storage: Storage, snapshot: UploadSnapshot) -> None:
    """Everything an unfinished upload may have stored, wherever it is (idempotent)."""
    discard_upload_bytes(storage, snapshot.storage_key, snapshot.multipart_id, snapshot.id)
    storage.delete(snapshot.storage_key)  # completed by a request that then lost the upload


def terminate(
    engine: Engine,
    storage: Storage,
    *,
    snapshot: UploadSnapshot,
    actor: User | None,
    context: AuditContext,
    reason: str,
) -> None:
    """Drop an unfinished upload: the upload and its recording, then its stored bytes.

    The rows go first, in one transaction that only removes an upload still unfinished:
    a PATCH completing it at the same moment wins (409), and a PATCH still running finds
    it gone and stops. Bytes a crash leaves behind are swept by `python -m app purge`
    (app/recording/leftovers.py), and so are those of an upload dropped while the store
    is out of reach: the upload is gone either way, and saying 503 to a person who
    cancelled would only have them try again and hear 404.
    """
    with Session(engine) as db:
        removed = db.execute(
            delete(Upload).where(col(Upload.id) == snapshot.id, col(Upload.completed_at).is_(None))
        ).rowcount  # type: ignore[attr-defined]
        if removed != 1:
            if db.get(Upload, snapshot.id) is None:
                raise NotFound("Upload not found.")
            raise Conflict(
                "This upload is complete; manage the recording at /api/v1/recordings instead.",
                code="upload_complete",
            )
        audit.record(
            db,
            action=f"upload.{reason}",
            resource_type="upload",
            resource_id=snapshot.id,
            organisation_id=snapshot.organisation_id,
            actor_user_id=actor.id if actor else None,
            context=context,
            details={"offset": snapshot.offset, "length": snapshot.length},
        )
        # Its recording never had media; a withdrawn one stays as a tombstone.
        db.execute(
            delete(Recording).where(
                col(Recording.id) == snapshot.recording_id,
                col(Recording.status) == RecordingStatus.uploading,
            )
        )
        db.commit()
    try:
        discard_upload_bytes(storage, snapshot.storage_key, snapshot.multipart_id, snapshot.id)
    except StorageUnavailable:
        logger.warning("the bytes of dropped upload %s are left for the sweep", snapshot.id)
