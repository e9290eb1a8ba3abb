"""Recordings lists people can scan and narrow (issue #14, lists).

A practitioner's and a coach's home list each recording with its poster frame (lazy, with
an empty alt beside the title in the same link), its duration, the coach and the comments
they have not seen; opening the recording reads them, and back home the count is gone. The
Recordings screen finds one by title and narrows by status, the filters kept in the URL
through a reload; a period that ends before it starts is shown beside the field. Feedback
names the recording and who scored it. Axe on each screen; screenshots at desktop and
phone size (the list's layout is the same at both, so the journey runs once, at desktop,
and looks at the phone size at its end)."""

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, Playwright, expect
from sqlmodel import Session, select

from app.models import Comment, Programme, Recording, RecordingStatus
from app.models.base import utcnow
from tests.e2e.conftest import (
    PHONE,
    Team,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
    upload_ready_recording,
    write_webm,
)
from tests.e2e.test_members import field_error
from tests.factories import make_comment, make_observation, make_rubric_version

VISIT = "Home visit week 6"


@pytest.fixture
def recordings(
    db: Session, team: Team, playwright: Playwright, base_url: str, tmp_path: Path
) -> str:
    """A ready video of the practitioner's (with its poster frame) that the coach commented
    on twice and the practitioner answered once, scored by the coach; and two recordings
    without media: a ready "Bath time routine" and a rejected "Mealtime"."""
    media = write_webm(tmp_path / "visit.webm", 3)
    recording_id = upload_ready_recording(playwright, base_url, team.practitioner, media, VISIT)
    visit = db.get(Recording, uuid.UUID(recording_id))
    assert visit is not None and visit.poster_key is not None
    thread = make_comment(db, visit, team.coach, start_ms=500, body="A warm welcome.")
    make_comment(db, visit, team.coach, start_ms=1500, body="Good open question.")
    db.add(
        Comment(
            organisation_id=visit.organisation_id,
            recording_id=visit.id,
            parent_id=thread.id,
            author_user_id=team.practitioner.id,
            body="Thank you!",
        )
    )
    for title, status in (
        ("Bath time routine", RecordingStatus.ready),
        ("Mealtime", RecordingStatus.rejected),
    ):
        db.add(
            Recording(
                organisation_id=team.organisation.id,
                owner_user_id=team.practitioner.id,
                title=title,
                status=status,
                duration_seconds=125.0,
                storage_key=f"recordings/test/{title}",
            )
        )
    programme = db.exec(
        select(Programme).where(Programme.organisation_id == team.organisation.id)
    ).one()
    version = make_rubric_version(db, team.organisation, programme)
    make_observation(db, visit, team.coach, version, {"A1": 4, "A2": 4}, submitted_at=utcnow())
    db.commit()
    return recording_id


def item(region: Locator, title: str) -> Locator:
    return region.get_by_role("listitem").filter(has_text=title)


def open_and_come_back(page: Page, region: Locator, title: str) -> None:
    """Open the recording from the list (which marks its comments read) and go home."""
    with page.expect_response(lambda r: r.request.method == "PUT" and "/seen" in r.url) as seen:
        region.get_by_role("link", name=title).click()
    assert seen.value.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    settled(page)


def test_practitioner_scans_opens_finds_and_narrows_their_recordings(
    page: Page, team: Team, recordings: str
) -> None:
    sign_in(page, team.practitioner)
    mine = page.get_by_role("region", name="My recordings")
    visit = item(mine, VISIT)
    expect(visit).to_contain_text("3 s")
    expect(visit).to_contain_text("Coach: Cora Coach")
    expect(visit).to_contain_text("Ready")
    # The coach's two comments; the practitioner's own reply is not news to them.
    expect(visit.locator(".unread")).to_have_text("2 unread comments")
    thumbnail = visit.get_by_role("link", name=VISIT).locator("img")
    expect(thumbnail).to_have_attribute("alt", "")
    expect(thumbnail).to_have_attribute("loading", "lazy")
    expect(thumbnail).to_have_class(re.compile("recording-item__thumb"))
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate("image => image.naturalWidth") > 0
    # Without a poster frame the list keeps its shape with a plain tile, and no link.
    expect(item(mine, "Mealtime").get_by_role("link")).to_have_count(0)
    feedback = page.get_by_role("region", name="Feedback waiting")
    expect(feedback.get_by_role("link", name=VISIT)).to_be_visible()
    expect(feedback).to_contain_text("Scored by Cora Coach")
    # One score is "1 observation", not "1 observations".
    trend = page.get_by_role("region", name="My fidelity trend")
    expect(trend).to_contain_text(re.compile(r"\b1 observation over 12 months"))
    assert serious_accessibility_violations(page) == []
    screenshot(page, "recording-lists-practitioner-home-desktop")

    open_and_come_back(page, mine, VISIT)
    expect(item(mine, VISIT)).to_contain_text("Coach: Cora Coach")
    expect(item(mine, VISIT).locator(".unread")).to_have_count(0)

    mine.get_by_role("link", name="Find a recording").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recordings")
    settled(page)
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("listitem")).to_have_count(3)
    page.get_by_label("Title contains").fill("BATH")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"#/recordings\?search=BATH$"))
    expect(results.get_by_role("listitem")).to_have_count(1)
    expect(results.get_by_role("listitem")).to_contain_text("Bath time routine")
    expect(results.get_by_role("listitem")).to_contain_text("2 min 05 s")

    page.get_by_label("Title contains").fill("")
    page.get_by_label("Status").select_option(label="Rejected")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"#/recordings\?status=rejected$"))
    expect(results.get_by_role("listitem")).to_have_count(1)
    page.reload()
    # The filter came back from the URL: wait for its list before reading it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Recordings")
    expect(page.get_by_label("Status")).to_have_value("rejected")
    only = page.get_by_role("region", name="Results").get_by_role("listitem")
    expect(only).to_have_count(1)
    expect(only).to_contain_text("Mealtime")
    expect(only).to_contain_text("Rejected")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "recording-lists-filtered-desktop")

    page.set_viewport_size(PHONE)
    expect(only).to_be_visible()
    assert not has_horizontal_scroll(page)
    screenshot(page, "recording-lists-filtered-phone")
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_role("region", name="Results").get_by_role("listitem")).to_have_count(3)

    # A period that ends before it starts: the API's refusal is shown beside "Recorded until".
    page.get_by_label("Recorded from").fill("2026-07-02")
    page.get_by_label("Recorded until").fill("2026-07-01")
    page.get_by_role("button", name="Show").click()
    until = page.get_by_label("Recorded until")
    expect(until).to_have_attribute("aria-invalid", "true")
    assert "Must not be before from" in field_error(page, until)


def test_coach_sees_whose_recordings_and_new_comments_until_they_open_them(
    page: Page, team: Team, recordings: str
) -> None:
    sign_in(page, team.coach)
    # Reviewed already (the coach submitted scores): its news is the practitioner's reply.
    replies = page.get_by_role("region", name="New comments")
    visit = item(replies, VISIT)
    expect(visit).to_contain_text("Pat Practitioner")
    expect(visit).to_contain_text("Coach: Cora Coach")
    expect(visit.locator(".unread")).to_have_text("1 unread comment")
    expect(visit.get_by_role("link", name=VISIT).locator("img")).to_have_attribute("alt", "")
    waiting = page.get_by_role("region", name="Recordings waiting for review")
    expect(item(waiting, "Bath time routine")).to_contain_text("Pat Practitioner")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "recording-lists-coach-home-desktop")
    page.set_viewport_size(PHONE)
    assert not has_horizontal_scroll(page)
    screenshot(page, "recording-lists-coach-home-phone")

    open_and_come_back(page, replies, VISIT)
    expect(page.get_by_role("region", name="New comments")).to_contain_text("No new comments")
