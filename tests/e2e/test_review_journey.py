"""The review journey across two people and two browsers: a practitioner on a phone uploads
a session over a connection that drops midway; their coach, on a laptop, scores it against
the rubric and comments at a moment; the practitioner sees the comment, goes to that moment,
and writes and shares a reflection; the coach replies. axe-core checks every screen."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Request, expect
from sqlmodel import Session, select

from app.models import Programme
from tests.e2e.conftest import (
    SIZES,
    Team,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
    watched_page,
    write_webm,
)
from tests.e2e.test_uploads import UPLOADS, fill_in, slow_network, upload_item
from tests.factories import make_rubric_version

TITLE = "Home visit week 6"
# Weights 3, 2, 1 on a 1-5 scale scored 4, 3, 5: (3 x 3/4 + 2 x 2/4 + 1) / 6 = 70.83 %.
CRITERIA = (
    {"code": "R1", "title": "Builds rapport", "weight": 3, "min_level": 3},
    {"code": "R2", "title": "Asks open questions", "weight": 2},
    {"code": "R3", "title": "Agrees next steps", "weight": 1, "na_allowed": True},
)
LEVELS = {"R1": 4, "R2": 3, "R3": 5}
COMMENT_AT_S = 4


@pytest.fixture
def rubric(db: Session, team: Team) -> None:
    programme = db.exec(
        select(Programme).where(Programme.organisation_id == team.organisation.id)
    ).one()
    make_rubric_version(db, team.organisation, programme, *CRITERIA, threshold=80)


def assert_accessible(page: Page) -> None:
    settled(page)
    assert serious_accessibility_violations(page) == []


def as_shown(percent: float) -> str:
    """The PWA shows a weighted percent with one decimal (half away from zero)."""
    return f"{int(percent * 10 + 0.5) / 10:.1f} %"


def media_at(page: Page, seconds: float) -> None:
    """The video has loaded (it fetches nothing until someone plays or seeks) and stands
    at `seconds`."""
    page.wait_for_function(
        "(at) => { const video = document.querySelector('video');"
        " return video.readyState >= 1 && Math.abs(video.currentTime - at) < 0.2; }",
        arg=seconds,
    )


def open_tab(page: Page, name: str) -> None:
    """On a phone the panels are tabs; on a desktop they are all shown side by side."""
    viewport = page.viewport_size
    if viewport and viewport["width"] < 1024:
        tab = page.get_by_role("tab", name=name)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")


def upload_through_a_dropped_connection(page: Page, video: Path) -> None:
    creations: list[Request] = []
    page.on(
        "request",
        lambda r: creations.append(r) if UPLOADS in r.url and r.method == "POST" else None,
    )
    page.goto("/#/upload")
    throttle = slow_network(page)
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.status == 204):
        fill_in(page, video, TITLE)

    # Our own DevTools session's network conditions would override Playwright's offline
    # switch: end it first. A request already on its way may still arrive; the next one
    # meets no network.
    throttle.detach()
    page.context.set_offline(True)
    item = upload_item(page, TITLE)
    expect(item.get_by_text("Waiting for connection", exact=True)).to_be_visible(timeout=30_000)
    assert_accessible(page)
    page.context.set_offline(False)

    expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)
    assert len(creations) == 1


def score(page: Page) -> Locator:
    panel = page.get_by_role("tabpanel", name="Score")
    for code, level in LEVELS.items():
        criterion = panel.get_by_role("group", name=code)
        criterion.get_by_label(f"{level} Level {level}").check()
        criterion.get_by_label(f"Evidence for {code}").fill(f"Seen at {code}.")
    return panel


def comment_at_a_moment(page: Page) -> None:
    page.get_by_label("Position in the recording").fill(str(COMMENT_AT_S * 10))
    media_at(page, COMMENT_AT_S)
    body = page.get_by_label(f"Comment at 00:0{COMMENT_AT_S}")
    body.click()
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
    body.fill("Lovely open question here; notice how the parent opens up.")
    page.get_by_label("Criterion (optional)").select_option("R2")
    page.get_by_role("button", name="Add comment").click()
    comment = page.get_by_role("listitem").filter(has_text="Lovely open question")
    expect(comment).to_contain_text("R2")
    expect(comment.get_by_role("button", name=f"Go to 00:0{COMMENT_AT_S}")).to_be_visible()


def test_upload_score_comment_reflect_and_reply(
    new_context: Callable[..., BrowserContext], team: Team, rubric: None, tmp_path: Path
) -> None:
    # About 12 MB: three tus chunks of 5 MiB, so a PATCH starts while the phone is offline.
    video = write_webm(tmp_path / "week-6.webm", 11, width=320, height=240, noise=True)

    # The practitioner, on a phone, uploads through a dropped connection.
    phone = new_context(**SIZES["phone"])
    for practitioner in watched_page(phone):
        sign_in(practitioner, team.practitioner)
        assert_accessible(practitioner)
        upload_through_a_dropped_connection(practitioner, video)

        # The coach, on a laptop, finds it waiting, scores it and comments at a moment.
        laptop = new_context(**SIZES["desktop"])
        for coach in watched_page(laptop):
            sign_in(coach, team.coach)
            waiting = coach.get_by_role("region", name="Recordings waiting for review")
            waiting.get_by_role("link", name=TITLE).click()
            expect(coach.get_by_role("heading", level=1)).to_have_text(TITLE)
            assert_accessible(coach)

            comment_at_a_moment(coach)
            panel = score(coach)
            live = panel.locator("[data-total=live]")
            expect(live).to_have_text("70.8 %")
            expect(panel).to_contain_text("Below fidelity (threshold 80")
            panel.get_by_role("button", name="Save draft").click()
            expect(panel.get_by_text("Draft saved")).to_be_visible()
            screenshot(coach, "review-coach-scoring-desktop")
            assert_accessible(coach)
            shown_live = live.inner_text()
            panel.get_by_role("button", name="Submit observation").click()
            panel.get_by_role("button", name="Yes, submit").click()
            submitted = panel.locator("[data-total=server]")
            expect(submitted).to_be_visible()
            recording_id = coach.url.rsplit("/", 1)[1]
            observations = coach.request.get(f"/api/v1/recordings/{recording_id}/observations")
            server = observations.json()[0]
            assert server["status"] == "submitted"
            assert as_shown(server["weighted_percent"]) == shown_live == submitted.inner_text()
            assert server["meets_fidelity"] is False
            screenshot(coach, "review-coach-submitted-desktop")
            assert_accessible(coach)

            # The practitioner sees the comment, goes to its moment, reflects and shares.
            practitioner.get_by_role("link", name="Home", exact=True).click()
            feedback = practitioner.get_by_role("region", name="Feedback waiting")
            expect(feedback).to_contain_text(f"{as_shown(server['weighted_percent'])}")
            expect(feedback).to_contain_text("Below fidelity")
            assert_accessible(practitioner)
            mine = practitioner.get_by_role("region", name="My recordings")
            mine.get_by_role("link", name=TITLE).click()
            expect(practitioner.get_by_role("heading", level=1)).to_have_text(TITLE)
            comment = practitioner.get_by_role("listitem").filter(has_text="Lovely open question")
            expect(comment).to_contain_text("Cora Coach")
            assert_accessible(practitioner)
            screenshot(practitioner, "review-practitioner-comments-phone")
            comment.get_by_role("button", name=f"Go to 00:0{COMMENT_AT_S}").click()
            media_at(practitioner, COMMENT_AT_S)

            open_tab(practitioner, "Observation")
            observation = practitioner.get_by_role("tabpanel", name="Observation")
            expect(observation.locator("[data-total=server]")).to_have_text(shown_live)
            assert_accessible(practitioner)
            screenshot(practitioner, "review-practitioner-observation-phone")

            open_tab(practitioner, "Reflection")
            reflection = practitioner.get_by_role("tabpanel", name="Reflection")
            reflection.get_by_label("What went well").fill("The parent talked about bedtime.")
            reflection.get_by_label("Where I want help").fill("Keeping the visit focused.")
            reflection.get_by_role("button", name="Save and share with my coach").click()
            expect(reflection).to_contain_text("Shared with your coaches")
            # The conversation starts clear of "Save changes", not pressed against it.
            save = reflection.get_by_role("button", name="Save changes").bounding_box()
            talk = reflection.get_by_role("heading", name="Conversation").bounding_box()
            assert save is not None and talk is not None
            assert talk["y"] - (save["y"] + save["height"]) >= 16
            assert_accessible(practitioner)
            screenshot(practitioner, "review-practitioner-reflection-phone")

            # The coach reads the reflection and replies; the practitioner sees the reply.
            coach.reload()
            shared = coach.get_by_role("tabpanel", name="Reflection")
            expect(shared).to_contain_text("The parent talked about bedtime.")
            shared.get_by_label("Your reply").fill("Let's plan the next visit together.")
            shared.get_by_role("button", name="Send reply").click()
            expect(shared.get_by_role("list", name="Replies to the reflection")).to_contain_text(
                "Let's plan the next visit together."
            )
            assert_accessible(coach)
            coach.get_by_role("link", name="Home", exact=True).click()
            expect(
                coach.get_by_role("region", name="Recordings waiting for review")
            ).not_to_contain_text(TITLE)

        practitioner.reload()
        open_tab(practitioner, "Reflection")
        expect(practitioner.get_by_role("tabpanel", name="Reflection")).to_contain_text(
            "Let's plan the next visit together."
        )
