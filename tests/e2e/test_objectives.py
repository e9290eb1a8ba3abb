"""Learning objectives: the coach sets one with the practitioner, linked to a criterion; the
practitioner finds it from home, moves it on, notes progress and sees the evidence."""

import re

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.models import LearningObjective, Programme
from app.models.review import ObjectiveEvidence
from tests.e2e.conftest import Team, serious_accessibility_violations, settled, sign_in
from tests.factories import make_comment, make_ready_recording, make_rubric_version


def test_coach_sets_an_objective_and_the_practitioner_works_on_it(
    page: Page, team: Team, db: Session
) -> None:
    programme = db.exec(
        select(Programme).where(Programme.organisation_id == team.organisation.id)
    ).one()
    make_rubric_version(
        db, team.organisation, programme, {"code": "Q1", "title": "Asks open questions"}
    )

    sign_in(page, team.coach)
    page.get_by_role("link", name="Objectives").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning objectives")
    settled(page)
    page.get_by_label("Practitioner").select_option(label="Pat Practitioner")
    page.get_by_label("What to work on").fill("Ask more open questions")
    page.get_by_label("Rubric criterion (optional)").select_option(label="Q1 Asks open questions")
    page.get_by_label("Level to reach").select_option("4")
    page.get_by_role("button", name="Add objective").click()
    objective = page.get_by_role("article", name="Ask more open questions")
    expect(objective).to_contain_text("Q1")
    expect(objective).to_contain_text("target level 4")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Tandem")).to_be_visible()

    # Evidence the coach linked: a comment on one of Pat's recordings.
    recording = make_ready_recording(db, team.organisation, team.practitioner)
    comment = make_comment(db, recording, team.coach, body="Two open questions in a row.")
    row = db.exec(select(LearningObjective)).one()
    db.add(
        ObjectiveEvidence(
            organisation_id=team.organisation.id,
            objective_id=row.id,
            kind="comment",
            ref_id=comment.id,
            note="Open questions at the start of the visit",
        )
    )
    db.commit()

    sign_in(page, team.practitioner)
    mine = page.get_by_role("region", name="My objectives")
    expect(mine).to_contain_text("Ask more open questions")
    mine.get_by_role("link", name="See all objectives").click()
    objective = page.get_by_role("article", name="Ask more open questions")
    objective.get_by_label("Status").select_option(label="In progress")
    objective.get_by_role("button", name="Update status").click()
    expect(objective.get_by_text("In progress", exact=True).first).to_be_visible()
    objective.get_by_label("Progress note").fill("Tried it on Tuesday's visit.")
    objective.get_by_role("button", name="Add note").click()
    note = objective.get_by_role("listitem").filter(has_text="Tried it on Tuesday's visit.")
    # When a note was added, readably: the notes once showed only their words.
    expect(note).to_contain_text(re.compile(r"Added by you on \d{1,2} [A-Z][a-z]{2} \d{4}"))
    # "Evidence" starts below the note form with room, not pressed against "Add note".
    add_note = objective.get_by_role("button", name="Add note").bounding_box()
    evidence_heading = objective.get_by_role("heading", name="Evidence").bounding_box()
    assert add_note is not None and evidence_heading is not None
    assert evidence_heading["y"] - (add_note["y"] + add_note["height"]) >= 16
    expect(objective).to_contain_text("Open questions at the start of the visit")
    evidence = objective.get_by_role("link", name="Comment of a recording")
    expect(evidence).to_have_attribute("href", f"#/recordings/{recording.id}")
    assert serious_accessibility_violations(page) == []
