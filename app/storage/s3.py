"""Media in any S3 API (AWS, MinIO, Ceph) through boto3."""

import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, ParamSpec, TypeVar

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import ClientError, HTTPClientError  # type: ignore[import-untyped]
from botocore.exceptions import ConnectionError as EndpointUnreachable

from app.storage.protocol import (
    Data,
    PendingMultipart,
    StorageError,
    StorageUnavailable,
    StoredObject,
    StoredPart,
)

P = ParamSpec("P")
T = TypeVar("T")

READ_BUFFER_BYTES = 1024 * 1024
# S3's limits for the parts of a multipart upload: all but the last >= 5 MiB, copies <= 5 GiB.
MIN_PART_BYTES = 5 * 1024 * 1024
MAX_COPY_BYTES = 5 * 1024**3


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _failed(message: str, error: ClientError) -> StorageError:
    """S3's own 5xx (SlowDown, InternalError, ServiceUnavailable) after boto3's retries is
    an outage: StorageUnavailable. Anything else is a failure of this call."""
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    kind = StorageUnavailable if status >= 500 else StorageError
    return kind(f"{message}: {error}")


def _reachable(method: Callable[P, T]) -> Callable[P, T]:
    """S3 out of reach (no connection, a connection cut, no answer in time, a 5xx) after
    boto3's own retries is StorageUnavailable, so callers answer 503 rather than fail."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except (EndpointUnreachable, HTTPClientError) as error:
            raise StorageUnavailable(f"S3 out of reach: {error}") from error
        except ClientError as error:
            failure = _failed(f"S3 {method.__name__}", error)
            if isinstance(failure, StorageUnavailable):
                raise failure from error
            raise

    return call


class S3Storage:
    def __init__(
        self,
        *,
        bucket: str,
        part_size: int,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        server_side_encryption: str | None = None,
        addressing_style: str = "auto",
        timeout_seconds: float = 10.0,
    ) -> None:
        self.bucket = bucket
        self.part_size = part_size
        self._encryption = (
            {"ServerSideEncryption": server_side_encryption} if server_side_encryption else {}
        )
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": addressing_style},
            # Three tries, each given up after `timeout_seconds` without a connection or
            # without a byte of answer: an S3 that is gone, or that hangs, is out of reach
            # (503, try again) within seconds, not after boto3's default of a minute a try.
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=timeout_seconds,
            read_timeout=timeout_seconds,
        )
        # A client per storage (built by the factory), never one created at import.
        self.client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=config,
        )

    @_reachable
    def create_multipart(self, key: str) -> str:
        answer = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=key, **self._encryption
        )
        return str(answer["UploadId"])

    @_reachable
    def upload_part(self, key: str, multipart_id: str, number: int, data: Data) -> StoredPart:
        try:
            answer = self.client.upload_part(
                Bucket=self.bucket,
                Key=key,
                UploadId=multipart_id,
                PartNumber=number,
                Body=bytes(data),
            )
        except ClientError as error:  # NoSuchUpload: aborted under us (a cancelled upload)
            raise _failed(f"writing part {number} of {key}", error) from error
        return StoredPart(number=number, etag=str(answer["ETag"]), size=len(data))

    @_reachable
    def complete_multipart(self, key: str, multipart_id: str, parts: list[StoredPart]) -> None:
        listing = [{"PartNumber": part.number, "ETag": part.etag} for part in parts]
        try:
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=multipart_id,
                MultipartUpload={"Parts": listing},
            )
        except ClientError as error:
            total = sum(part.size for part in parts)
            # Completed before, by a process that died before recording it.
            if _error_code(error) == "NoSuchUpload" and self._size(key) == total:
                return
            raise _failed(f"completing {key}", error) from error

    @_reachable
    def abort_multipart(self, key: str, multipart_id: str) -> None:
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=multipart_id)
        except ClientError as error:
            if _error_code(error) not in {"NoSuchUpload", "404"}:
                raise

    @_reachable
    def list_multiparts(self) -> list[PendingMultipart]:
        found: list[PendingMultipart] = []
        paginator = self.client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=self.bucket):
            for item in page.get("Uploads", []):
                found.append(PendingMultipart(item["Key"], item["UploadId"], item["Initiated"]))
        return found

    @_reachable
    def put(self, key: str, data: Data) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=bytes(data), **self._encryption)

    @_reachable
    def patch(self, key: str, changes: list[tuple[int, bytes]]) -> None:
        """Objects cannot change in place: the object is written again as a multipart
        upload of itself, where the parts around each change are uploaded (5 MiB each)
        and the rest is copied inside S3 (UploadPartCopy), never through this machine."""
        size = self._size(key)
        if size is None:
            raise StorageError(f"no object {key}")
        if any(offset + len(data) > size for offset, data in changes):
            raise StorageError(f"a change past the end of {key}")
        upload_id = self.create_multipart(key)
        try:
            parts = [
                self._patched_part(key, upload_id, number, start, end, changes)
                if uploaded
                else self._copied_part(key, upload_id, number, start, end)
                for number, (start, end, uploaded) in enumerate(_patch_plan(size, changes), 1)
            ]
            self.complete_multipart(key, upload_id, parts)
        except Exception:
            self.abort_multipart(key, upload_id)
            raise

    def _patched_part(
        self,
        key: str,
        upload_id: str,
        number: int,
        start: int,
        end: int,
        changes: list[tuple[int, bytes]],
    ) -> StoredPart:
        answer = self.client.get_object(
            Bucket=self.bucket, Key=key, Range=f"bytes={start}-{end - 1}"
        )
        data = bytearray(answer["Body"].read())
        for offset, new in changes:
            if start <= offset < end:
                data[offset - start : offset - start + len(new)] = new
        return self.upload_part(key, upload_id, number, memoryview(data))

    def _copied_part(
        self, key: str, upload_id: str, number: int, start: int, end: int
    ) -> StoredPart:
        answer = self.client.upload_part_copy(
            Bucket=self.bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=number,
            CopySource={"Bucket": self.bucket, "Key": key},
            CopySourceRange=f"bytes={start}-{end - 1}",
        )
        return StoredPart(
            number=number, etag=str(answer["CopyPartResult"]["ETag"]), size=end - start
        )

    @_reachable
    def get(self, key: str) -> bytes:
        answer = self.client.get_object(Bucket=self.bucket, Key=key)
        body: bytes = answer["Body"].read()
        return body

    def _size(self, key: str) -> int | None:
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _error_code(error) in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return int(answer["ContentLength"])

    @_reachable
    def open(self, key: str) -> BinaryIO:
        size = self._size(key)
        if size is None:
            raise FileNotFoundError(key)
        raw = _RangeReader(self.client, self.bucket, key, size)
        return io.BufferedReader(raw, buffer_size=READ_BUFFER_BYTES)

    @_reachable
    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    @_reachable
    def list(self, prefix: str) -> list[StoredObject]:
        found: list[StoredObject] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                found.append(StoredObject(item["Key"], int(item["Size"]), item["LastModified"]))
        return found

    def presigned_get(
        self, key: str, *, seconds: int, content_type: str, filename: str
    ) -> str | None:
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentType": content_type,
                "ResponseContentDisposition": f'inline; filename="{filename}"',
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=seconds,
        )
        return url

    def local_path(self, key: str) -> Path | None:
        return None


def _patch_plan(size: int, changes: list[tuple[int, bytes]]) -> list[tuple[int, int, bool]]:
    """The parts (start, end, uploaded?) that rebuild an object of `size` bytes with
    `changes`: each change inside an uploaded part of at least 5 MiB (unless the object is
    smaller), the stretches between copied, as S3's part limits allow."""
    windows: list[list[int]] = []
    for offset, data in sorted(changes):
        start, end = offset, max(offset + len(data), offset + MIN_PART_BYTES)
        if end > size:
            start, end = max(0, min(start, size - MIN_PART_BYTES)), size
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    plan: list[tuple[int, int, bool]] = []
    cursor = 0
    for start, end in windows:
        if start - cursor < MIN_PART_BYTES:
            start = cursor  # too short to copy as a part of its own: upload it with the change
        plan += _copies(cursor, start)
        plan.append((start, end, True))
        cursor = end
    return plan + _copies(cursor, size)


def _copies(start: int, end: int) -> list[tuple[int, int, bool]]:
    if end <= start:
        return []
    count = -(-(end - start) // MAX_COPY_BYTES)
    bounds = [start + (end - start) * index // count for index in range(count + 1)]
    return [(low, high, False) for low, high in zip(bounds, bounds[1:], strict=False)]


class _RangeReader(io.RawIOBase):
    """A seekable view of an S3 object; each read is one ranged GET."""

    def __init__(self, client: Any, bucket: str, key: str, size: int) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._size = size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def _fetch(self, wanted: int) -> bytes:
        last = self._position + wanted - 1
        answer = self._client.get_object(
            Bucket=self._bucket, Key=self._key, Range=f"bytes={self._position}-{last}"
        )
        data: bytes = answer["Body"].read()
        self._position += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self._size - self._position)
        if wanted <= 0:
            return 0
        data = self._fetch(wanted)
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        # The default reads 8 KiB per call: one GET per 8 KiB. One GET for the rest instead.
        wanted = self._size - self._position
        return self._fetch(wanted) if wanted > 0 else b""
