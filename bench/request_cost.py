"""What an ordinary API request costs, against a bare FastAPI route answering the same bytes.

In one run: the app (over SQLite, one practitioner with `--recordings` ready recordings)
and `bench/baselines.py` serving each endpoint's recorded answer from memory, both under
the same uvicorn flags. wrk (one thread, `--connections` keep-alive connections) measures
requests per second of each endpoint on both, bare then app, in `--rounds` rounds over
every endpoint: this machine's speed drifts by more than a change (the bare route alone
moved 1.6x between two runs), and measured side by side each ratio app/bare has the same
machine on both sides. The figure is the median ratio of the rounds, with the issue's
targets (`/me` >= 0.1x, lists and details >= 0.05x). Then a steady `--rate` per
second of mixed reads for `--seconds`, sent on schedule whether or not earlier answers
came (no coordinated omission), gives p50 and p99 against the target p99 <= 100 ms.

    .venv/bin/python -m bench.request_cost            # about 2 minutes
"""

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlmodel import Session, select

from app.db import make_engine
from app.models import Membership, Recording
from bench.common import Tandem, run_note, table, tandem, uvicorn_server

ENDPOINTS = {
    # name: (path template, target ratio to bare)
    "me": ("/api/v1/me", 0.1),
    # The PWA's badge, asked before every screen (16 % of the load benchmark's requests).
    "unread-count": ("/api/v1/notifications/unread-count", 0.1),
    "recordings": ("/api/v1/recordings?organisation_id={organisation}", 0.05),
    "recording": ("/api/v1/recordings/{recording}", 0.05),
    "members": ("/api/v1/organisations/{organisation}/members", 0.05),
    "fidelity": ("/api/v1/organisations/{organisation}/fidelity", 0.05),
}
P99_TARGET_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recordings", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per case")
    parser.add_argument("--rounds", type=int, default=3, help="bare-then-app rounds")
    parser.add_argument("--rate", type=int, default=100, help="requests per second, steady")
    parser.add_argument("--seconds", type=int, default=20, help="length of the steady run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="tandem-bench-cost-"))
    try:
        run(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, args: argparse.Namespace) -> None:
    with tandem(work / "app") as app:
        recording = _add_recordings(app, args.recordings)
        paths = {
            name: template.format(organisation=app.organisation_id, recording=recording)
            for name, (template, _) in ENDPOINTS.items()
        }
        bodies = work / "bodies"
        bodies.mkdir()
        with app.client() as client:
            for name, path in paths.items():
                response = client.get(path)
                response.raise_for_status()
                (bodies / name).write_bytes(response.content)
        env = {"BENCH_UPLOAD_DIR": str(work / "bare-files"), "BENCH_BODIES_DIR": str(bodies)}
        with uvicorn_server(
            "bench.baselines:create_app", log_path=work / "bare.log", env=env
        ) as bare:
            rates: dict[str, list[tuple[float, float]]] = {name: [] for name in paths}
            for _ in range(args.rounds):
                for name, path in paths.items():
                    bare_rate = wrk_rate(f"{bare.url}/same/{name}", {}, args)
                    app_rate = wrk_rate(f"{app.server.url}{path}", app.headers, args)
                    rates[name].append((bare_rate, app_rate))
            rows = [_row(name, measured) for name, measured in rates.items()]
        print(run_note())
        print(
            table(
                ["endpoint", "bare req/s", "app req/s", "ratio (median)", "ratios", "target"],
                rows,
            )
        )
        p50, p99, errors = asyncio.run(_steady(app, list(paths.values()), args))
        verdict = "met" if p99 <= P99_TARGET_MS else "MISSED"
        print(
            f"\nsteady {args.rate} req/s of mixed reads for {args.seconds} s: "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (target <= {P99_TARGET_MS:.0f} ms: {verdict}), "
            f"{errors} errors"
        )


def _row(name: str, measured: list[tuple[float, float]]) -> list[str]:
    """One endpoint's rounds: the median of each rate and of the ratios, every ratio, and
    the verdict on the median ratio."""
    ratios = [app_rate / bare_rate for bare_rate, app_rate in measured]
    ratio = statistics.median(ratios)
    target = ENDPOINTS[name][1]
    verdict = "met" if ratio >= target else "MISSED"
    return [
        name,
        f"{statistics.median(bare for bare, _ in measured):,.0f}",
        f"{statistics.median(app for _, app in measured):,.0f}",
        f"{ratio:.3f}x",
        " ".join(f"{each:.3f}" for each in ratios),
        f">= {target}x {verdict}",
    ]


def _add_recordings(app: Tandem, count: int) -> uuid.UUID:
    engine = make_engine(app.database_url)
    with Session(engine) as db:
        owner = db.exec(select(Membership.user_id)).one()
        recordings = [
            Recording(
                organisation_id=app.organisation_id,
                owner_user_id=owner,
                title=f"Home visit {number}",
                status="ready",
                media_type="video/mp4",
                duration_seconds=600.0,
                storage_key=f"recordings/{app.organisation_id}/{number}/original",
            )
            for number in range(count)
        ]
        db.add_all(recordings)
        db.commit()
        first = recordings[0].id
    engine.dispose()
    return first


def wrk_rate(url: str, headers: dict[str, str], args: argparse.Namespace) -> float:
    command = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s", url]
    for name, value in headers.items():
        command[1:1] = ["-H", f"{name}: {value}"]
    subprocess.run([*command[:-1], "-d1s", url], capture_output=True, check=True)  # warm up
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"{url} answered {non_2xx.group(1)} errors under wrk:\n{output}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert found, output
    return float(found.group(1))


async def _steady(
    app: Tandem, paths: list[str], args: argparse.Namespace
) -> tuple[float, float, int]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(
        base_url=app.server.url, headers=app.headers, limits=limits, timeout=30
    ) as client:

        async def one(path: str, due: float) -> None:
            nonlocal errors
            response = await client.get(path)
            # From when it was due, not when it was sent: a late start counts as latency.
            latencies.append((time.perf_counter() - due) * 1000)
            errors += response.status_code >= 400

        start = time.perf_counter()
        tasks = []
        for number in range(args.rate * args.seconds):
            due = start + number / args.rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(paths[number % len(paths)], due)))
        await asyncio.gather(*tasks)
    latencies.sort()
    return latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)], errors


if __name__ == "__main__":
    main()
