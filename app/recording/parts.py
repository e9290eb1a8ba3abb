"""Cutting a request body into storage parts, and storing one part while the next arrives.

Both upload routes (tus and the plain multipart POST) stream bodies of up to several
GB. Two things keep that close to the speed of writing the body straight to a file:

- `PartBuffers` copies the body into two part-sized buffers that are reused for the
  whole request (and, through a small pool, by the next request), so no part is
  allocated, grown, sliced or freed per part: growing a bytearray chunk by chunk and
  zeroing fresh 8 MiB buffers cost more CPU than the rest of the receive loop.
- `PartPipeline` stores a full part in a worker thread (write, fsync, commit) while the
  event loop goes on reading the socket into the other buffer, so the client is never
  left waiting on the disk or the database. At most one part is in flight, so parts
  (and their commits) stay in order and memory stays at two parts per request.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterator

import anyio


class BufferPool:
    """Part-sized buffers kept between requests.

    A fresh 8 MiB bytearray is zeroed and faulted in page by page: with one PATCH per
    part (tus clients with a chunk size), that cost more CPU than receiving the part.
    Only a few idle buffers are kept, so the memory held between uploads stays small.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self._idle: list[bytearray] = []

    def take(self, size: int) -> bytearray:
        while True:
            try:
                buffer = self._idle.pop()  # atomic: safe with event loops in several threads
            except IndexError:
                return bytearray(size)
            if len(buffer) == size:
                return buffer

    def give_back(self, buffer: bytearray) -> None:
        if len(self._idle) < self.keep:
            self._idle.append(buffer)


# Requests hand their buffers back when they end. list.pop and list.append are atomic,
# so no lock is needed, even with several apps on event loops in different threads.
POOL = BufferPool(keep=2)


class PartBuffers:
    """Cuts a byte stream into parts of exactly `part_size` bytes, in two reused buffers.

    A part yielded by `feed` is a view of one of the two buffers: it stays valid until
    the part after it has been yielded and the caller resumes the generator. A
    `PartPipeline` guarantees exactly that: `submit` returns only once the part before
    has been stored. Use as a context manager: the buffers go back to the pool at the
    end, when no part may be in flight any more.
    """

    def __init__(self, part_size: int, initial: bytes = b"") -> None:
        if len(initial) >= part_size:
            raise ValueError("an initial tail must be shorter than a part")
        self.part_size = part_size
        # Taken when first written to: a PATCH of exactly one part never needs the second.
        self._buffers: list[bytearray | None] = [None, None]
        self._current = 0
        self.filled = 0  # bytes waiting in the current buffer
        self._buffer()[: len(initial)] = initial
        self.filled = len(initial)

    def __enter__(self) -> "PartBuffers":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        for buffer in self._buffers:
            if buffer is not None:
                POOL.give_back(buffer)
        self._buffers = [None, None]

    def _buffer(self) -> bytearray:
        buffer = self._buffers[self._current]
        if buffer is None:
            buffer = self._buffers[self._current] = POOL.take(self.part_size)
        return buffer

    def feed(self, data: bytes) -> Iterator[memoryview]:
        view = memoryview(data)
        while view:
            buffer = self._buffer()
            taken = min(len(view), self.part_size - self.filled)
            buffer[self.filled : self.filled + taken] = view[:taken]
            self.filled += taken
            view = view[taken:]
            if self.filled == self.part_size:
                self._current, self.filled = 1 - self._current, 0
                yield memoryview(buffer)

    @property
    def pending(self) -> memoryview:
        """The bytes short of a part (the upload's tail, or its last part)."""
        return memoryview(self._buffer())[: self.filled]


class PartPipeline:
    """Runs `store(part)` for one part at a time, in the background of the receive loop.

    The task is a plain asyncio task rather than an anyio task group so that errors from
    storing (a lost lease, a storage failure) reach the route as themselves, not wrapped
    in an ExceptionGroup, and so that the error handlers see the same exceptions as
    before the receive loop went concurrent.
    """

    def __init__(self, store: Callable[[memoryview], Awaitable[None]]) -> None:
        self._store = store
        self._in_flight: asyncio.Task[None] | None = None

    async def submit(self, part: memoryview) -> None:
        """Start storing `part` once the previous part is stored (raising its error)."""
        await self.wait()
        self._in_flight = asyncio.ensure_future(self._store(part))

    async def wait(self) -> None:
        """Until the part in flight is stored; shielded, so a cancelled request still
        leaves storage and database agreeing on what was stored."""
        task, self._in_flight = self._in_flight, None
        if task is not None:
            with anyio.CancelScope(shield=True):
                await task
