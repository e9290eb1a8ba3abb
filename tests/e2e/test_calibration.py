"""Calibration in the PWA: a lead sets an exercise up on a master recording (phone and
desktop), a coach finds it on their home and scores it blind on the review screen, and
once every rater has submitted the lead reads the results and the rater their own against
the gold standard. axe-core checks every screen."""

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Playwright, expect
from sqlmodel import Session, select

from app.models import Programme, Recording, Role, RubricVersion, User
from app.models.base import utcnow
from tests.e2e.conftest import (
    Team,
    api_session,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
    upload_ready_recording,
    write_webm,
)
from tests.e2e.test_members import open_members, person
from tests.factories import make_observation, make_rubric_version

TITLE = "Group session, module 2"
CRITERIA = (
    {"code": "R1", "title": "Builds rapport"},
    {"code": "R2", "title": "Asks open questions"},
    {"code": "R3", "title": "Agrees next steps"},
)
GOLD = {"R1": 4, "R2": 3, "R3": 5}


def assert_accessible(page: Page) -> None:
    settled(page)
    assert serious_accessibility_violations(page) == []


def scene(db: Session, team: Team, playwright: Playwright, base_url: str, tmp_path: Path) -> Any:
    """The master recording (consent to training), the coach's gold-standard observation of
    it, and two more coaches to rate it."""
    programme = db.exec(
        select(Programme).where(Programme.organisation_id == team.organisation.id)
    ).one()
    version = make_rubric_version(db, team.organisation, programme, *CRITERIA)
    video = write_webm(tmp_path / "module-2.webm", 3)
    recording_id = upload_ready_recording(
        playwright, base_url, team.practitioner, video, TITLE, "coaching_and_training"
    )
    recording = db.get(Recording, recording_id)
    assert recording is not None
    gold = make_observation(db, recording, team.coach, version, GOLD, submitted_at=utcnow())
    cody = person(db, team, "Cody Coach", "cody@example.org", Role.coach)
    cleo = person(db, team, "Cleo Coach", "cleo@example.org", Role.coach)
    return recording, version, gold.id, cody, cleo


def score_through_the_api(
    playwright: Playwright, base_url: str, rater: User, exercise_id: str, levels: dict[str, int]
) -> None:
    client, csrf = api_session(playwright, base_url, rater)
    headers = {"X-CSRF-Token": csrf}
    try:
        begun = client.post(
            f"/api/v1/calibration-exercises/{exercise_id}/observation", headers=headers
        )
        assert begun.ok, begun.text()
        observation = begun.json()["id"]
        scores = [{"code": code, "level": level} for code, level in levels.items()]
        saved = client.patch(
            f"/api/v1/observations/{observation}", data={"scores": scores}, headers=headers
        )
        assert saved.ok, saved.text()
        submitted = client.post(f"/api/v1/observations/{observation}/submit", headers=headers)
        assert submitted.ok, submitted.text()
    finally:
        client.dispose()


def set_up(page: Page, recording: Recording, version: RubricVersion, kind: str) -> str:
    """The lead fills the form in (one rater first, refused beside the raters), then
    starts the exercise; its id."""
    open_members(page)
    page.get_by_role("navigation", name="Organisation").get_by_role(
        "link", name="Calibration"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calibration")
    settled(page)
    form = page.get_by_role("form", name="New calibration exercise")
    form.get_by_label("Title").fill("Spring calibration")
    form.get_by_label("Master recording").select_option(str(recording.id))
    expect(form.get_by_label("Rubric version")).to_have_value(str(version.id))
    form.get_by_label("Cody Coach").check()
    form.get_by_role("button", name="Start the exercise").click()
    raters = form.get_by_role("group", name="Raters")
    expect(raters.locator(".field-error")).to_have_text("Choose two raters or more.")
    form.get_by_label("Cleo Coach").check()
    form.get_by_label("Gold standard (optional)").select_option(index=1)
    assert_accessible(page)
    screenshot(page, f"calibration-set-up-{kind}")
    form.get_by_role("button", name="Start the exercise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring calibration")
    return page.url.rsplit("/", 1)[1]


def test_a_lead_sets_up_an_exercise_and_reads_its_results(
    sized_page: tuple[str, Page],
    team: Team,
    db: Session,
    playwright: Playwright,
    base_url: str,
    tmp_path: Path,
) -> None:
    kind, page = sized_page
    recording, version, _, cody, cleo = scene(db, team, playwright, base_url, tmp_path)
    sign_in(page, team.lead)
    exercise_id = set_up(page, recording, version, kind)
    expect(page.get_by_role("main")).to_contain_text("0 of 2 raters have submitted")
    assert_accessible(page)

    score_through_the_api(playwright, base_url, cody, exercise_id, {"R1": 4, "R2": 2, "R3": 5})
    score_through_the_api(playwright, base_url, cleo, exercise_id, {"R1": 3, "R2": 3, "R3": 5})
    page.reload()
    results = page.get_by_role("region", name="Results")
    levels = results.get_by_role("table", name="Levels by criterion")
    rows = levels.get_by_role("row")
    expect(rows.nth(0).get_by_role("columnheader")).to_have_text(
        ["Criterion", "Cleo Coach", "Cody Coach", "Gold", "Exact agreement"]
    )
    expect(rows.filter(has_text="R2 Asks open questions").get_by_role("cell")).to_have_text(
        ["3", "2", "3", "0 %"]
    )
    gold = results.get_by_role("table", name="Each rater against the gold standard")
    expect(gold.get_by_role("row").filter(has_text="Cody Coach")).to_contain_text("66.7 %")
    expect(results.get_by_role("img", name="Distance from the gold standard")).to_be_visible()
    # "Levels by criterion" starts clear of the table above it (its caption once sat on
    # that table's last row).
    above = results.get_by_role("group", name="Each rater against the gold standard").bounding_box()
    below = results.get_by_role("group", name="Levels by criterion").bounding_box()
    assert above is not None and below is not None
    assert below["y"] - (above["y"] + above["height"]) >= 16
    # The raters' names under the chart, as far apart as its columns are (two raters
    # drawn three columns wide), break a word a line when they would touch: on a phone
    # "Cleo Coach" and "Cody Coach" once ran together as "Cleo CoachCody Coach".
    chart = results.get_by_role("img", name="Distance from the gold standard")
    column = chart.locator(".u-over").evaluate("over => over.getBoundingClientRect().width / 3")
    drawn = page.evaluate(
        "([space]) => import('/js/reports/chart.js').then((chart) =>"
        " ['Cleo Coach', 'Cody Coach'].map((name) => chart.axisLabel(name, space)))",
        [column],
    )
    if kind == "phone":
        assert drawn == ["Cleo\nCoach", "Cody\nCoach"], column
    else:
        assert drawn == ["Cleo Coach", "Cody Coach"], column
    assert_accessible(page)
    assert not has_horizontal_scroll(page)
    screenshot(page, f"calibration-results-{kind}")


def test_a_coach_scores_blind_from_home_and_reads_their_own_results(
    page: Page, team: Team, db: Session, playwright: Playwright, base_url: str, tmp_path: Path
) -> None:
    recording, version, gold, cody, cleo = scene(db, team, playwright, base_url, tmp_path)
    lead_client, csrf = api_session(playwright, base_url, team.lead)
    created = lead_client.post(
        f"/api/v1/organisations/{team.organisation.id}/calibration-exercises",
        headers={"X-CSRF-Token": csrf},
        data={
            "title": "Spring calibration",
            "recording_id": str(recording.id),
            "rubric_version_id": str(version.id),
            "rater_user_ids": [str(cody.id), str(cleo.id)],
            "gold_observation_id": str(gold),
        },
    )
    assert created.status == 201, created.text()
    exercise_id = created.json()["id"]
    lead_client.dispose()

    sign_in(page, cody)
    waiting = page.get_by_role("region", name="Calibration exercises to score")
    waiting.get_by_role("link", name="Spring calibration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring calibration")
    assert_accessible(page)
    page.get_by_role("button", name="Score the recording").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Calibration exercise", exact=True)).to_be_visible()
    panel = page.get_by_role("tabpanel", name="Score")
    for code, level in {"R1": 4, "R2": 2, "R3": 5}.items():
        panel.get_by_role("group", name=code).get_by_label(f"{level} Level {level}").check()
    # Blind: the coach's own form, and no other rater's observation (not even gold).
    expect(panel.locator(".observation")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "calibration-scoring-desktop")
    panel.get_by_role("button", name="Submit observation").click()
    panel.get_by_role("button", name="Yes, submit").click()
    expect(panel.locator("[data-total=server]")).to_be_visible()
    expect(panel.locator(".observation")).to_have_count(1)

    page.get_by_role("link", name="Back to the exercise").click()
    expect(page.get_by_role("main")).to_contain_text("You have submitted your scores")
    score_through_the_api(playwright, base_url, cleo, exercise_id, {"R1": 3, "R2": 3, "R3": 5})
    page.reload()
    results = page.get_by_role("region", name="Your results")
    levels = results.get_by_role("table", name="Levels by criterion")
    expect(levels.get_by_role("columnheader")).to_have_text(
        ["Criterion", "You", "Gold", "Exact agreement"]
    )
    against_gold = results.get_by_role("table", name="Each rater against the gold standard")
    expect(against_gold.get_by_role("row")).to_have_count(2)  # the header and "You"
    expect(against_gold.get_by_role("row").nth(1)).to_contain_text("You")
    assert_accessible(page)
    screenshot(page, "calibration-rater-results-desktop")
