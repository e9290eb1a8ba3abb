"""The local media disk filling up under an upload, and space coming back.

The disk backend stores media on a 16 MiB tmpfs mounted for the test, most of it taken
by a filler file, so an upload of about 10 MiB runs out of space midway: once when its
tail (bytes short of a part) is written, once when a whole part is. What people rely on:

- the PATCH that runs out answers 507 `storage_full` in the JSON error shape (with
  Tus-Resumable), which says what is wrong rather than a bare 500;
- nothing stored before is damaged and HEAD's offset counts only what is fully stored:
  the part and tail of the first PATCH, nothing of the failed ones;
- the recording stays "uploading", never processing or ready with half its media;
- once space is freed (the filler removed) the upload resumes from HEAD's offset and
  completes with the right sha256, with no temporary file left on the disk.
"""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from tests.faults.conftest import MIB, PART_BYTES, Uploader, video_of_size
from tests.recording.conftest import bearer_for
from tests.recording.helpers import (
    create_upload,
    metadata,
    offset_of,
    patch,
    wait_until_processed,
)

pytestmark = pytest.mark.once_on_postgresql

DISK_MIB = 16
FILLER_MIB = 8


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of DISK_MIB as the media directory, unmounted whatever happens."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")  # the project's machines run tests as root
    mount_point = tmp_path / "media"
    mount_point.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_MIB}m", "tmpfs", str(mount_point)],
        check=True,
        capture_output=True,
    )
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode:
            # Busy: a file left open. Detach it anyway, so no mount outlives the test.
            subprocess.run(["umount", "--lazy", str(mount_point)], check=True)
            pytest.fail(f"{mount_point} was still in use after the test")


@pytest.fixture
def settings(settings: Settings, small_disk: Path) -> Settings:
    # Parts of 5 MiB, as on S3: the upload spans several, on a disk that holds few.
    return settings.model_copy(
        update={"storage_backend": "disk", "media_dir": small_disk, "s3_part_size_mib": 5}
    )


def free_bytes(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def test_an_upload_that_fills_the_disk_stops_cleanly_and_resumes_once_space_is_freed(
    client: TestClient,
    db: Session,
    settings: Settings,
    small_disk: Path,
    uploader: Uploader,
    tmp_path: Path,
) -> None:
    video = video_of_size(tmp_path / "visit.mp4", 2 * PART_BYTES + 123_456)
    filler = small_disk / "filler"
    filler.write_bytes(bytes(FILLER_MIB * MIB))
    headers = bearer_for(db, uploader.practitioner, settings.secret_key)
    created = create_upload(client, headers, len(video.data), metadata())
    assert created.status_code == 201, created.text
    url = created.headers["Location"]
    # A whole part and a 1 MiB tail fit; the disk is then nearly full.
    stored = PART_BYTES + MIB
    assert patch(client, url, headers, 0, video.data[:stored]).status_code == 204
    assert free_bytes(small_disk) < 3 * MIB

    # A longer tail does not fit, nor does the second part.
    for end in (stored + 3 * MIB, len(video.data)):
        refused = patch(client, url, headers, stored, video.data[stored:end])
        assert refused.status_code == 507, refused.text
        assert refused.json()["error"]["code"] == "storage_full"
        assert int(refused.headers["retry-after"]) > 0
        assert "full" in refused.json()["error"]["message"]
        assert refused.headers["tus-resumable"] == "1.0.0"
        assert offset_of(client, url, headers) == stored
    assert client.get(url, headers=headers).json()["recording_id"] is None
    listed = client.get(
        "/api/v1/recordings",
        params={"organisation_id": str(uploader.organisation.id)},
        headers=headers,
    )
    assert [recording["status"] for recording in listed.json()] == ["uploading"]

    filler.unlink()
    offset = offset_of(client, url, headers)
    done = patch(client, url, headers, offset, video.data[offset:])
    assert done.status_code == 204, done.text
    recording_id = client.get(url, headers=headers).json()["recording_id"]
    recording = wait_until_processed(client, recording_id, headers)
    assert recording["status"] == "ready"
    assert (recording["size_bytes"], recording["sha256"]) == (len(video.data), video.sha256)
    leftovers = [path.name for path in small_disk.rglob("*") if path.name.endswith(".tmp")]
    assert not leftovers, f"temporary files left on the disk: {leftovers}"
