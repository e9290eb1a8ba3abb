"""What Tandem needs from a place to keep media: the contract both backends fulfil.

Large files are written the S3 way everywhere: a multipart write of equal-sized parts
(the last may be shorter), completed or aborted as a whole. Small objects (an upload's
tail of bytes short of a part, a poster frame) are written in one go.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

# What a part or a small object may be written from: bytes, or a view of a reused buffer.
Data = bytes | memoryview


@dataclass(frozen=True)
class StoredPart:
    number: int
    etag: str
    size: int


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified_at: datetime


@dataclass(frozen=True)
class PendingMultipart:
    key: str
    multipart_id: str
    started_at: datetime


class StorageError(Exception):
    """The backend failed; the message is safe to log, never shown to users."""


class StorageUnavailable(StorageError):
    """The backend is out of reach for now (no connection, no answer, its own outage):
    the call did not complete, and the same call later may."""


class StorageFull(StorageUnavailable):
    """No space left where media are written: the call did not complete, and the same
    call may once space is freed."""


class Storage(Protocol):
    # Every part but the last of a multipart write has exactly this many bytes.
    part_size: int

    def create_multipart(self, key: str) -> str:
        """Begin a multipart write of `key`; returns its id."""
        ...

    def upload_part(self, key: str, multipart_id: str, number: int, data: Data) -> StoredPart:
        """Write part `number` (from 1); writing a number again replaces it."""
        ...

    def complete_multipart(self, key: str, multipart_id: str, parts: list[StoredPart]) -> None:
        """Make `key` the parts in order, durably, in one step."""
        ...

    def abort_multipart(self, key: str, multipart_id: str) -> None:
        """Drop an unfinished multipart write; a second abort is harmless."""
        ...

    def list_multiparts(self) -> list[PendingMultipart]:
        """Unfinished multipart writes, to find those whose upload was forgotten."""
        ...

    def put(self, key: str, data: Data) -> None:
        """Write a small object durably (written whole or not at all)."""
        ...

    def get(self, key: str) -> bytes:
        """Read a small object whole."""
        ...

    def patch(self, key: str, changes: list[tuple[int, bytes]]) -> None:
        """Overwrite a few bytes of an object: (offset, new bytes), sizes unchanged.
        For media nobody reads yet (processing); a crash midway leaves some changes done."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A seekable reader of an object, for hashing and probing without a local copy."""
        ...

    def delete(self, key: str) -> None:
        """Remove an object; removing a missing one is harmless."""
        ...

    def list(self, prefix: str) -> list[StoredObject]:
        """Objects whose key starts with `prefix`."""
        ...

    def presigned_get(
        self, key: str, *, seconds: int, content_type: str, filename: str
    ) -> str | None:
        """A short-lived URL a browser can fetch directly, or None where the app serves it."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The object as a file on this machine, or None when it lives elsewhere."""
        ...
