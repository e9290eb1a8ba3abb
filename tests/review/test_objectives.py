"""Learning objectives: who sets and sees them, criteria, notes, evidence, readiness."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Rubric, RubricCriterion, RubricStatus, RubricVersion
from tests.factories import (
    assign,
    make_comment,
    make_programme,
    make_rubric_version,
    make_second_rater,
)
from tests.review.scoring_cast import CRITERIA, PASSING, Cast, make_cast, score_and_submit


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def _criterion(cast: Cast, code: str, version: RubricVersion | None = None) -> str:
    version = version or cast.version
    row = cast.db.exec(
        select(RubricCriterion).where(
            RubricCriterion.rubric_version_id == version.id, RubricCriterion.code == code
        )
    ).one()
    return str(row.id)


def _body(cast: Cast, **overrides: Any) -> dict[str, Any]:
    return {
        "practitioner_user_id": cast.id("owner"),
        "title": "Ask more open questions",
        "target_date": "2027-03-31",
        "criteria": [
            {"criterion_id": _criterion(cast, "A1"), "target_level": 5},
            {"criterion_id": _criterion(cast, "A2"), "target_level": 4},
        ],
        **overrides,
    }


def _create(cast: Cast, who: str, **overrides: Any) -> Any:
    return cast.client.post(
        f"{cast.org_base}/objectives", json=_body(cast, **overrides), headers=cast.auth(who)
    )


def _created(cast: Cast, who: str = "coach") -> dict[str, Any]:
    response = _create(cast, who)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_coach_sets_an_objective_linked_to_criteria(cast: Cast) -> None:
    objective = _created(cast)
    assert objective["status"] == "open"
    assert objective["created_by_user_id"] == cast.id("coach")
    assert objective["target_date"] == "2027-03-31"
    assert [(c["code"], c["target_level"]) for c in objective["criteria"]] == [("A1", 5), ("A2", 4)]
    assert objective["criteria"][0]["reached_in_window"] == 0
    assert objective["criteria"][0]["ready_window"] == 2
    assert objective["ready_to_mark_achieved"] is False
    actions = cast.db.exec(
        select(AuditEvent.action).where(AuditEvent.resource_id == objective["id"])
    ).all()
    assert actions == ["objective.created"]


def test_who_may_set_an_objective(cast: Cast) -> None:
    for who in ("coach", "coach2", "owner", "lead"):
        assert _create(cast, who).status_code == 201, who
    for who in ("other_coach", "supervisor", "other_practitioner", "second_rater"):
        response = _create(cast, who)
        assert response.status_code == 403, who
        assert response.json()["error"]["code"] == "objective_not_permitted"
    assert _create(cast, "outsider").status_code == 404


def test_bad_objectives_are_refused_with_what_is_wrong(cast: Cast) -> None:
    not_practitioner = _create(cast, "lead", practitioner_user_id=cast.id("coach"))
    assert not_practitioner.status_code == 422
    assert "practitioner_user_id" in not_practitioner.json()["error"]["message"]
    off_scale = _create(
        cast, "coach", criteria=[{"criterion_id": _criterion(cast, "A1"), "target_level": 9}]
    )
    assert off_scale.status_code == 422
    assert off_scale.json()["error"]["problems"] == ["A1: target level 9 is outside the scale 1-5."]
    unknown = uuid.uuid4()
    missing = _create(cast, "coach", criteria=[{"criterion_id": str(unknown), "target_level": 3}])
    assert missing.json()["error"]["problems"] == [f"{unknown}: no such rubric criterion."]
    draft = make_rubric_version(
        cast.db, cast.organisation, cast.programme, *CRITERIA, status=RubricStatus.draft
    )
    drafted = _create(
        cast, "coach", criteria=[{"criterion_id": _criterion(cast, "A1", draft), "target_level": 3}]
    )
    assert drafted.status_code == 422 and "draft" in drafted.json()["error"]["message"]
    foreign_version = make_rubric_version(
        cast.db, cast.elsewhere, make_programme(cast.db, cast.elsewhere), *CRITERIA
    )
    foreign = _create(
        cast,
        "coach",
        criteria=[{"criterion_id": _criterion(cast, "A1", foreign_version), "target_level": 3}],
    )
    assert foreign.status_code == 422 and "no such rubric criterion" in foreign.text


def test_who_sees_an_objective(cast: Cast) -> None:
    objective = _created(cast)
    url = f"/api/v1/objectives/{objective['id']}"
    for who in ("owner", "coach", "coach2", "supervisor", "lead"):
        assert cast.client.get(url, headers=cast.auth(who)).status_code == 200, who
    for who in ("other_coach", "other_practitioner", "second_rater", "outsider"):
        assert cast.client.get(url, headers=cast.auth(who)).status_code == 404, who
    listing = f"{cast.org_base}/objectives"
    for who, count in (("owner", 1), ("supervisor", 1), ("other_coach", 0), ("lead", 1)):
        assert len(cast.client.get(listing, headers=cast.auth(who)).json()) == count, who
    filtered = cast.client.get(listing, params={"status": "achieved"}, headers=cast.auth("lead"))
    assert filtered.json() == []


def test_status_changes_and_who_confirms_achievement(cast: Cast) -> None:
    objective = _created(cast)
    url = f"/api/v1/objectives/{objective['id']}"
    started = cast.client.patch(url, json={"status": "in_progress"}, headers=cast.auth("owner"))
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    assert (
        cast.client.patch(
            url, json={"status": "achieved"}, headers=cast.auth("supervisor")
        ).status_code
        == 403
    )
    assert (
        cast.client.patch(
            url, json={"status": "achieved"}, headers=cast.auth("other_coach")
        ).status_code
        == 404
    )
    done = cast.client.patch(url, json={"status": "achieved"}, headers=cast.auth("coach"))
    assert done.json()["achieved_confirmed_by_user_id"] == cast.id("coach")
    assert done.json()["achieved_at"] is not None
    reopened = cast.client.patch(url, json={"status": "open"}, headers=cast.auth("coach"))
    assert reopened.json()["achieved_at"] is None
    bad = cast.client.patch(url, json={"status": "finished"}, headers=cast.auth("coach"))
    assert bad.status_code == 422
    renamed = cast.client.patch(
        url,
        json={"title": "Open questions at every visit", "criteria": []},
        headers=cast.auth("owner"),
    )
    assert renamed.json()["title"] == "Open questions at every visit"
    assert renamed.json()["criteria"] == []


def test_progress_notes(cast: Cast) -> None:
    objective = _created(cast)
    url = f"/api/v1/objectives/{objective['id']}/notes"
    body = {"body": "Tried it at two visits."}
    assert cast.client.post(url, json=body, headers=cast.auth("owner")).status_code == 201
    assert cast.client.post(url, json=body, headers=cast.auth("supervisor")).status_code == 403
    assert cast.client.post(url, json=body, headers=cast.auth("outsider")).status_code == 404
    read = cast.client.get(f"/api/v1/objectives/{objective['id']}", headers=cast.auth("coach"))
    assert [note["body"] for note in read.json()["notes"]] == ["Tried it at two visits."]


def test_evidence_links_observations_and_comments(cast: Cast) -> None:
    objective = _created(cast)
    url = f"/api/v1/objectives/{objective['id']}/evidence"
    observation = score_and_submit(cast, "coach", PASSING)
    linked = cast.client.post(
        url, json={"kind": "observation", "ref_id": observation["id"]}, headers=cast.auth("owner")
    )
    assert linked.status_code == 201, linked.text
    again = cast.client.post(
        url, json={"kind": "observation", "ref_id": observation["id"]}, headers=cast.auth("coach")
    )
    assert again.status_code == 409
    comment_id = str(make_comment(cast.db, cast.recording, cast.people["coach"]).id)
    comment = cast.client.post(
        url,
        json={"kind": "comment", "ref_id": comment_id, "note": "the bedtime moment"},
        headers=cast.auth("coach"),
    )
    assert comment.status_code == 201
    for kind in ("observation", "comment"):
        unknown = cast.client.post(
            url, json={"kind": kind, "ref_id": str(uuid.uuid4())}, headers=cast.auth("coach")
        )
        assert unknown.status_code == 404
        assert unknown.json()["error"]["code"] == "evidence_not_found"
    supervisor = cast.client.post(
        url, json={"kind": "comment", "ref_id": comment_id}, headers=cast.auth("supervisor")
    )
    assert supervisor.status_code == 403
    read = cast.client.get(f"/api/v1/objectives/{objective['id']}", headers=cast.auth("owner"))
    assert [(e["kind"], e["ref_id"]) for e in read.json()["evidence"]] == [
        ("observation", observation["id"]),
        ("comment", comment_id),
    ]


def test_evidence_must_be_an_observation_of_this_practitioner(cast: Cast) -> None:
    objective = _created(cast)
    assert (
        cast.client.post(
            f"/api/v1/organisations/{cast.organisation.id}/objectives",
            json=_body(cast, practitioner_user_id=cast.id("other_practitioner")),
            headers=cast.auth("lead"),
        ).status_code
        == 201
    )
    other_recording = cast.new_recording("other_practitioner")
    assign(cast.db, cast.organisation, cast.people["coach"], cast.people["other_practitioner"])
    theirs = score_and_submit(cast, "coach", PASSING, recording=other_recording)
    response = cast.client.post(
        f"/api/v1/objectives/{objective['id']}/evidence",
        json={"kind": "observation", "ref_id": theirs["id"]},
        headers=cast.auth("coach"),
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "evidence_not_found"


def _read(cast: Cast, objective: dict[str, Any]) -> dict[str, Any]:
    response = cast.client.get(f"/api/v1/objectives/{objective['id']}", headers=cast.auth("owner"))
    result: dict[str, Any] = response.json()
    return result


def test_ready_to_mark_achieved_when_the_last_observations_reach_the_targets(cast: Cast) -> None:
    objective = _created(cast)  # A1 to 5, A2 to 4, in the last 2 observations
    score_and_submit(cast, "coach", {"A1": 5, "A2": 4, "A3": 1})
    once = _read(cast, objective)
    assert [c["reached_in_window"] for c in once["criteria"]] == [1, 1]
    assert once["ready_to_mark_achieved"] is False
    score_and_submit(cast, "coach", {"A1": 5, "A2": 5, "A3": None}, recording=cast.new_recording())
    assert _read(cast, objective)["ready_to_mark_achieved"] is True
    # A later observation below target on A2 takes it back.
    score_and_submit(cast, "coach", {"A1": 5, "A2": 3, "A3": 5}, recording=cast.new_recording())
    later = _read(cast, objective)
    assert [c["reached_in_window"] for c in later["criteria"]] == [2, 1]
    assert later["ready_to_mark_achieved"] is False


def test_readiness_follows_the_rubric_across_versions_and_settings(cast: Cast) -> None:
    objective = _created(cast)
    score_and_submit(cast, "coach", {"A1": 5, "A2": 4, "A3": 1})
    rubric = cast.db.get(Rubric, cast.version.rubric_id)
    cast.version.status = RubricStatus.retired
    cast.db.add(cast.version)
    cast.db.commit()
    version_2 = make_rubric_version(
        cast.db, cast.organisation, cast.programme, *CRITERIA, rubric=rubric
    )
    cast.version = version_2
    score_and_submit(cast, "coach", {"A1": 5, "A2": 4, "A3": 1}, recording=cast.new_recording())
    assert _read(cast, objective)["ready_to_mark_achieved"] is True
    settings = f"{cast.org_base}/programmes/{cast.programme.id}/review-settings"
    cast.client.patch(settings, json={"objective_ready_window": 3}, headers=cast.auth("lead"))
    waiting = _read(cast, objective)
    assert waiting["ready_to_mark_achieved"] is False
    assert waiting["criteria"][0]["ready_window"] == 3


def test_a_closed_objective_is_not_flagged(cast: Cast) -> None:
    objective = _created(cast)
    for _ in range(2):
        score_and_submit(
            cast, "coach", PASSING | {"A1": 5, "A2": 5}, recording=cast.new_recording()
        )
    assert _read(cast, objective)["ready_to_mark_achieved"] is True
    url = f"/api/v1/objectives/{objective['id']}"
    cast.client.patch(url, json={"status": "dropped"}, headers=cast.auth("coach"))
    assert _read(cast, objective)["ready_to_mark_achieved"] is False


def test_readiness_leaves_out_what_the_reader_rates_blind(cast: Cast) -> None:
    objective = _created(cast)  # A1 to 5, A2 to 4
    score_and_submit(cast, "coach", {"A1": 5, "A2": 4, "A3": 1})
    # Double-coded: coach2, the owner's other coach, now scores it blind, and how many
    # observations reached the targets would tell them how the first coach scored it.
    make_second_rater(cast.db, cast.recording, cast.people["second_rater"])
    url = f"/api/v1/objectives/{objective['id']}"
    as_coach2 = cast.client.get(url, headers=cast.auth("coach2")).json()
    assert [c["reached_in_window"] for c in as_coach2["criteria"]] == [0, 0]
    assert [c["reached_in_window"] for c in _read(cast, objective)["criteria"]] == [1, 1]
    score_and_submit(cast, "coach2", {"A1": 1, "A2": 1, "A3": 1})
    as_coach2 = cast.client.get(url, headers=cast.auth("coach2")).json()
    assert [c["reached_in_window"] for c in as_coach2["criteria"]] == [1, 1]
