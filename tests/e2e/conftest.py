"""The PWA end to end: Debian's Chromium, driven by Playwright, against the app served by a
real uvicorn on loopback (tests.support.live_server), sharing the test database.

Data comes from tests/factories.py through the `db` fixture, whose cleanup empties the
database after each test. Screenshots go to test-artifacts/screenshots/.
"""

import json
import random
import time
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import pytest
from fastapi import FastAPI
from playwright.sync_api import APIRequestContext, BrowserContext, Page, Playwright, expect
from sqlmodel import Session

from app.models import Organisation, Role, User
from tests.factories import PASSWORD, assign, make_organisation, make_programme, make_user
from tests.support.live_server import REPO_ROOT, live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A fake camera and microphone that need no permission prompt, for in-browser recording.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
AXE_SOURCE = REPO_ROOT / "frontend-tools" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# How a browser context is made at each size: a phone is touch (coarse pointer), a desktop not.
SIZES: dict[str, dict[str, Any]] = {
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": DESKTOP},
}
# Small enough to test "too large" with a file made in memory.
MIB = 1024 * 1024
MAX_UPLOAD_BYTES = 24 * MIB
# The PWA's PATCH size in these tests (one storage part of the smallest size).
CHUNK_BYTES = 5 * MIB

# How long an assertion about the screen waits for it to come right (Playwright's own is
# 5 s). The journeys share two cores with the rest of `make test`: with the load average
# at 8, a queued upload's label and a password change (argon2) each took longer than 5 s
# to show, right as they were. A screen that never comes right still fails, 10 s later.
expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _browser_closes_before_the_database_is_emptied(app: FastAPI) -> None:
    """Autouse fixtures are set up first and torn down last: so the browser's contexts close
    (and stop calling the live server) before the `app` fixture empties the database, which
    on PostgreSQL would otherwise contend for locks with the server's open transactions."""


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make system-deps` installs it (Debian package).")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """No service worker unless a test asks for one with
    `@pytest.mark.browser_context_args(service_workers="allow")`. Every new context would
    otherwise install it and fetch the whole app shell (some 125 files) beside the page's
    own loads, for tests that never go offline before the page has loaded; the tests of
    what the worker does (test_install_offline.py, the offline screen) let it run."""
    return {**browser_context_args, "service_workers": "block"}


WITH_SERVICE_WORKER = pytest.mark.browser_context_args(service_workers="allow")


@pytest.fixture(scope="session")
def base_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free loopback port; pytest-playwright resolves page.goto("/") to it."""
    env = {
        "TANDEM_MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
        # PATCHes of one 5 MiB part (the smallest), so test videos of a few MB take several
        # PATCHes and a pause, a reload or a dropped connection falls between two of them.
        "TANDEM_S3_PART_SIZE_MIB": str(CHUNK_BYTES // MIB),
        "TANDEM_UPLOAD_CHUNK_PARTS": "1",
    }
    with live_server(
        database_url=database_url, work_dir=tmp_path_factory.mktemp("e2e"), env=env
    ) as url:
        yield url


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test on any script error or Content-Security-Policy violation."""
    yield from watched_page(context)


def watched_page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    assert problems == [], problems


@pytest.fixture
def phone_page(new_context: Callable[..., BrowserContext]) -> Iterator[Page]:
    yield from watched_page(new_context(**SIZES["phone"]))


@pytest.fixture
def desktop_page(new_context: Callable[..., BrowserContext]) -> Iterator[Page]:
    yield from watched_page(new_context(**SIZES["desktop"]))


@dataclass(frozen=True)
class Team:
    organisation: Organisation
    practitioner: User
    coach: User
    supervisor: User
    lead: User


@pytest.fixture
def team(db: Session) -> Team:
    """A demo-like organisation: a practitioner with a coach and a supervisor, and a lead."""
    organisation = make_organisation(db, "Riverside Family Partnership")
    practitioner = make_user(db, organisation, Role.practitioner, email="pat@example.org")
    practitioner.display_name = "Pat Practitioner"
    coach = make_user(db, organisation, Role.coach, email="cora@example.org")
    coach.display_name = "Cora Coach"
    supervisor = make_user(db, organisation, Role.supervisor, email="sam@example.org")
    supervisor.display_name = "Sam Supervisor"
    lead = make_user(db, organisation, Role.lead, email="lee@example.org")
    lead.display_name = "Lee Lead"
    db.add_all([practitioner, coach, supervisor, lead])
    db.commit()
    assign(db, organisation, coach, practitioner, kind="coach")
    assign(db, organisation, supervisor, practitioner, kind="supervisor")
    make_programme(db, organisation)
    return Team(organisation, practitioner, coach, supervisor, lead)


def sign_in(page: Page, user: User, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person would, and wait for the home screen."""
    page.goto("/#/sign-in")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    settled(page)


def settled(page: Page) -> None:
    """Every section of the screen has finished loading."""
    expect(page.locator("[aria-busy=true]")).to_have_count(0)


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core (from npm, evaluated in the page: the CSP forbids inline scripts) on the page
    as it is now; only serious and critical violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text())
    results = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' '))})))"
    )
    return [
        json.dumps(violation)
        for violation in results
        if violation["impact"] in ("serious", "critical")
    ]


def has_horizontal_scroll(page: Page) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    )


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """The whole page, or (`full_page=False`) what the person sees now: for screens whose
    point is what stays in view as they scroll."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def write_wav(path: Path, seconds: float) -> Path:
    """A real audio file (silence, 48 kHz stereo PCM: 192 kB a second)."""
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(2)
        audio.setsampwidth(2)
        audio.setframerate(48_000)
        audio.writeframes(b"\0" * int(48_000 * 4 * seconds))
    return path


def write_webm(
    path: Path, seconds: float, *, width: int = 160, height: int = 120, noise: bool = False
) -> Path:
    """A real VP8 video Chromium plays. With `noise` the frames barely compress (about
    1 MB a second at 320x240), for uploads big enough to cut midway."""
    fps = 15
    rng = random.Random(1)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libvpx", rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = 8_000_000 if noise else 200_000
        stream.options = {"deadline": "realtime", "cpu-used": "8"}
        for index in range(int(seconds * fps)):
            frame = av.VideoFrame(width, height, "rgb24")
            pixels = width * height * 3
            frame.planes[0].update(
                rng.randbytes(pixels) if noise else bytes([(index * 8) % 256]) * pixels
            )
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def api_session(playwright: Playwright, base_url: str, user: User) -> tuple[APIRequestContext, str]:
    """An API client signed in with the PWA's cookie session, and its CSRF token."""
    client = playwright.request.new_context(base_url=base_url)
    answer = client.post("/api/v1/auth/session", data={"email": user.email, "password": PASSWORD})
    assert answer.ok, answer.text()
    return client, answer.json()["csrf_token"]


def upload_ready_recording(
    playwright: Playwright,
    base_url: str,
    owner: User,
    media: Path,
    title: str = "Home visit week 6",
    consent_scope: str = "coaching",
) -> str:
    """Upload `media` as `owner` with the plain form upload and wait until it is ready."""
    client, csrf = api_session(playwright, base_url, owner)
    try:
        answer = client.post(
            "/api/v1/recordings",
            headers={"X-CSRF-Token": csrf},
            multipart={
                "title": title,
                "consent": "obtained",
                "consent_scope": consent_scope,
                "file": {
                    "name": media.name,
                    "mimeType": "video/webm",
                    "buffer": media.read_bytes(),
                },
            },
        )
        assert answer.status == 201, answer.text()
        recording_id: str = answer.json()["id"]
        # Processing runs just after the answer; it takes well under a second for this file.
        for _ in range(300):
            status = client.get(f"/api/v1/recordings/{recording_id}").json()["status"]
            if status != "processing":
                break
            time.sleep(0.05)
        assert status == "ready", status
        return recording_id
    finally:
        client.dispose()


@pytest.fixture(params=list(SIZES))
def sized_page(
    request: pytest.FixtureRequest, new_context: Callable[..., BrowserContext]
) -> Iterator[tuple[str, Page]]:
    """A page at phone size (touch) and at desktop size: ("phone" | "desktop", page)."""
    for page in watched_page(new_context(**SIZES[request.param])):
        yield request.param, page
