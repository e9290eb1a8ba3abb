"""Every screen at phone and desktop size: no serious or critical axe-core violation, no
horizontal scroll, touch targets of at least 44 px, every control reachable by keyboard,
and readable at 200 % zoom. Each check also leaves a screenshot in test-artifacts/screenshots/.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect
from sqlmodel import Session, select

from app.models import Comment, LearningObjective, Notification, NotificationKind, Programme, User
from app.models.base import utcnow
from app.models.recording import Recording
from tests.e2e.conftest import (
    SIZES,
    WITH_SERVICE_WORKER,
    Team,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    upload_ready_recording,
    watched_page,
    write_webm,
)
from tests.e2e.reports_data import fill_reports
from tests.factories import (
    PASSWORD,
    make_comment,
    make_objective,
    make_reflection,
    make_rubric_version,
)

# 200 % zoom of a 1280 px wide window leaves 640 CSS px; text-only zoom doubles the root size.
ZOOMED_DESKTOP = {"width": 640, "height": 400}
MIN_TARGET_PX = 44

CHECKS = Path(__file__).parent / "js"
SMALL_TARGETS = (CHECKS / "small-targets.js").read_text()
MARK_CONTROLS = (CHECKS / "mark-controls.js").read_text()


@dataclass(frozen=True)
class Screen:
    name: str
    who: str | None  # a Team attribute, or None when signed out
    path: str  # "{recording}" stands for a ready recording of the practitioner's
    ready: str  # the h1 once the screen has loaded


SCREENS = [
    Screen("sign-in", None, "/#/sign-in", "Sign in to Tandem"),
    Screen("home-practitioner", "practitioner", "/#/", "Hello, Pat Practitioner"),
    Screen("home-coach", "coach", "/#/", "Hello, Cora Coach"),
    Screen("home-supervisor", "supervisor", "/#/", "Hello, Sam Supervisor"),
    Screen("home-lead", "lead", "/#/", "Hello, Lee Lead"),
    Screen("upload", "practitioner", "/#/upload", "Upload a recording"),
    Screen("invitation", None, "/#/invitation/a-one-time-token", "Welcome to Tandem"),
    Screen("forgot-password", None, "/#/forgot-password", "Forgot your password?"),
    Screen("reset-password", None, "/#/reset-password/a-one-time-token", "Choose a new password"),
    Screen("not-found", None, "/#/no-such-screen", "Page not found"),
    # A page other than the app itself, opened with no connection (the app opens offline).
    Screen("offline", None, "/docs", "You are offline"),
    Screen("review-coach", "coach", "/#/recordings/{recording}", "Home visit week 6"),
    Screen("review-practitioner", "practitioner", "/#/recordings/{recording}", "Home visit week 6"),
    Screen("objectives-practitioner", "practitioner", "/#/objectives", "Learning objectives"),
    Screen("objectives-coach", "coach", "/#/objectives", "Learning objectives"),
    Screen("notifications", "practitioner", "/#/notifications", "Notifications"),
    Screen("sessions-coach", "coach", "/#/sessions", "Sessions"),
    Screen("sessions-practitioner", "practitioner", "/#/sessions", "Sessions"),
    Screen("book", "practitioner", "/#/book", "Book coaching"),
    Screen("availability", "coach", "/#/availability", "My availability"),
    Screen("time", "practitioner", "/#/time", "My time"),
    Screen("team-time", "supervisor", "/#/team-time", "Team time"),
    Screen("members", "lead", "/#/members", "Members"),
    Screen("assignments", "lead", "/#/assignments", "Assignments"),
    Screen("programmes", "lead", "/#/programmes", "Programmes"),
    Screen("settings", "lead", "/#/settings", "Organisation settings"),
    Screen("audit", "lead", "/#/audit", "Audit trail"),
    Screen("recordings", "coach", "/#/recordings", "Recordings"),
    # The dashboards, over three months of scores, time and a locality (reports_data.py).
    Screen("reports-fidelity", "lead", "/#/reports?report=fidelity", "Reports"),
    Screen("reports-time", "supervisor", "/#/reports?report=time", "Reports"),
    Screen("reports-coverage", "supervisor", "/#/reports?report=coverage", "Reports"),
    Screen("reports-turnaround", "lead", "/#/reports?report=turnaround", "Reports"),
    Screen("reports-agreement", "lead", "/#/reports?report=agreement", "Reports"),
    Screen("reports-equity", "lead", "/#/reports?report=equity&attribute=locality", "Reports"),
]


@pytest.fixture
def review_data(
    db: Session, team: Team, playwright: Playwright, base_url: str, tmp_path: Path
) -> str:
    """A ready video of the practitioner's with a rubric, a comment, a shared reflection and
    an objective: the review and objectives screens with something on them."""
    programme = db.exec(
        select(Programme).where(Programme.organisation_id == team.organisation.id)
    ).one()
    make_rubric_version(
        db,
        team.organisation,
        programme,
        {"code": "R1", "title": "Builds rapport", "weight": 2, "min_level": 3},
        {"code": "R2", "title": "Asks open questions", "na_allowed": True},
    )
    media = write_webm(tmp_path / "visit.webm", 3)
    recording_id = upload_ready_recording(playwright, base_url, team.practitioner, media)
    recording = db.get(Recording, uuid.UUID(recording_id))
    assert recording is not None
    make_comment(db, recording, team.coach, start_ms=1500, body="A warm welcome.")
    make_reflection(db, recording, shared=True)
    make_objective(db, team.organisation, team.practitioner, title="Ask more open questions")
    return recording_id


@pytest.fixture
def notification_data(db: Session, team: Team, review_data: str) -> None:
    """The practitioner told of the coach's comment (unread) and objective (read)."""
    recording_id = uuid.UUID(review_data)
    comment = db.exec(select(Comment).where(Comment.recording_id == recording_id)).one()
    objective = db.exec(select(LearningObjective)).one()
    told = {"organisation_id": team.organisation.id, "recipient_user_id": team.practitioner.id}
    db.add_all(
        [
            Notification(
                **told,
                actor_user_id=team.coach.id,
                kind=NotificationKind.objective_updated,
                objective_id=objective.id,
                read_at=utcnow(),
            ),
            Notification(
                **told,
                actor_user_id=team.coach.id,
                kind=NotificationKind.comment,
                recording_id=recording_id,
                comment_id=comment.id,
            ),
        ]
    )
    db.commit()


@pytest.fixture
def reports_data(db: Session, team: Team) -> None:
    fill_reports(db, team)


def open_screen(
    page: Page, team: Team, screen: Screen, request: pytest.FixtureRequest | None = None
) -> None:
    if screen.who:
        person: User = getattr(team, screen.who)
        answer = page.request.post(
            "/api/v1/auth/session", data={"email": person.email, "password": PASSWORD}
        )
        assert answer.ok, answer.text()
    if screen.name == "offline":
        # As people meet it: the service worker answers a page that cannot load.
        page.goto("/")
        page.evaluate("() => navigator.serviceWorker.ready")
        page.context.set_offline(True)
    path = screen.path
    if screen.name.startswith("reports"):
        assert request is not None
        request.getfixturevalue("reports_data")
    if screen.name == "notifications":
        assert request is not None
        request.getfixturevalue("notification_data")
    if "{recording}" in path or screen.name.startswith(("objectives", "recordings")):
        assert request is not None
        path = path.format(recording=request.getfixturevalue("review_data"))
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(screen.ready)
    # Sections load their data after the heading: wait until none is still loading.
    expect(page.locator("[aria-busy=true]")).to_have_count(0)


def with_its_worker(screen: Screen) -> object:
    """The offline screen comes from the service worker (conftest.py blocks it elsewhere)."""
    marks = [WITH_SERVICE_WORKER] if screen.name == "offline" else []
    return pytest.param(screen, marks=marks, id=screen.name)


@pytest.mark.parametrize("screen", [with_its_worker(screen) for screen in SCREENS])
def test_screen_is_accessible_fits_and_has_big_enough_targets(
    new_context: Callable[..., BrowserContext],
    team: Team,
    screen: Screen,
    request: pytest.FixtureRequest,
) -> None:
    """At phone size, then at desktop size (each in a browser of its own, over the same
    data), then zoomed to 200 % on the same page (rather than opening the screen again):
    on a phone the text alone doubles; on a desktop the window leaves half its width. At
    desktop size, where people use a keyboard, every control is reachable with Tab."""
    for size, options in SIZES.items():
        for page in watched_page(new_context(**options)):
            open_screen(page, team, screen, request)
            screenshot(page, f"{screen.name}-{size}")
            check_at(page, screen, size)


def check_at(page: Page, screen: Screen, size: str) -> None:
    assert serious_accessibility_violations(page) == [], size
    assert not has_horizontal_scroll(page), size
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == [], size
    if size == "desktop":
        assert controls_missed_by_keyboard(page) == set()
        page.set_viewport_size(ZOOMED_DESKTOP)
        assert not has_horizontal_scroll(page), "at 200 % zoom"
    else:
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        screenshot(page, f"{screen.name}-phone-text-200")
        assert not has_horizontal_scroll(page), "with text at 200 %"
        assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == [], "with text at 200 %"


def controls_missed_by_keyboard(page: Page) -> set[int]:
    """The controls on the page (numbered by MARK_CONTROLS) that Tab never reaches. The
    page notes each control that takes the focus, so Tab is pressed in rounds, with one
    look at what was reached after each round rather than one after every press."""
    stops = page.evaluate(MARK_CONTROLS)
    reached: set[int] = set()
    for _ in range(2):
        for _ in range(stops + 3):
            page.keyboard.press("Tab")
        reached = set(page.evaluate("[...window.__reachedStops]"))
        if reached >= set(range(stops)):
            break
    return set(range(stops)) - reached
