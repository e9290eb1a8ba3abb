"""Lighthouse (12.x, pinned in bench/lighthouse-tools/package.json) on the PWA's home and review
screens, signed in, in Lighthouse's default mobile emulation (a mid-range phone on a
throttled 4G connection, simulated). Prints the performance, accessibility and
best-practices scores and the bytes transferred by the first load, against the targets.

    .venv/bin/python -m bench.lighthouse                 # starts its own app (demo data)
    .venv/bin/python -m bench.lighthouse --url http://127.0.0.1:8000   # a running app

Without --url it migrates a fresh SQLite database in a temporary folder, seeds the demo
organisation and serves the app on a free loopback port, stopped at the end. Either way it
signs in as the demo practitioner, uploads a 3-second video when they have no ready
recording, and passes the session cookie to Lighthouse with --extra-headers (no Puppeteer
script). Needs `npm ci --prefix bench/lighthouse-tools` and Debian's Chromium. Never part of
`make test`: `make bench-lighthouse`. Exits 1 when a figure misses its target.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import av
import httpx

from tests.support.database import migrate
from tests.support.ports import free_port
from tests.support.processes import running_process

REPO_ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = REPO_ROOT / "bench/lighthouse-tools/node_modules/lighthouse/cli/index.js"
CHROME_PATH = "/usr/bin/chromium"
# Headless, and quiet on a machine without internet (no background fetches).
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
PRACTITIONER = "practitioner@demo.example.org"
PASSWORD = "tandem-demo-pass"
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 90, "accessibility": 95, "best-practices": 95}
MAX_FIRST_LOAD_BYTES = 150_000


@contextmanager
def own_app() -> Iterator[str]:
    """The app over a fresh, seeded SQLite database, on a free loopback port."""
    with tempfile.TemporaryDirectory(prefix="tandem-lighthouse-") as folder:
        work = Path(folder)
        database_url = f"sqlite:///{work / 'tandem.sqlite3'}"
        env = {key: value for key, value in os.environ.items() if not key.startswith("TANDEM_")}
        env |= {
            "TANDEM_ENV": "development",
            "TANDEM_DATABASE_URL": database_url,
            "TANDEM_MEDIA_DIR": str(work / "media"),
        }
        migrate(database_url)
        subprocess.run(
            [sys.executable, "-m", "app", "seed-demo"], env=env, cwd=REPO_ROOT, check=True
        )
        port = free_port()
        args = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
        args += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
        args += ["--log-level", "warning"]
        url = f"http://127.0.0.1:{port}"
        with running_process(
            args, ready_url=f"{url}/healthz", log_path=work / "uvicorn.log", env=env, cwd=REPO_ROOT
        ):
            yield url


def small_video() -> bytes:
    """Three seconds of 160x120 VP8: enough for the player, a few kilobytes."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=15)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for index in range(45):
            frame = av.VideoFrame(160, 120, "rgb24")
            frame.planes[0].update(bytes([(index * 5) % 256]) * (160 * 120 * 3))
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def sign_in_and_find_recording(url: str) -> tuple[str, str]:
    """The session cookie header of the demo practitioner, and a ready recording of theirs."""
    with httpx.Client(base_url=url, timeout=60) as client:
        answer = client.post(
            "/api/v1/auth/session", json={"email": PRACTITIONER, "password": PASSWORD}
        )
        answer.raise_for_status()
        csrf = answer.json()["csrf_token"]
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        me = client.get("/api/v1/me").json()
        organisation_id = me["memberships"][0]["organisation_id"]
        recordings = client.get(f"/api/v1/recordings?organisation_id={organisation_id}").json()
        ready = [r for r in recordings if r["owner_user_id"] == me["id"] and r["status"] == "ready"]
        if ready:
            return cookie, ready[0]["id"]
        answer = client.post(
            "/api/v1/recordings",
            headers={"X-CSRF-Token": csrf},
            data={"title": "Lighthouse visit", "consent": "obtained", "consent_scope": "coaching"},
            files={"file": ("visit.webm", small_video(), "video/webm")},
        )
        answer.raise_for_status()
        recording_id = answer.json()["id"]
        for _ in range(600):
            status = client.get(f"/api/v1/recordings/{recording_id}").json()["status"]
            if status != "processing":
                break
            time.sleep(0.1)
        if status != "ready":
            raise SystemExit(f"The uploaded recording is {status}, not ready.")
        return cookie, recording_id


def lighthouse(page_url: str, cookie: str, work: Path) -> dict[str, Any]:
    headers = work / "headers.json"
    headers.write_text(json.dumps({"Cookie": cookie}))
    report = work / "report.json"
    command = [
        "node",
        str(LIGHTHOUSE),
        page_url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--extra-headers={headers}",
    ]
    subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME_PATH}, check=True)
    result: dict[str, Any] = json.loads(report.read_text())
    return result


def figures(report: dict[str, Any]) -> dict[str, float]:
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    transferred = report["audits"]["total-byte-weight"]["numericValue"]
    return {**scores, "first-load-bytes": transferred}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running app with the demo organisation")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: npm ci --prefix bench/lighthouse-tools")
    context = own_app() if args.url is None else _given(args.url)
    missed: list[str] = []
    with context as url, tempfile.TemporaryDirectory() as folder:
        cookie, recording_id = sign_in_and_find_recording(url)
        pages = {"home": f"{url}/#/", "review": f"{url}/#/recordings/{recording_id}"}
        print(f"{'screen':<8} {'perf':>5} {'a11y':>5} {'best':>5} {'first load':>12}")
        for name, page_url in pages.items():
            result = figures(lighthouse(page_url, cookie, Path(folder)))
            print(
                f"{name:<8} {result['performance']:>5.0f} {result['accessibility']:>5.0f} "
                f"{result['best-practices']:>5.0f} {result['first-load-bytes'] / 1000:>9.1f} KB"
            )
            missed += [
                f"{name}: {category} {result[category]:.0f} < {target}"
                for category, target in TARGETS.items()
                if result[category] < target
            ]
            if result["first-load-bytes"] > MAX_FIRST_LOAD_BYTES:
                missed.append(f"{name}: first load {result['first-load-bytes']:.0f} B > 150 KB")
    print(
        "Targets: performance >= 90, accessibility >= 95, best practices >= 95,"
        " first load <= 150 KB."
    )
    if missed:
        print("Missed: " + "; ".join(missed))
        raise SystemExit(1)
    print("Every target met.")


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url.rstrip("/")


if __name__ == "__main__":
    main()
