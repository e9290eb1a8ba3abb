"""Ring-fenced time and calendars in the app, past the first steps test_sessions.py takes: a
supervisor signs off a practitioner's month and reopens it; the team dashboard flags
eroded time with its figures and bars, at phone and desktop size; a practitioner copies
and replaces their calendar link; a coach finds the week's sessions on home."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, Playwright, expect
from sqlmodel import Session, select

from app.models import (
    Booking,
    BookingOccurrence,
    BookingParticipant,
    Role,
    TimeAllocation,
    TimeSignOff,
    User,
)
from tests.e2e.conftest import (
    Team,
    api_session,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
)
from tests.e2e.test_quality import MIN_TARGET_PX, SMALL_TARGETS
from tests.factories import assign, make_user

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Month:
    first: date
    last: date

    @property
    def param(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.first:%B %Y}"


def last_month() -> Month:
    """The month before this one in the organisation's zone: over, so it can be signed off
    and its use falls short of the tolerance."""
    last = datetime.now(LONDON).date().replace(day=1) - timedelta(days=1)
    return Month(last.replace(day=1), last)


def next_month() -> Month:
    first = (datetime.now(LONDON).date().replace(day=1) + timedelta(days=31)).replace(day=1)
    return Month(first, (first + timedelta(days=31)).replace(day=1) - timedelta(days=1))


def allocate(db: Session, team: Team, practitioner: User, category: str, minutes: int) -> None:
    db.add(
        TimeAllocation(
            organisation_id=team.organisation.id,
            practitioner_user_id=practitioner.id,
            category=category,
            minutes=minutes,
            period="month",
            effective_from=last_month().first,
            set_by_user_id=team.supervisor.id,
        )
    )
    db.commit()


def past_session(
    db: Session,
    team: Team,
    practitioner: User,
    *,
    day: date,
    minutes: int,
    status: str,
    cancelled_by_organisation: bool = False,
) -> None:
    """A coaching session of Cora's with `practitioner` at 10:00 on `day`, now `status`."""
    starts = datetime.combine(day, time(10), LONDON).astimezone(UTC)
    booking = Booking(
        organisation_id=team.organisation.id,
        kind="coaching",
        title=f"Coaching on {day:%d %B}",
        organiser_user_id=team.coach.id,
        time_zone="Europe/London",
        starts_at=starts,
        duration_minutes=minutes,
    )
    db.add(booking)
    db.flush()
    db.add(
        BookingParticipant(
            booking_id=booking.id, user_id=practitioner.id, organisation_id=booking.organisation_id
        )
    )
    db.add(
        BookingOccurrence(
            organisation_id=booking.organisation_id,
            booking_id=booking.id,
            original_starts_at=starts,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            status=status,
            cancelled_by_organisation=cancelled_by_organisation,
            cancelled_at=datetime.now(UTC) if status == "cancelled" else None,
        )
    )
    db.commit()


def eroded_month(db: Session, team: Team) -> User:
    """Last month, in Sam's team: Pat had 2 h of coaching set aside, used 30 min of it and
    lost an hour the organisation cancelled (eroded twice over); Priya, given 1 h, used it
    all. Priya is returned."""
    priya = make_user(db, team.organisation, Role.practitioner, email="priya@example.org")
    priya.display_name = "Priya Practitioner"
    db.add(priya)
    db.commit()
    assign(db, team.organisation, team.supervisor, priya, kind="supervisor")
    assign(db, team.organisation, team.coach, priya, kind="coach")
    month = last_month()
    allocate(db, team, team.practitioner, "coaching", 120)
    allocate(db, team, priya, "coaching", 60)
    past_session(db, team, team.practitioner, day=month.first, minutes=30, status="completed")
    past_session(
        db,
        team,
        team.practitioner,
        day=month.first + timedelta(days=7),
        minutes=60,
        status="cancelled",
        cancelled_by_organisation=True,
    )
    past_session(
        db, team, priya, day=month.first + timedelta(days=1), minutes=60, status="completed"
    )
    return priya


def cells(row: Locator) -> list[str]:
    """A table row's cells as a person reads them (the row header first)."""
    return [text.strip() for text in row.locator("th, td").all_inner_texts()]


def bar_widths(row: Locator) -> dict[str, str]:
    """The bar of a row: used and booked widths, and where the allocation mark sits."""
    found: dict[str, str] = row.locator(".time-bar").evaluate(
        """bar => ({
            used: bar.querySelector('.time-bar__used').style.width,
            booked: bar.querySelector('.time-bar__booked').style.width,
            allocation: bar.querySelector('.time-bar__allocation')?.style.left ?? '',
            drawn: (bar.querySelector('.time-bar__used').getBoundingClientRect().width
                    / bar.getBoundingClientRect().width).toFixed(2),
        })"""
    )
    return found


def sign_offs(page: Page, team: Team) -> list[dict[str, Any]]:
    answer = page.request.get(
        f"/api/v1/organisations/{team.organisation.id}/time-sign-offs"
        f"?practitioner_user_id={team.practitioner.id}"
    )
    assert answer.ok, answer.text()
    found: list[dict[str, Any]] = answer.json()
    return found


def log_time_as_practitioner(
    playwright: Playwright, base_url: str, team: Team, on_date: date
) -> int:
    """What the API answers Pat logging 15 minutes of planning on `on_date`."""
    client, csrf = api_session(playwright, base_url, team.practitioner)
    try:
        answer = client.post(
            f"/api/v1/organisations/{team.organisation.id}/time-entries",
            headers={"X-CSRF-Token": csrf},
            data={"category": "planning", "on_date": on_date.isoformat(), "minutes": 15},
        )
        return answer.status
    finally:
        client.dispose()


def test_a_supervisor_signs_off_a_month_and_reopens_it_with_a_reason(
    page: Page, team: Team, db: Session, playwright: Playwright, base_url: str
) -> None:
    month = last_month()
    sign_in(page, team.supervisor)
    page.get_by_role("link", name="Team time", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team time")
    settled(page)
    page.get_by_role("region", name="Practitioners").get_by_role(
        "link", name="Pat Practitioner"
    ).click()
    settled(page)
    # A month still to come cannot be signed off, and the screen offers no button for it.
    page.get_by_role("link", name="Next month").click()
    settled(page)
    coming = next_month()
    expect(page.get_by_role("region", name=f"Sign-off for {coming.label}")).to_contain_text(
        f"Pat Practitioner's time for {coming.label} can be signed off once the month has ended."
    )
    expect(page.get_by_role("button", name="Sign off this month")).to_have_count(0)
    months = page.get_by_role("navigation", name="Month")
    for label in (f"{datetime.now(LONDON):%B %Y}", month.label):
        page.get_by_role("link", name="Previous month").click()
        expect(months).to_contain_text(label)
        settled(page)

    sign_off = page.get_by_role("region", name=f"Sign-off for {month.label}")
    expect(sign_off).to_contain_text(f"Confirm Pat Practitioner's time for {month.label}.")
    sign_off.get_by_role("button", name="Sign off this month").click()
    expect(sign_off.get_by_role("status")).to_have_text(
        f"Pat Practitioner's time for {month.label} is signed off: logged time in it is locked."
    )
    expect(sign_off.get_by_role("button", name="Sign off this month")).to_have_count(0)
    expect(sign_off.get_by_label("Reason to reopen")).to_be_visible()
    [signed] = sign_offs(page, team)
    assert (signed["period_start"], signed["period_end"]) == (
        month.first.isoformat(),
        month.last.isoformat(),
    )
    assert (signed["signed_by_user_id"], signed["reopened_at"]) == (str(team.supervisor.id), None)
    # Locked: Pat can no longer log time on a day of that month.
    assert log_time_as_practitioner(playwright, base_url, team, month.last) == 409
    assert serious_accessibility_violations(page) == []
    screenshot(page, "team-time-signed-off-desktop")

    sign_off.get_by_role("button", name="Reopen").click()
    expect(sign_off.get_by_role("alert")).to_have_text(
        "Say why the month is reopened: it is recorded."
    )
    expect(sign_off.get_by_label("Reason to reopen")).to_be_focused()
    assert sign_offs(page, team)[0]["reopened_at"] is None
    sign_off.get_by_label("Reason to reopen").fill("A training day was left out.")
    sign_off.get_by_role("button", name="Reopen").click()
    expect(sign_off.get_by_role("button", name="Sign off this month")).to_be_visible()
    expect(sign_off).to_contain_text(f"Confirm Pat Practitioner's time for {month.label}.")
    expect(sign_off.get_by_label("Reason to reopen")).to_have_count(0)

    [reopened] = sign_offs(page, team)
    assert reopened["reopened_at"] is not None
    assert reopened["reopened_by_user_id"] == str(team.supervisor.id)
    assert reopened["reopen_reason"] == "A training day was left out."
    row = db.exec(select(TimeSignOff)).one()
    db.refresh(row)
    assert row.reopened_at is not None
    assert log_time_as_practitioner(playwright, base_url, team, month.last) == 201


def test_team_time_flags_eroded_time_with_its_figures_and_bars(
    sized_page: tuple[str, Page], team: Team, db: Session
) -> None:
    size, page = sized_page
    eroded_month(db, team)
    month = last_month()
    sign_in(page, team.supervisor)
    page.goto(f"/#/team-time?month={month.param}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team time")
    settled(page)

    dashboard = page.get_by_role("region", name=f"Ring-fenced time, {month.label}")
    expect(dashboard.get_by_role("status")).to_have_text(
        "Time is being eroded for Pat Practitioner."
    )
    table = dashboard.get_by_role("table", name=f"Team ring-fenced time, {month.label}")
    pat = table.get_by_role("row").filter(has_text="Pat Practitioner")
    priya = table.get_by_role("row").filter(has_text="Priya Practitioner")
    expect(pat).to_have_count(1)
    expect(priya).to_have_count(1)
    # Practitioner, category (with its flag), allocated, used, booked, remaining, used of it.
    assert cells(pat) == [
        "Pat Practitioner",
        "Coaching Eroded",
        "2 h",
        "30 min",
        "0 min",
        "1 h 30 min",
        "25 %",
    ]
    assert cells(priya) == [
        "Priya Practitioner",
        "Coaching",
        "1 h",
        "1 h",
        "0 min",
        "0 min",
        "100 %",
    ]
    expect(pat.locator(".tag--eroded")).to_have_text("Eroded")
    expect(priya.locator(".tag--eroded")).to_have_count(0)
    assert bar_widths(pat) == {"used": "25%", "booked": "0%", "allocation": "100%", "drawn": "0.25"}
    assert bar_widths(priya) == {
        "used": "100%",
        "booked": "0%",
        "allocation": "100%",
        "drawn": "1.00",
    }
    if size == "desktop":
        # The whole table, bars included, in view without scrolling it sideways.
        wrapper = dashboard.get_by_role("group", name=f"Team ring-fenced time, {month.label}")
        assert wrapper.evaluate("el => el.scrollWidth <= el.clientWidth")
        expect(pat.locator(".time-bar")).to_be_in_viewport()
        # Its prose keeps a readable line (it once ran the width of the screen, 1,150 px),
        # and the header's brand lines up with the page's heading.
        intro = dashboard.get_by_text("Allocated against used and booked time").bounding_box()
        assert intro is not None and intro["width"] <= 44 * 16
        brand = page.locator(".brand").bounding_box()
        heading = page.get_by_role("heading", level=1).bounding_box()
        assert brand is not None and heading is not None
        assert abs(brand["x"] - heading["x"]) <= 2
    assert serious_accessibility_violations(page) == []
    assert not has_horizontal_scroll(page)
    screenshot(page, f"team-time-eroded-{size}")

    # The same figures from the API the screen reads.
    answer = page.request.get(
        f"/api/v1/organisations/{team.organisation.id}/reports/time"
        f"?from={month.first}&to={month.last}&practitioner_user_id={team.practitioner.id}"
    )
    [row] = answer.json()
    assert (row["allocated_minutes"], row["used_minutes"], row["eroded"]) == (120, 30, True)
    assert (row["cancelled_by_organisation_minutes"], row["below_tolerance"]) == (60, True)


def test_a_supervisor_drills_into_a_practitioner_on_a_phone(
    phone_page: Page, team: Team, db: Session
) -> None:
    page = phone_page
    eroded_month(db, team)
    month = last_month()
    sign_in(page, team.supervisor)
    page.goto(f"/#/team-time?month={month.param}")
    settled(page)
    page.get_by_role("table", name=f"Team ring-fenced time, {month.label}").get_by_role(
        "link", name="Pat Practitioner"
    ).click()
    settled(page)

    assert f"practitioner={team.practitioner.id}" in page.url
    figures = page.get_by_role("region", name=f"Pat Practitioner: {month.label}")
    coaching = figures.get_by_role("row", name="Coaching")
    expect(coaching).to_have_count(1)
    assert cells(coaching) == ["Coaching Eroded", "2 h", "30 min", "0 min", "1 h 30 min", "25 %"]
    allocations = page.get_by_role("region", name="Allocations")
    expect(allocations.get_by_role("listitem")).to_have_count(1)
    expect(allocations.get_by_role("listitem")).to_contain_text("Coaching: 2 h a month")
    expect(
        page.get_by_role("region", name=f"Sign-off for {month.label}").get_by_role(
            "button", name="Sign off this month"
        )
    ).to_be_visible()
    expect(page.get_by_role("form", name="Set aside time")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the whole team")).to_be_visible()

    assert serious_accessibility_violations(page) == []
    assert not has_horizontal_scroll(page)
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    screenshot(page, "team-time-practitioner-phone")


def test_a_practitioner_copies_and_replaces_their_calendar_link(
    page: Page, team: Team, base_url: str
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    sign_in(page, team.practitioner)
    page.get_by_role("link", name="Sessions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions")
    settled(page)
    feed = page.get_by_role("region", name="Calendar feed")
    link = feed.get_by_label("Your calendar link")
    old_url = link.input_value()
    assert old_url.startswith(base_url) and old_url.endswith(".ics")

    feed.get_by_role("button", name="Copy link").click()
    expect(feed.get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == old_url

    # Changing one's mind at the warning keeps the link, and calendars keep working.
    page.once("dialog", lambda dialog: dialog.dismiss())
    feed.get_by_role("button", name="Replace link").click()
    expect(link).to_have_value(old_url)
    assert page.request.get(old_url).status == 200

    warnings: list[str] = []

    def accept(dialog: Any) -> None:
        warnings.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    feed.get_by_role("button", name="Replace link").click()
    expect(feed.get_by_role("status")).to_have_text(
        "A new link is ready; the old one no longer works."
    )
    expect(link).not_to_have_value(old_url)
    new_url = link.input_value()
    assert warnings == ["Calendars subscribed to the old link stop updating. Replace the link?"]
    assert new_url.startswith(base_url) and new_url.endswith(".ics")

    assert page.request.get(old_url).status == 404
    fresh = page.request.get(new_url)
    assert fresh.status == 200
    assert fresh.headers["content-type"].startswith("text/calendar")
    assert fresh.text().startswith("BEGIN:VCALENDAR")
    # The API gives the new link from now on, and Copy copies it.
    assert page.request.get("/api/v1/me/calendar-feed").json()["url"] == new_url
    feed.get_by_role("button", name="Copy link").click()
    expect(feed.get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == new_url
    assert serious_accessibility_violations(page) == []


def book_sessions(playwright: Playwright, base_url: str, team: Team) -> tuple[datetime, datetime]:
    """Cora books hours with Pat through the API: two confirmed this week (their starts are
    returned), one only proposed, one cancelled, and one after the week."""
    today = datetime.now(LONDON).date()
    tomorrow = datetime.combine(today + timedelta(days=1), time(10), LONDON)
    later = datetime.combine(today + timedelta(days=3), time(14, 30), LONDON)
    client, csrf = api_session(playwright, base_url, team.coach)
    base = f"/api/v1/organisations/{team.organisation.id}/bookings"

    def book(title: str, starts: datetime, **extra: str) -> str:
        body = {
            "kind": "coaching",
            "title": title,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "participant_user_ids": [str(team.practitioner.id)],
            **extra,
        }
        answer = client.post(base, headers={"X-CSRF-Token": csrf}, data=body)
        assert answer.status == 201, answer.text()
        booking_id: str = answer.json()["id"]
        return booking_id

    try:
        book("Week 6 home visit", later)
        book("Reflective listening", tomorrow)
        book("Not yet agreed", tomorrow + timedelta(hours=3), status="proposed")
        book("Beyond the week", tomorrow + timedelta(days=9))
        called_off = book("Called off", tomorrow + timedelta(hours=5))
        answer = client.post(
            f"{base}/{called_off}/cancel",
            headers={"X-CSRF-Token": csrf},
            data={"reason": "Cora is unwell"},
        )
        assert answer.ok, answer.text()
    finally:
        client.dispose()
    return tomorrow, later


def day_and_times(day: datetime, times: str) -> re.Pattern[str]:
    """A session's day and times as the app writes them: Thu 3 Dec, 10:00–11:00 (en-GB
    abbreviates September "Sept")."""
    return re.compile(rf"{day:%a} {day.day} {day:%b}\w*, {times}")


def test_a_coach_sees_the_weeks_confirmed_sessions_on_home(
    page: Page, team: Team, playwright: Playwright, base_url: str
) -> None:
    tomorrow, later = book_sessions(playwright, base_url, team)

    sign_in(page, team.coach)
    week = page.get_by_role("region", name="My week")
    sessions = week.get_by_role("listitem")
    expect(sessions).to_have_count(2)
    expect(sessions.nth(0).locator(".list__title")).to_have_text("Reflective listening")
    expect(sessions.nth(0)).to_contain_text(day_and_times(tomorrow, "10:00–11:00"))
    expect(sessions.nth(0)).to_contain_text("Coaching with Pat Practitioner")
    expect(sessions.nth(0)).to_contain_text("Confirmed")
    expect(sessions.nth(1).locator(".list__title")).to_have_text("Week 6 home visit")
    expect(sessions.nth(1)).to_contain_text(day_and_times(later, "14:30–15:30"))
    for absent in ("Not yet agreed", "Beyond the week", "Called off"):
        expect(week).not_to_contain_text(absent)
    expect(week.get_by_role("link", name="All sessions")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "home-coach-week-desktop")
