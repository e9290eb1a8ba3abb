"""Cutting upload bodies into storage parts, and storing one part while the next arrives.

The buffers are reused from part to part, so a part stored late would be overwritten by
the bytes after it: these tests check that what reaches storage is exactly what was sent.
"""

import random
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio
import anyio.to_thread
import pytest

from app.recording.parts import PartBuffers, PartPipeline

PART = 64 * 1024
T = TypeVar("T")


def run(receive: Callable[[], Awaitable[T]]) -> T:
    """Run an async receive loop to its end, in a thread of its own: in a test worker that
    has run browser tests, Playwright keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(anyio.run, receive).result()


def random_chunks(data: bytes, seed: int) -> list[bytes]:
    chances = random.Random(seed)
    chunks, start = [], 0
    while start < len(data):
        size = chances.choice([1, 7, 1000, PART - 1, PART, PART + 1, 3 * PART + 5])
        chunks.append(data[start : start + size])
        start += size
    return chunks


@pytest.mark.parametrize("seed", range(5))
def test_parts_are_exact_and_keep_every_byte(seed: int) -> None:
    data = random.Random(seed).randbytes(10 * PART + 12345)
    tail = data[:1000]  # as if a previous request had stopped 1000 bytes into a part
    parts: list[bytes] = []
    with PartBuffers(PART, tail) as buffers:
        for chunk in random_chunks(data[1000:], seed):
            parts.extend(bytes(part) for part in buffers.feed(chunk))
        remainder = bytes(buffers.pending)
    assert all(len(part) == PART for part in parts)
    assert b"".join(parts) + remainder == data
    assert len(remainder) == len(data) % PART


def test_a_tail_as_long_as_a_part_is_refused() -> None:
    with pytest.raises(ValueError, match="shorter than a part"):
        PartBuffers(PART, b"x" * PART)


def test_parts_stored_slowly_in_a_thread_arrive_whole_and_in_order() -> None:
    data = random.Random(9).randbytes(12 * PART + 99)
    stored: list[bytes] = []

    def store(part: memoryview) -> None:
        time.sleep(0.005)  # slower than receiving: the buffers would be refilled under it
        stored.append(bytes(part))

    async def receive() -> bytes:
        pipeline = PartPipeline(lambda part: anyio.to_thread.run_sync(store, part))
        with PartBuffers(PART) as buffers:
            for chunk in random_chunks(data, 9):
                for part in buffers.feed(chunk):
                    await pipeline.submit(part)
            await pipeline.wait()
            return bytes(buffers.pending)

    remainder = run(receive)
    assert b"".join(stored) + remainder == data
    assert len(stored) == 12


def test_the_next_part_is_received_while_the_last_is_being_stored() -> None:
    first_part_stored = threading.Event()
    second_part_received = threading.Event()

    def store(part: memoryview) -> None:
        if not first_part_stored.is_set():
            # Finishes only once the receive loop has gone on to the next part.
            assert second_part_received.wait(timeout=10), "receiving waited for storing"
            first_part_stored.set()

    async def receive() -> None:
        pipeline = PartPipeline(lambda part: anyio.to_thread.run_sync(store, part))
        with PartBuffers(PART) as buffers:
            for part in buffers.feed(b"a" * PART):
                await pipeline.submit(part)
            for _ in buffers.feed(b"b" * (PART // 2)):
                pass
            second_part_received.set()
            await pipeline.wait()

    run(receive)
    assert first_part_stored.is_set()


class StorageBroke(Exception):
    pass


def test_an_error_storing_a_part_reaches_the_receive_loop_as_itself() -> None:
    async def store(part: memoryview) -> None:
        raise StorageBroke("disk full")

    async def receive() -> None:
        pipeline = PartPipeline(store)
        with PartBuffers(PART) as buffers:
            for chunk in [b"x" * PART] * 3:
                for part in buffers.feed(chunk):
                    await pipeline.submit(part)
            await pipeline.wait()

    with pytest.raises(StorageBroke, match="disk full"):
        run(receive)


def test_requests_at_the_same_time_never_share_a_buffer_and_later_ones_reuse_them() -> None:
    with PartBuffers(PART) as first, PartBuffers(PART) as second:
        first_part = next(first.feed(b"a" * PART))
        second_part = next(second.feed(b"b" * PART))
        assert first_part.obj is not second_part.obj
        assert bytes(first_part) == b"a" * PART  # untouched by the other request
        in_use = {id(first_part.obj), id(second_part.obj)}
    with PartBuffers(PART) as later:
        reused = next(later.feed(b"c" * PART))
        assert id(reused.obj) in in_use  # no fresh 64 KiB zeroed for this request
