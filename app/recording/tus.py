"""tus 1.0.0 at /api/v1/uploads: core, creation, creation-with-upload, termination,
checksum and expiration (https://tus.io/protocols/resumable-upload).

No maintained Python server fits: tuspyserver, asgi-tus, fastapi-tusd and
resumable-upload keep upload state in files or their own store, none in our database
with our authorisation and a lease across processes. So the protocol lives here; the
state in uploads.py, the byte handling in streaming.py.
"""

import base64
import binascii
import uuid
from collections.abc import Callable, Coroutine
from email.utils import format_datetime
from typing import Any

import anyio
from fastapi import Request, Response
from starlette.background import BackgroundTask

from app.audit.context import AuditContext
from app.config import Settings, SettingsDep
from app.errors import (
    DATABASE_ERRORS,
    AppError,
    Conflict,
    Gone,
    PayloadTooLarge,
    PreconditionFailed,
    UnsupportedMedia,
    database_problem,
    is_transient,
    storage_problem,
)
from app.metrics import Metrics
from app.recording import tus_openapi as described
from app.recording import uploads
from app.recording.deps import StreamingUser, processing_task
from app.recording.schemas import RecordingIntent, UploadRead
from app.recording.streaming import Appender, Checksum, blocking
from app.recording.tus_openapi import EXTENSIONS, OFFSET_STREAM, RECORDING_ID_HEADER, TUS_VERSION
from app.recording.uploads import LeaseLost, UploadSnapshot
from app.request_guard import parse_count, reads_own_body
from app.routing import TandemRoute, TandemRouter
from app.storage import Storage, StorageDep, StorageError, StorageUnavailable


class TusRoute(TandemRoute):
    """Every tus answer, errors included, says Tus-Resumable: a tus client takes an answer
    without it for a server that does not speak tus, and gives up rather than retry."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def tus_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except AppError as error:
                resumable(error)
                raise
            except StorageUnavailable as error:
                raise resumable(storage_problem(error)) from error
            except DATABASE_ERRORS as error:
                if not is_transient(error):
                    raise
                raise resumable(database_problem(error)) from error
            response.headers["Tus-Resumable"] = TUS_VERSION
            return response

        return tus_handler


def resumable(error: AppError) -> AppError:
    error.headers = {**(error.headers or {}), "Tus-Resumable": TUS_VERSION}
    return error


def require_version(request: Request) -> None:
    """412 for another tus version; checked after the upload is found, so an upload the
    caller may not see is a 404 whatever they send."""
    if request.headers.get("tus-resumable") != TUS_VERSION:
        raise PreconditionFailed(
            f"This server speaks tus {TUS_VERSION}; send Tus-Resumable: {TUS_VERSION}.",
            code="tus_version",
            headers={"Tus-Version": TUS_VERSION},
        )


router = TandemRouter(prefix="/uploads", tags=["uploads"], route_class=TusRoute)


def parse_metadata(header: str | None) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in (header or "").split(","):
        if not item.strip():
            continue
        key, _, value = item.strip().partition(" ")
        try:
            fields[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise AppError(
                f"Upload-Metadata {key!r} is not base64 UTF-8.", code="bad_metadata"
            ) from None
    return fields


def _int_header(request: Request, name: str) -> int:
    value = parse_count(request.headers.get(name))
    if value is None:
        raise AppError(f"{name} must be a non-negative integer.", code="bad_header")
    return value


def _body_length(request: Request) -> int:
    """The declared body length; an absent or unreadable one counts as 0 (bytes beyond
    Upload-Length are refused as they stream in anyway)."""
    return parse_count(request.headers.get("content-length")) or 0


def _progress_headers(snapshot: UploadSnapshot) -> dict[str, str]:
    headers = {
        "Upload-Offset": str(snapshot.offset),
        "Cache-Control": "no-store",
        # The recording the upload becomes (it exists from creation, status "uploading"), so
        # a client can tell its own unfinished uploads apart in the recordings list.
        RECORDING_ID_HEADER: str(snapshot.recording_id),
    }
    if snapshot.completed_at is None:
        headers["Upload-Expires"] = format_datetime(snapshot.expires_at, usegmt=True)
    return headers


@router.options("", status_code=204, responses=described.DISCOVERED)
def discover(settings: SettingsDep) -> Response:
    """tus discovery: version, extensions, maximum size and checksum algorithms."""
    return Response(status_code=204, headers=_capabilities(settings))


def _capabilities(settings: Settings) -> dict[str, str]:
    return {
        "Tus-Version": TUS_VERSION,
        "Tus-Extension": EXTENSIONS,
        "Tus-Max-Size": str(settings.max_upload_bytes),
        "Tus-Checksum-Algorithm": "sha1,sha256,md5",
        # Ours, not tus: the PATCH size our PWA uses, a whole number of storage parts.
        "Tandem-Chunk-Size": str(settings.part_size_bytes * settings.upload_chunk_parts),
    }


@router.post(
    "",
    status_code=201,
    response_class=Response,
    openapi_extra=described.CREATION,
    responses=described.CREATED,
)
@reads_own_body()
async def create_upload(
    request: Request, user: StreamingUser, storage: StorageDep, settings: SettingsDep
) -> Response:
    """Start a resumable upload of a recording (tus creation; a first chunk may come along)."""
    require_version(request)
    if "upload-defer-length" in request.headers:
        raise AppError(
            "Upload-Defer-Length is not supported; send Upload-Length.", code="bad_header"
        )
    length = _int_header(request, "Upload-Length")
    if length > settings.max_upload_bytes:
        raise PayloadTooLarge(f"Uploads are limited to {settings.max_upload_bytes} bytes.")
    raw_metadata = request.headers.get("upload-metadata", "")
    intent = RecordingIntent.from_fields(parse_metadata(raw_metadata))
    with_body = request.headers.get("content-type", "").startswith(OFFSET_STREAM)
    if with_body and _body_length(request) > length:
        raise PayloadTooLarge("The body is longer than Upload-Length.")
    checksum = Checksum.parse(request.headers.get("upload-checksum")) if with_body else None
    snapshot = await blocking(
        uploads.create_upload,
        request.app.state.engine,
        storage,
        settings,
        user=user,
        intent=intent,
        length=length,
        raw_metadata=raw_metadata,
        context=AuditContext.of(request),
    )
    headers = {"Location": f"/api/v1/uploads/{snapshot.id}"}
    try:
        snapshot, task = await _write(request, storage, snapshot, checksum, with_body=with_body)
    except AppError as error:
        error.headers = {**(error.headers or {}), **headers}
        raise
    return Response(
        status_code=201, headers={**headers, **_progress_headers(snapshot)}, background=task
    )


@router.head(
    "/{upload_id}",
    response_class=Response,
    openapi_extra=described.OFFSET,
    responses=described.OFFSET_READ,
)
async def upload_offset(upload_id: uuid.UUID, request: Request, user: StreamingUser) -> Response:
    """How many bytes of the upload are stored: resume from Upload-Offset."""
    snapshot = await blocking(
        uploads.load_live, request.app.state.engine, upload_id=upload_id, user=user
    )
    require_version(request)
    headers = {**_progress_headers(snapshot), "Upload-Length": str(snapshot.length)}
    if snapshot.raw_metadata:
        headers["Upload-Metadata"] = snapshot.raw_metadata
    return Response(status_code=200, headers=headers)


@router.patch(
    "/{upload_id}",
    status_code=204,
    openapi_extra=described.APPEND,
    responses=described.APPENDED,
)
@reads_own_body()
async def append_to_upload(
    upload_id: uuid.UUID, request: Request, user: StreamingUser, storage: StorageDep
) -> Response:
    """Send the next bytes, starting at Upload-Offset."""
    engine = request.app.state.engine
    snapshot = await blocking(uploads.load_live, engine, upload_id=upload_id, user=user)
    require_version(request)
    if not request.headers.get("content-type", "").startswith(OFFSET_STREAM):
        raise UnsupportedMedia(f"PATCH bodies must be {OFFSET_STREAM}.")
    offset = _int_header(request, "Upload-Offset")
    checksum = Checksum.parse(request.headers.get("upload-checksum"))
    if offset + _body_length(request) > snapshot.length:
        raise PayloadTooLarge("The body goes past Upload-Length.")
    if offset != snapshot.offset:
        raise Conflict(f"Upload-Offset must be {snapshot.offset}.", code="offset_mismatch")
    if snapshot.completed_at is not None:
        return Response(status_code=204, headers=_progress_headers(snapshot))
    snapshot, task = await _write(
        request, storage, snapshot, checksum, with_body=True, offset=offset
    )
    return Response(status_code=204, headers=_progress_headers(snapshot), background=task)


async def _write(
    request: Request,
    storage: Storage,
    snapshot: UploadSnapshot,
    checksum: Checksum | None,
    *,
    with_body: bool,
    offset: int | None = None,
) -> tuple[UploadSnapshot, BackgroundTask | None]:
    """Under the upload's lease: append the body, and finish the upload when it is whole."""
    engine, settings = request.app.state.engine, request.app.state.settings
    lease = await blocking(
        uploads.acquire, engine, upload_id=snapshot.id, seconds=settings.upload_lock_seconds
    )
    released = False
    try:
        fresh = lease.upload
        if offset is not None and offset != fresh.offset:
            raise Conflict(f"Upload-Offset must be {fresh.offset}.", code="offset_mismatch")
        if with_body and fresh.offset < fresh.length:
            appender = Appender(engine, storage, settings, fresh, lease.token, checksum)
            metrics: Metrics = request.app.state.metrics
            before = fresh.offset
            with metrics.uploads_receiving.track_inprogress():
                fresh = await appender.run(request.stream())
            metrics.upload_bytes.inc(fresh.offset - before)
            released = appender.released
        if fresh.offset < fresh.length or fresh.completed_at is not None:
            return fresh, None
        recording_id = await blocking(
            uploads.finish,
            engine,
            storage,
            snapshot=fresh,
            token=lease.token,
            context=AuditContext.of(request),
        )
        return fresh, processing_task(request, storage, recording_id)
    except (LeaseLost, StorageError) as error:
        if await blocking(uploads.reload_if_present, engine, upload_id=snapshot.id) is not None:
            if isinstance(error, StorageUnavailable):
                # An AppError here, so that creation-with-upload still says Location.
                raise storage_problem(error) from error
            raise
        # Cancelled (DELETE) or consent withdrawn while this request ran: whatever it wrote
        # after the erasure goes too.
        await blocking(uploads.discard_all_bytes, storage, snapshot)
        raise Gone(
            "This upload was stopped: it was cancelled or its consent was withdrawn.",
            code="upload_stopped",
        ) from error
    finally:
        if not released:
            with anyio.CancelScope(shield=True):
                await blocking(uploads.release, engine, upload_id=snapshot.id, token=lease.token)


@router.delete(
    "/{upload_id}",
    status_code=204,
    openapi_extra=described.TERMINATION,
    responses=described.TERMINATED,
)
async def terminate_upload(
    upload_id: uuid.UUID, request: Request, user: StreamingUser, storage: StorageDep
) -> Response:
    """Abandon an unfinished upload: its stored bytes and its recording are removed."""
    engine = request.app.state.engine
    snapshot = await blocking(uploads.load, engine, upload_id=upload_id, user=user)
    require_version(request)
    if snapshot.completed_at is not None:
        raise Conflict(
            "This upload is complete; manage the recording at /api/v1/recordings instead.",
            code="upload_complete",
        )
    # Also while a PATCH runs: that PATCH finds its upload gone, stops, and erases what it
    # wrote since (410). Someone cancelling an upload of the wrong family must not wait.
    await blocking(
        uploads.terminate,
        engine,
        storage,
        snapshot=snapshot,
        actor=user,
        context=AuditContext.of(request),
        reason="terminated",
    )
    return Response(status_code=204)


@router.get("/{upload_id}", response_model=UploadRead)
async def read_upload(upload_id: uuid.UUID, request: Request, user: StreamingUser) -> UploadRead:
    """The upload's progress, and its recording_id once every byte has arrived."""
    snapshot = await blocking(
        uploads.load, request.app.state.engine, upload_id=upload_id, user=user
    )
    return UploadRead(
        id=snapshot.id,
        organisation_id=snapshot.organisation_id,
        offset=snapshot.offset,
        length=snapshot.length,
        expires_at=snapshot.expires_at,
        completed=snapshot.completed_at is not None,
        recording_id=snapshot.recording_id if snapshot.completed_at is not None else None,
    )
