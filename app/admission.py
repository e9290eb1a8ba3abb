"""How many requests one process works on at once, and what the rest hear.

Every request that uses the database (`SessionDep`) first takes one of
TANDEM_CONCURRENCY turns and gives it back when its transaction ends. A turn waits on
the event loop, holding no thread and no connection, for at most TANDEM_QUEUE_SECONDS;
then the answer is 503 with Retry-After. The pool has a connection for every turn, and
the thread pool more threads than turns, so a request that has its turn never waits for
either: a crowd (or a flood of failed sign-ins) slows the queue down instead of locking
connections and threads up against each other.

Password sign-ins also take one of a quarter as many turns of their own first: checking
a password is deliberately slow (argon2), and a flood of guesses, which needs no account,
must not crowd out the people already signed in.

`/healthz`, `/readyz`, the PWA's files and the streaming upload routes (which open their
own short sessions) take no turn, so they keep answering under load.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from math import ceil

import anyio
from fastapi import Depends, Request

from app.errors import ServiceUnavailable


class Admission:
    def __init__(self, *, turns: int, wait_seconds: float) -> None:
        self.turns = turns
        self.wait_seconds = wait_seconds
        # Made on first use: an anyio semaphore belongs to the running event loop.
        self._semaphore: anyio.Semaphore | None = None

    @property
    def taken(self) -> int:
        """Turns held right now: 0 whenever no request is being answered."""
        return 0 if self._semaphore is None else self.turns - self._semaphore.value

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        if self._semaphore is None:
            self._semaphore = anyio.Semaphore(self.turns)
        admitted = False
        with anyio.move_on_after(self.wait_seconds):
            await self._semaphore.acquire()
            admitted = True
        if not admitted:
            raise busy(self.wait_seconds)
        try:
            yield
        finally:
            self._semaphore.release()


def busy(wait_seconds: float) -> ServiceUnavailable:
    return ServiceUnavailable(
        "The service is busy; please try again in a moment.",
        code="server_busy",
        headers={"Retry-After": str(max(1, ceil(wait_seconds)))},
    )


def threads_for(turns: int) -> int:
    """Worker threads for a process with this many turns: one per turn for the request,
    as many again for uploads, media and background work, and never fewer than anyio's
    default of 40."""
    return max(40, 2 * turns + 8)


def password_check_turns(turns: int) -> int:
    return max(1, turns // 4)


async def _password_check_turn(request: Request) -> AsyncIterator[None]:
    async with request.app.state.password_checks.turn():
        yield


# For a route's `dependencies=`: those run before its parameters' (and so before the
# session's turn), and scope="function" gives the turn back when the route returns.
PasswordCheckTurn = Depends(_password_check_turn, scope="function")
