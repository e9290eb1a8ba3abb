"""What a stored file really is: its signature, its streams (PyAV) and a poster frame.

The name and the declared type are the uploader's word; the bytes decide. A file must
start with the signature of an audio or video container and PyAV must find an audio or
video stream in it. Container tags (GPS location, device names) are never read out.
"""

import hashlib
from dataclasses import dataclass
from fractions import Fraction
from typing import BinaryIO

import av

HASH_READ_BYTES = 8 * 1024 * 1024
POSTER_MAX_WIDTH = 640
POSTER_SEARCH_FRAMES = 120


class NotMedia(Exception):
    """The file is not audio or video; the message is shown to the uploader."""


@dataclass(frozen=True)
class MediaInfo:
    container: str
    media_type: str
    duration_seconds: float | None
    has_video: bool
    has_audio: bool
    video_codec: str | None
    audio_codec: str | None
    width: int | None
    height: int | None


def sniff(head: bytes) -> str | None:
    """The container family named by the first bytes, or None when it is not media we take."""
    if head[4:8] == b"ftyp":
        return "quicktime" if head[8:12] == b"qt  " else "mp4"
    riff = {b"WAVE": "wav", b"AVI ": "avi"}
    prefixes = {
        b"\x1a\x45\xdf\xa3": "matroska",
        b"OggS": "ogg",
        b"fLaC": "flac",
        b"ID3": "mp3",
        b"#!AMR": "amr",
        b"caff": "caf",
        b"\x30\x26\xb2\x75\x8e\x66\xcf\x11": "asf",
    }
    for prefix, family in prefixes.items():
        if head.startswith(prefix):
            return family
    if head.startswith(b"RIFF") and head[8:12] in riff:
        return riff[head[8:12]]
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return "mpegts"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "mpeg-audio"  # an MP3 or ADTS AAC frame header
    return None


AUDIO_TYPES = {
    "mp4": "audio/mp4",
    "quicktime": "audio/mp4",
    "matroska": "audio/webm",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "amr": "audio/amr",
    "caf": "audio/x-caf",
    "asf": "audio/x-ms-wma",
    "aiff": "audio/aiff",
    "mpeg-audio": "audio/mpeg",
    "mpegts": "audio/mp2t",
    "avi": "audio/x-msvideo",
}
VIDEO_TYPES = {
    "mp4": "video/mp4",
    "quicktime": "video/quicktime",
    "matroska": "video/webm",
    "ogg": "video/ogg",
    "avi": "video/x-msvideo",
    "asf": "video/x-ms-wmv",
    "mpegts": "video/mp2t",
}


def sha256_and_size(file: BinaryIO) -> tuple[str, int, bytes]:
    """The hash, the size and the first bytes (for sniffing), in one pass over the file."""
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := file.read(HASH_READ_BYTES):
        if not head:
            head = chunk[:512]
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size, head


def _moving_picture(stream: av.stream.Stream) -> bool:
    # Cover art in an audio file shows up as a one-picture "video" stream.
    return not stream.disposition & av.stream.Disposition.attached_pic


def probe(file: BinaryIO, family: str) -> MediaInfo:
    try:
        with av.open(file, mode="r") as container:
            video = next((s for s in container.streams.video if _moving_picture(s)), None)
            audio = next(iter(container.streams.audio), None)
            duration = container.duration / av.time_base if container.duration else None
    except (av.FFmpegError, ValueError, OSError) as error:
        raise NotMedia("The file could not be read as audio or video.") from error
    if video is None and audio is None:
        raise NotMedia("The file has no audio or video in it.")
    if video is not None and family not in VIDEO_TYPES:
        raise NotMedia("The file is not an audio or video container that Tandem accepts.")
    types = VIDEO_TYPES if video is not None else AUDIO_TYPES
    return MediaInfo(
        container=family,
        media_type=types[family],
        duration_seconds=round(duration, 3) if duration else None,
        has_video=video is not None,
        has_audio=audio is not None,
        video_codec=video.codec_context.name if video else None,
        audio_codec=audio.codec_context.name if audio else None,
        width=video.codec_context.width if video else None,
        height=video.codec_context.height if video else None,
    )


def poster_jpeg(file: BinaryIO) -> bytes | None:
    """A JPEG of a frame about a second in (or mid-way through a shorter clip)."""
    with av.open(file, mode="r") as container:
        stream = next(s for s in container.streams.video if _moving_picture(s))
        duration = container.duration / av.time_base if container.duration else 0.0
        target = min(1.0, duration / 2)
        if target > 0 and stream.time_base:
            container.seek(int(target / stream.time_base), stream=stream)
        chosen = None
        for count, frame in enumerate(container.decode(stream)):
            chosen = frame
            if (frame.time or 0.0) >= target or count >= POSTER_SEARCH_FRAMES:
                break
        if chosen is None:
            return None
        return _encode_jpeg(chosen)


def _encode_jpeg(frame: av.VideoFrame) -> bytes:
    width = min(frame.width, POSTER_MAX_WIDTH)
    height = max(2, round(frame.height * width / frame.width / 2) * 2)
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height = width, height
    encoder.pix_fmt = "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    image = frame.reformat(width=width, height=height, format="yuvj420p")
    packets = [*encoder.encode(image), *encoder.encode(None)]
    return b"".join(bytes(packet) for packet in packets)
