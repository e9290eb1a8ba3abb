"""A throwaway PostgreSQL cluster on a free loopback port, stopped by PID when done."""

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.support.ports import free_port


@dataclass
class PostgresCluster:
    directory: Path
    port: int
    pid: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        )

    def create_database(self, name: str) -> str:
        with self.admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGINT)  # fast shutdown
            for _ in range(100):
                os.kill(self.pid, 0)
                time.sleep(0.05)
        except ProcessLookupError:
            pass
        shutil.rmtree(self.directory, ignore_errors=True)

    def shut_down(self) -> None:
        """Fast shutdown (sessions ended, transactions rolled back), keeping the data:
        `start_again` brings the same cluster back on the same port."""
        os.kill(self.pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)
        raise RuntimeError(f"PostgreSQL (pid {self.pid}) did not shut down within 30 s")

    def start_again(self) -> None:
        self.pid = _start_server(_bin_dir(), self.directory, self.port)


def _bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not candidates:
        raise RuntimeError("PostgreSQL is not installed; `make test` installs it (apt, as root).")
    return Path(candidates[-1])


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def start_cluster() -> PostgresCluster:
    bin_dir = _bin_dir()
    directory = Path(tempfile.mkdtemp(prefix="tandem-pg-", dir="/tmp"))
    os.chmod(directory, 0o700)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    data = directory / "data"
    subprocess.run(
        _as_postgres(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    port = free_port()
    pid = _start_server(bin_dir, directory, port)
    return PostgresCluster(directory=directory, port=port, pid=pid)


def _start_server(bin_dir: Path, directory: Path, port: int) -> int:
    """Start the cluster in `directory` on `port`; returns the server's pid once it
    accepts connections."""
    data = directory / "data"
    options = (
        f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c full_page_writes=off -c synchronous_commit=off -c max_connections=200"
    )
    subprocess.run(
        _as_postgres(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(directory / "log"),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    return int((data / "postmaster.pid").read_text().splitlines()[0])
