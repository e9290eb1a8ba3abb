"""The reports of issue #12 over a realistic organisation, on SQLite and on PostgreSQL,
through a real uvicorn server, against a plain COUNT of the same observations served by a
trivial route in the same run; and the memory of the 50,000-row fidelity CSV.

Per database: the migrations build it and bench/report_world.py fills it (1,000
practitioners, 100 coaches, 50,000 counted observations of 10 criteria, a year of
bookings; PostgreSQL then gets its statistics, as autovacuum would). Then the app
(`app.main:create_app`) and the baseline (`count_app` below) run as uvicorn processes with
the same flags (bench/common.py), and, after one untimed warm-up, `--repeats` requests of
each case are timed: each report as JSON in the lead's view (the whole organisation) and
in a supervisor's (one team of 20), and as CSV (every row) in the lead's. Last, the
fidelity report's CSV with one row per counted observation, every row and a 5,000-row
slice (the last weeks), downloaded while the server's peak RSS is sampled
(bench/proc.py): memory that stays flat as rows grow tenfold is a streamed CSV.

    .venv/bin/python -m bench.reports                 # a few minutes
    .venv/bin/python -m bench.reports --databases sqlite --practitioners 200
"""

import argparse
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlmodel import Session, col

from app.db import make_engine
from app.models import Observation
from app.reports.period import DateRange
from bench.common import (
    TIMEOUT,
    Server,
    analyze,
    app_settings,
    bearer_headers,
    median,
    run_note,
    table,
    uvicorn_server,
)
from bench.proc import PeakRss, status_kib
from bench.report_world import World, populate
from bench.time_report import ZONE, database
from tests.support.database import migrate

TARGET_MS = {"sqlite": 2000.0, "postgresql": 500.0}
# Peaks of two downloads of one size differ by a few MiB (when the GC and allocator run).
GROWTH_TOLERANCE_MIB = 8
MEMORY_REPEATS = 2
SLOW_MS = 5000.0
REQUEST_TIMEOUT = 60.0


@dataclass(frozen=True)
class Case:
    report: str
    label: str
    params: dict[str, str]
    view: str = "lead"
    csv: bool = False


@dataclass
class Timing:
    case: Case
    samples: list[float] = field(default_factory=list)
    size: int = 0
    problem: str = ""
    timed_out: bool = False


def cases(world: World) -> list[Case]:
    """Each report as JSON in the lead's view, as CSV (every row) in the lead's, and as JSON
    in a supervisor's (one team); the fidelity report's other groupings as the lead's JSON.
    Every period is the year (the default of every report but time's, which is a month)."""
    year = {"from": world.year.first.isoformat(), "to": world.year.last.isoformat()}
    reports = [
        ("fidelity", "fidelity (by practitioner)", {}),
        ("coverage", "coverage", {}),
        ("turnaround", "turnaround", {}),
        ("agreement", "agreement", {"rubric_id": str(world.rubric_id)}),
        ("equity", "equity (by team)", {}),
        ("time", "time", {}),
    ]
    if world.attributes is not None:
        reports.insert(5, ("equity", "equity by=locality", {"attribute": "locality"}))
    found = []
    for report, label, params in reports:
        asked = {**year, **params}
        found += [
            Case(report, label, asked),
            Case(report, label, asked, csv=True),
            Case(report, label, asked, view="supervisor"),
        ]
    found[3:3] = [
        Case("fidelity", f"fidelity by={by}", {**year, "by": by})
        for by in ("organisation", "supervisor", "coach")
    ]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--practitioners", type=int, default=1000)
    parser.add_argument("--observations", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tandem-bench-reports-"))
    rows: list[list[str]] = []
    memory: list[list[str]] = []
    try:
        for kind in args.databases:
            with database(kind, work) as url:
                world = build(kind, url, args.practitioners, args.observations)
                with servers(kind, url, work) as (app, baseline):
                    timed, csv_rows = measure(kind, url, world, app, baseline, args.repeats)
                rows += timed
                memory += csv_rows
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(run_note())
    header = ["database", "report", "view", "median ms", "min", "max", "n", "x baseline", "KB"]
    print(table([*header, "target"], rows))
    print()
    header = ["database", "fidelity?by=observation CSV", "rows", "MB", "first byte ms"]
    header += ["median ms", "x baseline", "RSS before MiB", "peak MiB", "peak - before"]
    print(table(header, memory))


def build(kind: str, url: str, practitioners: int, observations: int) -> World:
    migrate(url)
    engine = make_engine(url)
    started = time.perf_counter()
    world = populate(engine, practitioners, observations)
    written = time.perf_counter() - started
    if kind == "postgresql":
        analyze(engine)
    engine.dispose()
    total = sum(world.counts.values())
    print(
        f"{kind}: {total:,} rows written in {written:.0f} s (ANALYZE after, on PostgreSQL): "
        + ", ".join(f"{name} {count:,}" for name, count in world.counts.items())
    )
    if world.attributes is None:
        print("  no table of practitioner attributes: equity by attribute is left out")
    return world


class AppServer:
    """The app's uvicorn process, started again after a request it did not answer in time:
    its statement may run on for minutes, holding a connection (and on SQLite the write lock
    of its request's transaction), and every later case would measure that instead."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env, self.log_path = env, log_path
        self._stack = ExitStack()
        self.server = self._start()

    def _start(self) -> Server:
        target = "app.main:create_app"
        return self._stack.enter_context(
            uvicorn_server(target, log_path=self.log_path, env=self.env)
        )

    def restart(self) -> None:
        self._stack.close()
        self.server = self._start()

    def stop(self) -> None:
        self._stack.close()


@contextmanager
def servers(kind: str, url: str, work: Path) -> Iterator[tuple[AppServer, Server]]:
    env = app_settings(url, work / "media")
    baseline_log = work / f"baseline-{kind}.log"
    app = AppServer(env, work / f"app-{kind}.log")
    try:
        with uvicorn_server("bench.reports:count_app", log_path=baseline_log, env=env) as baseline:
            yield app, baseline
    finally:
        app.stop()


def count_app() -> FastAPI:
    """The baseline: one route that counts a period's submitted observations of an
    organisation, with the app's engine settings and nothing else (no sign-in, no scope)."""
    engine = make_engine(os.environ["TANDEM_DATABASE_URL"])
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/count/{organisation_id}")
    def count(organisation_id: uuid.UUID, starts_at: datetime, ends_at: datetime) -> dict[str, int]:
        statement = select(func.count()).where(
            col(Observation.organisation_id) == organisation_id,
            col(Observation.status) == "submitted",
            col(Observation.submitted_at) >= starts_at,
            col(Observation.submitted_at) < ends_at,
        )
        with Session(engine) as db:
            return {"observations": int(db.execute(statement).scalar_one())}

    return app


def measure(
    kind: str, url: str, world: World, app: AppServer, baseline: Server, repeats: int
) -> tuple[list[list[str]], list[list[str]]]:
    engine = make_engine(url)
    with Session(engine) as db:
        headers = {
            "lead": bearer_headers(db, world.people.leads[0]),
            "supervisor": bearer_headers(db, world.people.supervisors[0]),
        }
    engine.dispose()
    days = DateRange(world.year.first, world.year.last, ZONE)
    window = {"starts_at": days.starts_at.isoformat(), "ends_at": days.ends_at.isoformat()}
    count = Case("baseline", "COUNT of the year's observations (trivial route)", window)
    with httpx.Client(base_url=baseline.url, timeout=TIMEOUT) as plain:
        floor = _timed(plain, f"/count/{world.organisation_id}", count, {}, repeats)
    if floor.problem:
        raise RuntimeError(f"the baseline answered {floor.problem}")
    base = median(floor.samples)
    reports = f"/api/v1/organisations/{world.organisation_id}/reports"
    me = Case("baseline", "GET /api/v1/me (the app's request floor)", {})
    timings = []
    for case in [me, *cases(world)]:
        path = "/api/v1/me" if case is me else f"{reports}/{case.report}"
        with httpx.Client(base_url=app.server.url, timeout=TIMEOUT) as client:
            timings.append(_timed(client, path, case, headers[case.view], repeats))
        if timings[-1].timed_out:
            app.restart()
        print(f"  {kind}: {_row(kind, timings[-1], base)[1:-1]}")
    with httpx.Client(base_url=app.server.url, timeout=TIMEOUT) as client:
        memory = _csv_memory(client, app.server.pid, f"{reports}/fidelity", world, headers["lead"])
    rows = [_row(kind, timing, base) for timing in [floor, *timings]]
    return rows, [[kind, *download.cells(base)] for download in memory]


def _timed(
    client: httpx.Client, path: str, case: Case, headers: dict[str, str], repeats: int
) -> Timing:
    """One untimed request (caches, plans), then `repeats` timed ones; a case slower than
    SLOW_MS is timed twice only, so that a slow report does not make the run take an hour."""
    timing = Timing(case)
    params = {**case.params, **({"format": "csv"} if case.csv else {})}
    wanted = repeats + 1
    while len(timing.samples) < wanted:
        started = time.perf_counter()
        try:
            answer = client.get(path, params=params, headers=headers, timeout=REQUEST_TIMEOUT)
        except httpx.TimeoutException:
            timing.problem = f"> {REQUEST_TIMEOUT:.0f} s"
            timing.timed_out = True
            return timing
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            timing.problem = _problem(answer)
            return timing
        timing.size = len(answer.content)
        timing.samples.append(elapsed)
        if elapsed > SLOW_MS:
            wanted = min(wanted, 3)
    timing.samples.pop(0)  # the warm-up
    return timing


def _problem(answer: httpx.Response) -> str:
    try:
        code = str(answer.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        code = answer.text[:60]
    return "not built yet" if code == "unknown_report" else f"{answer.status_code} {code}"


def _row(kind: str, timing: Timing, base: float) -> list[str]:
    case = timing.case
    view = f"{case.view}, CSV" if case.csv else case.view
    if case.report == "baseline":
        view = ""
    if timing.problem:
        return [kind, case.label, view, timing.problem, "", "", "", "", "", ""]
    middle = median(timing.samples)
    target = ""
    if case.report != "baseline":
        verdict = "met" if middle <= TARGET_MS[kind] else "MISSED"
        target = f"< {TARGET_MS[kind]:,.0f} {verdict}"
    return [
        kind,
        case.label,
        view,
        f"{middle:,.1f}",
        f"{min(timing.samples):,.1f}",
        f"{max(timing.samples):,.1f}",
        str(len(timing.samples)),
        f"{middle / base:,.1f}x",
        f"{timing.size / 1000:,.1f}",
        target,
    ]


@dataclass(frozen=True)
class DownloadRun:
    rows: int
    size: int
    first_byte_ms: float
    ms: float
    rss_before_kib: int
    peak_kib: int


@dataclass
class Download:
    label: str
    runs: list[DownloadRun] = field(default_factory=list)
    problem: str = ""

    def cells(self, base: float) -> list[str]:
        if self.problem:
            return [self.label, self.problem, "", "", "", "", "", "", ""]
        middle = median([run.ms for run in self.runs])
        before = min(run.rss_before_kib for run in self.runs)
        peak = max(run.peak_kib for run in self.runs)
        return [
            self.label,
            f"{self.runs[-1].rows:,}",
            f"{self.runs[-1].size / 1_000_000:.1f}",
            f"{median([run.first_byte_ms for run in self.runs]):,.0f}",
            f"{middle:,.0f}",
            f"{middle / base:,.1f}x",
            f"{before / 1024:.1f}",
            f"{peak / 1024:.1f}",
            f"{(peak - before) / 1024:+.1f}",
        ]


def _csv_memory(
    client: httpx.Client, pid: int, path: str, world: World, headers: dict[str, str]
) -> list[Download]:
    """The fidelity report's CSV, one row per counted observation: a 5,000-row slice and
    every row, `MEMORY_REPEATS` times each, interleaved, after one untimed slice."""
    every = {
        "from": world.year.first.isoformat(),
        "to": world.year.last.isoformat(),
        "by": "observation",
        "format": "csv",
    }
    piece = {**every, "from": world.slice_first_day.isoformat()}
    downloads = [
        (Download("from the last weeks (~5,000 rows)"), piece),
        (Download("every row"), every),
    ]
    if problem := _download(client, path, piece, headers, pid, Download("warm-up")):
        return [Download(download.label, problem=problem) for download, _ in downloads]
    for _ in range(MEMORY_REPEATS):
        for download, params in downloads:
            time.sleep(1.0)  # the previous response's buffers freed, the GC settled
            _download(client, path, params, headers, pid, download)
    peaks = [max(run.peak_kib for run in download.runs) for download, _ in downloads]
    growth = (peaks[1] - peaks[0]) / 1024
    verdict = "flat" if growth <= GROWTH_TOLERANCE_MIB else "GROWS"
    print(f"  peak RSS, every row vs the slice: {growth:+.1f} MiB ({verdict})")
    return [download for download, _ in downloads]


def _download(
    client: httpx.Client,
    path: str,
    params: dict[str, str],
    headers: dict[str, str],
    pid: int,
    download: Download,
) -> str:
    """Streams the CSV, counting bytes and lines as they come; the server's peak RSS is
    sampled throughout. Answers what went wrong, or ""."""
    before = status_kib(pid, "VmRSS")
    size = lines = 0
    first_byte = 0.0
    with PeakRss(pid) as peak:
        started = time.perf_counter()
        with client.stream("GET", path, params=params, headers=headers) as answer:
            if answer.status_code != 200:
                answer.read()
                return _problem(answer)
            for chunk in answer.iter_raw():
                first_byte = first_byte or (time.perf_counter() - started) * 1000
                size += len(chunk)
                lines += chunk.count(b"\n")
        elapsed = (time.perf_counter() - started) * 1000
    download.runs.append(DownloadRun(lines - 1, size, first_byte, elapsed, before, peak.peak_kib))
    return ""


if __name__ == "__main__":
    main()
