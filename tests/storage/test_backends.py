"""The storage contract, held by both backends."""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.config import Settings
from app.storage import Storage, StorageError
from app.storage.disk import DiskStorage

MIB = 1024 * 1024


def write_multipart(storage: Storage, key: str, data: bytes) -> None:
    multipart_id = storage.create_multipart(key)
    size = storage.part_size
    parts = [
        storage.upload_part(key, multipart_id, number, data[start : start + size])
        for number, start in enumerate(range(0, len(data), size), start=1)
    ]
    storage.complete_multipart(key, multipart_id, parts)


def test_multipart_write_in_parts_reads_back_whole(storage: Storage) -> None:
    data = os.urandom(storage.part_size * 2 + 12345)
    write_multipart(storage, "recordings/o/r/original", data)
    with storage.open("recordings/o/r/original") as file:
        assert file.read() == data
        file.seek(storage.part_size - 5)
        assert file.read(10) == data[storage.part_size - 5 : storage.part_size + 5]
    assert [item.key for item in storage.list("recordings/")] == ["recordings/o/r/original"]
    assert storage.list("recordings/o/r/original")[0].size == len(data)
    assert storage.list_multiparts() == []


def test_a_part_written_again_replaces_the_first(storage: Storage) -> None:
    key = "recordings/o/r/original"
    multipart_id = storage.create_multipart(key)
    storage.upload_part(key, multipart_id, 1, b"a" * storage.part_size)
    first = storage.upload_part(key, multipart_id, 1, b"b" * storage.part_size)
    last = storage.upload_part(key, multipart_id, 2, b"tail")
    storage.complete_multipart(key, multipart_id, [first, last])
    assert storage.get(key) == b"b" * storage.part_size + b"tail"


def test_abort_and_delete_are_idempotent(storage: Storage) -> None:
    key = "recordings/o/r/original"
    multipart_id = storage.create_multipart(key)
    storage.upload_part(key, multipart_id, 1, b"abc")
    assert len(storage.list_multiparts()) == 1
    storage.abort_multipart(key, multipart_id)
    storage.abort_multipart(key, multipart_id)
    assert storage.list_multiparts() == []
    storage.put("uploads/u/tail-1", b"xyz")
    assert storage.get("uploads/u/tail-1") == b"xyz"
    storage.delete("uploads/u/tail-1")
    storage.delete("uploads/u/tail-1")
    assert storage.list("") == []


def test_list_is_by_prefix(storage: Storage) -> None:
    for key in ("recordings/a/1/original", "recordings/a/2/original", "uploads/x/tail-1"):
        storage.put(key, b"1")
    assert [item.key for item in storage.list("recordings/a/")] == [
        "recordings/a/1/original",
        "recordings/a/2/original",
    ]
    assert [item.key for item in storage.list("uploads/")] == ["uploads/x/tail-1"]


def test_completing_twice_is_harmless(storage: Storage) -> None:
    # A process may die after completing but before recording it; the next one completes again.
    key = "recordings/o/r/original"
    multipart_id = storage.create_multipart(key)
    parts = [storage.upload_part(key, multipart_id, 1, b"data")]
    storage.complete_multipart(key, multipart_id, parts)
    storage.complete_multipart(key, multipart_id, parts)
    assert storage.get(key) == b"data"


def test_presigned_urls(storage: Storage, storage_settings: Settings) -> None:
    storage.put("recordings/o/r/original", b"0123456789")
    url = storage.presigned_get(
        "recordings/o/r/original", seconds=300, content_type="video/mp4", filename="r.mp4"
    )
    if storage_settings.storage_backend == "disk":
        assert url is None
        path = storage.local_path("recordings/o/r/original")
        assert path is not None and path.read_bytes() == b"0123456789"
        return
    assert url is not None
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["300"]
    fetched = httpx.get(url)
    assert fetched.content == b"0123456789"
    assert fetched.headers["Content-Type"] == "video/mp4"


def test_disk_writes_are_atomic_and_confined(tmp_path: Path) -> None:
    storage = DiskStorage(tmp_path, part_size=5 * MIB)
    storage.put("uploads/u/tail-1", b"x" * 100)
    assert sorted(p.name for p in (tmp_path / "uploads" / "u").iterdir()) == ["tail-1"]
    for bad in ("../outside", "/etc/passwd", ".multipart/abc"):
        with pytest.raises(StorageError):
            storage.put(bad, b"x")
    with pytest.raises(StorageError):
        storage.complete_multipart("a/b", storage.create_multipart("a/b"), [])


def test_s3_server_side_encryption_is_requested(s3_endpoint: str) -> None:
    from app.storage import get_storage
    from tests.support.s3 import new_bucket, s3_client, s3_settings

    bucket = new_bucket(s3_endpoint)
    values = {**s3_settings(s3_endpoint, bucket), "s3_server_side_encryption": "AES256"}
    storage = get_storage(Settings(env="test", **values))  # type: ignore[arg-type]
    storage.put("uploads/u/tail-1", b"small")
    write_multipart(storage, "recordings/o/r/original", b"large")
    for key in ("uploads/u/tail-1", "recordings/o/r/original"):
        head = s3_client(s3_endpoint).head_object(Bucket=bucket, Key=key)
        assert head["ServerSideEncryption"] == "AES256"
