"""Scoring a recording: drafts, submission, verdict, amendments, bad input, who may."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Assignment, AuditEvent, Recording, RubricStatus
from tests.factories import make_programme, make_rubric_version
from tests.review.scoring_cast import (
    CRITERIA,
    FAILING,
    PASSING,
    Cast,
    make_cast,
    score_and_submit,
    scores,
    start,
    submit,
)


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def _actions(db: Session, resource_id: str) -> list[str]:
    rows = db.exec(select(AuditEvent).where(AuditEvent.resource_id == resource_id))
    return [row.action for row in rows]


def test_a_coach_saves_a_draft_as_they_go_then_submits(cast: Cast) -> None:
    created = start(cast, "coach", {"A1": 5})
    assert created.status_code == 201, created.text
    draft = created.json()
    assert draft["status"] == "draft" and draft["rater_role"] == "primary"
    assert (draft["criteria_scored"], draft["criteria_total"]) == (1, 3)
    assert draft["weighted_percent"] is None
    url = f"/api/v1/observations/{draft['id']}"
    body = {
        "summary": "Warm, well paced visit.",
        "scores": [
            {
                "code": "A2",
                "level": 4,
                "evidence": "Asked open questions.",
                "moments": [{"at_ms": 61_000, "note": "the question about bedtime"}],
            },
            {"code": "A3", "level": 5},
        ],
    }
    saved = cast.client.patch(url, json=body, headers=cast.auth("coach"))
    assert saved.status_code == 200, saved.text
    assert saved.json()["criteria_scored"] == 3
    assert [s["code"] for s in saved.json()["scores"]] == ["A1", "A2", "A3"]
    assert saved.json()["scores"][0]["level"] == 5  # kept from the first save

    submitted = submit(cast, "coach", draft["id"])
    assert submitted.status_code == 200, submitted.text
    result = submitted.json()
    assert result["status"] == "submitted" and result["submitted_at"] is not None
    assert result["weighted_percent"] == pytest.approx(93.75)
    assert result["meets_fidelity"] is True and result["below_minimum"] == []
    assert result["scores"][1]["moments"] == [
        {"at_ms": 61_000, "note": "the question about bedtime"}
    ]
    assert _actions(cast.db, draft["id"]) == ["observation.created", "observation.submitted"]


def test_the_verdict_counts_na_out_and_applies_minimum_levels(cast: Cast) -> None:
    below = score_and_submit(cast, "coach", FAILING)
    assert below["weighted_percent"] == pytest.approx(75.0)
    assert below["meets_fidelity"] is False
    minimum = score_and_submit(cast, "coach2", {"A1": 1, "A2": 5, "A3": 5})
    # 50 % is below 80 anyway; the point is the minimum level reported for A1.
    assert minimum["below_minimum"] == ["A1"] and minimum["meets_fidelity"] is False


def test_submitting_sets_the_recordings_last_review(cast: Cast) -> None:
    assert cast.recording.last_reviewed_at is None
    result = score_and_submit(cast, "coach", PASSING)
    cast.db.expire_all()
    recording = cast.db.get(Recording, cast.recording.id)
    assert recording is not None and recording.last_reviewed_at is not None
    assert recording.last_reviewed_at.isoformat()[:19] == result["submitted_at"][:19]


def test_submitting_needs_every_criterion(cast: Cast) -> None:
    draft = start(cast, "coach", {"A1": 5}).json()
    response = submit(cast, "coach", draft["id"])
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_scores"
    assert "A2: needs a level or N/A" in error["message"] and "A3" in error["message"]


def test_a_submitted_observation_cannot_be_edited_or_deleted(cast: Cast) -> None:
    result = score_and_submit(cast, "coach", PASSING)
    url = f"/api/v1/observations/{result['id']}"
    edit = cast.client.patch(url, json={"scores": scores({"A1": 1})}, headers=cast.auth("coach"))
    assert edit.status_code == 409
    assert edit.json()["error"]["code"] == "observation_submitted"
    assert "amendment" in edit.json()["error"]["message"]
    assert cast.client.delete(url, headers=cast.auth("coach")).status_code == 409
    assert submit(cast, "coach", result["id"]).status_code == 409


def test_an_amendment_keeps_the_submitted_state_as_a_revision(cast: Cast) -> None:
    result = score_and_submit(cast, "coach", PASSING)
    url = f"/api/v1/observations/{result['id']}"
    body = {"reason": "Misread the A2 descriptor.", "scores": scores({"A2": 1})}
    amended = cast.client.post(f"{url}/amendments", json=body, headers=cast.auth("coach"))
    assert amended.status_code == 200, amended.text
    assert amended.json()["revision"] == 2
    assert amended.json()["weighted_percent"] == pytest.approx(75.0)  # (2 + 0 + 1) / 4
    assert amended.json()["meets_fidelity"] is False
    revisions = cast.client.get(f"{url}/revisions", headers=cast.auth("owner")).json()
    assert [r["revision"] for r in revisions] == [1]
    assert revisions[0]["weighted_percent"] == pytest.approx(93.75)
    assert {s["code"]: s["level"] for s in revisions[0]["scores"]}["A2"] == 4
    assert revisions[0]["reason"] == "Misread the A2 descriptor."
    cast.db.expire_all()
    recording = cast.db.get(Recording, cast.recording.id)
    assert recording is not None and recording.last_reviewed_at is not None
    assert recording.last_reviewed_at.isoformat()[:19] == amended.json()["updated_at"][:19]
    assert "observation.amended" in _actions(cast.db, result["id"])


def test_an_amendment_needs_a_reason_and_a_submitted_observation(cast: Cast) -> None:
    result = score_and_submit(cast, "coach", PASSING)
    url = f"/api/v1/observations/{result['id']}/amendments"
    no_reason = cast.client.post(url, json={"scores": []}, headers=cast.auth("coach"))
    assert no_reason.status_code == 422
    draft = start(cast, "coach2", {"A1": 3}).json()
    on_draft = cast.client.post(
        f"/api/v1/observations/{draft['id']}/amendments",
        json={"reason": "x", "scores": []},
        headers=cast.auth("coach2"),
    )
    assert on_draft.status_code == 409 and on_draft.json()["error"]["code"] == "not_submitted"


def test_only_the_rater_amends(cast: Cast) -> None:
    result = score_and_submit(cast, "coach", PASSING)
    url = f"/api/v1/observations/{result['id']}/amendments"
    body = {"reason": "I disagree", "scores": scores({"A1": 1})}
    for who in ("coach2", "owner", "lead"):
        assert cast.client.post(url, json=body, headers=cast.auth(who)).status_code == 403, who
    for who in ("other_coach", "supervisor", "outsider"):
        assert cast.client.post(url, json=body, headers=cast.auth(who)).status_code == 404, who


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ({"code": "A1", "level": 6}, "A1: level 6 is outside the scale 1-5."),
        ({"code": "A1", "level": 0}, "A1: level 0 is outside the scale 1-5."),
        ({"code": "Z9", "level": 3}, "Z9: no such criterion in this rubric version."),
        (
            {"code": "A1", "not_applicable": True},
            "A1: this criterion may not be marked not applicable.",
        ),
        (
            {"code": "A2", "level": 3, "moments": [{"at_ms": 120_001}]},
            "A2: moment at 120001 ms is past the end of the recording (120000 ms).",
        ),
    ],
)
def test_bad_scores_are_refused_with_what_is_wrong(
    cast: Cast, score: dict[str, object], expected: str
) -> None:
    body = {"rubric_version_id": str(cast.version.id), "scores": [score]}
    url = f"/api/v1/recordings/{cast.recording.id}/observations"
    response = cast.client.post(url, json=body, headers=cast.auth("coach"))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["problems"] == [expected]
    draft = start(cast, "coach").json()
    patched = cast.client.patch(
        f"/api/v1/observations/{draft['id']}", json={"scores": [score]}, headers=cast.auth("coach")
    )
    assert patched.status_code == 422 and patched.json()["error"]["problems"] == [expected]


def test_level_and_na_together_is_a_validation_error(cast: Cast) -> None:
    body = {
        "rubric_version_id": str(cast.version.id),
        "scores": [{"code": "A3", "level": 2, "not_applicable": True}],
    }
    url = f"/api/v1/recordings/{cast.recording.id}/observations"
    response = cast.client.post(url, json=body, headers=cast.auth("coach"))
    assert response.status_code == 422
    assert "not both" in response.json()["error"]["message"]


def test_moments_are_free_when_the_duration_is_unknown(cast: Cast) -> None:
    recording = cast.new_recording(duration_seconds=None)
    created = start(cast, "coach", recording=recording)
    body = {"scores": [{"code": "A2", "level": 3, "moments": [{"at_ms": 9_999_999}]}]}
    url = f"/api/v1/observations/{created.json()['id']}"
    assert cast.client.patch(url, json=body, headers=cast.auth("coach")).status_code == 200


@pytest.mark.parametrize("status", [RubricStatus.draft, RubricStatus.retired])
def test_scoring_against_an_unpublished_version_is_refused(cast: Cast, status: str) -> None:
    version = make_rubric_version(
        cast.db, cast.organisation, cast.programme, *CRITERIA, status=status
    )
    response = start(cast, "coach", version=version)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "rubric_version_not_published"
    assert status in error["message"]


def test_a_version_retired_while_drafting_cannot_be_submitted(cast: Cast) -> None:
    draft = start(cast, "coach", PASSING).json()
    cast.version.status = RubricStatus.retired
    cast.db.add(cast.version)
    cast.db.commit()
    response = submit(cast, "coach", draft["id"])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "rubric_version_not_published"


def test_a_rubric_of_another_programme_or_organisation_is_refused(cast: Cast, db: Session) -> None:
    other = make_programme(db, cast.organisation, name="Family support")
    version = make_rubric_version(db, cast.organisation, other, *CRITERIA)
    wrong = start(cast, "coach", version=version)
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "wrong_programme"
    foreign_programme = make_programme(db, cast.elsewhere)
    foreign = make_rubric_version(db, cast.elsewhere, foreign_programme, *CRITERIA)
    assert start(cast, "coach", version=foreign).status_code == 404


def test_a_recording_that_is_not_ready_cannot_be_scored(cast: Cast) -> None:
    recording = cast.new_recording(status="processing")
    response = start(cast, "coach", recording=recording)
    assert response.status_code == 409 and response.json()["error"]["code"] == "recording_not_ready"


def test_one_observation_per_rater_and_version(cast: Cast) -> None:
    first = start(cast, "coach").json()
    again = start(cast, "coach")
    assert again.status_code == 409
    assert again.json()["error"]["observation_id"] == first["id"]


def test_who_may_score(cast: Cast) -> None:
    """Assigned coaches may; the owner, other coaches, supervisors and leads may not
    (unless made second rater, see test_double_coding); other organisations see nothing."""
    assert start(cast, "coach").status_code == 201
    assert start(cast, "coach2").status_code == 201
    for who in ("owner", "supervisor", "lead"):
        response = start(cast, who)
        assert response.status_code == 403, who
        assert response.json()["error"]["code"] == "not_a_rater"
    # People unrelated to the recording do not learn it exists.
    for who in ("other_coach", "other_practitioner", "outsider"):
        assert start(cast, who).status_code == 404, who


def test_a_draft_is_private_to_its_rater(cast: Cast) -> None:
    draft = start(cast, "coach", {"A1": 3}).json()
    url = f"/api/v1/observations/{draft['id']}"
    assert cast.client.get(url, headers=cast.auth("coach")).status_code == 200
    for who in ("owner", "coach2", "lead", "supervisor", "other_coach", "outsider"):
        assert cast.client.get(url, headers=cast.auth(who)).status_code == 404, who
    listed = cast.client.get(
        f"/api/v1/recordings/{cast.recording.id}/observations", headers=cast.auth("owner")
    )
    assert listed.status_code == 200 and listed.json() == []


def test_who_sees_a_submitted_observation(cast: Cast) -> None:
    """The owner, the practitioner's coaches and leads do; supervisors (fidelity figures
    only), other coaches and other practitioners do not; other organisations get 404."""
    result = score_and_submit(cast, "coach", PASSING)
    url = f"/api/v1/observations/{result['id']}"
    for who in ("coach", "owner", "coach2", "lead"):
        response = cast.client.get(url, headers=cast.auth(who))
        assert response.status_code == 200, who
        assert response.json()["scores"][0]["code"] == "A1"
    for who in ("supervisor", "other_coach", "other_practitioner", "outsider"):
        assert cast.client.get(url, headers=cast.auth(who)).status_code == 404, who
    listing = f"/api/v1/recordings/{cast.recording.id}/observations"
    assert len(cast.client.get(listing, headers=cast.auth("owner")).json()) == 1
    supervised = cast.client.get(listing, headers=cast.auth("supervisor"))
    assert supervised.status_code == 403
    assert supervised.json()["error"]["code"] == "observations_not_permitted"
    assert cast.client.get(listing, headers=cast.auth("outsider")).status_code == 404


def test_a_draft_is_discarded_by_its_rater_only(cast: Cast) -> None:
    draft = start(cast, "coach", {"A1": 3}).json()
    url = f"/api/v1/observations/{draft['id']}"
    assert cast.client.delete(url, headers=cast.auth("coach2")).status_code == 404
    assert cast.client.delete(url, headers=cast.auth("coach")).status_code == 204
    assert cast.client.get(url, headers=cast.auth("coach")).status_code == 404


def test_a_coach_unassigned_while_drafting_loses_the_draft(cast: Cast) -> None:
    draft = start(cast, "coach", PASSING).json()
    assignment = cast.db.exec(
        select(Assignment).where(
            Assignment.staff_user_id == cast.people["coach"].id,
            Assignment.practitioner_user_id == cast.people["owner"].id,
        )
    ).one()
    cast.db.delete(assignment)
    cast.db.commit()
    # Access follows the relationship: with it ends their view of the recording, and of
    # their own draft of it.
    response = submit(cast, "coach", draft["id"])
    assert response.status_code == 404
    url = f"/api/v1/observations/{draft['id']}"
    assert cast.client.get(url, headers=cast.auth("coach")).status_code == 404


def test_observations_across_recordings(cast: Cast) -> None:
    submitted = score_and_submit(cast, "coach", PASSING)
    draft = start(cast, "coach", {"A1": 2}, recording=cast.new_recording()).json()
    url = f"{cast.org_base}/observations"

    def ids(who: str, **params: str) -> list[str]:
        response = cast.client.get(url, params=params, headers=cast.auth(who))
        assert response.status_code == 200, response.text
        return [row["id"] for row in response.json()]

    assert ids("coach") == [draft["id"], submitted["id"]]
    assert ids("coach", status="draft") == [draft["id"]]
    assert ids("owner") == [submitted["id"]]
    assert ids("lead", practitioner_user_id=cast.id("owner")) == [submitted["id"]]
    assert ids("coach2", rater_user_id=cast.id("coach")) == [submitted["id"]]
    for who in ("supervisor", "other_coach", "other_practitioner"):
        assert ids(who) == [], who
    outsider = cast.client.get(url, headers=cast.auth("outsider"))
    assert outsider.status_code == 404
