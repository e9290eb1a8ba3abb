"""The lead's Programmes screens: reached from Members (the main navigation stays short on a
phone), adding a programme (a missing name is said beside the field), and a programme's
review settings: the double-coding rate and a drift rule, still there after a reload and
in the database. At phone and desktop size."""

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.models import Programme, ReviewSettings
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


def check(page: Page, name: str) -> None:
    settled(page)
    assert serious_accessibility_violations(page) == []
    assert not has_horizontal_scroll(page)
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    screenshot(page, name)


def test_a_lead_adds_a_programme_and_sets_its_review_settings(
    sized_page: tuple[str, Page], team: Team, db: Session
) -> None:
    size, page = sized_page
    sign_in(page, team.lead)
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Programmes")).to_have_count(0)
    main_nav.get_by_role("link", name="Members").click()
    page.get_by_role("navigation", name="Organisation").get_by_role(
        "link", name="Programmes"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes")
    expect(main_nav.get_by_role("link", name="Members")).to_have_attribute("aria-current", "page")
    settled(page)
    listed = page.get_by_role("region", name="Programmes").get_by_role("listitem")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Home visiting")
    expect(listed).to_contain_text("No rubric in use yet")

    form = page.get_by_role("form", name="Add a programme")
    form.get_by_role("button", name="Add programme").click()
    name = form.get_by_label("Name")
    expect(name).to_be_focused()
    assert field_error(page, name) == "Enter the programme's name."
    name.fill("Family groups")
    form.get_by_label("Description (optional)").fill("Weekly groups for parents of toddlers.")
    form.get_by_role("button", name="Add programme").click()
    added = page.get_by_role("status").filter(has_text="Family groups added.")
    expect(added).to_be_focused()
    expect(listed).to_have_count(2)
    check(page, f"programmes-list-{size}")

    added.get_by_role("link", name="Open Family groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family groups")
    settled(page)
    expect(main_nav.get_by_role("link", name="Members")).to_have_attribute("aria-current", "page")
    settings = page.get_by_role("form", name="Review settings")
    rate = settings.get_by_label("Double coding: every Nth recording")
    expect(rate).to_have_value("")
    expect(rate).to_have_accessible_description(
        "Every Nth recording of the programme to get a first submitted observation gets a "
        "second rater, chosen among the practitioner's other assigned coaches. Leave empty "
        "to turn double coding off."
    )
    drift = settings.get_by_label("Drift: consecutive observations below fidelity")
    recalibration = settings.get_by_label("Recalibration below (% exact agreement)")
    expect(recalibration).to_have_value("")
    recalibration.fill("70")
    rate.fill("0")
    drift.fill("2")
    settings.get_by_role("button", name="Save review settings").click()
    expect(rate).to_be_focused()
    assert "greater than or equal to 1" in field_error(page, rate)
    rate.fill("4")
    settings.get_by_role("button", name="Save review settings").click()
    expect(page.get_by_role("status").filter(has_text="Review settings saved.")).to_be_focused()
    check(page, f"programmes-settings-{size}")

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family groups")
    settled(page)
    expect(rate).to_have_value("4")
    expect(drift).to_have_value("2")
    expect(recalibration).to_have_value("70")
    db.expire_all()
    programme = db.exec(select(Programme).where(Programme.name == "Family groups")).one()
    stored = db.exec(
        select(ReviewSettings).where(ReviewSettings.programme_id == programme.id)
    ).one()
    assert (stored.double_coding_every_nth, stored.drift_consecutive_below) == (4, 2)
    assert stored.recalibration_below_percent == 70
    assert programme.description == "Weekly groups for parents of toddlers."
