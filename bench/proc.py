"""What /proc says about a server process while a benchmark runs: its RSS and peak RSS,
its CPU time, the bytes it wrote; and the wall time of a block, measured alongside."""

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def status_kib(pid: int, field: str) -> int:
    """A `kB` line of /proc/<pid>/status, such as VmRSS or VmHWM."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0; needs ptrace rights over the process)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class PeakRss:
    """Samples VmRSS every `interval` seconds in a thread; with VmHWM reset at the start,
    the peak also catches spikes shorter than the interval."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid, self.interval = pid, interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._hwm_valid = False

    def __enter__(self) -> "PeakRss":
        self._hwm_valid = reset_peak(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.read()

    def read(self) -> int:
        """The peak so far, in KiB."""
        self.peak_kib = max(self.peak_kib, status_kib(self.pid, "VmRSS"))
        if self._hwm_valid:
            self.peak_kib = max(self.peak_kib, status_kib(self.pid, "VmHWM"))
        return self.peak_kib

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_kib = max(self.peak_kib, status_kib(self.pid, "VmRSS"))


def process_tree(pid: int) -> list[int]:
    """The process and its children (nginx's workers), for CPU accounting."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(int(child) for child in children)]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time used so far by the process and its live children."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in process_tree(pid):
        fields = Path(f"/proc/{member}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def written_bytes(pid: int) -> int:
    """Bytes the process (all its threads) has passed to write(): wchar in /proc/<pid>/io."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise KeyError("wchar")


@dataclass(frozen=True)
class Measurement:
    seconds: float
    server_cpu: float
    client_cpu: float
    server_written: int


@contextmanager
def measuring(pid: int) -> Iterator[list[Measurement]]:
    """Wall time and CPU (server process, this client) of the block; read it afterwards."""
    found: list[Measurement] = []
    server, written = cpu_seconds(pid), written_bytes(pid)
    client, started = time.process_time(), time.perf_counter()
    yield found
    found.append(
        Measurement(
            time.perf_counter() - started,
            cpu_seconds(pid) - server,
            time.process_time() - client,
            written_bytes(pid) - written,
        )
    )
