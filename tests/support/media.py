"""Small test media made with PyAV: nothing binary is committed to the repository."""

import math
import struct
from fractions import Fraction
from pathlib import Path

import av

from app.recording.user_data import metadata_boxes, without_metadata

SAMPLE_RATE = 44100


def make_video(
    path: Path,
    *,
    seconds: float = 2.0,
    width: int = 320,
    height: int = 240,
    fps: int = 25,
    audio: bool = True,
    metadata: dict[str, str] | None = None,
    container_format: str = "mp4",
    muxer_options: dict[str, str] | None = None,
    keep_metadata: bool = False,
) -> Path:
    """An H.264 (+ AAC) MP4 of moving colour bands and a tone.

    Unless `keep_metadata`, its metadata boxes (the muxer's own `udta` with its name) are
    emptied, as processing does, so tests can compare what was uploaded with what is
    stored and played back byte for byte.
    """
    with av.open(str(path), mode="w", format=container_format, options=muxer_options) as container:
        container.metadata.update(metadata or {})
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast"}
        sound = container.add_stream("aac", rate=SAMPLE_RATE) if audio else None
        for index in range(int(seconds * fps)):
            container.mux(video.encode(_picture(width, height, index)))
        container.mux(video.encode(None))
        if sound is not None:
            _add_tone(container, sound, seconds)
    return path if keep_metadata else _as_stored(path)


def _as_stored(path: Path) -> Path:
    with path.open("r+b") as file:
        for offset, data in without_metadata(metadata_boxes(file, path.stat().st_size)):
            file.seek(offset)
            file.write(data)
    return path


def _picture(width: int, height: int, index: int) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "rgb24")
    plane = frame.planes[0]
    row = bytes(
        value for x in range(width) for value in ((x + index * 4) % 256, 128, (index * 8) % 256)
    )
    padded = row + bytes(plane.line_size - len(row))
    plane.update(padded * height)
    return frame


def _add_tone(
    container: av.container.OutputContainer, stream: av.AudioStream, seconds: float
) -> None:
    samples_per_frame = 1024
    for start in range(0, int(seconds * SAMPLE_RATE), samples_per_frame):
        frame = av.AudioFrame(format="s16", layout="mono", samples=samples_per_frame)
        values = (
            int(6000 * math.sin(2 * math.pi * 440 * (start + i) / SAMPLE_RATE))
            for i in range(samples_per_frame)
        )
        frame.planes[0].update(struct.pack(f"<{samples_per_frame}h", *values))
        frame.sample_rate = SAMPLE_RATE
        frame.pts = start
        frame.time_base = Fraction(1, SAMPLE_RATE)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def pad_with_free_box(path: Path, extra_bytes: int) -> Path:
    """Make an MP4 bigger while it stays valid: a top-level `free` box of zeros."""
    with path.open("ab") as file:
        file.write(struct.pack(">I", extra_bytes + 8) + b"free" + bytes(extra_bytes))
    return path


def make_audio(path: Path, *, seconds: float = 1.0) -> Path:
    """AAC in an MP4 (M4A) file: a tone (metadata boxes emptied, as for make_video)."""
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream("aac", rate=SAMPLE_RATE)
        _add_tone(container, stream, seconds)
    return _as_stored(path)
