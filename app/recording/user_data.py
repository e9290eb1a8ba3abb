"""Taking where a recording was made out of MP4 and QuickTime files, before anyone plays them.

Phones write the place a video was shot into the file: iPhones as a
`com.apple.quicktime.location.ISO6709` key in the movie's `meta` box, Android camera
apps and others as a `©xyz` (or 3GPP `loci`) box in its `udta` box, next to the make,
model and software of the device. For a recording of a family at home, that is their
address, readable by anyone who saves the file.

The `udta` and `meta` boxes of the movie and of each track hold only such descriptive
metadata: nothing a player needs to play the file. Each is renamed to `free`, which
every reader skips, and its contents are overwritten with zeros, so the place is not
even in the bytes. No size or offset changes, so the audio and video are untouched and
nothing is remuxed; on disk only those few bytes are written (S3 rewrites the object
around them, copying the rest inside S3; see `S3Storage.patch`).
"""

import struct
from dataclasses import dataclass
from typing import BinaryIO

FREE = b"free"
# Boxes of descriptive metadata, and the boxes they are found in (the movie, its tracks).
METADATA_BOXES = {b"udta", b"meta"}
CONTAINER_BOXES = {b"moov", b"trak"}
MAX_DEPTH = 2  # file -> moov -> trak


@dataclass(frozen=True)
class Box:
    start: int
    header_size: int
    size: int

    def emptied(self) -> list[tuple[int, bytes]]:
        """The changes that turn this box into a `free` box of zeros, size unchanged."""
        return [
            (self.start + 4, FREE),
            (self.start + self.header_size, bytes(self.size - self.header_size)),
        ]


def metadata_boxes(file: BinaryIO, size: int) -> list[Box]:
    """The metadata boxes of the movie and its tracks, in an ISO base media file.

    A malformed box ends the walk at that level: the file is then left as it is there,
    and PyAV decides later whether it is playable at all.
    """
    found: list[Box] = []
    _walk(file, 0, size, 0, found)
    return found


def without_metadata(boxes: list[Box]) -> list[tuple[int, bytes]]:
    return [change for box in boxes for change in box.emptied()]


def _walk(file: BinaryIO, start: int, end: int, depth: int, found: list[Box]) -> None:
    position = start
    while position + 8 <= end:
        file.seek(position)
        header = file.read(16)
        if len(header) < 8:
            return
        box_size, box_type = struct.unpack(">I4s", header[:8])
        header_size = 8
        if box_size == 1:  # a 64-bit size follows the type
            if len(header) < 16:
                return
            (box_size,) = struct.unpack(">Q", header[8:16])
            header_size = 16
        elif box_size == 0:  # the box runs to the end of its parent
            box_size = end - position
        if box_size < header_size or position + box_size > end:
            return
        if box_type in METADATA_BOXES:
            found.append(Box(position, header_size, box_size))
        elif box_type in CONTAINER_BOXES and depth < MAX_DEPTH:
            _walk(file, position + header_size, position + box_size, depth + 1, found)
        position += box_size
