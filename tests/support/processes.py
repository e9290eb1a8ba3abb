"""Real servers for tests: started as subprocesses, awaited over HTTP, stopped by PID."""

import os
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

STOP_TIMEOUT_SECONDS = 10


class ProcessFailedToStart(RuntimeError):
    pass


@contextmanager
def running_process(
    args: list[str],
    *,
    ready_url: str,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    # Usually ready in a few seconds; on a 2-core machine busy with other test processes,
    # importing the app alone has taken 12 s and more.
    timeout_seconds: float = 60,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `args` until the block ends; ready once `ready_url` answers 200.

    Output goes to `log_path` (a pipe nobody reads would fill up and stall the server),
    and a server that dies or never gets ready fails with its log in the message.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, env=dict(env or os.environ), cwd=cwd
        )
    try:
        wait_until_ready(process, ready_url, log_path, timeout_seconds)
        yield process
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM by PID, then SIGKILL if it does not exit in time."""
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


def wait_until_ready(
    process: subprocess.Popen[bytes], url: str, log_path: Path, timeout_seconds: float
) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ProcessFailedToStart(
                f"{process.args!r} exited with {process.returncode}:\n{log_path.read_text()}"
            )
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise ProcessFailedToStart(
        f"{process.args!r} not ready at {url} after {timeout_seconds} s:\n{log_path.read_text()}"
    )
