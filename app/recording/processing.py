"""After the last byte: location metadata out, sha256, what the file really is, a poster
frame; ready or rejected.

It runs in the app process, in a worker thread right after the completing request has
answered (a background task), so the uploader hears "complete" at once. It is
idempotent and claims its recording with a lease, so `process_pending` (run by
`python -m app purge`, or on its own) finishes whatever a stopped process left behind.
"""

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.config import Settings
from app.db import SETTINGS_INFO
from app.models import NotificationKind, Recording, RecordingStatus, Upload
from app.models.base import utcnow
from app.notifications.service import notify
from app.recording.erasure import erase_recording_media
from app.recording.media import MediaInfo, NotMedia, poster_jpeg, probe, sha256_and_size, sniff
from app.recording.user_data import metadata_boxes, without_metadata
from app.storage import Storage

logger = logging.getLogger("tandem.recording.processing")
SNIFF_BYTES = 512
ISO_BASE_MEDIA = {"mp4", "quicktime"}  # the families whose metadata boxes user_data.py knows


def _claim(engine: Engine, settings: Settings, recording_id: uuid.UUID) -> Recording | None:
    now = utcnow()
    stale = now - timedelta(minutes=settings.processing_stale_minutes)
    statement = (
        update(Recording)
        .where(
            col(Recording.id) == recording_id, col(Recording.status) == RecordingStatus.processing
        )
        .where(
            col(Recording.processing_started_at).is_(None)
            | (col(Recording.processing_started_at) < stale)
        )
        .values(processing_started_at=now)
    )
    with Session(engine, expire_on_commit=False) as db:
        claimed = db.execute(statement).rowcount  # type: ignore[attr-defined]
        db.commit()
        return db.get(Recording, recording_id) if claimed == 1 else None


def process_recording(
    engine: Engine, storage: Storage, settings: Settings, recording_id: uuid.UUID
) -> None:
    recording = _claim(engine, settings, recording_id)
    if recording is None:
        return  # another process has it, or it is no longer waiting
    try:
        _process(engine, storage, settings, recording)
    except Exception:
        logger.exception("processing recording %s failed; it will be retried", recording_id)
        with Session(engine) as db:
            db.execute(
                update(Recording)
                .where(col(Recording.id) == recording_id)
                .values(processing_started_at=None)
            )
            db.commit()


def _process(engine: Engine, storage: Storage, settings: Settings, recording: Recording) -> None:
    if not recording.size_bytes:
        _reject(engine, storage, settings, recording, "The file is empty.", sha256=None, size=0)
        return
    removed = _remove_user_data(storage, recording)
    with storage.open(recording.storage_key) as file:
        sha256, size, head = sha256_and_size(file)
    family = sniff(head)
    try:
        if family is None:
            raise NotMedia("The file is not audio or video (its content has no media signature).")
        with storage.open(recording.storage_key) as file:
            info = probe(file, family)
    except NotMedia as error:
        _reject(engine, storage, settings, recording, str(error), sha256=sha256, size=size)
        return
    poster_key = _store_poster(storage, recording) if info.has_video else None
    _mark_ready(
        engine,
        storage,
        recording,
        info,
        sha256=sha256,
        size=size,
        poster_key=poster_key,
        metadata_boxes_removed=removed,
    )


def _remove_user_data(storage: Storage, recording: Recording) -> int:
    """Empty the location and device metadata boxes of an MP4 or QuickTime file (see
    user_data.py) before it is hashed, so the sha256 and ETag are of what is served."""
    with storage.open(recording.storage_key) as file:
        if sniff(file.read(SNIFF_BYTES)) not in ISO_BASE_MEDIA:
            return 0
        boxes = metadata_boxes(file, recording.size_bytes or 0)
    if boxes:
        storage.patch(recording.storage_key, without_metadata(boxes))
    return len(boxes)


def _store_poster(storage: Storage, recording: Recording) -> str | None:
    try:
        with storage.open(recording.storage_key) as file:
            image = poster_jpeg(file)
    except Exception:  # a missing poster must not keep a playable recording back
        logger.warning("no poster frame for recording %s", recording.id, exc_info=True)
        return None
    if image is None:
        return None
    key = recording.storage_key.rsplit("/", 1)[0] + "/poster.jpg"
    storage.put(key, image)
    return key


def _finish(
    engine: Engine,
    recording_id: uuid.UUID,
    values: Mapping[str, object],
    *,
    settings: Settings | None = None,
    then: Callable[[Session], object] | None = None,
) -> bool:
    """Write the outcome unless the recording left processing meanwhile (consent withdrawn);
    `then` runs in the same transaction when it was written."""
    statement = (
        update(Recording)
        .where(
            col(Recording.id) == recording_id, col(Recording.status) == RecordingStatus.processing
        )
        .values(processed_at=utcnow(), **values)
    )
    with Session(engine, info={SETTINGS_INFO: settings} if settings else None) as db:
        done: bool = db.execute(statement).rowcount == 1  # type: ignore[attr-defined]
        if done and then is not None:
            then(db)
        db.commit()
    return done


def _mark_ready(
    engine: Engine,
    storage: Storage,
    recording: Recording,
    info: MediaInfo,
    *,
    sha256: str,
    size: int,
    poster_key: str | None,
    metadata_boxes_removed: int,
) -> None:
    values = {**asdict(info), "sha256": sha256, "size_bytes": size, "poster_key": poster_key}
    if not _finish(engine, recording.id, {**values, "status": RecordingStatus.ready}):
        erase_recording_media(storage, recording)  # erased while we worked: leave nothing
        return
    details = {"media_type": info.media_type, "metadata_boxes_removed": metadata_boxes_removed}
    _audit(engine, recording, "recording.ready", details)


def _reject(
    engine: Engine,
    storage: Storage,
    settings: Settings,
    recording: Recording,
    reason: str,
    *,
    sha256: str | None,
    size: int,
) -> None:
    erase_recording_media(storage, recording)
    values = {
        "status": RecordingStatus.rejected,
        "rejection_reason": reason,
        "sha256": sha256,
        "size_bytes": size,
        "media_erased_at": utcnow(),
    }
    if _finish(engine, recording.id, values, settings=settings, then=_notify_rejected(recording)):
        _audit(engine, recording, "recording.rejected", {"reason": reason})


def _notify_rejected(recording: Recording) -> Callable[[Session], object]:
    """The uploader hears of it, in the transaction that rejects it."""

    def then(db: Session) -> object:
        rejected = db.get(Recording, recording.id)
        assert rejected is not None
        kind = NotificationKind.upload_rejected
        return notify(db, kind=kind, about=rejected, actor_user_id=None)

    return then


def _audit(engine: Engine, recording: Recording, action: str, details: dict[str, object]) -> None:
    with Session(engine) as db:
        audit.record(
            db,
            action=action,
            resource_type="recording",
            resource_id=recording.id,
            organisation_id=recording.organisation_id,
            details=details,
        )
        db.commit()


def pending_recording_ids(engine: Engine) -> list[uuid.UUID]:
    with Session(engine) as db:
        statement = select(Recording.id).where(Recording.status == RecordingStatus.processing)
        return list(db.exec(statement))


def unfinished_complete_uploads(engine: Engine) -> list[Upload]:
    """Uploads whose every byte is stored but whose completion a stopped process missed."""
    with Session(engine, expire_on_commit=False) as db:
        statement = select(Upload).where(
            col(Upload.completed_at).is_(None), col(Upload.offset) == col(Upload.length)
        )
        return list(db.exec(statement))
