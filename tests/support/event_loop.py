"""Running async code from a sync test."""

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio

T = TypeVar("T")


def run_apart(main: Callable[[], Awaitable[T]]) -> T:
    """`anyio.run(main)` in a thread of its own: a browser test that ran earlier in this
    worker leaves Playwright's event loop running in the main thread, where no other loop
    may start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, main).result()
