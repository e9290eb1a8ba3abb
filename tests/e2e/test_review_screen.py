"""The review screen as coaches use it all day: the player stays in view while they score
(a split layout on a wide screen, a compact sticky player on a phone), what they type is
never under the live total, a partial score reads as partial, comment markers are big
enough to tap and say what they mark, span comments show as bands, a jump list takes
people to each moment, and focus stays where the person is after each action."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, Playwright, expect
from sqlmodel import Session, col, select

from app.models import (
    Comment,
    LearningObjective,
    ObjectiveEvidence,
    Programme,
    Recording,
    RubricVersion,
)
from app.rubric.scoring import ScoringFormula
from tests.e2e.conftest import (
    Team,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
    upload_ready_recording,
    write_webm,
)
from tests.e2e.test_quality import MIN_TARGET_PX
from tests.e2e.test_review_journey import media_at, open_tab
from tests.factories import make_objective, make_observation, make_rubric_version

CODES = ("R1", "R2", "R3", "R4", "R5", "R6")
TOP, PROFICIENT = 5, 4


@pytest.fixture
def recording_id(
    db: Session, team: Team, playwright: Playwright, base_url: str, tmp_path: Path
) -> str:
    """A 20-second visit, a six-criterion rubric scored as percent of maximum (threshold 80),
    and three of the coach's comments: at 2 s on R1, over 5-9 s on R2, at 15 s untagged."""
    programme = db.exec(
        select(Programme).where(Programme.organisation_id == team.organisation.id)
    ).one()
    make_rubric_version(
        db,
        team.organisation,
        programme,
        *({"code": code, "title": f"Criterion {code}"} for code in CODES),
        threshold=80,
        formula=ScoringFormula.percent_of_maximum,
    )
    media = write_webm(tmp_path / "visit.webm", 20)
    identifier = upload_ready_recording(playwright, base_url, team.practitioner, media)
    recording = db.get(Recording, uuid.UUID(identifier))
    assert recording is not None
    for start_ms, end_ms, code, body in (
        (2_000, None, "R1", "A warm welcome at the door."),
        (5_000, 9_000, "R2", "The whole conversation about bedtime."),
        (15_000, None, None, "Here the visit loses its thread."),
    ):
        db.add(
            Comment(
                organisation_id=recording.organisation_id,
                recording_id=recording.id,
                author_user_id=team.coach.id,
                start_ms=start_ms,
                end_ms=end_ms,
                criterion_code=code,
                body=body,
            )
        )
    db.commit()
    return identifier


def open_review(page: Page, team: Team, recording_id: str) -> None:
    sign_in(page, team.coach)
    page.goto(f"/#/recordings/{recording_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Home visit week 6")
    settled(page)


def wholly_in_view(page: Page, locator: Locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    return box["y"] >= -1 and box["y"] + box["height"] <= viewport["height"] + 1


def overlaps(first: Locator, second: Locator) -> bool:
    a, b = first.bounding_box(), second.bounding_box()
    assert a is not None and b is not None
    return not (
        a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
        or a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
    )


def choose(panel: Locator, code: str, level: int) -> None:
    panel.get_by_role("group", name=code).get_by_label(f"{level} Level {level}").check()


def test_a_coach_scores_with_the_player_in_view_and_a_partial_score_reads_as_partial(
    sized_page: tuple[str, Page], team: Team, recording_id: str
) -> None:
    size, page = sized_page
    open_review(page, team, recording_id)
    open_tab(page, "Score")
    panel = page.get_by_role("tabpanel", name="Score")
    live = panel.get_by_role("status")
    expect(live).to_contain_text("0 of 6 scored.")

    # Two of six at the top of the scale: 100 % so far, and no verdict yet.
    choose(panel, "R1", TOP)
    choose(panel, "R2", TOP)
    expect(live).to_contain_text("2 of 6 scored. So far 100.0 %")
    expect(live).not_to_contain_text("fidelity")

    # Typing evidence low down the form: the video stays in view, the total clear of it.
    panel.get_by_label("Evidence for R5").focus()
    page.keyboard.press("Tab")  # into R6's levels, then on to its evidence
    page.keyboard.press("Tab")
    evidence = panel.get_by_label("Evidence for R6")
    expect(evidence).to_be_focused()
    page.keyboard.type("Agreed the next visit together.")
    assert wholly_in_view(page, page.locator("video"))
    assert wholly_in_view(page, evidence)
    assert not overlaps(evidence, live)

    # Proficient on every criterion is 80 % of the maximum points: it meets fidelity.
    for code in CODES:
        choose(panel, code, PROFICIENT)
    expect(live).to_contain_text(
        "6 of 6 scored. Weighted total 80.0 % Meets fidelity (threshold 80 %)"
    )
    assert wholly_in_view(page, page.locator("video"))
    screenshot(page, f"review-scoring-{size}", full_page=False)
    assert serious_accessibility_violations(page) == []

    if size == "desktop":
        # At 200 % zoom the laptop shows 640x400 CSS pixels: nothing follows the scroll
        # there (the total covered 40 % of the screen), so what is typed is never hidden.
        page.set_viewport_size({"width": 640, "height": 400})
        open_tab(page, "Score")
        evidence = panel.get_by_label("Evidence for R3")
        evidence.focus()
        page.keyboard.type(" Calm and unhurried.")
        assert live.evaluate("total => getComputedStyle(total).position") == "static"
        assert page.locator(".player").evaluate("p => getComputedStyle(p).position") == "static"
        assert wholly_in_view(page, evidence)
        assert not overlaps(evidence, live)


def test_markers_spans_and_the_jump_list_take_a_coach_to_each_moment(
    phone_page: Page, team: Team, recording_id: str, db: Session
) -> None:
    page = phone_page
    open_review(page, team, recording_id)
    timeline = page.get_by_role("group", name="Comments on the timeline")
    markers = timeline.get_by_role("button")
    expect(markers).to_have_count(3)
    for box in (markers.nth(n).bounding_box() for n in range(3)):
        assert box is not None
        assert box["width"] >= MIN_TARGET_PX and box["height"] >= MIN_TARGET_PX
    colours = markers.evaluate_all(
        "buttons => buttons.map(b => getComputedStyle(b, '::after').backgroundColor)"
    )
    assert len(set(colours)) == 3  # R1, R2 and untagged each their own colour
    expect(timeline.locator(".timeline__band")).to_have_count(1)  # the span over 5-9 s

    # Focusing a marker previews its comment; choosing it goes there.
    last = timeline.get_by_role("button", name="Go to 00:15, Cora Coach: Here the visit")
    last.focus()
    expect(
        timeline.get_by_text("00:15, Cora Coach: Here the visit loses its thread.")
    ).to_be_visible()
    last.click()
    media_at(page, 15)
    assert wholly_in_view(page, page.locator("video"))
    current = page.locator(".comment--current")
    expect(current).to_contain_text("Here the visit loses its thread.")

    # The jump list, after scrolling down through the comments.
    page.get_by_text("Jump to a comment (3)").click()
    jumps = page.get_by_role("list", name="Jump to a comment")
    jump = jumps.get_by_role("button", name="Go to 00:05–00:09")
    jump.scroll_into_view_if_needed()
    jump.click()
    media_at(page, 5)
    assert wholly_in_view(page, page.locator("video"))
    screenshot(page, "review-timeline-phone", full_page=False)
    assert serious_accessibility_violations(page) == []

    # A span comment of their own: start at 10 s, play on to 12 s, end it there.
    page.get_by_label("Position in the recording").fill("100")
    media_at(page, 10)
    body = page.get_by_label("Comment at 00:10")
    body.click()
    body.fill("Reading the room well through this stretch.")
    page.get_by_label("Position in the recording").fill("120")
    media_at(page, 12)
    page.get_by_role("button", name="End the span here").click()
    expect(page.get_by_text("Ends at 00:12.")).to_be_visible()
    page.get_by_role("button", name="Add comment").click()
    comments = page.get_by_role("list", name="Comments by moment")
    added = comments.get_by_role("listitem").filter(has_text="Reading the room well")
    expect(added.get_by_role("button", name="Go to 00:10–00:12")).to_be_visible()
    # Focus is back in the comment box, ready for the next one.
    expect(page.locator("#comment-body")).to_be_focused()
    expect(page.locator("#comment-body")).to_have_value("")
    expect(timeline.locator(".timeline__band")).to_have_count(2)
    saved = db.exec(select(Comment).where(Comment.body.startswith("Reading"))).one()  # type: ignore[attr-defined]
    assert (saved.start_ms, saved.end_ms) == (10_000, 12_000)

    # Replying and resolving keep focus on the comment acted on.
    welcome = comments.get_by_role("listitem").filter(has_text="A warm welcome at the door.")
    welcome.get_by_role("button", name="Reply").click()
    welcome.get_by_label("Reply to Cora Coach").fill("And the parent smiled back.")
    welcome.get_by_role("button", name="Send reply").click()
    expect(welcome).to_contain_text("And the parent smiled back.")
    expect(welcome.get_by_role("button", name="Reply")).to_be_focused()
    welcome.get_by_role("button", name="Resolve").click()
    expect(welcome.get_by_role("button", name="Reopen")).to_be_focused()


@pytest.fixture
def scored(db: Session, team: Team, recording_id: str) -> str:
    """The coach's submitted observation (Proficient everywhere: 80 %) and an open
    objective of the practitioner's."""
    recording = db.get(Recording, uuid.UUID(recording_id))
    assert recording is not None
    version = db.exec(
        select(RubricVersion).where(RubricVersion.organisation_id == team.organisation.id)
    ).one()
    make_observation(
        db,
        recording,
        team.coach,
        version,
        dict.fromkeys(CODES, PROFICIENT),
        submitted_at=datetime.now(UTC),
    )
    make_objective(db, team.organisation, team.practitioner, title="Ask more open questions")
    return recording_id


def test_a_coach_amends_an_observation_and_links_evidence_to_an_objective(
    desktop_page: Page, team: Team, scored: str, db: Session
) -> None:
    page = desktop_page
    open_review(page, team, scored)
    panel = page.get_by_role("tabpanel", name="Score")
    expect(panel.get_by_role("article", name="Observation by you")).to_contain_text("80.0 %")

    # Amend: the submitted scores to start from, and a reason required.
    panel.get_by_role("button", name="Amend my observation").click()
    amending = panel.get_by_role("form", name="Amend your observation")
    expect(amending.get_by_label("Why are you amending it?")).to_be_focused()
    choose(amending, "R6", TOP)
    expect(amending.get_by_role("status")).to_contain_text("6 of 6 scored. Weighted total 83.3 %")
    amending.get_by_role("button", name="Save the amendment").click()
    expect(amending.get_by_text("Say why you are amending it")).to_be_visible()
    amending.get_by_label("Why are you amending it?").fill("R6 was clearer on a second watch.")
    amending.get_by_role("button", name="Save the amendment").click()
    amending.get_by_role("button", name="Yes, amend").click()
    amended = panel.get_by_role("article", name="Observation by you")
    expect(amended.locator("[data-total=server]")).to_have_text("83.3 %")
    history = amended.get_by_text("Revision history (1 amendment)")
    history.click()
    expect(amended).to_contain_text("Revision 1: weighted total 80.0 %")
    expect(amended).to_contain_text("Why: R6 was clearer on a second watch.")

    # A comment, then a scored criterion, as evidence for the practitioner's objective.
    comments = page.get_by_role("list", name="Comments by moment")
    welcome = comments.get_by_role("listitem").filter(has_text="A warm welcome at the door.")
    welcome.get_by_role("button", name="Link this comment to an objective").click()
    expect(welcome.get_by_label("Objective")).to_have_value(str(objective_id(db, team)))
    welcome.get_by_role("button", name="Link as evidence").click()
    expect(welcome).to_contain_text("Linked as evidence for “Ask more open questions”.")
    amended.get_by_role("button", name="Link R2 to an objective").click()
    amended.get_by_role("button", name="Link as evidence").click()
    expect(amended).to_contain_text("Linked as evidence for “Ask more open questions”.")
    screenshot(page, "review-amended-and-linked-desktop")
    assert serious_accessibility_violations(page) == []

    evidence = db.exec(select(ObjectiveEvidence).order_by(col(ObjectiveEvidence.created_at))).all()
    assert [(row.kind, row.note) for row in evidence] == [
        ("comment", "Comment at 00:02: A warm welcome at the door."),
        ("observation", "R2 Criterion R2: 4 Level 4"),
    ]


def objective_id(db: Session, team: Team) -> uuid.UUID:
    db.expire_all()
    objective = db.exec(
        select(LearningObjective).where(
            LearningObjective.practitioner_user_id == team.practitioner.id
        )
    ).one()
    return objective.id
