"""Streaming a tus PATCH body into storage parts, keeping what arrived when it is cut off.

Bytes are cut into parts of exactly the storage's part size (parts.py). Every full part
is stored and committed while the next one arrives; bytes short of a part are stored as
a small "tail" object when the body ends (or breaks off), so any app process can go on
from there. Memory stays at two parts per request, whatever the file size.
"""

import base64
import dataclasses
import hashlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from starlette.requests import ClientDisconnect

from app.config import Settings
from app.errors import AppError, PayloadTooLarge
from app.recording import uploads
from app.recording.parts import PartBuffers, PartPipeline
from app.recording.uploads import UploadSnapshot
from app.storage import Storage, StoredPart

T = TypeVar("T")
CHECKSUM_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}


class ChecksumMismatch(AppError):
    status_code = 460
    code = "checksum_mismatch"


async def blocking(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await anyio.to_thread.run_sync(partial(function, *args, **kwargs))


@dataclasses.dataclass
class Checksum:
    algorithm: str
    expected: bytes

    @classmethod
    def parse(cls, header: str | None) -> "Checksum | None":
        if header is None:
            return None
        name, _, value = header.strip().partition(" ")
        if name not in CHECKSUM_ALGORITHMS:
            raise AppError(f"Unsupported checksum algorithm {name!r}.", code="bad_checksum")
        try:
            return cls(name, base64.b64decode(value, validate=True))
        except ValueError:
            raise AppError("Upload-Checksum is not valid base64.", code="bad_checksum") from None


async def _until_silent(body: AsyncIterator[bytes], idle_seconds: float) -> AsyncIterator[bytes]:
    """The body's chunks, ending as a cut connection when the client goes silent.

    A phone that loses its network sends no FIN or RST: without this the request would
    wait for ever, holding its connection and never storing the tail that did arrive.
    Half the lease, so the tail is stored before another process may take over.
    """
    chunks = body.__aiter__()
    while True:
        try:
            with anyio.fail_after(idle_seconds):
                chunk = await chunks.__anext__()
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise ClientDisconnect() from None
        yield chunk


@dataclasses.dataclass
class Appender:
    engine: Any
    storage: Storage
    settings: Settings
    snapshot: UploadSnapshot
    token: str
    checksum: Checksum | None

    def __post_init__(self) -> None:
        self.parts: list[StoredPart] = list(self.snapshot.parts)
        # Tails written or read by this request, removed once the database no longer names them.
        self.stale_tails: list[str] = []
        self.renewed_at = time.monotonic()
        self.released = False  # the last commit also ended the lease

    @property
    def stored(self) -> int:
        return sum(part.size for part in self.parts)

    async def run(self, body: AsyncIterator[bytes]) -> UploadSnapshot:
        """Append the body; returns the upload as committed afterwards."""
        snapshot = self.snapshot
        tail = b""
        if snapshot.tail_key:
            tail = await blocking(self.storage.get, snapshot.tail_key)
            tail = tail[: snapshot.tail_size]
            self.stale_tails.append(snapshot.tail_key)
        with PartBuffers(self.storage.part_size, tail) as buffers:
            return await self._append(body, buffers)

    async def _append(self, body: AsyncIterator[bytes], buffers: PartBuffers) -> UploadSnapshot:
        snapshot = self.snapshot
        pipeline = PartPipeline(partial(blocking, self._store_part))
        hasher = CHECKSUM_ALGORITHMS[self.checksum.algorithm]() if self.checksum else None
        received, cut = 0, False
        try:
            async for chunk in _until_silent(body, self.settings.upload_lock_seconds / 2):
                received += len(chunk)
                if snapshot.offset + received > snapshot.length:
                    raise PayloadTooLarge("The body goes past Upload-Length.", code="too_long")
                if hasher:
                    hasher.update(chunk)
                for part in buffers.feed(chunk):
                    await pipeline.submit(part)
                await self._renew_if_due()
        except ClientDisconnect:
            cut = True
        finally:
            await pipeline.wait()
        if received == 0:
            return snapshot  # nothing new: the stored state stands as it is
        if self.checksum and (cut or hasher is None or hasher.digest() != self.checksum.expected):
            await self._forget_new_tails()
            if cut:
                return snapshot  # a checksummed body counts only whole
            raise ChecksumMismatch("The body does not match Upload-Checksum; send it again.")
        return await self._settle(buffers.pending)

    def _store_part(self, data: memoryview) -> None:
        """Store one full part and commit it (in a worker thread, while the next arrives)."""
        # Every part's commit renews the lease too, so a separate renewal (a second
        # transaction per part) is only needed when parts arrive slowly.
        self._renew_if_due_blocking()
        self._upload(data)
        if self.checksum is None:
            # The tail (if any) is inside this part now; commit so HEAD reports it.
            self._commit_blocking(tail_key=None, tail_size=0)

    def _upload(self, data: memoryview) -> None:
        number = len(self.parts) + 1
        part = self.storage.upload_part(
            self.snapshot.storage_key, self.snapshot.multipart_id, number, data
        )
        self.parts.append(part)

    async def _settle(self, remainder: memoryview) -> UploadSnapshot:
        complete = self.stored + len(remainder) == self.snapshot.length
        tail_key: str | None = None
        if complete and remainder:
            await blocking(self._renew)
            await blocking(self._upload, remainder)
        elif remainder:
            tail_key = f"{uploads.tail_prefix(self.snapshot.id)}tail-{uuid.uuid4().hex}"
            await blocking(self._renew)
            await blocking(self.storage.put, tail_key, remainder)
        tail_size = 0 if complete else len(remainder)
        try:
            # Unless the upload is whole (finishing it needs the lease), this request is done.
            await blocking(
                self._commit_blocking, tail_key=tail_key, tail_size=tail_size, release=not complete
            )
        except uploads.LeaseLost:
            if tail_key:  # never named in the database: nobody else would find it
                await blocking(self.storage.delete, tail_key)
            raise
        self.released = not complete
        await self._remove_stale_tails(keep=tail_key)
        return dataclasses.replace(
            self.snapshot,
            parts=list(self.parts),
            tail_key=tail_key,
            tail_size=tail_size,
            offset=self.stored + tail_size,
        )

    def _commit_blocking(
        self, *, tail_key: str | None, tail_size: int, release: bool = False
    ) -> None:
        uploads.record_progress(
            self.engine,
            self.settings,
            upload_id=self.snapshot.id,
            token=self.token,
            parts=self.parts,
            tail_key=tail_key,
            tail_size=tail_size,
            release=release,
        )
        self.renewed_at = time.monotonic()

    def _renew(self) -> None:
        uploads.renew(
            self.engine,
            upload_id=self.snapshot.id,
            token=self.token,
            seconds=self.settings.upload_lock_seconds,
        )
        self.renewed_at = time.monotonic()

    def _renewal_due(self) -> bool:
        return time.monotonic() - self.renewed_at > self.settings.upload_lock_seconds / 3

    def _renew_if_due_blocking(self) -> None:
        if self._renewal_due():
            self._renew()

    async def _renew_if_due(self) -> None:
        # A slow phone may take minutes per part: keep the lease while bytes still come.
        if self._renewal_due():
            await blocking(self._renew)

    async def _remove_stale_tails(self, *, keep: str | None) -> None:
        for key in self.stale_tails:
            if key != keep:
                await blocking(self.storage.delete, key)
        self.stale_tails = []

    async def _forget_new_tails(self) -> None:
        # Nothing new was committed: the database still names the old tail, keep it.
        self.stale_tails = []
