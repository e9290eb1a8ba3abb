"""Serving media and poster frames: from disk with Range support, or a short-lived link
(a presigned S3 URL, or our own on disk: media_links.py)."""

import asyncio
import contextlib
import os
import re
import stat
import time
from datetime import datetime, timedelta
from pathlib import Path

import anyio
from fastapi import Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy import event
from sqlmodel import Session
from starlette.datastructures import MutableHeaders
from starlette.responses import MalformedRangeHeader
from starlette.responses import RangeNotSatisfiable as StarletteRangeNotSatisfiable
from starlette.types import Send

from app.access.recordings import RecordingAccess, media_access_ends_at, require_media
from app.audit import service as audit
from app.audit.context import AuditContext
from app.config import Settings
from app.errors import AppError, Conflict, Gone, NotFound, RangeNotSatisfiable
from app.models import Recording, RecordingStatus
from app.models.base import utcnow
from app.recording.media_links import MediaLink, link_to, read_link
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


FAST_CLIENT_CHUNK = 4 * 1024 * 1024
FAST_CLIENT_BYTES_PER_SECOND = 100_000_000


class MediaFileResponse(FileResponse):
    # 1 MiB reads rather than Starlette's 64 KiB: a player's Range request of a few MiB
    # goes out in a few thread hops instead of sixteen per MiB (bench/range_reads.py).
    # Reads grow to FAST_CLIENT_CHUNK for a client that takes the bytes as fast as they
    # come (see _send_bytes).
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

    async def _handle_simple(self, send: Send, send_header_only: bool, send_pathsend: bool) -> None:
        # The whole file (a download, or a client that reads straight through), read ahead
        # like a range; Starlette's own code for the rest.
        if send_header_only or send_pathsend or self.stat_result is None:
            return await super()._handle_simple(send, send_header_only, send_pathsend)
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        await self._send_bytes(send, 0, self.stat_result.st_size)

    async def _handle_single_range(
        self, send: Send, start: int, end: int, file_size: int, send_header_only: bool
    ) -> None:
        # A seek is one range. Starlette reads it in four worker-thread hops (open, seek,
        # read, close); this takes one per chunk. With ten people seeking at once each hop
        # waits its turn for the GIL, and those waits were most of a seek's time to first
        # byte (bench/range_reads.py). Starlette's own code otherwise, kept in step with
        # the version in requirements.lock.
        headers = MutableHeaders(raw=list(self.raw_headers))
        headers["content-range"] = f"bytes {start}-{end - 1}/{file_size}"
        headers["content-length"] = str(end - start)
        await send({"type": "http.response.start", "status": 206, "headers": headers.raw})
        if send_header_only:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        else:
            await self._send_bytes(send, start, end)

    async def _send_bytes(self, send: Send, start: int, end: int) -> None:
        """Bytes [start, end) of the file, a chunk per worker-thread read, the next chunk
        read while the one before goes out: the disk and the socket work side by side
        (full reads went at ~0.6x nginx one after the other).

        A response holds two chunks at most, one going out and one read ahead. They grow
        to FAST_CLIENT_CHUNK while the client takes each at over FAST_CLIENT_BYTES_PER_SECOND
        (a download on a fast network: fewer hops, ~25 % less CPU a byte), and go back to
        `chunk_size` when it does not: a viewer on a phone holds 2 MiB, not 8."""
        size = self.chunk_size

        def read_from(offset: int) -> tuple[asyncio.Future[bytes], int]:
            """The read of the next chunk, started, and the length it should have."""
            length = min(size, end - offset)
            read = anyio.to_thread.run_sync(_read_at, self.path, offset, length)
            return asyncio.ensure_future(read), length

        reading, expected = read_from(start)
        try:
            while True:
                chunk = await reading
                start += len(chunk)
                # A short read: the file ended early (it never changes once stored).
                more_body = len(chunk) == expected and start < end
                if more_body:
                    reading, expected = read_from(start)
                sending = time.perf_counter()
                await send({"type": "http.response.body", "body": chunk, "more_body": more_body})
                if not more_body:
                    return
                taken_at = len(chunk) / max(time.perf_counter() - sending, 1e-6)
                fast = taken_at > FAST_CLIENT_BYTES_PER_SECOND
                size = min(size * 2, FAST_CLIENT_CHUNK) if fast else self.chunk_size
        finally:
            # The client went away mid-send: the read ahead is not wanted.
            if not reading.done():
                reading.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reading


def _read_at(path: str | os.PathLike[str], offset: int, size: int) -> bytes:
    with open(path, "rb", buffering=0) as file:
        return os.pread(file.fileno(), size, offset)


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
    redirect: bool = False,
) -> Response:
    """The media (or poster) for someone allowed to see it; every viewing is audited
    (viewings.py: one row for the many Range requests of one sitting). On S3, and on disk
    when the caller asks (`redirect`, as the PWA's player does), a redirect to a
    short-lived link that serves the viewing's Range requests."""
    require_media(access)
    recording = access.recording
    _require_playable(recording)
    key, content_type, filename = _target(recording, poster=poster)
    ends_at = media_access_ends_at(db, access)
    seconds = _link_seconds(settings, ends_at)
    url = storage.presigned_get(key, seconds=seconds, content_type=content_type, filename=filename)
    delivery = "redirect"
    if url is None:
        file = _stored_file(storage, key)
        etag = None if poster else recording.sha256
        media = MediaLink(key=key, content_type=content_type, filename=filename, etag=etag)
        if not redirect:
            _audit_viewing(db, request, access, poster=poster, delivery="stream")
            return _stored(media, file, settings)
        expires_at = utcnow() + timedelta(seconds=seconds)
        if ends_at is not None:
            expires_at = min(expires_at, ends_at)
        url = link_to(media, secret_key=settings.secret_key, expires_at=expires_at)
        delivery = "link"
    _audit_viewing(db, request, access, poster=poster, delivery=delivery)
    return RedirectResponse(url, status_code=307, headers={"Cache-Control": NO_STORE})


def _link_seconds(settings: Settings, ends_at: datetime | None) -> int:
    """How long a link to the media may work: the settings' time, and never beyond
    `ends_at`, the end of a grant the caller watches by (a guest's access ends then, links
    and all)."""
    seconds = min(settings.presigned_url_seconds, MAX_PRESIGNED_SECONDS)
    if ends_at is None:
        return seconds
    return max(1, min(seconds, int((ends_at - utcnow()).total_seconds())))


def linked_media_response(token: str, storage: Storage, settings: Settings) -> Response:
    """What a link from media_response names, to whoever holds it until it expires: the
    access rules and the audit trail had their say when it was made."""
    media = read_link(token, secret_key=settings.secret_key)
    return _stored(media, _stored_file(storage, media.key), settings)


def _stored_file(storage: Storage, key: str) -> tuple[Path, os.stat_result]:
    """The stored file and its stat, which the response would otherwise take again in a
    worker thread (one hop more per seek)."""
    path = storage.local_path(key)
    try:
        found = None if path is None else path.stat()
    except FileNotFoundError:
        found = None
    if path is None or found is None or not stat.S_ISREG(found.st_mode):
        # Erased since (consent withdrawn, recording deleted), or lost from the disk.
        raise Gone("This recording's media are missing from storage.", code="media_missing")
    return path, found


def _stored(media: MediaLink, file: tuple[Path, os.stat_result], settings: Settings) -> Response:
    headers = {"Cache-Control": NO_STORE}
    if media.etag:
        # Strong and stable: the bytes never change, so If-Range can trust it.
        headers["ETag"] = f'"{media.etag}"'
    if settings.media_accel_redirect:
        return _handed_to_nginx(settings.media_accel_redirect, media, headers)
    path, found = file
    return MediaFileResponse(
        path,
        stat_result=found,
        media_type=media.content_type,
        filename=media.filename,
        content_disposition_type="inline",
        headers=headers,
    )


def _handed_to_nginx(location: str, media: MediaLink, headers: dict[str, str]) -> Response:
    """Who may watch is decided and audited here; the bytes and the Ranges are nginx's
    (deploy/nginx.conf): a seek then costs the app no thread and no read. Keys are our
    own (`recordings/{organisation}/{recording}/original`), so they need no escaping."""
    return Response(
        media_type=media.content_type,
        headers={
            **headers,
            "X-Accel-Redirect": location + media.key,
            "Content-Disposition": f'inline; filename="{media.filename}"',
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
