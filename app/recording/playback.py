"""Serving media and poster frames: from disk with Range support, or a presigned S3 URL."""

import re

from fastapi import Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy import event
from sqlmodel import Session
from starlette.responses import MalformedRangeHeader
from starlette.responses import RangeNotSatisfiable as StarletteRangeNotSatisfiable

from app.access.recordings import RecordingAccess, require_media
from app.audit import service as audit
from app.audit.context import AuditContext
from app.config import Settings
from app.errors import AppError, Conflict, Gone, NotFound, RangeNotSatisfiable
from app.models import Recording, RecordingStatus
from app.models.base import utcnow
from app.recording.viewings import ViewingKey, ViewingLog, audited_elsewhere
from app.storage import Storage

NO_STORE = "private, no-store"
FIRST_RANGE = re.compile(r"\d{1,20}-\d{0,20}|-\d{1,20}")
# A presigned URL must not outlive a quarter of an hour, whatever the settings say.
MAX_PRESIGNED_SECONDS = 15 * 60
EXTENSIONS = {
    "mp4": "mp4",
    "quicktime": "mov",
    "matroska": "webm",
    "ogg": "ogg",
    "wav": "wav",
    "flac": "flac",
    "mp3": "mp3",
    "mpeg-audio": "mp3",
    "amr": "amr",
    "caf": "caf",
    "asf": "wmv",
    "aiff": "aiff",
    "mpegts": "ts",
    "avi": "avi",
}


class MediaFileResponse(FileResponse):
    # 1 MiB reads rather than Starlette's 64 KiB: a player's Range request of a few MiB
    # goes out in a few thread hops instead of sixteen per MiB (bench/range_reads.py).
    chunk_size = 1024 * 1024

    @classmethod
    def _parse_range_header(cls, http_range: str, file_size: int) -> list[tuple[int, int]]:
        # Starlette answers a bad Range in plain text; ours take the one error shape.
        # Raised while the response starts, they reach the error handler like any other.
        try:
            return super()._parse_range_header(http_range, file_size)
        except MalformedRangeHeader:
            raise AppError("The Range header is malformed.", code="bad_range") from None
        except StarletteRangeNotSatisfiable:
            raise RangeNotSatisfiable(
                "The Range starts beyond the end of the media.",
                headers={"Content-Range": f"bytes */{file_size}"},
            ) from None


def range_summary(header: str | None) -> dict[str, object] | None:
    """What the audit trail keeps of a Range header: its first range and how many there
    were, bounded whatever the caller sent (never the header itself)."""
    if header is None:
        return None
    unit, _, specs = header.partition("=")
    first = specs.split(",", 1)[0].strip()
    well_formed = unit.strip().lower() == "bytes" and FIRST_RANGE.fullmatch(first)
    return {"first": first if well_formed else None, "count": specs.count(",") + 1}


def _require_playable(recording: Recording) -> None:
    if recording.status in (RecordingStatus.deleted, RecordingStatus.rejected):
        raise Gone("This recording's media were erased.", code="media_erased")
    if recording.status != RecordingStatus.ready:
        raise Conflict("This recording is still being uploaded or processed.", code="not_ready")


def _target(recording: Recording, *, poster: bool) -> tuple[str, str, str]:
    """The object key, its content type and the file name a browser should show."""
    if poster:
        if recording.poster_key is None:
            raise NotFound("This recording has no poster frame.")
        return recording.poster_key, "image/jpeg", f"recording-{recording.id}.jpg"
    extension = EXTENSIONS.get(recording.container or "", "bin")
    content_type = recording.media_type or "application/octet-stream"
    return recording.storage_key, content_type, f"recording-{recording.id}.{extension}"


def media_response(
    db: Session,
    storage: Storage,
    settings: Settings,
    *,
    access: RecordingAccess,
    request: Request,
    poster: bool = False,
) -> Response:
    """The media (or poster) for someone allowed to see it; every viewing is audited
    (viewings.py: one row for the many Range requests of one sitting)."""
    require_media(access)
    recording = access.recording
    _require_playable(recording)
    key, content_type, filename = _target(recording, poster=poster)
    seconds = min(settings.presigned_url_seconds, MAX_PRESIGNED_SECONDS)
    url = storage.presigned_get(key, seconds=seconds, content_type=content_type, filename=filename)
    path = None if url is not None else storage.local_path(key)
    if url is None and (path is None or not path.is_file()):
        raise Gone("This recording's media are missing from storage.", code="media_missing")
    _audit_viewing(db, request, access, poster=poster, delivery="redirect" if url else "stream")
    if url is not None:
        return RedirectResponse(url, status_code=307, headers={"Cache-Control": NO_STORE})
    assert path is not None
    headers = {"Cache-Control": NO_STORE}
    if not poster and recording.sha256:
        # Strong and stable: the bytes never change, so If-Range can trust it.
        headers["ETag"] = f'"{recording.sha256}"'
    if settings.media_accel_redirect:
        return _handed_to_nginx(settings.media_accel_redirect, key, content_type, filename, headers)
    return MediaFileResponse(
        path,
        media_type=content_type,
        filename=filename,
        content_disposition_type="inline",
        headers=headers,
    )


def _handed_to_nginx(
    location: str, key: str, content_type: str, filename: str, headers: dict[str, str]
) -> Response:
    """Who may watch is decided and audited here; the bytes and the Ranges are nginx's
    (deploy/nginx.conf): a seek then costs the app no thread and no read. Keys are our
    own (`recordings/{organisation}/{recording}/original`), so they need no escaping."""
    return Response(
        media_type=content_type,
        headers={
            **headers,
            "X-Accel-Redirect": location + key,
            "Content-Disposition": f'inline; filename="{filename}"',
        },
    )


def _audit_viewing(
    db: Session, request: Request, access: RecordingAccess, *, poster: bool, delivery: str
) -> None:
    action = "recording.poster_viewed" if poster else "recording.media_viewed"
    recording = access.recording
    viewing: ViewingKey = (access.member.user_id, recording.id, action)
    log: ViewingLog = request.app.state.viewings
    now = utcnow()
    if not log.claim(viewing, now) or audited_elsewhere(db, viewing, now):
        return
    # Should the request's transaction not commit, the row is gone: the next request of
    # the viewing must write it again.
    event.listen(db, "after_soft_rollback", lambda *_: log.forget(viewing), once=True)
    audit.record(
        db,
        action=action,
        resource_type="recording",
        resource_id=recording.id,
        organisation_id=recording.organisation_id,
        actor_user_id=access.member.user_id,
        context=AuditContext.of(request),
        details={"range": range_summary(request.headers.get("range")), "delivery": delivery},
    )
