"""Media served from disk in chunks read ahead of the socket (app/recording/playback.py):
a file of several chunks arrives whole and in order, however it is asked for."""

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from app.recording.playback import FAST_CLIENT_CHUNK, MediaFileResponse

CHUNK = MediaFileResponse.chunk_size


@pytest.fixture
def media(tmp_path: Path) -> tuple[TestClient, bytes]:
    # Long enough for the reads to grow to their largest, and a short last read.
    data = os.urandom(3 * FAST_CLIENT_CHUNK + CHUNK // 2)
    path = tmp_path / "original"
    path.write_bytes(data)

    async def serve(request: Request) -> MediaFileResponse:
        return MediaFileResponse(path, stat_result=os.stat(path), media_type="video/mp4")

    app = Starlette(routes=[Route("/media", serve, methods=["GET", "HEAD"])])
    return TestClient(app), data


def test_the_whole_file_arrives_in_order(media: tuple[TestClient, bytes]) -> None:
    client, data = media
    answer = client.get("/media")
    assert answer.status_code == 200
    assert answer.headers["Content-Length"] == str(len(data))
    assert answer.content == data


@pytest.mark.parametrize(
    ("first", "last"),
    [(0, None), (CHUNK - 1, 2 * CHUNK), (CHUNK, 2 * CHUNK - 1), (3 * CHUNK + 7, None)],
)
def test_a_range_across_chunks_is_exactly_its_bytes(
    media: tuple[TestClient, bytes], first: int, last: int | None
) -> None:
    client, data = media
    spec = f"bytes={first}-{'' if last is None else last}"
    answer = client.get("/media", headers={"Range": spec})
    end = len(data) if last is None else last + 1
    assert answer.status_code == 206
    assert answer.headers["Content-Range"] == f"bytes {first}-{end - 1}/{len(data)}"
    assert answer.content == data[first:end]


def test_head_sends_the_length_and_no_bytes(media: tuple[TestClient, bytes]) -> None:
    client, data = media
    whole = client.head("/media")
    ranged = client.head("/media", headers={"Range": f"bytes={CHUNK}-"})
    assert (whole.status_code, whole.headers["Content-Length"], whole.content) == (
        200,
        str(len(data)),
        b"",
    )
    assert ranged.status_code == 206 and ranged.content == b""
    assert ranged.headers["Content-Length"] == str(len(data) - CHUNK)


def body_sizes(path: Path, *, seconds_per_chunk: float) -> list[int]:
    """The sizes of the body messages a whole-file response sends to a client that takes
    `seconds_per_chunk` to take each (0: as fast as it comes)."""
    sizes: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            sizes.append(len(message["body"]))
            await asyncio.sleep(seconds_per_chunk)

    async def receive() -> dict[str, Any]:
        await asyncio.Event().wait()  # the client never hangs up: the response ends first
        raise AssertionError("unreachable")

    async def respond() -> None:
        scope = {"type": "http", "method": "GET", "headers": [], "path": "/media"}
        await MediaFileResponse(path, stat_result=os.stat(path))(scope, receive, send)

    # A loop of its own, on a thread of its own: the worker's thread may already run one
    # (Playwright's, when browser tests ran before in the same worker).
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, respond()).result()
    return sizes


def test_a_slow_client_is_sent_small_chunks_and_a_fast_one_large(tmp_path: Path) -> None:
    """What a response holds in memory follows what its client takes: a phone taking
    1 MiB in 50 ms (20 MB/s) is sent 1 MiB chunks; a client on loopback gets larger ones."""
    data = os.urandom(6 * FAST_CLIENT_CHUNK)
    path = tmp_path / "original"
    path.write_bytes(data)

    slow = body_sizes(path, seconds_per_chunk=0.05)
    fast = body_sizes(path, seconds_per_chunk=0)

    assert sum(slow) == sum(fast) == len(data)
    assert max(slow) == CHUNK
    assert max(fast) == FAST_CLIENT_CHUNK
