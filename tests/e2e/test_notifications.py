"""Notifications in the PWA: the coach comments and submits feedback through the API; the
practitioner sees the badge in the main navigation, opens the list, follows one to the
recording (the count drops), marks the rest read and changes how they hear of them."""

import re

from playwright.sync_api import Page, Playwright, Route, expect
from sqlmodel import Session, select

from app.models import NotificationPreference, Programme
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    Team,
    api_session,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
)
from tests.factories import make_ready_recording, make_rubric_version


def _coach_reviews(playwright: Playwright, base_url: str, team: Team, db: Session) -> str:
    """Through the API as the coach: a comment, then feedback submitted."""
    programme = db.exec(
        select(Programme).where(Programme.organisation_id == team.organisation.id)
    ).one()
    version = make_rubric_version(db, team.organisation, programme, {"code": "A1"})
    recording = make_ready_recording(db, team.organisation, team.practitioner, programme=programme)
    recording.title = "Tuesday home visit"
    db.add(recording)
    db.commit()
    client, csrf = api_session(playwright, base_url, team.coach)
    headers = {"X-CSRF-Token": csrf}
    try:
        base = f"/api/v1/recordings/{recording.id}"
        answer = client.post(
            f"{base}/comments", headers=headers, data={"start_ms": 1000, "body": "Lovely pause."}
        )
        assert answer.status == 201, answer.text()
        body = {
            "rubric_version_id": str(version.id),
            "scores": [{"code": "A1", "level": 4, "not_applicable": False}],
        }
        answer = client.post(f"{base}/observations", headers=headers, data=body)
        assert answer.status == 201, answer.text()
        observation = answer.json()["id"]
        answer = client.post(f"/api/v1/observations/{observation}/submit", headers=headers)
        assert answer.status == 200, answer.text()
    finally:
        client.dispose()
    return str(recording.id)


def test_the_practitioner_follows_their_notifications(
    page: Page, playwright: Playwright, base_url: str, team: Team, db: Session
) -> None:
    recording_id = _coach_reviews(playwright, base_url, team, db)
    page.set_viewport_size(PHONE)
    sign_in(page, team.practitioner)
    nav = page.get_by_role("navigation", name="Main")
    badge = nav.get_by_role("link", name="Notifications 2 unread")
    expect(badge).to_be_visible()

    badge.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    items = page.locator("#notification-list > li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("New feedback: Tuesday home visit")
    expect(items.nth(1)).to_contain_text("New comment: Tuesday home visit")
    expect(items.nth(1)).to_contain_text("Cora Coach")
    expect(page.get_by_label("Email me a daily summary")).to_be_checked()
    # Push is not set up on this server: the control says so and cannot be turned on.
    expect(page.get_by_label("Push notifications")).to_be_disabled()
    settled(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "notifications-phone")

    page.get_by_role("link", name="New comment: Tuesday home visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday home visit")
    assert page.url.endswith(f"#/recordings/{recording_id}")
    expect(nav.get_by_role("link", name="Notifications 1 unread")).to_be_visible()

    page.set_viewport_size(DESKTOP)
    # Back to the notifications before the recording's screen has finished loading (its
    # member names held back): that screen's consent and delete panels once turned up
    # under the notifications, and the page stayed wide.
    held: list[Route] = []
    page.route("**/organisations/*/members*", lambda route: held.append(route))
    with page.expect_request("**/organisations/*/members*"):
        page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday home visit")
    # (The badge's count comes once a screen has finished loading: this one has not.)
    nav.get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    with page.expect_response("**/organisations/*/members*"):
        held.pop().continue_()
    page.unroute("**/organisations/*/members*")
    # A frame for the recording's screen, answered at last, to draw what it would.
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    expect(items).to_have_count(2)
    expect(page.get_by_role("group").filter(has_text="Delete")).to_have_count(0)
    expect(page.locator(".review__manage")).to_have_count(0)
    expect(page.get_by_role("main")).not_to_have_class(re.compile("page--wide"))
    expect(items.first.get_by_text("New", exact=True)).to_be_visible()
    expect(items.nth(1).get_by_text("New", exact=True)).to_have_count(0)
    settled(page)
    screenshot(page, "notifications-desktop")
    page.get_by_role("button", name="Mark all read").click()
    expect(nav.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(page.locator("#notification-list .unread")).to_have_count(0)

    page.get_by_label("Email me a daily summary").uncheck()
    expect(page.get_by_text("The daily email is off.")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    db.expire_all()
    preference = db.get(NotificationPreference, team.practitioner.id)
    assert preference is not None and preference.email_digest is False
