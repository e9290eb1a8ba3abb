"""The lead's Audit trail: reached from the Members screen, newest first with who, what, when
(in the organisation's zone) and the target, a page at a time; narrowed by action and by
days, the filters kept in the URL through a reload; the CSV download holds the rows the
screen shows. Wrong periods are shown beside the field the API names; other members are
told the screen is for leads. At phone and desktop size, with axe."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session

from app.models import AuditEvent
from tests.e2e.conftest import (
    Team,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
)
from tests.e2e.test_members import field_error
from tests.e2e.test_quality import MIN_TARGET_PX, SMALL_TARGETS

EARLIER = 50  # more than a page (50 events) with the four of March


@pytest.fixture
def audited(db: Session, team: Team) -> Team:
    """Four events in March 2026 (London: UTC then) and EARLIER in January."""
    organisation = team.organisation.id

    def event(at: datetime, actor: object, action: str, target: str, **details: object) -> None:
        kind, _, identifier = target.partition(":")
        db.add(
            AuditEvent(
                organisation_id=organisation,
                actor_user_id=getattr(actor, "id", None),
                action=action,
                resource_type=kind,
                resource_id=identifier,
                details=details,
                created_at=at,
            )
        )

    march = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)
    event(march, team.lead, "membership.updated", "membership:m-1", roles_after=["coach"])
    event(march + timedelta(days=1), team.coach, "recording.media_viewed", "recording:r-1")
    event(march + timedelta(days=2), team.lead, "assignment.created", "assignment:a-1")
    event(march + timedelta(days=11), team.coach, "recording.media_viewed", "recording:r-2")
    january = datetime(2026, 1, 5, 8, tzinfo=UTC)
    for minute in range(EARLIER):
        event(january + timedelta(minutes=minute), team.supervisor, "booking.created", "booking:b")
    db.commit()
    return team


def open_audit(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    settled(page)
    organisation_nav = page.get_by_role("navigation", name="Organisation")
    organisation_nav.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    settled(page)


def events(page: Page) -> Locator:
    return page.get_by_role("region", name="Events").locator("tbody tr")


def cells(page: Page) -> list[list[str]]:
    """Each event's cells as the screen shows them, without the labels cards carry."""
    rows: list[list[str]] = events(page).evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => [...cell.childNodes]"
        ".filter(node => !(node.classList && node.classList.contains('audit__label')))"
        ".map(node => node.textContent).join('').trim()))"
    )
    return rows


def show(page: Page) -> None:
    page.get_by_role("button", name="Show", exact=True).click()
    settled(page)


def test_a_lead_filters_the_trail_and_downloads_what_it_shows(
    sized_page: tuple[str, Page], audited: Team, tmp_path: Path
) -> None:
    size, page = sized_page
    sign_in(page, audited.lead)
    open_audit(page)
    # Newest first, a page at a time.
    expect(events(page)).to_have_count(50)
    first = cells(page)[0]
    assert first[:3] == [
        "Fri 20 Mar 2026, 09:30",
        "Cora Coachcora@example.org",
        "Recording media viewed",
    ]
    assert first[3] == "recording r-2"
    page.get_by_role("button", name="Load more").click()
    expect(events(page)).to_have_count(4 + EARLIER)
    # Details read as words, not as the JSON they are stored in.
    [membership] = [row for row in cells(page) if row[2] == "Membership updated"]
    assert membership[4] == "Roles after: coach"
    expect(page.get_by_role("button", name="Load more")).to_be_hidden()
    expect(page.get_by_text("54 events.")).to_be_visible()

    page.get_by_label("Action").select_option(label="Recording media viewed")
    show(page)
    expect(page).to_have_url(re.compile(r"#/audit\?action=recording\.media_viewed$"))
    expect(events(page)).to_have_count(2)

    page.get_by_label("From").fill("2026-03-01")
    page.get_by_label("To").fill("2026-03-15")
    show(page)
    expect(page).to_have_url(
        re.compile(r"action=recording\.media_viewed&from=2026-03-01&to=2026-03-15$")
    )
    expect(events(page)).to_have_count(1)
    shown = cells(page)
    assert shown[0][0] == "Tue 10 Mar 2026, 09:30"
    # "1 event." stands clear of "Download CSV" (it once touched the button's border).
    download = page.get_by_role("link", name="Download CSV").bounding_box()
    count = page.get_by_text("1 event.").bounding_box()
    assert download is not None and count is not None
    assert count["y"] - (download["y"] + download["height"]) >= 8
    assert serious_accessibility_violations(page) == []
    assert not has_horizontal_scroll(page)
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    screenshot(page, f"audit-filtered-{size}")

    page.reload()
    settled(page)
    expect(page.get_by_label("Action")).to_have_value("recording.media_viewed")
    expect(page.get_by_label("From")).to_have_value("2026-03-01")
    expect(page.get_by_label("To")).to_have_value("2026-03-15")
    # The filters are restored before the events arrive: wait for the one row.
    expect(events(page)).to_have_count(1)
    assert cells(page) == shown

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download CSV").click()
    download = downloading.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert download.suggested_filename == "audit-trail-2026-03-01-2026-03-15.csv"
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert [
        [row["actor_name"] + row["actor_email"], row["action"], row["resource_id"]] for row in rows
    ] == [["Cora Coachcora@example.org", "recording.media_viewed", "r-1"]]
    assert rows[0]["created_at"] == "2026-03-10T09:30:00Z"
    assert [row[1:4] for row in shown] == [
        ["Cora Coachcora@example.org", "Recording media viewed", "recording r-1"]
    ]


def test_the_whole_trail_is_in_the_csv_whatever_the_page(page: Page, audited: Team) -> None:
    sign_in(page, audited.lead)
    page.goto("/#/audit?actor_user_id=" + str(audited.supervisor.id))
    settled(page)
    expect(page.get_by_label("Who")).to_have_value(str(audited.supervisor.id))
    expect(events(page)).to_have_count(50)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(downloading.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == EARLIER
    assert {row["actor_name"] for row in rows} == {"Sam Supervisor"}


def test_a_period_that_ends_before_it_starts_is_shown_beside_the_field(
    page: Page, audited: Team
) -> None:
    sign_in(page, audited.lead)
    page.goto("/#/audit?from=2026-03-15&to=2026-03-01")
    settled(page)
    to = page.get_by_label("To")
    expect(to).to_have_attribute("aria-invalid", "true")
    assert field_error(page, to) == "Must not be before from."
    expect(events(page)).to_have_count(0)
    assert serious_accessibility_violations(page) == []


@pytest.mark.parametrize("who", ["supervisor", "coach"])
def test_the_audit_trail_is_for_leads(page: Page, audited: Team, who: str) -> None:
    sign_in(page, getattr(audited, who))
    page.goto("/#/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page.get_by_role("status")).to_have_text("The audit trail is for implementation leads.")
    expect(page.get_by_role("table")).to_have_count(0)
