"""The dashboards in the app: a lead reads the fidelity trend and narrows it, keeping the
view in the URL, and downloads the CSV; a supervisor reads the team's ring-fenced time and
coverage; a practitioner finds their own trend on home."""

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from tests.e2e.conftest import Team, screenshot, serious_accessibility_violations, settled, sign_in
from tests.e2e.reports_data import fill_reports


@pytest.fixture
def reported(db: Session, team: Team) -> Team:
    fill_reports(db, team)
    return team


# Table captions whose text runs past the box the table scrolls in (so part of it is hidden).
CUT_CAPTIONS = """() => [...document.querySelectorAll(".table-wrap caption")].filter((caption) => {
  const text = document.createRange();
  text.selectNodeContents(caption);
  const drawn = text.getBoundingClientRect();
  const shown = caption.closest(".table-wrap").getBoundingClientRect();
  return drawn.left < shown.left - 1 || drawn.right > shown.right + 1;
}).map((caption) => caption.textContent)"""


def open_report(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Reports").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=2, name=name)).to_be_visible()
    settled(page)


def test_a_lead_reads_fidelity_narrows_it_and_downloads_the_csv(
    desktop_page: Page, reported: Team
) -> None:
    page = desktop_page
    sign_in(page, reported.lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    settled(page)
    trend = page.get_by_role("img", name=re.compile("Mean fidelity per month"))
    expect(trend).to_be_visible()
    expect(trend.locator("canvas")).to_have_count(1)  # uPlot drew it
    expect(page.get_by_text(re.compile(r"3 observations over \d+ months"))).to_be_visible()
    teams = page.get_by_role("table", name="Fidelity per team and programme")
    expect(teams.get_by_role("row", name=re.compile("Sam Supervisor"))).to_contain_text("3")
    weakest = page.get_by_role("table", name="Weakest criteria: where to aim training")
    expect(weakest.get_by_role("row").nth(1)).to_contain_text("Asks open questions")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "reports-fidelity-lead-desktop")

    page.get_by_label("Figures per").select_option("coach")
    page.get_by_role("button", name="Show", exact=True).last.click()
    settled(page)
    expect(page).to_have_url(re.compile(r"report=fidelity.*by=coach|by=coach.*report=fidelity"))
    coaches = page.get_by_role("table", name="Fidelity per coach and programme")
    expect(coaches.get_by_role("row", name=re.compile("Cora Coach"))).to_be_visible()

    # The filters go into the URL, so a reload (or a shared link) shows the same view.
    page.get_by_label("Team (supervisor)").select_option(label="Sam Supervisor")
    page.get_by_role("button", name="Show", exact=True).first.click()
    settled(page)
    expect(page).to_have_url(re.compile(f"supervisor_user_id={reported.supervisor.id}"))
    page.reload()
    settled(page)
    expect(page.get_by_label("Team (supervisor)")).to_have_value(str(reported.supervisor.id))

    download = page.get_by_role("link", name="Download every observation (CSV)")
    answer = page.request.get(download.get_attribute("href") or "")
    assert answer.ok
    rows = list(csv.DictReader(io.StringIO(answer.text())))
    assert [row["practitioner_name"] for row in rows] == ["Pat Practitioner"] * 3


def test_a_supervisor_reads_team_time_and_coverage_on_a_phone(
    phone_page: Page, reported: Team
) -> None:
    page = phone_page
    sign_in(page, reported.supervisor)
    page.goto("/#/reports?report=time")
    expect(page.get_by_role("heading", level=2, name="Ring-fenced time")).to_be_visible()
    settled(page)
    bars = page.get_by_role("img", name=re.compile("Hours allocated and used, by practitioner"))
    expect(bars.locator("canvas")).to_have_count(1)
    expect(page.get_by_text(re.compile(r"1 h 30 min used of 4 h allocated"))).to_be_visible()
    assert serious_accessibility_violations(page) == []
    # The table scrolls sideways on a phone; its caption once ran off with it ("Ring-fenced
    # time by practitioner" and no more).
    assert page.evaluate(CUT_CAPTIONS) == []
    screenshot(page, "reports-time-supervisor-phone")

    open_report(page, "Coverage")
    expect(page.get_by_text("No coaching lately")).to_be_visible()
    table = page.get_by_role("table", name="Practitioners, by name")
    expect(table.get_by_role("row", name=re.compile("Pat Practitioner"))).to_contain_text("3")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "reports-coverage-supervisor-phone")


def test_a_practitioner_sees_their_own_trend_on_home(phone_page: Page, reported: Team) -> None:
    page = phone_page
    sign_in(page, reported.practitioner)
    settled(page)
    trend = page.get_by_role("img", name=re.compile("Mean fidelity per month"))
    expect(trend.locator("canvas")).to_have_count(1)
    page.get_by_text("Mean fidelity per month: every figure").click()
    table = page.get_by_role("table", name="Mean fidelity per month")
    expect(table.get_by_role("row")).to_have_count(1 + 12)
    # The month's figure reads the same in the sentence and in the table (it once said
    # "the mean was 87.5 %" above a table saying 88 %).
    summary = page.get_by_text(re.compile(r"the mean was [\d.]+ %")).inner_text()
    mean = re.search(r"the mean was ([\d.]+ %)", summary)
    assert mean is not None
    expect(table.get_by_role("row").last).to_contain_text(mean.group(1))
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports")
    ).to_have_count(0)
    screenshot(page, "home-practitioner-trend-phone")


REPORT_NAMES = ["Fidelity", "Ring-fenced time", "Coverage", "Turnaround", "Agreement", "Equity"]


def test_reports_with_nothing_to_show_say_so_without_an_empty_chart(
    phone_page: Page, team: Team
) -> None:
    # A new organisation: nothing scored, booked or allocated yet.
    page = phone_page
    sign_in(page, team.lead)
    page.goto("/#/reports")
    expect(page.get_by_role("heading", level=2, name="Fidelity")).to_be_visible()
    settled(page)
    expect(page.get_by_text("No observations were submitted in these months.")).to_be_visible()
    for name in REPORT_NAMES:
        open_report(page, name)
        # Every chart on the screen has something drawn in it: none is a blank box.
        plots = page.locator(".chart__plot")
        expect(plots.and_(page.locator(":not(:has(canvas))"))).to_have_count(0)
        expect(page.get_by_text(re.compile(": every figure$"))).to_have_count(plots.count())
    assert serious_accessibility_violations(page) == []
    screenshot(page, "reports-empty-lead-phone")


def test_a_supervisor_sees_on_home_where_support_is_needed_and_opens_the_report(
    phone_page: Page, reported: Team
) -> None:
    page = phone_page
    sign_in(page, reported.supervisor)
    settled(page)
    support = page.get_by_role("region", name="Where support is needed")
    # Pat's recordings were rated this month, but nobody booked Pat a coaching session.
    uncoached = support.get_by_role(
        "link", name="1 of 1 practitioner had no coaching session in the last 8 weeks"
    )
    expect(uncoached).to_be_visible()
    expect(support.get_by_role("link", name=re.compile("no rated recording"))).to_have_count(0)
    expect(
        page.get_by_text("no one's time is being eroded (1 practitioner with time set aside)")
    ).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "home-supervisor-support-phone")
    uncoached.click()
    expect(page.get_by_role("heading", level=2, name="Coverage")).to_be_visible()
    settled(page)
    expect(page.get_by_text("No coaching lately")).to_be_visible()
