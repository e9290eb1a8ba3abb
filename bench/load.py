"""Load: locust's simulated people against two app processes on PostgreSQL, a realistic
day's mix, then the hot JSON endpoints against a bare Starlette JSON endpoint.

A throwaway PostgreSQL cluster (free loopback port, stopped by PID) is built by the
migrations and filled by bench/load_world.py: one organisation of `--practitioners`
practitioners (5 leads, a supervisor per 20, a coach per 10), a year of scored recordings,
comments, bookings and notifications, recent recordings awaiting review, a real MP4 per
recording in disk storage. Two app processes (`app.main:create_app`, the benchmarks'
uvicorn flags) serve it on the same database and media folder. Locust (bench/load_users.py,
`--users` people, half on each process) signs everyone in as the PWA does and runs the
screens' requests with a pause of `--wait-seconds` between screens, for `--duration`
seconds after the last person has started. The table: per request kind, the requests of
that steady part, failures, p50 and p99 in milliseconds, requests per second. Any failure,
in the ramp-up too, is listed and makes the exit status 1. A 503 that says nothing was done
(a busy server) is asked again after Retry-After, twice at most, as the PWA's api.js does,
and counted apart: a person saw a wait, not an error.

Then one app process and a bare Starlette process (bench/bare_json.py, which serialises
the document the app answered) each get the same wrk run (one thread, `--connections`
keep-alive connections, `--ratio-seconds`) on `/me`, the unread count and a coach's page of
recordings: the ratio app/bare, against the target >= 0.5x (printed, never fatal).

    .venv/bin/python -m bench.load                       # about 4 minutes
    .venv/bin/python -m bench.load --users 20 --duration 15
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

from app.db import make_engine
from bench.common import (
    REPO_ROOT,
    Server,
    analyze,
    app_settings,
    expect,
    run_note,
    table,
    uvicorn_server,
)
from bench.load_world import build
from bench.request_cost import wrk_rate
from tests.support.database import migrate
from tests.support.postgres import start_cluster

RATIO_TARGET = 0.5
APP_PROCESSES = 2
START_SECONDS = 120
LOCUSTFILE = REPO_ROOT / "bench" / "load_users.py"
# The hot JSON endpoints, as a coach asks them: name -> path under /api/v1.
HOT = {
    "me": "/me",
    "unread-count": "/notifications/unread-count",
    "recordings": "/recordings?organisation_id={organisation}&limit=25&offset=0",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=5, help="people started a second")
    parser.add_argument("--duration", type=int, default=60, help="seconds after ramp-up")
    parser.add_argument("--wait-seconds", type=float, nargs=2, default=[5.0, 15.0])
    parser.add_argument("--practitioners", type=int, default=200)
    parser.add_argument("--scored", type=int, default=8, help="scored recordings each")
    parser.add_argument("--awaiting", type=int, default=2, help="recordings to score each")
    parser.add_argument("--connections", type=int, default=16, help="wrk, for the ratio")
    parser.add_argument("--ratio-seconds", type=int, default=8)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="tandem-bench-load-"))
    try:
        failures = run(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        raise SystemExit(f"{failures} requests failed under load (listed above)")


def run(work: Path, args: argparse.Namespace) -> int:
    cluster = start_cluster()
    try:
        url = cluster.create_database("tandem_load")
        plan = seed(url, work, args)
        with app_servers(url, work) as servers:
            plan["servers"] = [server.url for server in servers]
            plan["wait_seconds"] = args.wait_seconds
            plan["asked_again"] = ASKED_AGAIN
            outcome = swarm(plan, work, args)
            failures = report(outcome)
            ratios(servers[0], plan, work, args)
    finally:
        cluster.stop()
    return failures


def seed(url: str, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    migrate(url)
    engine = make_engine(url)
    plan = build(
        engine,
        practitioners=args.practitioners,
        scored=args.scored,
        awaiting=args.awaiting,
        media=work / "media",
    )
    analyze(engine)
    engine.dispose()
    counts = plan["counts"]
    print(
        f"{sum(counts.values()):,} rows written in {time.perf_counter() - started:.0f} s "
        "(migrations, then ANALYZE): "
        + ", ".join(f"{name} {count:,}" for name, count in counts.items())
    )
    return plan


@contextmanager
def app_servers(url: str, work: Path) -> Iterator[list[Server]]:
    """The app processes, on one database and one media folder, with more time to get
    ready than usual: on a busy 2-core machine importing the app alone has taken 12 s."""
    env = app_settings(url, work / "media")
    with ExitStack() as stack:
        yield [
            stack.enter_context(
                uvicorn_server(
                    "app.main:create_app",
                    log_path=work / f"app-{n}.log",
                    env=env,
                    ready_seconds=START_SECONDS,
                )
            )
            for n in range(APP_PROCESSES)
        ]


def swarm(plan: dict[str, Any], work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Locust, headless, in its own process: ramp-up, then `duration` seconds."""
    plan_path, samples_path = work / "plan.json", work / "samples.json"
    plan_path.write_text(json.dumps(plan))
    ramp = math.ceil(args.users / args.spawn_rate)
    run_time = f"{ramp + 2 + args.duration}s"
    options = f"--users {args.users} --spawn-rate {args.spawn_rate} --run-time {run_time}"
    command = [sys.executable, "-m", "locust", "--locustfile", str(LOCUSTFILE), "--headless"]
    command += [*options.split(), "--only-summary", "--loglevel", "WARNING"]
    env = {
        **os.environ,
        "BENCH_LOAD_PLAN": str(plan_path),
        "BENCH_LOAD_SAMPLES": str(samples_path),
    }
    print(f"\nlocust: {args.users} people, {args.spawn_rate:g} a second, then {args.duration} s")
    print(f"  at the start: {run_note()}")
    with (work / "locust.log").open("wb") as log:
        subprocess.run(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO_ROOT, check=False
        )
    if not samples_path.exists():
        raise RuntimeError(f"locust wrote no samples:\n{(work / 'locust.log').read_text()}")
    outcome: dict[str, Any] = json.loads(samples_path.read_text())
    return outcome


def report(outcome: dict[str, Any]) -> int:
    """The steady part's figures per request kind (what people ask as they arrive, over
    the whole run); then every failure of the run. Answers how many requests failed."""
    samples: list[list[Any]] = outcome["samples"]
    if not samples:
        raise RuntimeError("locust sent no request")
    start = outcome["marks"].get("spawned", samples[0][0])
    stop = outcome["marks"].get("stopping", max(sample[0] for sample in samples))
    seconds = stop - start
    kinds: dict[str, list[list[Any]]] = {}
    for sample in samples:
        kinds.setdefault(sample[1], []).append(sample)
    rows = []
    for kind in sorted(kinds, key=_order):
        if kind in ON_ARRIVAL:
            rows.append(_row(kind, kinds[kind], "whole run"))
            continue
        steady = [sample for sample in kinds[kind] if start <= sample[0] < stop]
        rate = f"{len(steady) / seconds:.2f}" if steady else "ramp-up"
        rows.append(_row(kind, steady or kinds[kind], rate))
    steady = [sample for sample in samples if start <= sample[0] < stop]
    rows.append(_row("all, steady part", steady, f"{len(steady) / seconds:.2f}"))
    print(f"\nsteady part: {seconds:.0f} s after ramp-up {run_note()}")
    print("people: " + _people(outcome["people"]))
    print(table(["request kind", "requests", "failed", "p50 ms", "p99 ms", "req/s"], rows))
    asked_again = Counter((sample[1], sample[4]) for sample in samples if _asked_again(sample))
    if asked_again:
        print(
            f"\n{sum(asked_again.values()):,} answers were 503, nothing done, and asked again "
            "after Retry-After as the PWA does (not errors: a person waited):"
        )
        for (kind, problem), count in asked_again.most_common():
            print(f"  {count:6,}  {kind}: {problem}")
    failed = Counter((sample[1], sample[4]) for sample in samples if _failed(sample))
    if not failed:
        print(f"0 errors: all {len(samples):,} requests of the run answered as the PWA expects")
        return 0
    print(f"\nFAILED: {sum(failed.values()):,} of {len(samples):,} requests (whole run):")
    for (kind, problem), count in failed.most_common():
        print(f"  {count:6,}  {kind}: {problem}")
    return sum(failed.values())


def _people(people: list[list[Any]]) -> str:
    """People signed in by role, and those who gave up signing in."""
    found: dict[str, Counter[str]] = {}
    for role, outcome, count in people:
        found.setdefault(role, Counter())[outcome] += count
    return ", ".join(
        f"{role} {found[role]['signed in']}"
        + (f" ({found[role]['gave up']} gave up signing in)" if found[role]["gave up"] else "")
        for role in sorted(found)
    )


# Asked once by each person as they arrive (and again after a refused sign-in).
ON_ARRIVAL = {"sign in", "me"}
GROUPS = ["sign in", "me", "feed", "members", "recordings", "review", "comment", "draft"]
GROUPS += ["bookings", "reports"]


def _order(kind: str) -> tuple[int, str]:
    group = kind.split(":")[0]
    return (GROUPS.index(group) if group in GROUPS else len(GROUPS), kind)


def _row(kind: str, samples: list[list[Any]], rate: str) -> list[str]:
    times = sorted(sample[2] for sample in samples)
    failed = sum(1 for sample in samples if _failed(sample))
    return [kind, f"{len(times):,}", str(failed), _ms(times, 0.50), _ms(times, 0.99), rate]


# A 503 that did nothing, which the simulated person (as the PWA) asked again: counted
# apart, never an error a person saw (bench/load_person.py).
ASKED_AGAIN = "(busy, asked again)"


def _asked_again(sample: list[Any]) -> bool:
    return str(sample[4]).endswith(ASKED_AGAIN)


def _failed(sample: list[Any]) -> bool:
    return bool(sample[4]) and not _asked_again(sample)


def _ms(ordered: list[float], fraction: float) -> str:
    """The nearest-rank percentile."""
    return f"{ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]:,.1f}"


def ratios(app: Server, plan: dict[str, Any], work: Path, args: argparse.Namespace) -> None:
    """wrk on one app process and on the bare Starlette process, endpoint by endpoint, with
    the same connections and seconds; the bare one answers the document the app did."""
    paths = {name: path.format(organisation=plan["organisation_id"]) for name, path in HOT.items()}
    bodies = work / "bodies"
    bodies.mkdir()
    coach = {"email": plan["accounts"]["coach"][0]["email"], "password": plan["password"]}
    with httpx.Client(base_url=f"{app.url}/api/v1", timeout=30) as client:
        expect(client.post("/auth/session", json=coach), 200)
        headers = {"Cookie": f"tandem_session={client.cookies['tandem_session']}"}
        for name, path in paths.items():
            (bodies / name).write_bytes(expect(client.get(path), 200).content)
    options = argparse.Namespace(connections=args.connections, duration=args.ratio_seconds)
    env = {"BENCH_BODIES_DIR": str(bodies)}
    rows = []
    with uvicorn_server("bench.bare_json:create_app", log_path=work / "bare.log", env=env) as bare:
        for name, path in paths.items():
            bare_rate = wrk_rate(f"{bare.url}/json/{name}", {}, options)
            app_rate = wrk_rate(f"{app.url}/api/v1{path}", headers, options)
            ratio = app_rate / bare_rate
            verdict = "met" if ratio >= RATIO_TARGET else "MISSED"
            size = (bodies / name).stat().st_size
            row = [f"GET /api/v1{HOT[name]}", f"{size:,}", f"{bare_rate:,.0f}", f"{app_rate:,.0f}"]
            rows.append([*row, f"{ratio:.3f}x", f">= {RATIO_TARGET}x {verdict}"])
    print(
        f"\nhot JSON endpoints, one app process against bare Starlette (wrk -t1 "
        f"-c{args.connections}, {args.ratio_seconds} s each, as a coach) {run_note()}"
    )
    header = ["endpoint", "bytes", "bare req/s", "app req/s", "app/bare", "target"]
    print(table(header, rows))


if __name__ == "__main__":
    main()
