"""The home screen shows each person what their roles need."""

import re

from playwright.sync_api import Page, Route, expect
from sqlmodel import Session

from app.models import Membership, MembershipRole, Role
from app.models.recording import Recording, RecordingStatus
from tests.e2e.conftest import (
    Team,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
)
from tests.factories import make_organisation, make_user


def add_recording(db: Session, team: Team, title: str, status: RecordingStatus) -> Recording:
    recording = Recording(
        organisation_id=team.organisation.id,
        owner_user_id=team.practitioner.id,
        title=title,
        status=status,
        rejection_reason="it has no audio or video" if status == RecordingStatus.rejected else None,
        storage_key=f"recordings/test/{title}",
    )
    db.add(recording)
    db.commit()
    return recording


def test_practitioner_sees_their_recordings_with_status(
    page: Page, team: Team, db: Session
) -> None:
    add_recording(db, team, "Home visit week 4", RecordingStatus.ready)
    add_recording(db, team, "Home visit week 5", RecordingStatus.rejected)

    sign_in(page, team.practitioner)

    recordings = page.get_by_role("region", name="My recordings")
    expect(recordings.get_by_role("listitem").filter(has_text="Home visit week 4")).to_contain_text(
        "Ready"
    )
    rejected = recordings.get_by_role("listitem").filter(has_text="Home visit week 5")
    expect(rejected).to_contain_text("Rejected")
    expect(rejected).to_contain_text("it has no audio or video")
    for heading in ("Feedback waiting", "My objectives", "Next sessions"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("link", name="Upload a recording")).to_be_visible()


def test_coach_sees_recordings_to_review_and_their_practitioners(
    page: Page, team: Team, db: Session
) -> None:
    add_recording(db, team, "Ready to review", RecordingStatus.ready)
    add_recording(db, team, "Still processing", RecordingStatus.processing)

    sign_in(page, team.coach)

    waiting = page.get_by_role("region", name="Recordings waiting for review")
    expect(waiting.get_by_role("listitem")).to_have_count(1)
    expect(waiting.get_by_role("listitem")).to_contain_text("Ready to review")
    expect(waiting.get_by_role("listitem")).to_contain_text("Pat Practitioner")
    practitioners = page.get_by_role("region", name="My practitioners")
    expect(practitioners).to_contain_text("Pat Practitioner")
    expect(page.get_by_role("link", name="Upload", exact=True)).to_have_count(0)


def test_supervisor_sees_their_team_their_time_and_where_support_is_needed(
    page: Page, team: Team
) -> None:
    sign_in(page, team.supervisor)

    expect(page.get_by_role("region", name="My team")).to_contain_text("Pat Practitioner")
    expect(page.get_by_role("heading", name="Ring-fenced time")).to_be_visible()
    # Pat is new: nothing rated, nobody coached yet.
    support = page.get_by_role("region", name="Where support is needed")
    expect(support.get_by_role("link")).to_have_text(
        [
            "1 of 1 practitioner had no coaching session in the last 8 weeks",
            "1 of 1 practitioner had no rated recording in the last 8 weeks",
            "All reports",
        ]
    )
    assert serious_accessibility_violations(page) == []


def test_lead_sees_the_organisation_at_a_glance(page: Page, team: Team) -> None:
    sign_in(page, team.lead)

    organisation = page.get_by_role("region", name="Riverside Family Partnership")
    expect(organisation.get_by_role("listitem").filter(has_text="Practitioners")).to_contain_text(
        "1"
    )
    support = page.get_by_role("region", name="Where support is needed")
    expect(support).to_contain_text("1 of 1 practitioner had no coaching session")


def test_person_in_two_organisations_switches_between_them(
    page: Page, team: Team, db: Session
) -> None:
    other = make_organisation(db, "Hillside Council")
    person = make_user(db, team.organisation, Role.coach, email="two@example.org")
    membership = Membership(organisation_id=other.id, user_id=person.id)
    db.add(membership)
    db.flush()
    db.add(MembershipRole(membership_id=membership.id, role=Role.lead))
    db.commit()

    sign_in(page, person)
    page.get_by_label("Organisation").select_option(label="Hillside Council")

    expect(page.get_by_role("region", name="Hillside Council")).to_be_visible()
    expect(page.get_by_role("heading", name="My practitioners")).to_have_count(0)
    settled(page)


def test_a_screen_chosen_while_home_still_loads_is_not_drawn_over(page: Page, team: Team) -> None:
    """A tap on Upload while Home's module is still on its way: Home, arriving later, must
    not replace the screen the person chose."""
    sign_in(page, team.practitioner)
    held: list[Route] = []
    page.route("**/js/screens/home.js", lambda route: held.append(route))
    with page.expect_request("**/js/screens/home.js"):
        page.reload()
    page.goto("/#/upload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a recording")

    held[0].continue_()
    page.wait_for_load_state("networkidle")

    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a recording")
    expect(page.get_by_role("heading", name="My recordings")).to_have_count(0)


def test_a_recording_still_loading_is_not_drawn_under_the_next_screen(
    page: Page, team: Team, db: Session
) -> None:
    """A practitioner opens a recording on a slow connection and, before it arrives, taps
    Upload: the recording's screen, arriving later, once drew itself under the upload form
    (a second h1, the player, its panels)."""
    recording = add_recording(db, team, "Home visit week 4", RecordingStatus.ready)
    sign_in(page, team.practitioner)
    address = f"**/api/v1/recordings/{recording.id}"
    held: list[Route] = []
    page.route(address, lambda route: held.append(route))
    with page.expect_request(address):
        page.goto(f"/#/recordings/{recording.id}")
    page.goto("/#/upload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a recording")

    # The recording's screen asks for the members' names once it has drawn its heading.
    with page.expect_request("**/organisations/*/members*"):
        held[0].continue_()

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("heading", name="Home visit week 4")).to_have_count(0)
    expect(page.get_by_role("main")).not_to_have_class(re.compile("page--wide"))
    assert serious_accessibility_violations(page) == []


def test_on_a_phone_the_navigation_is_one_row_with_the_current_screen_in_view(
    phone_page: Page, team: Team
) -> None:
    # A lead has the most links: Home, Notifications, Sessions, Team time, Reports,
    # Members, Sign out. Wrapped, they took three rows under the brand.
    page = phone_page
    sign_in(page, team.lead)
    settled(page)
    header = page.locator(".app-header").bounding_box()
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")
    home = link.bounding_box()
    assert header is not None and home is not None
    assert header["height"] <= 2 * home["height"] + 40  # the brand's row and the links' row
    # The last links are a sideways scroll away; going to one brings it into view.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    members = nav.get_by_role("link", name="Members")
    expect(members).to_have_attribute("aria-current", "page")
    shown = members.evaluate(
        "link => { const row = link.closest('ul').getBoundingClientRect();"
        " const box = link.getBoundingClientRect();"
        " return box.left >= row.left && box.right <= row.right; }"
    )
    assert shown, "the current screen's link is scrolled out of sight"
    assert not has_horizontal_scroll(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "home-nav-members-phone", full_page=False)
