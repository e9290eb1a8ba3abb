"""Withdrawing consent in the app: the practitioner (on a phone) or a lead (on a desktop)
opens the recording's Consent panel, is asked before anything is erased, and after
confirming the video is gone (the media answers no more) while the record stays, marked
withdrawn. Declining the question erases nothing. axe-core checks every screen."""

from pathlib import Path

from playwright.sync_api import Dialog, Page, Playwright, expect
from sqlmodel import Session, select

from app.models import AuditEvent, Recording
from tests.e2e.conftest import (
    Team,
    api_session,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
    upload_ready_recording,
    write_webm,
)

TITLE = "Home visit week 3"


def media_status(playwright: Playwright, base_url: str, team: Team, recording_id: str) -> int:
    client, _ = api_session(playwright, base_url, team.practitioner)
    try:
        return client.get(f"/api/v1/recordings/{recording_id}/media").status
    finally:
        client.dispose()


def test_a_practitioner_withdraws_consent_after_being_asked(
    sized_page: tuple[str, Page],
    team: Team,
    db: Session,
    playwright: Playwright,
    base_url: str,
    tmp_path: Path,
) -> None:
    kind, page = sized_page
    video = write_webm(tmp_path / "week-3.webm", 2)
    recording_id = upload_ready_recording(playwright, base_url, team.practitioner, video, TITLE)
    # On a desktop a lead, who may not watch the recording (only through a grant) but
    # manages it, withdraws for the family.
    sign_in(page, team.practitioner if kind == "phone" else team.lead)
    page.goto(f"/#/recordings/{recording_id}")
    settled(page)
    page.get_by_role("heading", name="Consent", exact=True).click()
    form = page.get_by_role("form", name="The family withdraws consent")
    expect(form).to_contain_text("erased at once")
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"consent-withdrawal-{kind}")

    questions: list[str] = []

    def decline(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    form.get_by_role("button", name="Withdraw consent and erase").click()
    expect(form).to_be_visible()
    assert "cannot be recovered" in questions[0]
    assert media_status(playwright, base_url, team, recording_id) in (200, 206)

    form.get_by_label("Reason (optional, kept in the audit trail)").fill("Mother asked by phone")
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Withdraw consent and erase").click()
    expect(page.get_by_role("main")).to_contain_text("withdrew consent")
    settled(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"consent-withdrawn-{kind}")

    db.expire_all()
    recording = db.get(Recording, recording_id)
    assert recording is not None
    assert (recording.status, recording.deleted_reason) == ("deleted", "consent_withdrawn")
    assert media_status(playwright, base_url, team, recording_id) in (404, 410)
    audited = db.exec(
        select(AuditEvent).where(AuditEvent.action == "recording.consent_withdrawn")
    ).all()
    assert [row.details for row in audited] == [{"reason": "Mother asked by phone"}]


def test_a_practitioner_deletes_a_recording_after_being_asked(
    phone_page: Page,
    team: Team,
    db: Session,
    playwright: Playwright,
    base_url: str,
    tmp_path: Path,
) -> None:
    page = phone_page
    video = write_webm(tmp_path / "wrong.webm", 2)
    recording_id = upload_ready_recording(playwright, base_url, team.practitioner, video, TITLE)
    sign_in(page, team.practitioner)
    page.goto(f"/#/recordings/{recording_id}")
    settled(page)
    page.get_by_role("heading", name="Delete", exact=True).click()
    form = page.get_by_role("form", name="Delete the recording")
    expect(form).to_contain_text("cannot be recovered")
    questions: list[str] = []

    def decline(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    form.get_by_role("button", name="Delete this recording").click()
    assert "The family's consent is not changed" in questions[0]
    assert media_status(playwright, base_url, team, recording_id) in (200, 206)

    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Delete this recording").click()
    expect(page.get_by_role("main")).to_contain_text("This recording was deleted on")
    settled(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "recording-deleted-phone")
    db.expire_all()
    recording = db.get(Recording, recording_id)
    assert recording is not None
    assert (recording.status, recording.deleted_reason) == ("deleted", "deleted")
    assert media_status(playwright, base_url, team, recording_id) in (404, 410)
