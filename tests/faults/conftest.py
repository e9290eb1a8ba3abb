"""What the fault tests share: an S3 API on loopback, people, and test media."""

import hashlib
import random
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session

from app.models import Organisation, Role, User
from tests.factories import make_organisation, make_user
from tests.support.media import make_video
from tests.support.s3 import moto_server

MIB = 1024 * 1024
# The smallest part S3 allows; the disk backend is given the same, so both store a few
# MiB of media in several parts.
PART_BYTES = 5 * MIB


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@dataclass
class Uploader:
    organisation: Organisation
    practitioner: User


@pytest.fixture
def uploader(db: Session) -> Uploader:
    organisation = make_organisation(db)
    return Uploader(organisation, make_user(db, organisation, Role.practitioner))


@dataclass(frozen=True)
class Video:
    data: bytes
    sha256: str


def video_of_size(path: Path, size: int) -> Video:
    """A real MP4 made `size` bytes long by a `free` box of seeded random bytes: unlike
    zeros, a part stored twice, at the wrong place or half written changes its sha256."""
    make_video(path, seconds=1)
    extra = size - path.stat().st_size - 8
    with path.open("ab") as file:
        file.write(struct.pack(">I", extra + 8) + b"free" + random.Random(size).randbytes(extra))
    data = path.read_bytes()
    return Video(data, hashlib.sha256(data).hexdigest())
