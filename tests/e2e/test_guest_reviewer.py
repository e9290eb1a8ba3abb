"""A guest reviewer, end to end: the lead invites an external expert as a guest reviewer and
shares one recording with them until a date; the guest accepts, finds only that recording
on home, plays it and comments; the lead (watching with a reason) reads the comment, then
takes the access away and the recording is gone from the guest's home. And a lead adds and
removes a second rater on a recording. At phone and desktop size, with axe-core."""

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Playwright, expect
from sqlmodel import Session, select

from app.models import RecordingAccessGrant, Role, SecondRaterAssignment
from tests.e2e.conftest import (
    SIZES,
    Team,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
    upload_ready_recording,
    watched_page,
    write_webm,
)
from tests.e2e.test_members import NEW_PASSWORD, field_error, person
from tests.e2e.test_review_journey import media_at

SHARED = "Bath time with Maya"
NOT_SHARED = "Story time with Leo"
GUEST_EMAIL = "gia@example.org"
ZONE = "Europe/London"  # the organisation's time zone (the factories' default)


@pytest.fixture
def guest_page(
    sized_page: tuple[str, Page], new_context: Callable[..., BrowserContext]
) -> Iterator[Page]:
    """The guest's own browser, the size of the lead's, in the organisation's time zone."""
    size, _ = sized_page
    yield from watched_page(new_context(**SIZES[size], timezone_id=ZONE))


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_webm(tmp_path_factory.mktemp("guest") / "visit.webm", seconds=3)


def accessible(page: Page) -> None:
    settled(page)
    assert serious_accessibility_violations(page) == []
    assert not has_horizontal_scroll(page)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def panel(page: Page, title: str) -> Locator:
    """One of the lead's panels on the recording screen, opened (they start shut)."""
    details = page.locator("details").filter(has=page.get_by_role("heading", name=title))
    expect(details).not_to_have_attribute("open", "")
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    return details


def invite_guest(page: Page) -> str:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    settled(page)
    form = page.get_by_role("form", name="Invite someone")
    form.get_by_label("Email").fill(GUEST_EMAIL)
    form.get_by_label("Name (optional)").fill("Gia Guest")
    form.get_by_label("Guest reviewer").check()
    form.get_by_label("Coach").check()
    form.get_by_role("button", name="Send invitation").click()
    # A guest reviewer holds no other role: the API says so beside the roles.
    expect(form.locator(".field-error")).to_have_text("A guest reviewer holds no other role.")
    assert "no other role" in field_error(page, form.get_by_label("Guest reviewer"))
    form.get_by_label("Coach").uncheck()
    form.get_by_role("button", name="Send invitation").click()
    notice = page.get_by_role("status").filter(has_text=f"Invitation ready for {GUEST_EMAIL}")
    return notice.get_by_label("Invitation link").input_value()


def accept(page: Page, link: str) -> None:
    page.goto(link)
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and join").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is set")


def sign_in_as_guest(page: Page) -> None:
    page.goto("/#/sign-in")
    page.get_by_label("Email").fill(GUEST_EMAIL)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Gia Guest")
    settled(page)


def test_a_lead_shares_a_recording_with_a_guest_reviewer_until_a_date(
    sized_page: tuple[str, Page],
    guest_page: Page,
    playwright: Playwright,
    base_url: str,
    team: Team,
    db: Session,
    video: Path,
) -> None:
    (size, lead), guest = sized_page, guest_page
    training = "coaching_and_training"
    shared = upload_ready_recording(
        playwright, base_url, team.practitioner, video, SHARED, consent_scope=training
    )
    upload_ready_recording(
        playwright, base_url, team.practitioner, video, NOT_SHARED, consent_scope=training
    )

    sign_in(lead, team.lead)
    accept(guest, invite_guest(lead))

    # The lead opens the recording: not theirs to watch, but theirs to share.
    lead.goto(f"/#/recordings/{shared}")
    access = panel(lead, "Who can see this recording")
    expect(access).to_contain_text("Nobody else has been given access.")
    access.get_by_label("Person").select_option(label="Gia Guest (Guest reviewer)")
    access.get_by_role("button", name="Give access").click()
    until = access.get_by_label("Access until")
    expect(until).to_be_focused()
    assert field_error(lead, until) == "Choose until when a guest reviewer may watch it."
    last_day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=10)
    until.fill(last_day.isoformat())
    access.get_by_label("Reason").fill("External review of the bath-time routine")
    access.get_by_role("button", name="Give access").click()
    granted = access.get_by_role("listitem").filter(has_text="Gia Guest")
    expect(granted).to_contain_text(f"Until {long_date(last_day)}")
    expect(granted).to_contain_text("Guest reviewer")
    expect(granted).to_contain_text("Why: External review of the bath-time routine")
    accessible(lead)
    screenshot(lead, f"guest-lead-gives-access-{size}")

    # The guest finds only that recording, with the day their access ends.
    sign_in_as_guest(guest)
    home = guest.get_by_role("region", name="Shared with you")
    expect(home.get_by_role("listitem")).to_have_count(1)
    expect(home.get_by_role("listitem")).to_contain_text(f"Until {long_date(last_day)}")
    main_nav = guest.get_by_role("navigation", name="Main")
    # Home, and the notifications of the conversations they take part in.
    expect(main_nav.get_by_role("link")).to_have_text(["Home", "Notifications"])
    accessible(guest)
    screenshot(guest, f"guest-home-{size}")

    # They play it and comment; the screen holds the player and the comments only.
    home.get_by_role("link", name=SHARED).click()
    expect(guest.get_by_role("heading", level=1)).to_have_text(SHARED)
    guest.get_by_label("Position in the recording").fill("20")
    media_at(guest, 2)
    expect(guest.get_by_role("tab")).to_have_count(0)
    expect(guest.get_by_role("heading", name="Reflection")).to_have_count(0)
    guest.get_by_label("Comment at 00:02").fill("A calm, warm routine: the pause helps Maya.")
    guest.get_by_role("button", name="Add comment").click()
    comment = guest.get_by_role("listitem").filter(has_text="A calm, warm routine")
    expect(comment).to_contain_text("Gia Guest")
    accessible(guest)
    screenshot(guest, f"guest-review-{size}")

    # The lead watches with a reason (audited, shown to the practitioner) and reads it.
    lead.get_by_label("Why do you need to watch this recording?").fill("Read the expert's notes")
    lead.get_by_role("button", name="Give me access").click()
    expect(lead.get_by_role("listitem").filter(has_text="A calm, warm routine")).to_contain_text(
        "Gia Guest"
    )

    # Then takes the guest's access away, after a confirmation.
    access = panel(lead, "Who can see this recording")
    lead.once("dialog", lambda dialog: dialog.accept())
    access.get_by_role("button", name="Remove access for Gia Guest").click()
    expect(access.get_by_role("status")).to_contain_text("Gia Guest can no longer see")
    expect(access.get_by_role("listitem").filter(has_text="Gia Guest")).to_have_count(0)
    accessible(lead)
    screenshot(lead, f"guest-lead-removed-access-{size}")
    db.expire_all()
    grants = db.exec(select(RecordingAccessGrant.user_id)).all()
    assert grants == [team.lead.id]

    guest.goto("/#/")
    home = guest.get_by_role("region", name="Shared with you")
    expect(home).to_contain_text("Nothing is shared with you at the moment.")
    guest.goto(f"/#/recordings/{shared}")
    expect(guest.get_by_role("heading", level=1)).to_have_text("Recording not found")


def test_a_lead_adds_and_removes_a_second_rater(
    sized_page: tuple[str, Page],
    playwright: Playwright,
    base_url: str,
    team: Team,
    db: Session,
    video: Path,
) -> None:
    size, lead = sized_page
    rater = person(db, team, "Rae Rater", "rae@example.org", Role.coach)
    recording = upload_ready_recording(playwright, base_url, team.practitioner, video, SHARED)
    sign_in(lead, team.lead)
    lead.goto(f"/#/recordings/{recording}")
    raters = panel(lead, "Second raters")
    expect(raters).to_contain_text("No second raters")
    raters.get_by_role("button", name="Add second rater").click()
    expect(raters.get_by_label("Coach")).to_be_focused()
    raters.get_by_label("Coach").select_option(label="Rae Rater")
    raters.get_by_role("button", name="Add second rater").click()
    expect(raters.get_by_role("status")).to_contain_text("Rae Rater now scores this recording")
    added = raters.get_by_role("listitem").filter(has_text="Rae Rater")
    expect(added).to_contain_text("Chosen by a lead")
    accessible(lead)
    screenshot(lead, f"second-raters-{size}")
    db.expire_all()
    assert db.exec(select(SecondRaterAssignment.rater_user_id)).all() == [rater.id]

    lead.once("dialog", lambda dialog: dialog.accept())
    added.get_by_role("button", name="Remove Rae Rater as second rater").click()
    expect(raters.get_by_role("status")).to_contain_text("Rae Rater is no longer a second rater")
    expect(raters).to_contain_text("No second raters")
    db.expire_all()
    assert db.exec(select(SecondRaterAssignment)).all() == []
