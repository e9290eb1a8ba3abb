"""A TCP proxy on loopback that breaks uploads off midway, the way mobile networks do.

It forwards to one upstream server and reads the HTTP requests passing through, so it
can cut a request body at an exact byte: a clean close (FIN both ways), a reset (RST
both ways), or a stall (nothing moves either way, then both sides are closed). Which
bodies are cut, where and how follows a plan drawn from a seeded generator
(`random_plan`); `cuts` records what really happened.

tuspy sets no timeout on its requests, so the proxy ends a stall itself after
`stall_seconds`, as a phone whose connection went dead eventually gives up on it.
"""

import enum
import random
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit

READ_BYTES = 64 * 1024


class CutKind(enum.StrEnum):
    close = "close"
    reset = "reset"
    stall = "stall"


@dataclass(frozen=True)
class PlannedCut:
    kind: CutKind
    # Request bodies let through whole since the previous cut, before this one falls.
    after_bodies: int
    # Where in the body it falls, as a fraction of its Content-Length.
    fraction: float


@dataclass(frozen=True)
class Cut:
    kind: CutKind
    forwarded: int  # body bytes sent upstream before the cut
    content_length: int


def random_plan(seed: int, *, cuts: int = 6) -> list[PlannedCut]:
    """`cuts` cuts, each kind at least once, at random places of random bodies."""
    rng = random.Random(seed)
    kinds = list(CutKind)
    chosen = kinds + rng.choices(kinds, k=max(0, cuts - len(kinds)))
    rng.shuffle(chosen)
    return [PlannedCut(kind, rng.randint(0, 1), rng.uniform(0.01, 0.99)) for kind in chosen]


@dataclass
class _Link:
    """A client's connection and its own connection upstream."""

    client: socket.socket
    server: socket.socket
    answered: bool = False  # the server has sent bytes since the current request began
    stalled: bool = False
    closed: threading.Event = field(default_factory=threading.Event)
    _closing: threading.Lock = field(default_factory=threading.Lock)

    def close(self, *, reset: bool = False) -> None:
        with self._closing:  # the first to close decides how: FIN or RST
            if self.closed.is_set():
                return
            for sock in (self.client, self.server):
                try:
                    if reset:
                        # Linger on for zero seconds: the close sends RST. SHUT_RD sends
                        # nothing but wakes the other pump's recv(): while a thread is
                        # blocked in it, close() would not close the socket at all.
                        sock.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                        sock.shutdown(socket.SHUT_RD)
                    else:
                        sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.closed.set()


class FlakyProxy:
    """Listens on 127.0.0.1 (`url`) and forwards to `upstream_url`, cutting as planned."""

    def __init__(
        self, upstream_url: str, plan: Sequence[PlannedCut], *, stall_seconds: float = 1.0
    ) -> None:
        address = urlsplit(upstream_url)
        self._upstream = (address.hostname or "127.0.0.1", address.port or 80)
        self._plan = deque(plan)
        self._bodies_since_cut = 0
        self._stall_seconds = stall_seconds
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._links: list[_Link] = []
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.cuts: list[Cut] = []

    def __enter__(self) -> "FlakyProxy":
        self._acceptor.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._acceptor.join()  # it looks at `_stopping` ten times a second
        self._listener.close()
        with self._lock:
            links, threads = list(self._links), list(self._threads)
        for link in links:
            link.close()
        for thread in threads:
            thread.join(timeout=5)

    def cut_counts(self) -> dict[CutKind, int]:
        with self._lock:
            return {kind: sum(cut.kind is kind for cut in self.cuts) for kind in CutKind}

    def planned_left(self) -> int:
        with self._lock:
            return len(self._plan)

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self._upstream)
            except OSError:
                client.close()
                continue
            link = _Link(client, server)
            with self._lock:
                self._links.append(link)
            self._start(self._forward_responses, link)
            self._start(self._forward_requests, link)

    def _forward_responses(self, link: _Link) -> None:
        try:
            while data := link.server.recv(READ_BYTES):
                link.answered = True
                if link.stalled:
                    break  # nothing moves during a stall; the stall closes the link
                link.client.sendall(data)
        except OSError:
            pass
        if not link.stalled:
            link.close()

    def _forward_requests(self, link: _Link) -> None:
        buffer: bytes | None = b""
        try:
            while buffer is not None:
                while b"\r\n\r\n" not in buffer:
                    data = link.client.recv(READ_BYTES)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                length = _content_length(head)
                link.answered = False
                link.server.sendall(head + b"\r\n\r\n")
                if length is None:  # chunked: not a body this proxy measures
                    _relay_the_rest(link, buffer)
                    return
                buffer = self._forward_body(link, buffer, length)
        except OSError:
            pass
        finally:
            link.close()

    def _forward_body(self, link: _Link, buffer: bytes, length: int) -> bytes | None:
        """Send one body upstream or cut it; returns what was read past it (None: stop)."""
        planned = self._arm(length)
        cut_at = 0 if planned is None else min(length - 1, max(1, int(planned.fraction * length)))
        forwarded = 0
        try:
            while forwarded < length:
                if not buffer:
                    buffer = link.client.recv(READ_BYTES)
                    if not buffer:
                        return None
                piece, buffer = buffer[: length - forwarded], buffer[length - forwarded :]
                if planned is not None and forwarded + len(piece) >= cut_at:
                    if not link.answered:
                        link.server.sendall(piece[: cut_at - forwarded])
                        self._cut(link, planned, cut_at, length)
                        planned = None
                        return None
                    # The server answered before the cut point (an early 423 or 409):
                    # a cut now would break off nothing the server still wanted.
                    self._disarm(planned)
                    planned = None
                link.server.sendall(piece)
                forwarded += len(piece)
            return buffer
        finally:
            if planned is not None:
                self._disarm(planned)  # the connection ended first: cut a later body

    def _arm(self, length: int) -> PlannedCut | None:
        with self._lock:
            if length < 2 or not self._plan:
                return None
            if self._bodies_since_cut < self._plan[0].after_bodies:
                self._bodies_since_cut += 1
                return None
            return self._plan.popleft()

    def _disarm(self, planned: PlannedCut) -> None:
        with self._lock:
            self._plan.appendleft(planned)

    def _cut(self, link: _Link, planned: PlannedCut, forwarded: int, length: int) -> None:
        with self._lock:
            self.cuts.append(Cut(planned.kind, forwarded, length))
            self._bodies_since_cut = 0
        if planned.kind is CutKind.stall:
            link.stalled = True
            self._stopping.wait(self._stall_seconds)
        link.close(reset=planned.kind is CutKind.reset)


def _content_length(head: bytes) -> int | None:
    """The body's length: 0 when there is none, None when it is not announced."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"transfer-encoding":
            return None
        if name == b"content-length":
            return int(value.strip())
    return 0


def _relay_the_rest(link: _Link, buffer: bytes) -> None:
    if buffer:
        link.server.sendall(buffer)
    while data := link.client.recv(READ_BYTES):
        link.server.sendall(data)
