"""Media on the local disk, under the media directory.

Every write goes to a temporary name, is fsynced, then renamed into place, so a reader
(or a crash) never sees half a file. A multipart write is one sparse file in
`.multipart/` where part n lands at (n - 1) * part_size: completing it is a truncate,
an fsync and a rename, never a second copy of the bytes.
"""

import contextlib
import errno
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from app.storage.protocol import (
    Data,
    PendingMultipart,
    StorageError,
    StorageFull,
    StoredObject,
    StoredPart,
)

MULTIPART_DIR = ".multipart"
NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


@contextlib.contextmanager
def _space_needed() -> Iterator[None]:
    """A full disk (or quota) is StorageFull: the write did not complete, and what it
    left (a partial part, a temporary file) is overwritten or removed, never named."""
    try:
        yield
    except OSError as error:
        if error.errno in NO_SPACE:
            raise StorageFull(f"no space left in the media directory: {error}") from error
        raise


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class DiskStorage:
    def __init__(self, root: Path, *, part_size: int) -> None:
        self.root = root.resolve()
        self.part_size = part_size

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root not in path.parents or key.startswith(MULTIPART_DIR):
            raise StorageError(f"key outside the media directory: {key!r}")
        return path

    def _multipart_path(self, multipart_id: str) -> Path:
        if not multipart_id.isalnum():
            raise StorageError("malformed multipart id")
        return self.root / MULTIPART_DIR / multipart_id

    def create_multipart(self, key: str) -> str:
        self._path(key)  # refuse a bad key now rather than at completion
        multipart_id = uuid.uuid4().hex
        path = self._multipart_path(multipart_id)
        with _space_needed():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
        return multipart_id

    def upload_part(self, key: str, multipart_id: str, number: int, data: Data) -> StoredPart:
        path = self._multipart_path(multipart_id)
        try:
            with _space_needed(), path.open("r+b") as file:
                file.seek((number - 1) * self.part_size)
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
        except FileNotFoundError as error:
            raise StorageError(f"no multipart write {multipart_id}") from error
        # Nothing on disk checks part ETags (S3 does); hashing every part here cost a third
        # of an upload's CPU (bench/README.md), so the part is named by number and size.
        return StoredPart(number=number, etag=f"{number}-{len(data)}", size=len(data))

    def complete_multipart(self, key: str, multipart_id: str, parts: list[StoredPart]) -> None:
        numbers = [part.number for part in parts]
        if not parts:
            raise StorageError("a multipart write needs at least one part")  # as on S3
        if numbers != list(range(1, len(parts) + 1)):
            raise StorageError("parts must be numbered 1..n without gaps")
        if any(part.size != self.part_size for part in parts[:-1]):
            raise StorageError("every part but the last must have the part size")
        source = self._multipart_path(multipart_id)
        target = self._path(key)
        total = sum(part.size for part in parts)
        if not source.exists() and target.exists() and target.stat().st_size == total:
            return  # completed before, by a process that died before recording it
        try:
            with source.open("r+b") as file:
                file.truncate(total)
                os.fsync(file.fileno())
        except FileNotFoundError as error:
            raise StorageError(f"no multipart write {multipart_id}") from error
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        _fsync_directory(target.parent)

    def abort_multipart(self, key: str, multipart_id: str) -> None:
        self._multipart_path(multipart_id).unlink(missing_ok=True)

    def list_multiparts(self) -> list[PendingMultipart]:
        folder = self.root / MULTIPART_DIR
        if not folder.is_dir():
            return []
        found = []
        for path in folder.iterdir():
            try:
                found.append(PendingMultipart("", path.name, _modified(path)))
            except FileNotFoundError:
                continue
        return found

    def put(self, key: str, data: Data) -> None:
        target = self._path(key)
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            with _space_needed():
                target.parent.mkdir(parents=True, exist_ok=True)
                with temporary.open("wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        _fsync_directory(target.parent)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def patch(self, key: str, changes: list[tuple[int, bytes]]) -> None:
        with self._path(key).open("r+b") as file:
            size = os.fstat(file.fileno()).st_size
            for offset, data in changes:
                if offset + len(data) > size:
                    raise StorageError(f"a change past the end of {key}")
                file.seek(offset)
                file.write(data)
            file.flush()
            os.fsync(file.fileno())

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        self._remove_empty_parents(path.parent)

    def _remove_empty_parents(self, folder: Path) -> None:
        # Tidy, not required: a concurrent writer recreates what it needs.
        while folder != self.root and self.root in folder.parents:
            with contextlib.suppress(OSError):
                folder.rmdir()
            if folder.exists():
                return
            folder = folder.parent

    def list(self, prefix: str) -> list[StoredObject]:
        found = []
        # os.walk skips folders that vanish under it: another purge may be deleting too.
        for folder, subfolders, files in os.walk(self.root):
            subfolders[:] = [name for name in subfolders if name != MULTIPART_DIR]
            for name in files:
                path = Path(folder) / name
                key = path.relative_to(self.root).as_posix()
                if not key.startswith(prefix):
                    continue
                try:
                    found.append(StoredObject(key, path.stat().st_size, _modified(path)))
                except FileNotFoundError:
                    continue
        return sorted(found, key=lambda item: item.key)

    def presigned_get(
        self, key: str, *, seconds: int, content_type: str, filename: str
    ) -> str | None:
        return None  # the app streams disk files itself, with Range support

    def local_path(self, key: str) -> Path | None:
        return self._path(key)


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)
