"""A lead brings in a second rubric and puts it to use: imports it from a CSV file (a file
with problems first: every problem listed, nothing saved; then a good one, previewed
before it is saved), compares it with the rubric in use, publishes it (the confirmation
says the programme keeps its rubric), chooses it for the programme, and a coach reviewing
a recording of that programme scores against its criteria. At phone and desktop size."""

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Dialog, Locator, Page, expect
from sqlmodel import Session, select

from app.models import Programme, Rubric, RubricVersion
from app.rubric.service import import_published_rubric
from tests.e2e.conftest import (
    DESKTOP,
    Team,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
    watched_page,
)
from tests.e2e.test_quality import MIN_TARGET_PX, SMALL_TARGETS
from tests.factories import PASSWORD, make_ready_recording
from tests.rubric.helpers import DEMO_LABELS, demo_csv_text

FIRST = "Home visit fidelity rubric"
SECOND = "Group session rubric"
HEADER = "section,code,title,guidance,weight,min_level,na_allowed,level_1,level_2,level_3"
GOOD = [
    HEADER,
    "Group,GRP1,Sets the group's agenda,Agrees the plan with everyone,1,,no,No plan,Told,Agreed",
    "Group,REL1,Warm and respectful engagement,Greets every family,2,2,no,Cold,Polite,Warm",
    "Close,CLO1,Agrees next steps,Each family leaves with a step,1,,yes,None,Vague,Specific",
]
# Line 3 repeats line 2's code; line 4's minimum level is off the 1-3 scale.
BAD = [GOOD[0], GOOD[1], GOOD[2].replace("REL1", "GRP1"), GOOD[3].replace(",1,,yes,", ",1,7,yes,")]


def check(page: Page, name: str) -> None:
    settled(page)
    assert serious_accessibility_violations(page) == []
    assert not has_horizontal_scroll(page)
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    screenshot(page, name)


def programme_of(db: Session, team: Team) -> Programme:
    return db.exec(select(Programme).where(Programme.organisation_id == team.organisation.id)).one()


def rubric_titles(db: Session, team: Team) -> list[str]:
    db.expire_all()
    rows = db.exec(select(Rubric.title).where(Rubric.organisation_id == team.organisation.id))
    return sorted(rows.all())


def choose_file(page: Page, path: Path) -> None:
    page.get_by_label("Choose a CSV or JSON file").set_input_files(path)


def import_second_rubric(page: Page, db: Session, team: Team, files: Path, size: str) -> None:
    form = page.get_by_role("form", name="Import a rubric")
    bad, good = files / "group-bad.csv", files / "group.csv"
    bad.write_text("\n".join(BAD) + "\n")
    good.write_text("\n".join(GOOD) + "\n")
    choose_file(page, bad)
    form.get_by_label("Title").fill(SECOND)
    form.get_by_label("Scale labels (CSV)").fill("Not yet, Partly, Fully")
    form.get_by_role("button", name="Check the file").click()
    problems = page.get_by_role("alert").filter(has_text="The file has 2 problems")
    expect(problems).to_be_focused()
    expect(problems.get_by_role("listitem")).to_have_text(
        [
            "Line 3, code: Code 'GRP1' is already used (line 2).",
            "Line 4, min_level: Minimum level 7 is outside the scale 1-3.",
        ]
    )
    expect(form.get_by_role("button", name="Import as a draft")).to_be_hidden()
    assert rubric_titles(db, team) == [FIRST]
    check(page, f"rubrics-import-problems-{size}")

    choose_file(page, good)
    form.get_by_role("button", name="Check the file").click()
    preview = page.get_by_role("region", name=f"Preview: {SECOND}")
    expect(preview).to_be_focused()
    expect(preview).to_contain_text("3 criteria in 2 sections")
    expect(preview).to_contain_text("1 Not yet, 2 Partly, 3 Fully")
    expect(preview.get_by_role("listitem")).to_have_count(3)
    assert rubric_titles(db, team) == [FIRST]
    check(page, f"rubrics-import-preview-{size}")
    form.get_by_role("button", name="Import as a draft").click()
    imported = page.get_by_role("status").filter(has_text=f"{SECOND} imported as a draft")
    expect(imported).to_be_focused()
    assert rubric_titles(db, team) == [SECOND, FIRST]
    imported.get_by_role("link", name=f"Open {SECOND}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SECOND)


def compare_with_the_first(page: Page, size: str) -> None:
    form = page.get_by_role("form", name="Compare versions")
    form.get_by_label("From").select_option(label=f"{FIRST}, version 1 (published)")
    form.get_by_label("To").select_option(label=f"{SECOND}, version 1 (draft)")
    form.get_by_role("button", name="Compare").click()
    differences = page.get_by_role("region", name="Differences")
    expect(differences.get_by_role("heading", name="Scale")).to_be_visible()
    expect(differences).to_contain_text("now 1 Not yet, 2 Partly, 3 Fully")
    expect(differences.get_by_role("heading", name="Criteria added (1)")).to_be_visible()
    expect(differences.get_by_role("heading", name="Criteria removed (8)")).to_be_visible()
    changed = differences.get_by_role("listitem").filter(has_text="Warm and respectful")
    expect(changed.first).to_contain_text("Weight: was “1”, now “2”.")
    check(page, f"rubrics-compare-{size}")


def publish(page: Page) -> str:
    said: list[str] = []

    def accept(dialog: Dialog) -> None:
        said.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_role("status").filter(has_text="Version 1 is published.")).to_be_focused()
    return said[0]


def review_as_coach(new_context: Callable[..., BrowserContext], team: Team, db: Session) -> Locator:
    recording = make_ready_recording(
        db, team.organisation, team.practitioner, programme=programme_of(db, team)
    )
    for coach in watched_page(new_context(viewport=DESKTOP)):
        # Signed in through the form; the recording is the point, not the home screen.
        coach.goto("/#/sign-in")
        coach.get_by_label("Email").fill(team.coach.email)
        coach.get_by_label("Password").fill(PASSWORD)
        coach.get_by_role("button", name="Sign in", exact=True).click()
        expect(coach.get_by_role("heading", level=1)).to_contain_text("Hello")
        coach.goto(f"/#/recordings/{recording.id}")
        # The recording has no media bytes (the player stays busy): its panels are enough.
        panel = coach.get_by_role("tabpanel", name="Score")
        expect(panel.get_by_role("group", name="GRP1")).to_be_visible()
        expect(panel.get_by_role("group", name="REL2")).to_have_count(0)
        return panel
    raise AssertionError("no page")


def test_a_lead_imports_compares_publishes_and_chooses_a_second_rubric(
    sized_page: tuple[str, Page],
    team: Team,
    db: Session,
    tmp_path: Path,
    new_context: Callable[..., BrowserContext],
) -> None:
    size, page = sized_page
    programme = programme_of(db, team)
    import_published_rubric(
        db,
        organisation_id=team.organisation.id,
        programme_id=programme.id,
        title=FIRST,
        csv_text=demo_csv_text(),
        scale_labels=DEMO_LABELS,
        fidelity_threshold_percent=80,
        actor_user_id=team.lead.id,
    )
    db.commit()
    sign_in(page, team.lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    page.get_by_role("navigation", name="Organisation").get_by_role(
        "link", name="Programmes"
    ).click()
    page.get_by_role("link", name=programme.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(programme.name)
    settled(page)
    expect(page.get_by_role("form", name="Rubric in use")).to_contain_text(f"In use: {FIRST}")

    import_second_rubric(page, db, team, tmp_path, size)
    compare_with_the_first(page, size)
    message = publish(page)
    assert f"{programme.name} keeps scoring against {FIRST}" in message
    db.expire_all()
    assert programme_of(db, team).rubric_version_id != _version_of(db, SECOND)
    check(page, f"rubrics-versions-{size}")

    page.get_by_role("link", name=programme.name).click()
    settled(page)
    chooser = page.get_by_role("form", name="Rubric in use")
    chooser.get_by_label("Score new observations against").select_option(
        label=f"{SECOND}, version 1"
    )
    chooser.get_by_role("button", name="Use this rubric").click()
    chosen = page.get_by_role("status").filter(has_text="New observations are scored against")
    expect(chosen).to_contain_text(f"{SECOND}, version 1")
    db.expire_all()
    assert programme_of(db, team).rubric_version_id == _version_of(db, SECOND)
    check(page, f"rubrics-programme-in-use-{size}")

    # The version in use cannot be retired: the API's reason is shown.
    page.get_by_role("region", name="Rubrics").get_by_role("link", name=SECOND).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SECOND)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Retire version 1").click()
    refused = page.get_by_role("alert").filter(has_text="Nothing changed")
    expect(refused).to_be_focused()
    expect(refused).to_contain_text(f"the one programme '{programme.name}' scores against")
    expect(page.get_by_role("listitem").filter(has_text="Version 1")).to_contain_text("Published")

    review_as_coach(new_context, team, db)


def _version_of(db: Session, title: str) -> object:
    return db.exec(
        select(RubricVersion.id)
        .join(Rubric)
        .where(Rubric.title == title, RubricVersion.version == 1)
    ).one()
