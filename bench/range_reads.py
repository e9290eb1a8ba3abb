"""Random 1 MiB Range reads of a stored recording through GET /api/v1/recordings/{id}/media,
against nginx serving the very same file as a static file, and against a bare Starlette
FileResponse (bench/baselines.py); prints reads/s, MB/s, app/nginx, the CPU each server
spends per read, and the app's cost per request without the bytes (1-byte ranges). The
app is measured serving the bytes itself and behind nginx with X-Accel-Redirect
(TANDEM_MEDIA_ACCEL_REDIRECT), each both ways a client can read: every request to the
media route (sign-in, access rules, a viewing audited once), and the player's way, one
request to `media?redirect=true` and then every read from the short-lived link it
redirects to (app/recording/media_links.py). Then full reads: the whole file `--whole`
times on one connection, each way, against nginx (target >= 0.8x). Then seeks:
`--viewers` people seeking at random at once, each seek's time to first byte, p50 and p99
(target p99 <= 50 ms with 10 viewers).

    python -m bench.range_reads [--size-mib 384] [--reads 1000] [--concurrency 1 4]

Needs Debian's nginx on PATH (`apt-get install -y nginx`); it runs in the foreground on
a free loopback port with a generated configuration and is stopped by PID.
"""

import argparse
import http.client
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.common import (
    MB,
    MIB,
    SECRET_KEY,
    TIMEOUT,
    Server,
    Tandem,
    make_media,
    recording_of_upload,
    run_note,
    table,
    tandem,
    tus_upload,
    uvicorn_server,
    wait_processed,
)
from bench.proc import Measurement, measuring
from tests.support.nginx import MEDIA_LOCATION, nginx_in_front
from tests.support.ports import free_port
from tests.support.processes import running_process

READ_BYTES = MIB
NGINX_CONFIG = """
daemon off;
master_process on;
worker_processes 1;
user root;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {work}/nginx-access.log;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location = /healthz {{ return 200 "ok"; }}
    }}
}}
"""


@dataclass(frozen=True)
class Target:
    server: Server
    path: str
    headers: dict[str, str]


@contextmanager
def nginx(root: Path, work: Path) -> Iterator[Server]:
    """nginx (one worker, as uvicorn has one process) serving `root` on a free port."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise SystemExit("nginx is missing: apt-get install -y nginx (Debian), then run again")
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = work / "nginx.conf"
    config.write_text(NGINX_CONFIG.format(work=work, port=port, root=root))
    args = [binary, "-c", str(config), "-p", str(work), "-e", str(work / "nginx-error.log")]
    url = f"http://127.0.0.1:{port}"
    with running_process(args, ready_url=f"{url}/healthz", log_path=work / "nginx.log") as process:
        yield Server(url, process.pid)


def read_ranges(
    target: Target, offsets: list[int], concurrency: int, length: int = READ_BYTES
) -> Measurement:
    """Each offset read as one `Range: bytes=a-b` GET on `concurrency` keep-alive connections.
    The stdlib client costs ~0.25 ms of CPU a read here, httpx ~1.7 ms: with httpx, nginx
    would measure the client, not itself."""
    shares = [offsets[index::concurrency] for index in range(concurrency)]
    address = urlsplit(target.server.url)

    def reader(share: list[int]) -> int:
        received = 0
        connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=300)
        try:
            for offset in share:
                ranged = {**target.headers, "Range": f"bytes={offset}-{offset + length - 1}"}
                connection.request("GET", target.path, headers=ranged)
                response = connection.getresponse()
                body = response.read()
                if response.status != 206:
                    raise RuntimeError(f"{target.path}: {response.status} {body[:200]!r}")
                received += len(body)
        finally:
            connection.close()
        return received

    with measuring(target.server.pid) as found, ThreadPoolExecutor(concurrency) as pool:
        received = sum(pool.map(reader, shares))
    if received != length * len(offsets):
        raise RuntimeError(f"{target.path}: {received} bytes, not {length} per read")
    return found[0]


def read_whole(target: Target, size: int, times: int) -> Measurement:
    """The whole file, `times` times, one plain GET each (no Range: a download, or a
    player that reads straight through), on one keep-alive connection."""
    address = urlsplit(target.server.url)
    chunk = bytearray(MIB)
    with measuring(target.server.pid) as found:
        connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=300)
        try:
            for _ in range(times):
                connection.request("GET", target.path, headers=target.headers)
                response = connection.getresponse()
                if response.status != 200:
                    raise RuntimeError(f"{target.path}: {response.status}")
                received = 0
                while read := response.readinto(chunk):
                    received += read
                if received != size:
                    raise RuntimeError(f"{target.path}: {received} bytes, not {size}")
        finally:
            connection.close()
    return found[0]


def seek_latencies(target: Target, offsets: list[int], viewers: int) -> list[float]:
    """Each viewer seeks through its share of `offsets` on its own connection, one 1 MiB
    read per seek; the time from sending a seek to its first byte, in ms, sorted."""
    shares = [offsets[index::viewers] for index in range(viewers)]
    address = urlsplit(target.server.url)

    def viewer(share: list[int]) -> list[float]:
        waits = []
        connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=300)
        try:
            for offset in share:
                ranged = {**target.headers, "Range": f"bytes={offset}-{offset + READ_BYTES - 1}"}
                started = time.perf_counter()
                connection.request("GET", target.path, headers=ranged)
                response = connection.getresponse()
                first = response.read(1)
                waits.append((time.perf_counter() - started) * 1000)
                if response.status != 206 or not first:
                    raise RuntimeError(f"{target.path}: {response.status}")
                response.read()
        finally:
            connection.close()
        return waits

    with ThreadPoolExecutor(viewers) as pool:
        return sorted(wait for waits in pool.map(viewer, shares) for wait in waits)


def through_link(target: Target) -> Target:
    """What the player reads from: the link `media?redirect=true` redirects to (asked anew
    before each measurement, so none expires while it runs)."""
    answer = httpx.get(
        f"{target.server.url}{target.path}",
        params={"redirect": "true"},
        headers=target.headers,
        timeout=TIMEOUT,
    )
    if answer.status_code != 307:
        raise RuntimeError(f"{target.path}?redirect=true: {answer.status_code}")
    return Target(target.server, answer.headers["Location"], {})


def check_same_bytes(target: Target, source: Path, offset: int) -> None:
    ranged = {**target.headers, "Range": f"bytes={offset}-{offset + READ_BYTES - 1}"}
    served = httpx.get(f"{target.server.url}{target.path}", headers=ranged, timeout=TIMEOUT)
    with source.open("rb") as file:
        file.seek(offset)
        if served.content != file.read(READ_BYTES):
            raise RuntimeError(f"{target.path} served other bytes than the uploaded file")


def audited_reads(database_url: str) -> int:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        query = "SELECT count(*) FROM audit_event WHERE action = 'recording.media_viewed'"
        count: int = connection.execute(query).fetchone()[0]
    return count


def uploaded_recording(app: Tandem, source: Path) -> tuple[str, Path]:
    """The recording's id and its stored file, after a tus upload and processing."""
    with app.client() as client:
        recording_id = recording_of_upload(client, tus_upload(app, client, source, None))
        if wait_processed(client, recording_id)["status"] != "ready":
            raise RuntimeError("the uploaded recording was not accepted")
    return recording_id, next((app.media_dir / "recordings").rglob("original"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=384)
    parser.add_argument("--reads", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--viewers", type=int, default=10, help="people seeking at once")
    parser.add_argument("--whole", type=int, default=5, help="full reads of the file per row")
    options = parser.parse_args()
    size = options.size_mib * MIB
    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as temporary, ExitStack() as stack:
        work = Path(temporary)
        print(f"Generating a {options.size_mib} MiB MP4 and uploading it through tus...")
        source = make_media(work / "source.mp4", size)
        app = stack.enter_context(tandem(work / "app"))
        recording_id, stored = uploaded_recording(app, source)
        (work / "files").mkdir()
        (work / "files" / "recording.mp4").symlink_to(stored)
        static = stack.enter_context(nginx(app.media_dir, work / "nginx"))
        bare = stack.enter_context(
            uvicorn_server(
                "bench.baselines:create_app",
                log_path=work / "baselines.log",
                env={"BENCH_UPLOAD_DIR": str(work / "files")},
            )
        )
        handing_off = stack.enter_context(
            uvicorn_server(
                "app.main:create_app",
                log_path=work / "app-accel.log",
                env={
                    "TANDEM_ENV": "production",
                    "TANDEM_DATABASE_URL": app.database_url,
                    "TANDEM_SECRET_KEY": SECRET_KEY,
                    "TANDEM_MEDIA_DIR": str(app.media_dir),
                    "TANDEM_MEDIA_ACCEL_REDIRECT": MEDIA_LOCATION,
                },
            )
        )
        front_url = stack.enter_context(
            nginx_in_front(
                upstream=handing_off.url, media_dir=app.media_dir, work_dir=work / "front"
            )
        )
        # Its CPU column is the app's: what a seek costs the app once nginx sends the bytes.
        front = Server(front_url, handing_off.pid)
        media_path = f"/api/v1/recordings/{recording_id}/media"
        targets = {
            "app": Target(app.server, media_path, app.headers),
            "app via nginx": Target(front, media_path, app.headers),
            "FileResponse": Target(bare, "/files/recording.mp4", {}),
            "nginx": Target(static, "/" + stored.relative_to(app.media_dir).as_posix(), {}),
        }
        # The player's way: measured from a link asked for just before (see through_link).
        linked = {"app, link": targets["app"], "app via nginx, link": targets["app via nginx"]}
        for target in [*targets.values(), *map(through_link, linked.values())]:
            check_same_bytes(target, source, size // 3)
        stored.read_bytes()  # into the page cache for every server alike
        generator = random.Random(7)
        offsets = [generator.randrange(0, size - READ_BYTES) for _ in range(options.reads)]
        audited_before = audited_reads(app.database_url)
        results: dict[str, Measurement] = {}
        for concurrency in options.concurrency:
            for name, target in [*targets.items(), *linked.items()]:
                if name in linked:
                    target = through_link(target)
                results[f"{name}, {concurrency} client(s)"] = read_ranges(
                    target, offsets, concurrency
                )
                print(f"  measured {name} x{concurrency}")
        audited = audited_reads(app.database_url) - audited_before
        results["app, 1-byte ranges, 1 client"] = read_ranges(targets["app"], offsets, 1, 1)
        results["app, link, 1-byte ranges, 1 client"] = read_ranges(
            through_link(targets["app"]), offsets, 1, 1
        )
        read_from = {**targets, **{name: through_link(t) for name, t in linked.items()}}
        whole = {
            name: read_whole(target, size, options.whole) for name, target in read_from.items()
        }
        seeks = {
            name: seek_latencies(targets[name], offsets, options.viewers)
            for name in ("nginx", "app", "app via nginx")
        }
        for name, target in linked.items():
            seeks[name] = seek_latencies(through_link(target), offsets, options.viewers)
    print_summary(results, options.reads, audited / (options.reads * len(options.concurrency)))
    print_whole(whole, size * options.whole)
    print_seeks(seeks, options.viewers)


def print_whole(whole: dict[str, Measurement], total: int) -> None:
    """Full reads against nginx: the target is >= 0.8x for the app's own ways of serving."""
    nginx_rate = total / whole["nginx"].seconds
    rows = []
    for name, found in whole.items():
        rate = total / found.seconds
        ratio = rate / nginx_rate
        verdict = "" if name in ("nginx", "FileResponse") else ("met" if ratio >= 0.8 else "MISSED")
        rows.append([name, f"{rate / MB:.0f}", f"{found.server_cpu:.2f}", f"{ratio:.3f}x", verdict])
    print(f"\nFull reads, {total // MIB} MiB in all per row, one connection (MB = 10^6 bytes):")
    print(table(["server", "MB/s", "server CPU s", "/nginx", ">= 0.8x"], rows))


def print_seeks(seeks: dict[str, list[float]], viewers: int) -> None:
    rows = []
    for name, waits in seeks.items():
        p50, p99 = waits[len(waits) // 2], waits[int(len(waits) * 0.99)]
        verdict = "" if name == "nginx" else ("met" if p99 <= 50 else "MISSED")
        rows.append([name, f"{p50:.1f}", f"{p99:.1f}", verdict])
    print(f"\nRandom seeks, {viewers} viewers at once, time to first byte (ms):")
    print(table(["server", "p50", "p99", "p99 <= 50 ms"], rows))


def print_summary(results: dict[str, Measurement], reads: int, audited_per_read: float) -> None:
    rows = []
    for label, found in results.items():
        rate = reads / found.seconds
        nginx_label = "nginx, " + label.rsplit(", ", 1)[1]
        nginx_rate = reads / results[nginx_label].seconds if nginx_label in results else None
        rows.append(
            [
                label,
                f"{rate:.0f}",
                f"{rate * READ_BYTES / MB:.0f}" if "1-byte" not in label else "-",
                f"{found.server_cpu / reads * 1000:.2f}",
                f"{found.client_cpu / reads * 1000:.2f}",
                f"{rate / nginx_rate:.3f}x" if nginx_rate else "-",
            ]
        )
    print(f"\n{reads} random 1 MiB Range reads per row, page cache warm (MB = 10^6 bytes):")
    header = ["server", "reads/s", "MB/s", "server CPU ms/read", "client CPU ms/read", "/nginx"]
    print(table(header, rows))
    print(f"The app wrote {audited_per_read:.2f} audit rows per Range request.")
    print(run_note())


if __name__ == "__main__":
    main()
