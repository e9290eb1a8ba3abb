"""The plain upload: one multipart/form-data POST, for small files and simple clients.

The body is parsed as it streams in (python-multipart's push parser) and the file part
goes straight into storage parts: never whole in memory, never spooled to a temporary
file first. The form fields (consent first of all) must come before the file, so a
request without consent is refused before its file is read.
"""

import contextlib
import uuid
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anyio
from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlmodel import Session

from app.audit import service as audit
from app.audit.context import AuditContext
from app.config import Settings
from app.errors import AppError, PayloadTooLarge, Unprocessable, UnsupportedMedia
from app.jobs.kinds import queue_processing
from app.models import Recording, RecordingStatus, User
from app.models.base import utcnow
from app.recording import service as recording_service
from app.recording.parts import PartBuffers, PartPipeline
from app.recording.schemas import RecordingIntent
from app.recording.streaming import blocking
from app.request_guard import parse_count
from app.storage import Storage, StoredPart

MAX_FIELD_BYTES = 16 * 1024
# Room for the form fields and part headers around the file.
FORM_OVERHEAD_BYTES = 256 * 1024


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    value: bytearray = field(default_factory=bytearray)


@dataclass
class FormReceiver:
    engine: Any
    storage: Storage
    settings: Settings
    user: User
    request: Request

    def __post_init__(self) -> None:
        self.events: list[tuple[str, bytes]] = []
        self.fields: dict[str, str] = {}
        self.part = _Part()
        self.header_name = b""
        self.header_value = b""
        self.intent: RecordingIntent | None = None
        self.recording_id = uuid.uuid4()
        self.key = ""
        self.multipart_id = ""
        self.buffers: PartBuffers | None = None
        self.pipeline = PartPipeline(partial(blocking, self._store))
        self.file_bytes = 0
        self.parts: list[StoredPart] = []
        self.file_done = False

    def callbacks(self) -> dict[str, Any]:
        def on(kind: str) -> Any:
            return lambda *args: self.events.append((kind, _slice(args)))

        return {
            "on_part_begin": on("begin"),
            "on_header_field": on("header_field"),
            "on_header_value": on("header_value"),
            "on_header_end": on("header_end"),
            "on_headers_finished": on("headers_done"),
            "on_part_data": on("data"),
            "on_part_end": on("end"),
        }

    async def drain(self) -> None:
        events, self.events = self.events, []
        for kind, data in events:
            await self._handle(kind, data)

    async def _handle(self, kind: str, data: bytes) -> None:
        if kind == "begin":
            self.part = _Part()
        elif kind == "header_field":
            self.header_name += data
        elif kind == "header_value":
            self.header_value += data
        elif kind == "header_end":
            self.part.headers[self.header_name.decode("latin-1").lower()] = (
                self.header_value.decode("latin-1")
            )
            self.header_name, self.header_value = b"", b""
        elif kind == "headers_done":
            await self._headers_done()
        elif kind == "data":
            await self._data(data)
        elif kind == "end":
            self._part_end()

    async def _headers_done(self) -> None:
        _, options = parse_options_header(self.part.headers.get("content-disposition", ""))
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        self.part.filename = filename.decode("utf-8", "replace") if filename is not None else None
        if self.part.filename is not None:
            await self._begin_file()

    async def _begin_file(self) -> None:
        if self.intent is not None:
            raise Unprocessable("Send one file per request.", code="one_file")
        fields = {"filename": self.part.filename or "", **self.fields}
        fields.setdefault("filetype", self.part.headers.get("content-type", ""))
        self.intent = RecordingIntent.from_fields(fields)
        organisation_id = await blocking(self._check_member)
        self.key = recording_service.original_key(organisation_id, self.recording_id)
        self.multipart_id = await blocking(self.storage.create_multipart, self.key)
        self.buffers = PartBuffers(self.storage.part_size)

    def _check_member(self) -> uuid.UUID:
        assert self.intent is not None
        with Session(self.engine) as db:
            member = recording_service.uploading_member(
                db, user=self.user, organisation_id=self.intent.organisation_id
            )
            recording_service.check_programme(db, member=member, intent=self.intent)
            return member.organisation_id

    async def _data(self, data: bytes) -> None:
        if self.buffers is None:
            self.part.value += data
            if len(self.part.value) > MAX_FIELD_BYTES:
                raise Unprocessable(f"Form field {self.part.name!r} is too long.")
            return
        self.file_bytes += len(data)
        if self.file_bytes > self.settings.plain_upload_max_bytes:
            raise PayloadTooLarge(
                f"Plain uploads are limited to {self.settings.plain_upload_max_bytes} bytes; "
                "use the resumable upload (tus) at /api/v1/uploads."
            )
        for part in self.buffers.feed(data):
            await self.pipeline.submit(part)

    def _store(self, data: memoryview) -> None:
        # In a worker thread, one part at a time (PartPipeline), while the next arrives.
        number = len(self.parts) + 1
        self.parts.append(self.storage.upload_part(self.key, self.multipart_id, number, data))

    def _part_end(self) -> None:
        if self.buffers is not None:
            self.file_done = True
        else:
            self.fields[self.part.name] = self.part.value.decode("utf-8", "replace")

    async def finish(self) -> Recording:
        if self.buffers is None or not self.file_done:
            raise Unprocessable("The form has no complete file part.", code="file_required")
        await self.pipeline.wait()
        if self.buffers.filled:
            await blocking(self._store, self.buffers.pending)
        if self.parts:
            await blocking(self.storage.complete_multipart, self.key, self.multipart_id, self.parts)
        else:
            await self.abort()  # an empty file: nothing to keep, processing rejects it
        return await blocking(self._create_recording)

    def _create_recording(self) -> Recording:
        assert self.intent is not None
        with Session(self.engine, expire_on_commit=False) as db:
            member = recording_service.uploading_member(
                db, user=self.user, organisation_id=self.intent.organisation_id
            )
            recording = recording_service.create_recording(
                db,
                member=member,
                intent=self.intent,
                recording_id=self.recording_id,
                status=RecordingStatus.processing,
                context=AuditContext.of(self.request),
            )
            recording.uploaded_at = utcnow()
            recording.size_bytes = sum(part.size for part in self.parts)
            db.add(recording)
            audit.record(
                db,
                action="recording.uploaded",
                resource_type="recording",
                resource_id=recording.id,
                organisation_id=recording.organisation_id,
                actor_user_id=self.user.id,
                context=AuditContext.of(self.request),
                details={"size_bytes": recording.size_bytes, "via": "form"},
            )
            queue_processing(db, recording.id)
            db.commit()
            return recording

    async def abort(self) -> None:
        with anyio.CancelScope(shield=True):
            # The part in flight must land before the abort, or it would outlive it; its
            # own error, if any, matters no more than the one that brought us here.
            with contextlib.suppress(Exception):
                await self.pipeline.wait()
            if self.multipart_id:
                await blocking(self.storage.abort_multipart, self.key, self.multipart_id)


def _slice(args: tuple[Any, ...]) -> bytes:
    if len(args) == 3:
        data, start, end = args
        return bytes(data[start:end])
    return b""


async def receive_form(
    request: Request, *, engine: Any, storage: Storage, settings: Settings, user: User
) -> Recording:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in options:
        raise UnsupportedMedia("Send the recording as multipart/form-data.")
    declared = parse_count(request.headers.get("content-length")) or 0
    if declared > settings.plain_upload_max_bytes + FORM_OVERHEAD_BYTES:
        raise PayloadTooLarge(
            f"Plain uploads are limited to {settings.plain_upload_max_bytes} bytes; "
            "use the resumable upload (tus) at /api/v1/uploads."
        )
    receiver = FormReceiver(engine, storage, settings, user, request)
    parser = MultipartParser(options[b"boundary"], receiver.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            await receiver.drain()
        parser.finalize()
        await receiver.drain()
        return await receiver.finish()
    except BaseException as error:
        await receiver.abort()
        if isinstance(error, ValueError) and not isinstance(error, AppError):
            raise Unprocessable("The multipart form is malformed.", code="bad_form") from error
        raise
    finally:
        if receiver.buffers is not None:
            receiver.buffers.close()  # nothing is in flight: finish and abort wait for it
