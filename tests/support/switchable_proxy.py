"""A TCP proxy on loopback whose upstream can be taken away and brought back, as when a
service (S3, say) or the network to it fails for a while.

While down, new connections are refused (nothing listens on the port) and the open ones
are reset; brought back, it listens on the same port again, so clients configured with
its URL carry on without being told anything. While silent, as behind a firewall that
drops packets or a server that hangs, connections are taken and what they send is
swallowed, but nothing ever comes back.
"""

import socket
import struct
import threading
from contextlib import suppress
from types import TracebackType
from urllib.parse import urlsplit

READ_BYTES = 64 * 1024


class SwitchableProxy:
    def __init__(self, upstream_url: str) -> None:
        address = urlsplit(upstream_url)
        self._upstream = (address.hostname or "127.0.0.1", address.port or 80)
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._silent = threading.Event()
        self._listen(0)
        assert self._listener is not None
        self.port: int = self._listener.getsockname()[1]
        self.url: str = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "SwitchableProxy":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.go_down()

    def go_down(self) -> None:
        """Refuse new connections and reset the open ones."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._open = self._open, []
        if listener is not None:
            # shutdown() wakes the acceptor blocked in accept(); close() alone would not.
            with suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for sock in sockets:
            _reset(sock)
        if self._acceptor is not None:
            self._acceptor.join(timeout=5)
            self._acceptor = None

    def go_silent(self) -> None:
        """Take connections and swallow what they send, never answering."""
        self._silent.set()

    def come_back(self) -> None:
        """Listen on the same port again, or answer again: the connections that went
        silent are reset (their requests are lost), new ones go through."""
        if self._silent.is_set():
            with self._lock:
                sockets, self._open = self._open, []
            self._silent.clear()
            for sock in sockets:
                _reset(sock)
        if self._listener is None:
            self._listen(self.port)

    def _listen(self, port: int) -> None:
        # create_server sets SO_REUSEADDR: the port is free again at once.
        listener = socket.create_server(("127.0.0.1", port))
        with self._lock:
            self._listener = listener
        self._acceptor = threading.Thread(target=self._accept_loop, args=(listener,), daemon=True)
        self._acceptor.start()

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # gone down
            if self._silent.is_set():
                with self._lock:
                    self._open.append(client)
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            try:
                server = socket.create_connection(self._upstream)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # went down meanwhile
                    _reset(client)
                    server.close()
                    return
                self._open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(READ_BYTES):
                if not self._silent.is_set():
                    target.sendall(data)
        except OSError:
            pass
        with suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    def _swallow(self, client: socket.socket) -> None:
        with suppress(OSError):
            while client.recv(READ_BYTES):
                pass


def _reset(sock: socket.socket) -> None:
    # Linger for zero seconds: the close sends RST, as a failed service's host would.
    # SHUT_RD wakes a pump blocked in recv() on it; close() alone would not.
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RD)
    sock.close()
