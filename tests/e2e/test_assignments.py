"""The lead's Assignments screen: the coaches and supervisors of each practitioner as a
table, adding an assignment (from the members holding the role) and removing one, checked
through what the coach then sees in the API and what the database holds; at phone and
desktop size."""

from playwright.sync_api import Locator, Page, Playwright, expect
from sqlmodel import Session, select

from app.models import Assignment, Role, User
from tests.e2e.conftest import (
    Team,
    api_session,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
)
from tests.e2e.test_members import field_error, open_members, person
from tests.e2e.test_quality import MIN_TARGET_PX, SMALL_TARGETS
from tests.factories import assign


def assignments_of(playwright: Playwright, base_url: str, staff: User) -> set[tuple[str, str]]:
    """(kind, practitioner id) of what `staff` is assigned, as they see it in the API."""
    client, _ = api_session(playwright, base_url, staff)
    try:
        me = client.get("/api/v1/me").json()
        organisation = me["memberships"][0]["organisation_id"]
        answer = client.get(f"/api/v1/organisations/{organisation}/assignments")
        assert answer.ok, answer.text()
        return {
            (row["kind"], row["practitioner_user_id"])
            for row in answer.json()
            if row["staff_user_id"] == me["id"]
        }
    finally:
        client.dispose()


def row_cells(table: Locator, name: str) -> list[str]:
    """A row as people read it: the practitioner, then the names in each column."""
    row = table.get_by_role("row").filter(has=table.page.get_by_role("rowheader", name=name))
    cells: list[str] = row.locator("th, td").evaluate_all(
        """cells => cells.map(cell => {
            const names = [...cell.querySelectorAll('li > span')].map(span => span.textContent);
            return names.length ? names.join(', ') : cell.textContent.trim();
        })"""
    )
    return cells


def test_a_lead_assigns_a_coach_and_removes_an_assignment(
    page: Page, team: Team, db: Session, playwright: Playwright, base_url: str
) -> None:
    cody = person(db, team, "Cody Coach", "cody@example.org", Role.coach)
    priya = person(db, team, "Priya Practitioner", "priya@example.org", Role.practitioner)
    sign_in(page, team.lead)
    open_members(page)
    page.get_by_role("navigation", name="Organisation").get_by_role(
        "link", name="Assignments"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assignments")
    settled(page)
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Members")).to_have_attribute("aria-current", "page")
    table = page.get_by_role("table", name="Coaches and supervisors of each practitioner")
    assert row_cells(table, "Pat Practitioner") == [
        "Pat Practitioner",
        "Cora Coach",
        "Sam Supervisor",
    ]
    assert row_cells(table, "Priya Practitioner") == ["Priya Practitioner", "None", "None"]

    form = page.get_by_role("form", name="Add an assignment")
    practitioner = form.get_by_label("Practitioner")
    staff = form.get_by_label("Which coach")
    add = form.get_by_role("button", name="Add assignment")
    add.click()
    expect(practitioner).to_be_focused()
    assert field_error(page, practitioner) == "Choose the practitioner."
    assert field_error(page, staff) == "Choose the coach."
    expect(staff.locator("option")).to_have_text(["Choose a coach", "Cody Coach", "Cora Coach"])

    # What already exists is refused, beside the coach.
    practitioner.select_option(label="Pat Practitioner")
    staff.select_option(label="Cora Coach")
    add.click()
    expect(staff).to_be_focused()
    assert field_error(page, staff) == "Already assigned to this practitioner as coach."
    assert field_error(page, practitioner) == ""

    practitioner.select_option(label="Priya Practitioner")
    staff.select_option(label="Cody Coach")
    add.click()
    added = page.get_by_role("region", name="Practitioners").get_by_role("status")
    expect(added).to_have_text("Cody Coach now coaches Priya Practitioner.")
    expect(table.get_by_role("rowheader", name="Priya Practitioner")).to_be_focused()
    assert row_cells(table, "Priya Practitioner") == [
        "Priya Practitioner",
        "Cody Coach",
        "None",
    ]
    expect(form.locator(".field-error")).to_have_count(0)
    # Cody now finds Priya among the practitioners he coaches.
    assert assignments_of(playwright, base_url, cody) == {("coach", str(priya.id))}

    # Supervisors come from the members holding that role.
    form.get_by_label("Supervisor", exact=True).check()
    expect(form.get_by_label("Which supervisor").locator("option")).to_have_text(
        ["Choose a supervisor", "Sam Supervisor"]
    )

    remove = table.get_by_role("button", name="Remove Cora Coach as coach of Pat Practitioner")
    page.once("dialog", lambda dialog: dialog.dismiss())
    remove.click()
    expect(remove).to_be_visible()
    assert assignments_of(playwright, base_url, team.coach) == {
        ("coach", str(team.practitioner.id))
    }
    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    expect(added).to_have_text("Cora Coach no longer coaches Pat Practitioner.")
    expect(table.get_by_role("rowheader", name="Pat Practitioner")).to_be_focused()
    assert row_cells(table, "Pat Practitioner") == [
        "Pat Practitioner",
        "None",
        "Sam Supervisor",
    ]
    assert assignments_of(playwright, base_url, team.coach) == set()
    db.expire_all()
    kinds = db.exec(
        select(Assignment.kind, Assignment.staff_user_id).where(
            Assignment.practitioner_user_id == team.practitioner.id
        )
    ).all()
    assert [(str(kind), staff_id) for kind, staff_id in kinds] == [
        ("supervisor", team.supervisor.id)
    ]


def test_assignments_at_phone_and_desktop_size(
    sized_page: tuple[str, Page], team: Team, db: Session
) -> None:
    size, page = sized_page
    person(db, team, "Una Unsigned", "una@example.org", Role.practitioner, password=False)
    champion = person(
        db, team, "Chloe Champion", "chloe@example.org", Role.practitioner, champion=True
    )
    assign(db, team.organisation, team.coach, champion, kind="coach")
    sign_in(page, team.lead)
    page.goto("/#/assignments")
    expect(page.get_by_role("heading", level=1)).to_have_text("Assignments")
    settled(page)
    table = page.get_by_role("table", name="Coaches and supervisors of each practitioner")
    expect(table.get_by_role("rowheader")).to_have_text(
        ["Chloe Champion", "Pat Practitioner", "Una Unsigned"]
    )
    assert row_cells(table, "Chloe Champion") == ["Chloe Champion", "Cora Coach", "None"]
    wrapper = page.get_by_role("group", name="Coaches and supervisors of each practitioner")
    if size == "desktop":
        # The whole table in view, without scrolling it sideways.
        assert wrapper.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert serious_accessibility_violations(page) == []
    assert not has_horizontal_scroll(page)
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    screenshot(page, f"assignments-team-{size}")

    jump = page.get_by_role("button", name="Add an assignment")
    if size == "phone":
        jump.click()
        expect(
            page.get_by_role("form", name="Add an assignment").get_by_label("Practitioner")
        ).to_be_focused()
    else:
        expect(jump).to_be_hidden()
