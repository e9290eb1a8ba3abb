"""The lead's Organisation settings: reached from the Members screen, a lead changes the time
zone and the retention period (a shorter one only once confirmed) and the server holds the
new values; a wrong value is shown beside its field and nothing changes; other members are
told the screen is for leads. At phone and desktop size, with axe."""

import pytest
from playwright.sync_api import Dialog, Page, expect
from sqlmodel import Session

from app.models import Organisation
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


def open_settings(page: Page) -> None:
    """From the main navigation's Members to the organisation screens' Settings link."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    settled(page)
    page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation settings")
    settled(page)


def held(db: Session, team: Team) -> Organisation:
    db.expire_all()
    organisation = db.get(Organisation, team.organisation.id)
    assert organisation is not None
    return organisation


def answering(page: Page, accept: bool) -> list[str]:
    """Every confirmation the page asks from now on, answered `accept`."""
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    return asked


def saved(page: Page, text: str) -> None:
    status = page.get_by_role("status").filter(has_text=text)
    expect(status).to_be_visible()
    expect(status).to_be_focused()


def test_a_lead_changes_the_time_zone_and_the_retention_period(
    sized_page: tuple[str, Page], team: Team, db: Session
) -> None:
    size, page = sized_page
    sign_in(page, team.lead)
    open_settings(page)
    zone, days = page.get_by_label("Time zone"), page.get_by_label("Delete recordings after (days)")
    expect(zone).to_have_value("Europe/London")
    expect(days).to_have_value("")  # kept until deleted
    assert serious_accessibility_violations(page) == []
    assert not has_horizontal_scroll(page)
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    screenshot(page, f"settings-{size}")

    # Keeping recordings for 30 days where they were kept forever: asked first.
    asked = answering(page, accept=True)
    zone.fill("America/New_York")
    days.fill("30")
    page.get_by_role("button", name="Save settings").click()
    saved(page, "Saved: time zone, retention period.")
    assert len(asked) == 1 and "older than 30 days will be deleted" in asked[0]
    organisation = held(db, team)
    assert (organisation.time_zone, organisation.retention_days) == ("America/New_York", 30)
    assert organisation.name == "Riverside Family Partnership"  # not sent, not changed
    screenshot(page, f"settings-saved-{size}")

    # Longer needs no confirmation, and counting from the last review is one more change.
    days.fill("365")
    page.get_by_label("Counting from").select_option("last_review")
    page.get_by_role("button", name="Save settings").click()
    saved(page, "Saved: retention period, when retention counts from.")
    assert len(asked) == 1
    organisation = held(db, team)
    assert (organisation.retention_days, organisation.retention_basis) == (365, "last_review")


def test_a_shorter_retention_period_not_confirmed_is_not_saved(
    page: Page, team: Team, db: Session
) -> None:
    team.organisation.retention_days = 90
    db.add(team.organisation)
    db.commit()
    sign_in(page, team.lead)
    page.goto("/#/settings")
    settled(page)
    asked = answering(page, accept=False)
    page.get_by_label("Delete recordings after (days)").fill("7")
    page.get_by_role("button", name="Save settings").click()
    saved(page, "Not saved: the retention period is as it was.")
    assert len(asked) == 1
    assert held(db, team).retention_days == 90

    # Emptied: kept until deleted, which deletes nothing sooner.
    page.get_by_label("Delete recordings after (days)").fill("")
    page.get_by_role("button", name="Save settings").click()
    saved(page, "Saved: retention period.")
    assert len(asked) == 1
    assert held(db, team).retention_days is None


@pytest.mark.parametrize(
    ("label", "value", "message"),
    [
        ("Time zone", "Mars/Olympus", "Value error, unknown time zone 'Mars/Olympus'"),
        ("Time tolerance (%)", "150", "Input should be less than or equal to 100"),
    ],
)
def test_a_wrong_value_is_shown_beside_its_field_and_nothing_changes(
    page: Page, team: Team, db: Session, label: str, value: str, message: str
) -> None:
    sign_in(page, team.lead)
    page.goto("/#/settings")
    settled(page)
    answering(page, accept=True)
    before = held(db, team).model_dump()
    # A good change sent with it is not made either.
    page.get_by_label("Delete recordings after (days)").fill("30")
    control = page.get_by_label(label)
    control.fill(value)
    page.get_by_role("button", name="Save settings").click()
    expect(control).to_have_attribute("aria-invalid", "true")
    expect(control).to_be_focused()
    assert field_error(page, control) == message
    assert field_error(page, page.get_by_label("Delete recordings after (days)")) == ""
    assert held(db, team).model_dump() == before
    assert serious_accessibility_violations(page) == []


@pytest.mark.parametrize("who", ["supervisor", "coach"])
def test_settings_are_for_leads(page: Page, team: Team, who: str) -> None:
    sign_in(page, getattr(team, who))
    page.goto("/#/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation settings")
    expect(page.get_by_role("status")).to_have_text(
        "Organisation settings are for implementation leads."
    )
    expect(page.get_by_role("form")).to_have_count(0)
