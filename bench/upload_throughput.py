"""Upload throughput: one file (1 GiB by default) through the app's tus server and its
plain multipart POST, against a raw request.stream()-to-file route and a FastAPI
UploadFile route, all in one run, each repeated; prints median MB/s and the ratios.

    python -m bench.upload_throughput [--size-mib 1024] [--repeats 3]
"""

import argparse
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx

from bench.common import (
    CONSENT,
    MB,
    MIB,
    TIMEOUT,
    Server,
    Tandem,
    expect,
    file_chunks,
    filesystem_of,
    make_media,
    median,
    prime_free_memory,
    recording_of_upload,
    run_note,
    table,
    tandem,
    tus_upload,
    uvicorn_server,
    wait_processed,
)
from bench.proc import Measurement, measuring

BOUNDARY = "tandem-bench-boundary"
# (label, PATCH size or None for one PATCH of the whole file). One PATCH is what
# tus-js-client does by default (chunkSize Infinity); our PWA sends the size OPTIONS
# announces (Tandem-Chunk-Size: 4 storage parts, 32 MiB); 8 MiB is one storage part
# (TANDEM_S3_PART_SIZE_MIB); 5 MiB is a client whose PATCHes end inside parts, so the
# server stores and reads back a tail on every PATCH (a client set to small chunks).
TUS_MODES = [
    ("tus, one PATCH", None),
    ("tus, 64 MiB PATCHes", 64 * MIB),
    ("tus, 32 MiB PATCHes (PWA)", 32 * MIB),
    ("tus, 8 MiB PATCHes (=part)", 8 * MIB),
    ("tus, 5 MiB PATCHes", 5 * MIB),
]
TARGETS = {"raw": 0.8, "UploadFile": 1.5}
Run = Callable[[], Measurement]


def multipart(fields: dict[str, str], path: Path) -> tuple[dict[str, str], Iterator[bytes]]:
    """A multipart/form-data body streamed from the file, with its length known up front."""
    head = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: video/mp4\r\n\r\n'
    )
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    length = len(head.encode()) + path.stat().st_size + len(tail)

    def body() -> Iterator[bytes]:
        yield head.encode()
        yield from file_chunks(path)
        yield tail

    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Content-Length": str(length),
    }
    return headers, body()


def baseline_run(server: Server, folder: Path, source: Path, route: str) -> Run:
    size = source.stat().st_size

    def run() -> Measurement:
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as client:
            if route == "raw":
                headers, body = {"Content-Length": str(size)}, file_chunks(source)
                with measuring(server.pid) as found:
                    expect(client.put("/raw/upload.bin", headers=headers, content=body), 200)
            else:
                headers, body = multipart({}, source)
                with measuring(server.pid) as found:
                    expect(client.post("/form/upload.bin", headers=headers, content=body), 200)
        stored = folder / "upload.bin"
        if stored.stat().st_size != size:
            raise RuntimeError(f"the {route} baseline stored the wrong number of bytes")
        stored.unlink()
        os.sync()
        return found[0]

    return run


def tus_run(app: Tandem, source: Path, patch_bytes: int | None) -> Run:
    def run() -> Measurement:
        with app.client() as client:
            with measuring(app.server.pid) as found:
                url = tus_upload(app, client, source, patch_bytes)
            _check_ready(client, recording_of_upload(client, url), source)
        app.discard_media()
        return found[0]

    return run


def form_run(app: Tandem, source: Path) -> Run:
    fields = {"organisation_id": str(app.organisation_id), "title": "Benchmark", **CONSENT}

    def run() -> Measurement:
        with app.client() as client:
            headers, body = multipart(fields, source)
            with measuring(app.server.pid) as found:
                created = expect(
                    client.post("/api/v1/recordings", headers=headers, content=body), 201
                )
            _check_ready(client, created.json()["id"], source)
        app.discard_media()
        return found[0]

    return run


def _check_ready(client: httpx.Client, recording_id: str, source: Path) -> None:
    """Untimed: wait for processing (it shares the CPU with the next run otherwise)."""
    recording = wait_processed(client, recording_id)
    if recording["status"] != "ready" or recording["size_bytes"] != source.stat().st_size:
        raise RuntimeError(f"unexpected recording after upload: {recording}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    size = options.size_mib * MIB
    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as temporary, ExitStack() as stack:
        work = Path(temporary)
        print(f"Generating a {options.size_mib} MiB MP4 (a 1 s video and random padding)...")
        source = make_media(work / "source.mp4", size)
        folder = work / "baseline-files"
        app = stack.enter_context(tandem(work / "app"))
        baseline = stack.enter_context(
            uvicorn_server(
                "bench.baselines:create_app",
                log_path=work / "baselines.log",
                env={"BENCH_UPLOAD_DIR": str(folder), "TMPDIR": str(work)},
            )
        )
        runs: dict[str, Run] = {
            "raw": baseline_run(baseline, folder, source, "raw"),
            "UploadFile": baseline_run(baseline, folder, source, "form"),
            **{label: tus_run(app, source, patch) for label, patch in TUS_MODES},
            "app multipart POST": form_run(app, source),
        }
        results: dict[str, list[Measurement]] = {label: [] for label in runs}
        for repeat in range(1, options.repeats + 1):
            # Interleaved, so a slow moment of the disk falls on every case alike.
            for label, run in runs.items():
                prime_free_memory(work / "prime", size)
                results[label].append(run())
                rate = size / results[label][-1].seconds / MB
                print(f"  run {repeat}: {label:<27} {rate:7.0f} MB/s")
        print_summary(results, size, options.repeats, filesystem_of(work))


def print_summary(
    results: dict[str, list[Measurement]], size: int, repeats: int, filesystem: str
) -> None:
    rates = {
        label: median([size / m.seconds / MB for m in found]) for label, found in results.items()
    }
    rows = []
    for label, found in results.items():
        cpu = median([m.server_cpu for m in found])
        rows.append(
            [
                label,
                f"{rates[label]:.0f}",
                f"{min(size / m.seconds / MB for m in found):.0f}-"
                f"{max(size / m.seconds / MB for m in found):.0f}",
                f"{cpu:.2f}",
                f"{median([m.client_cpu for m in found]):.2f}",
                f"{median([m.server_written for m in found]) / size:.2f}",
                f"{rates[label] / rates['raw']:.2f}x",
                f"{rates[label] / rates['UploadFile']:.2f}x",
            ]
        )
    print(f"\nUpload of {size // MIB} MiB to {filesystem}, median of {repeats} (MB = 10^6 bytes):")
    header = ["case", "MB/s", "range", "server CPU s", "client CPU s", "written/size"]
    header += ["/raw", "/UploadFile"]
    print(table(header, rows))
    print("\nTargets for tus: >= 0.8x raw, >= 1.5x UploadFile")
    for label, _ in TUS_MODES:
        verdicts = [
            f"{rates[label] / rates[base]:.2f}x {base} "
            f"({'met' if rates[label] / rates[base] >= target else 'MISSED'})"
            for base, target in TARGETS.items()
        ]
        print(f"  {label:<27} " + ", ".join(verdicts))
    print(run_note())


if __name__ == "__main__":
    main()
