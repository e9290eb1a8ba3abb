"""Sessions and ring-fenced time in the app: a practitioner books a coaching slot and finds
it on home; a coach publishes availability and books a supervision series; a supervisor
sets an allocation and sees used time move once the coach marks the session done; a
practitioner logs time; everyone has a calendar link."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.models import (
    AvailabilityWindow,
    Booking,
    BookingOccurrence,
    BookingParticipant,
    CoachBookingRules,
    LearningObjective,
    TimeAllocation,
    TimeEntry,
)
from tests.e2e.conftest import Team, screenshot, serious_accessibility_violations, settled, sign_in

LONDON = ZoneInfo("Europe/London")


def open_all_week(db: Session, team: Team) -> None:
    """Cora's diary: free 08:00-18:00 every day, one-hour slots, a day's notice."""
    for weekday in range(7):
        db.add(
            AvailabilityWindow(
                organisation_id=team.organisation.id,
                coach_user_id=team.coach.id,
                weekday=weekday,
                start_time=time(8),
                end_time=time(18),
            )
        )
    db.add(
        CoachBookingRules(
            organisation_id=team.organisation.id,
            coach_user_id=team.coach.id,
            slot_minutes=60,
            buffer_minutes=15,
            min_notice_hours=24,
        )
    )
    db.commit()


def coaching_just_held(db: Session, team: Team, minutes: int = 30) -> BookingOccurrence:
    """A coaching session of Cora's with Pat that ended a minute ago, not yet marked."""
    ends = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    starts = ends - timedelta(minutes=minutes)
    booking = Booking(
        organisation_id=team.organisation.id,
        kind="coaching",
        title="Coaching with Pat",
        organiser_user_id=team.coach.id,
        time_zone="Europe/London",
        starts_at=starts,
        duration_minutes=minutes,
    )
    db.add(booking)
    db.flush()
    db.add(
        BookingParticipant(
            booking_id=booking.id,
            user_id=team.practitioner.id,
            organisation_id=booking.organisation_id,
        )
    )
    occurrence = BookingOccurrence(
        organisation_id=booking.organisation_id,
        booking_id=booking.id,
        original_starts_at=starts,
        starts_at=starts,
        ends_at=ends,
    )
    db.add(occurrence)
    db.commit()
    return occurrence


def test_a_practitioner_books_a_coaching_slot_and_sees_it_on_home(
    phone_page: Page, team: Team, db: Session
) -> None:
    page = phone_page
    open_all_week(db, team)

    sign_in(page, team.practitioner)
    page.get_by_role("region", name="Next sessions").get_by_role(
        "link", name="Book coaching"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book coaching")
    settled(page)
    expect(page.get_by_text("Free times with Cora Coach")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "book-slots-phone")

    first = page.locator(".slot-list button").first
    chosen = first.text_content()
    first.click()
    page.get_by_label("What would you like to talk about? (optional)").fill("Week 6 home visit")
    screenshot(page, "book-confirm-phone")
    page.get_by_role("button", name="Book this time").click()
    expect(
        page.get_by_role("alert").or_(page.get_by_role("status")).filter(has_text="Booked")
    ).to_be_visible()

    booked = db.exec(select(BookingOccurrence)).one()
    local = booked.starts_at.astimezone(LONDON)
    assert chosen is not None and local.strftime("%H:%M") in chosen
    assert booked.starts_at - datetime.now(UTC) >= timedelta(hours=24)
    assert db.exec(select(Booking)).one().self_booked

    page.get_by_role("link", name="Go to home").click()
    upcoming = page.get_by_role("region", name="Next sessions")
    expect(upcoming.get_by_role("listitem")).to_have_count(1)
    expect(upcoming).to_contain_text("Coaching session")
    expect(upcoming).to_contain_text("with Cora Coach")
    expect(upcoming).to_contain_text(local.strftime("%H:%M"))
    screenshot(page, "home-next-sessions-phone")


def test_a_coach_publishes_availability_and_books_a_fortnightly_supervision(
    desktop_page: Page, team: Team, db: Session
) -> None:
    page = desktop_page
    sign_in(page, team.coach)
    page.get_by_role("link", name="Availability", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My availability")
    settled(page)
    # With no window yet the screen says so (it once showed nothing there), and the
    # "Sessions" rules below start clear of the button, not pressed against it.
    no_windows = page.get_by_text("No windows yet")
    expect(no_windows).to_be_visible()
    add = page.get_by_role("button", name="Add a window").bounding_box()
    rules_heading = page.get_by_role("heading", name="Sessions", exact=True).bounding_box()
    assert add is not None and rules_heading is not None
    assert rules_heading["y"] - (add["y"] + add["height"]) >= 16
    page.get_by_role("button", name="Add a window").click()
    expect(no_windows).to_be_hidden()
    page.get_by_label("Day", exact=True).select_option(label="Tuesday")
    page.get_by_label("From", exact=True).first.fill("09:30")
    page.get_by_label("To", exact=True).first.fill("12:00")
    page.get_by_label("Break between sessions (minutes)").fill("10")
    page.get_by_role("button", name="Save availability").click()
    expect(
        page.get_by_role("form", name="Every week").get_by_text("Availability saved.")
    ).to_be_visible()
    window = db.exec(select(AvailabilityWindow)).one()
    assert (window.weekday, window.start_time, window.end_time) == (1, time(9, 30), time(12))
    rules = db.exec(select(CoachBookingRules)).one()
    assert rules.buffer_minutes == 10
    assert serious_accessibility_violations(page) == []
    screenshot(page, "availability-desktop")

    page.get_by_role("link", name="Sessions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions")
    settled(page)
    form = page.get_by_role("form", name="Book a session")
    form.get_by_label("Kind of session").select_option(label="Coaching")
    form.get_by_label("Title").fill("Fortnightly coaching")
    form.get_by_label("Pat Practitioner").check()
    form.get_by_label("Starts").fill("10:00")
    form.get_by_label("Ends").fill("11:00")
    form.get_by_label("Repeats").select_option(label="Every 2 weeks")
    form.get_by_label("How many sessions in all").fill("4")
    form.get_by_role("button", name="Book session").click()
    expect(form.get_by_text("Booked: Fortnightly coaching.")).to_be_visible()

    booking = db.exec(select(Booking)).one()
    occurrences = db.exec(select(BookingOccurrence).order_by(BookingOccurrence.starts_at)).all()
    assert booking.rrule is not None and "INTERVAL=2" in booking.rrule
    assert len(occurrences) == 4
    # Ten o'clock on the organisation's clock every time, whatever the clocks did between.
    assert {o.starts_at.astimezone(LONDON).strftime("%H:%M") for o in occurrences} == {"10:00"}
    upcoming = page.get_by_role("region", name="Coming up")
    expect(upcoming.get_by_role("listitem").filter(has_text="Fortnightly coaching")).to_have_count(
        2
    )
    expect(
        page.get_by_role("region", name="Calendar feed").get_by_label("Your calendar link")
    ).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/.+"))
    assert serious_accessibility_violations(page) == []
    screenshot(page, "sessions-coach-desktop")

    first = upcoming.get_by_role("listitem").filter(has_text="Fortnightly coaching").first
    first.get_by_role("button", name="Move…").click()
    first.get_by_label("Starts").fill("14:00")
    first.get_by_label("Ends").fill("15:00")
    first.get_by_role("button", name="Move session").click()
    expect(upcoming.get_by_role("listitem").first).to_contain_text("14:00–15:00")
    moved = db.exec(select(BookingOccurrence).order_by(BookingOccurrence.original_starts_at)).all()
    for row in moved:
        db.refresh(row)
    local_starts = [o.starts_at.astimezone(LONDON).strftime("%H:%M") for o in moved]
    assert local_starts == ["14:00", "10:00", "10:00", "10:00"]


def test_a_supervisor_sees_used_time_move_when_the_coach_marks_the_session_done(
    page: Page, team: Team, db: Session
) -> None:
    occurrence = coaching_just_held(db, team, minutes=30)
    month = occurrence.starts_at.astimezone(LONDON).strftime("%Y-%m")

    sign_in(page, team.supervisor)
    page.goto(f"/#/team-time?month={month}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team time")
    settled(page)
    page.get_by_role("link", name="Pat Practitioner").first.click()
    settled(page)
    allocation = page.get_by_role("form", name="Set aside time")
    allocation.get_by_label("Category").select_option(label="Coaching")
    allocation.get_by_label("Minutes").fill("120")
    allocation.get_by_label("Every").select_option(label="Month")
    allocation.get_by_role("button", name="Save allocation").click()
    expect(allocation.get_by_text("Allocation saved.")).to_be_visible()
    coaching = page.get_by_role("row", name="Coaching")
    expect(coaching.get_by_role("cell").nth(0)).to_have_text("2 h")  # allocated
    expect(coaching.get_by_role("cell").nth(1)).to_have_text("0 min")  # used
    assert db.exec(select(TimeAllocation)).one().minutes == 120
    assert serious_accessibility_violations(page) == []
    screenshot(page, "team-time-practitioner-desktop")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, team.coach)
    page.get_by_role("link", name="Sessions", exact=True).click()
    settled(page)
    to_mark = page.get_by_role("region", name="To mark as done")
    held = to_mark.get_by_role("listitem").filter(has_text="Coaching with Pat")
    held.get_by_role("button", name="Notes and actions…").click()
    held.get_by_label("Notes from the session").fill("Talked through the week 6 visit.")
    held.get_by_label("Actions (one a line; each becomes a learning objective)").fill(
        "Practise reflective listening"
    )
    held.get_by_role("button", name="Save notes").click()
    expect(held.get_by_text("Notes saved; 1 learning objective set.")).to_be_visible()
    objective = db.exec(select(LearningObjective)).one()
    assert (objective.title, objective.practitioner_user_id) == (
        "Practise reflective listening",
        team.practitioner.id,
    )
    held.get_by_role("button", name="Mark as done").click()
    expect(to_mark).to_contain_text("Everything is marked.")
    db.refresh(occurrence)
    assert occurrence.status == "completed"
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, team.supervisor)
    page.goto(f"/#/team-time?month={month}")
    settled(page)
    team_table = page.get_by_role("table", name="Team ring-fenced time")
    row = (
        team_table.get_by_role("row")
        .filter(has_text="Pat Practitioner")
        .filter(has_text="Coaching")
    )
    expect(row).to_contain_text("30 min")
    page.get_by_role("link", name="Pat Practitioner").first.click()
    settled(page)
    coaching = page.get_by_role("row", name="Coaching")
    expect(coaching.get_by_role("cell").nth(1)).to_have_text("30 min")  # used
    expect(coaching.get_by_role("cell").nth(3)).to_have_text("1 h 30 min")  # remaining
    screenshot(page, "team-time-after-desktop")


def test_a_practitioner_logs_time_against_their_allocation(
    phone_page: Page, team: Team, db: Session
) -> None:
    page = phone_page
    today = datetime.now(LONDON).date()
    db.add(
        TimeAllocation(
            organisation_id=team.organisation.id,
            practitioner_user_id=team.practitioner.id,
            category="planning",
            minutes=240,
            period="month",
            effective_from=today.replace(day=1),
            set_by_user_id=team.supervisor.id,
        )
    )
    db.commit()

    sign_in(page, team.practitioner)
    page.get_by_role("link", name="My time").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My time")
    settled(page)
    planning = page.get_by_role("row", name="Planning")
    expect(planning.get_by_role("cell").nth(0)).to_have_text("4 h")
    form = page.get_by_role("form", name="Log time")
    form.get_by_label("Category").select_option(label="Planning")
    form.get_by_label("Minutes").fill("45")
    form.get_by_label("Note (optional)").fill("Prepared the group session")
    form.get_by_role("button", name="Log time").click()
    expect(form.get_by_text("Logged 45 min.")).to_be_visible()
    expect(planning.get_by_role("cell").nth(1)).to_have_text("45 min")
    expect(page.get_by_role("region", name="Time you logged")).to_contain_text(
        "Prepared the group session"
    )
    entry = db.exec(select(TimeEntry)).one()
    assert (entry.minutes, entry.category, entry.on_date) == (45, "planning", today)
    assert serious_accessibility_violations(page) == []
    # The month above its two buttons, side by side ("Next month" once sat alone on a
    # second row under "Previous month").
    months = page.get_by_role("navigation", name="Month")
    previous = months.get_by_role("link", name="Previous month").bounding_box()
    following = months.get_by_role("link", name="Next month").bounding_box()
    label = months.get_by_text(re.compile(r"^[A-Z][a-z]+ \d{4}$")).bounding_box()
    assert previous is not None and following is not None and label is not None
    assert abs(previous["y"] - following["y"]) <= 1
    assert label["y"] + label["height"] <= previous["y"]
    screenshot(page, "my-time-phone")
