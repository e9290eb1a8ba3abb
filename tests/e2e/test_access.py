"""Who sees a recording, in the app: a lead watches only after saying why, the
practitioner is told who else may watch and why, a supervisor sees that the recording
exists but cannot play it, and someone unrelated finds nothing at its address."""

from pathlib import Path

from playwright.sync_api import Page, Playwright, expect
from sqlmodel import Session

from app.models import Role
from tests.e2e.conftest import (
    Team,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
    upload_ready_recording,
    write_webm,
)
from tests.factories import make_user

REASON = "The family raised a concern about this visit; I need to see it before we meet."


def test_a_lead_watches_only_with_a_reason_the_practitioner_then_sees(
    phone_page: Page,
    desktop_page: Page,
    playwright: Playwright,
    base_url: str,
    team: Team,
    db: Session,
    tmp_path: Path,
) -> None:
    media = write_webm(tmp_path / "visit.webm", 2)
    recording_id = upload_ready_recording(playwright, base_url, team.practitioner, media)
    address = f"/#/recordings/{recording_id}"

    # The lead manages the recording but may not play it without a grant to themselves.
    lead = phone_page
    sign_in(lead, team.lead)
    lead.goto(address)
    expect(lead.get_by_role("heading", level=1)).to_have_text("Home visit week 6")
    expect(lead.locator("video")).to_have_count(0)
    lead.get_by_role("button", name="Give me access").click()
    expect(lead.get_by_text("Say why you need to watch it.")).to_be_visible()
    lead.get_by_label("Why do you need to watch this recording?").fill(REASON)
    assert serious_accessibility_violations(lead) == []
    assert not has_horizontal_scroll(lead)
    screenshot(lead, "review-lead-gives-a-reason-phone")
    lead.get_by_role("button", name="Give me access").click()
    expect(lead.locator("video")).to_have_count(1)
    settled(lead)

    # The practitioner is told who else may watch, and why.
    practitioner = desktop_page
    sign_in(practitioner, team.practitioner)
    practitioner.goto(address)
    settled(practitioner)
    notice = practitioner.get_by_role("status").filter(
        has_text="Also allowed to watch this recording"
    )
    expect(notice).to_contain_text(f"Lee Lead: {REASON}")
    assert serious_accessibility_violations(practitioner) == []
    screenshot(practitioner, "review-practitioner-sees-who-else-watches-desktop")

    # The supervisor sees the recording exists, and nothing to play or ask for.
    practitioner.get_by_role("button", name="Sign out").click()
    sign_in(practitioner, team.supervisor)
    practitioner.goto(address)
    expect(practitioner.get_by_role("heading", level=1)).to_have_text("Home visit week 6")
    expect(practitioner.get_by_role("button", name="Give me access")).to_have_count(0)
    expect(practitioner.locator("video")).to_have_count(0)

    # Another practitioner of the organisation finds nothing at that address.
    stranger = make_user(db, team.organisation, Role.practitioner, email="alex@example.org")
    practitioner.get_by_role("button", name="Sign out").click()
    sign_in(practitioner, stranger)
    practitioner.goto(address)
    expect(practitioner.get_by_role("heading", level=1)).to_have_text("Recording not found")
    assert serious_accessibility_violations(practitioner) == []
