"""Streaming a request body into storage parts, keeping what arrived when it is cut off.

Bytes are cut into parts of exactly the storage's part size. Every full part is
stored and committed as it completes; bytes short of a part are stored as a small
"tail" object when the body ends (or breaks off), so any app process can go on from
there. Memory stays around two parts per request, whatever the file size.
"""

import base64
import dataclasses
import hashlib
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from functools import partial
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from starlette.requests import ClientDisconnect

from app.config import Settings
from app.errors import AppError, PayloadTooLarge
from app.recording import uploads
from app.recording.uploads import UploadSnapshot
from app.storage import Storage, StoredPart

T = TypeVar("T")
CHECKSUM_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}


class ChecksumMismatch(AppError):
    status_code = 460
    code = "checksum_mismatch"


async def blocking(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await anyio.to_thread.run_sync(partial(function, *args, **kwargs))


class PartAssembler:
    """Cuts a byte stream into parts of exactly `part_size` bytes."""

    def __init__(self, part_size: int, initial: bytes = b"") -> None:
        self.part_size = part_size
        self.buffer = bytearray(initial)

    def feed(self, data: bytes) -> Iterator[bytes]:
        self.buffer += data
        while len(self.buffer) >= self.part_size:
            # One copy through a view; slicing the bytearray would copy twice.
            with memoryview(self.buffer) as view:
                part = bytes(view[: self.part_size])
            del self.buffer[: self.part_size]
            yield part


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
        assembler = PartAssembler(self.storage.part_size, tail)
        hasher = CHECKSUM_ALGORITHMS[self.checksum.algorithm]() if self.checksum else None
        received, cut = 0, False
        try:
            async for chunk in _until_silent(body, self.settings.upload_lock_seconds / 2):
                received += len(chunk)
                if snapshot.offset + received > snapshot.length:
                    raise PayloadTooLarge("The body goes past Upload-Length.", code="too_long")
                if hasher:
                    hasher.update(chunk)
                for part in assembler.feed(chunk):
                    await self._store_part(part)
                await self._renew_if_due()
        except ClientDisconnect:
            cut = True
        if received == 0:
            return snapshot  # nothing new: the stored state stands as it is
        if self.checksum and (cut or hasher is None or hasher.digest() != self.checksum.expected):
            await self._forget_new_tails()
            if cut:
                return snapshot  # a checksummed body counts only whole
            raise ChecksumMismatch("The body does not match Upload-Checksum; send it again.")
        return await self._settle(bytes(assembler.buffer))

    async def _store_part(self, data: bytes) -> None:
        # Every part's commit renews the lease too, so a separate renewal (a second
        # transaction per part) is only needed when parts arrive slowly.
        await self._renew_if_due()
        part = await blocking(
            self.storage.upload_part,
            self.snapshot.storage_key,
            self.snapshot.multipart_id,
            len(self.parts) + 1,
            data,
        )
        self.parts.append(part)
        if self.checksum is None:
            # The tail (if any) is inside this part now; commit so HEAD reports it.
            await self._commit(tail_key=None, tail_size=0)

    async def _settle(self, remainder: bytes) -> UploadSnapshot:
        complete = self.stored + len(remainder) == self.snapshot.length
        tail_key: str | None = None
        if complete and remainder:
            await self._store_part_final(remainder)
        elif remainder:
            tail_key = f"{uploads.tail_prefix(self.snapshot.id)}tail-{uuid.uuid4().hex}"
            await blocking(self._renew)
            await blocking(self.storage.put, tail_key, remainder)
        await self._commit(tail_key=tail_key, tail_size=0 if complete else len(remainder))
        await self._remove_stale_tails(keep=tail_key)
        return dataclasses.replace(
            self.snapshot,
            parts=list(self.parts),
            tail_key=tail_key,
            tail_size=0 if complete else len(remainder),
            offset=self.stored + (0 if complete else len(remainder)),
        )

    async def _store_part_final(self, data: bytes) -> None:
        await blocking(self._renew)
        part = await blocking(
            self.storage.upload_part,
            self.snapshot.storage_key,
            self.snapshot.multipart_id,
            len(self.parts) + 1,
            data,
        )
        self.parts.append(part)

    async def _commit(self, *, tail_key: str | None, tail_size: int) -> None:
        await blocking(
            uploads.record_progress,
            self.engine,
            self.settings,
            upload_id=self.snapshot.id,
            token=self.token,
            parts=self.parts,
            tail_key=tail_key,
            tail_size=tail_size,
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

    async def _renew_if_due(self) -> None:
        # A slow phone may take minutes per part: keep the lease while bytes still come.
        if time.monotonic() - self.renewed_at > self.settings.upload_lock_seconds / 3:
            await blocking(self._renew)

    async def _remove_stale_tails(self, *, keep: str | None) -> None:
        for key in self.stale_tails:
            if key != keep:
                await blocking(self.storage.delete, key)
        self.stale_tails = []

    async def _forget_new_tails(self) -> None:
        # Nothing new was committed: the database still names the old tail, keep it.
        self.stale_tails = []
