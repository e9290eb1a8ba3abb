"""Where a recording was made never leaves Tandem: the location (and device) metadata
phones write into MP4 and QuickTime files is taken out before anyone can play the file.

The files here are larger than one S3 part, so on S3 the object is rebuilt from copied
and uploaded parts; the metadata sits at the end of one file and at the start of the other.
"""

import hashlib
import io
import random
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent
from app.recording.user_data import metadata_boxes
from app.storage.s3 import MAX_COPY_BYTES, MIN_PART_BYTES, _patch_plan
from tests.recording.conftest import People, both_backends
from tests.recording.helpers import upload_whole, wait_until_processed
from tests.support.media import make_video, pad_with_free_box

MIB = 1024 * 1024
HOME = "+51.5072-000.1276/"  # ISO 6709, as phones write it


def android_style(path: Path) -> Path:
    """QuickTime with a ©xyz box in moov/udta, the movie box after the media data."""
    video = make_video(
        path, container_format="mov", metadata={"location": HOME}, keep_metadata=True
    )
    return pad_with_free_box(video, 7 * MIB)


def iphone_style(path: Path) -> Path:
    """MP4 with Apple's location key in moov/meta, the movie box first (fast start)."""
    video = make_video(
        path,
        metadata={"com.apple.quicktime.location.ISO6709": HOME},
        muxer_options={"movflags": "use_metadata_tags+faststart"},
        keep_metadata=True,
    )
    return pad_with_free_box(video, 7 * MIB)


@both_backends
@pytest.mark.parametrize("make", [android_style, iphone_style])
def test_location_is_taken_out_of_the_file_and_nothing_else_changes(
    client: TestClient, people: People, auth: Any, db: Session, tmp_path: Path, make: Any
) -> None:
    original = make(tmp_path / "visit").read_bytes()
    assert HOME.encode() in original
    headers = auth(people.practitioner)
    recording_id = upload_whole(client, headers, original)
    recording = wait_until_processed(client, recording_id, headers)
    assert recording["status"] == "ready", recording

    media = f"/api/v1/recordings/{recording_id}/media"
    played = client.get(media, headers=headers, follow_redirects=False)
    if played.status_code == 307:  # S3: the presigned URL, fetched from the S3 server
        played = httpx.get(played.headers["Location"])
    assert played.status_code == 200
    served = played.content
    assert HOME.encode() not in served
    assert recording["sha256"] == hashlib.sha256(served).hexdigest()
    # Only metadata boxes changed: renamed from udta or meta to free, their contents zeros.
    assert len(served) == len(original)
    renamed = [
        start
        for start in range(len(original) - 3)
        if original[start : start + 4] in (b"udta", b"meta")
        and served[start : start + 4] == b"free"
    ]
    assert renamed
    in_names = {start + step for start in renamed for step in range(4)}
    changed = [index for index in range(len(original)) if served[index] != original[index]]
    assert all(index in in_names or served[index] == 0 for index in changed)
    # The recording still plays: same streams, every frame decodes, no location tag.
    with av.open(io.BytesIO(original)) as source, av.open(io.BytesIO(served)) as result:
        assert [s.type for s in result.streams] == [s.type for s in source.streams]
        assert not any("location" in key.lower() for key in result.metadata)
        frames = sum(1 for _ in result.decode(video=0))
        assert frames == sum(1 for _ in source.decode(video=0)) > 0
    ready = db.exec(select(AuditEvent).where(AuditEvent.action == "recording.ready")).one()
    assert ready.details["metadata_boxes_removed"] >= 1


def test_metadata_boxes_are_found_in_the_movie_and_its_tracks_only() -> None:
    def make_box(kind: bytes, body: bytes = b"") -> bytes:
        return (8 + len(body)).to_bytes(4, "big") + kind + body

    name = make_box(b"name", b"cam")
    track = make_box(b"trak", make_box(b"tkhd", bytes(12)) + make_box(b"udta", name))
    movie = make_box(b"moov", make_box(b"mvhd", bytes(20)) + track + make_box(b"meta", bytes(30)))
    media = make_box(b"mdat", b"udta inside the media is only bytes")
    file = make_box(b"ftyp", b"isom") + media + movie
    found = metadata_boxes(io.BytesIO(file), len(file))
    assert [file[box.start + 4 : box.start + 8] for box in found] == [b"udta", b"meta"]
    track_udta = file.index(b"udta", len(make_box(b"ftyp", b"isom")) + len(media))
    assert (found[0].start + 4, found[0].size, found[1].size) == (track_udta, 19, 38)


@pytest.mark.parametrize(
    "damage",
    [
        lambda file: file[:-10],  # cut short inside the movie box
        lambda file: file[:8] + (10**6).to_bytes(4, "big") + file[12:],  # a size past the end
        lambda file: file[:8] + (3).to_bytes(4, "big") + file[12:],  # a size below a header
    ],
)
def test_a_malformed_file_is_walked_without_error(damage: Any) -> None:
    movie = (8 + 16).to_bytes(4, "big") + b"moov" + (16).to_bytes(4, "big") + b"udta" + bytes(8)
    file = damage((12).to_bytes(4, "big") + b"ftypisom" + movie)
    found = metadata_boxes(io.BytesIO(file), len(file))
    assert all(file[box.start + 4 : box.start + 8] == b"udta" for box in found)
    assert all(box.start + box.size <= len(file) for box in found)


def test_a_64_bit_box_size_is_understood() -> None:
    udta = (8).to_bytes(4, "big") + b"udta"
    movie = (1).to_bytes(4, "big") + b"moov" + (16 + len(udta)).to_bytes(8, "big") + udta
    found = metadata_boxes(io.BytesIO(movie), len(movie))
    assert [(box.start, box.header_size, box.size) for box in found] == [(16, 8, 8)]


def test_s3_rebuild_plans_keep_to_the_part_limits() -> None:
    for seed in range(500):
        chances = random.Random(seed)
        size = chances.choice([10, MIN_PART_BYTES - 1, 3 * MIN_PART_BYTES + 7, 40 * MIN_PART_BYTES])
        size = chances.choice([size, chances.randrange(8, 2 * MAX_COPY_BYTES)])
        count = chances.randrange(1, 5)
        changes = [(chances.randrange(0, size - 4), b"free") for _ in range(count)]
        plan = _patch_plan(size, changes)
        assert plan[0][0] == 0 and plan[-1][1] == size, seed
        assert all(end == start for (_, end, _), (start, _, _) in zip(plan, plan[1:], strict=False))
        assert all(end - start >= MIN_PART_BYTES for start, end, _ in plan[:-1]), seed
        assert all(end - start <= MAX_COPY_BYTES for start, end, up in plan if not up), seed
        for offset, data in changes:
            assert any(
                up and start <= offset and offset + len(data) <= end for start, end, up in plan
            )
