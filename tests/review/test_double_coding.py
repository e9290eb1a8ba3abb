"""Double coding: second raters, blind scoring, gold standards and the every-Nth rule."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Recording, RecordingAccessGrant, SecondRaterAssignment
from tests.review.scoring_cast import (
    FAILING,
    PASSING,
    Cast,
    make_cast,
    score_and_submit,
    start,
    submit,
)


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def _assign(cast: Cast, who: str, user: str = "second_rater", recording: Recording | None = None):  # type: ignore[no-untyped-def]
    recording = recording or cast.recording
    return cast.client.post(
        f"/api/v1/recordings/{recording.id}/second-raters",
        json={"user_id": cast.id(user)},
        headers=cast.auth(who),
    )


def _grants(cast: Cast, recording: Recording | None = None) -> set[str]:
    cast.db.expire_all()
    recording_id = (recording or cast.recording).id
    rows = cast.db.exec(
        select(RecordingAccessGrant.user_id).where(
            RecordingAccessGrant.recording_id == recording_id
        )
    )
    return {str(user_id) for user_id in rows}


def test_a_lead_assigns_a_second_rater_who_may_then_score(cast: Cast) -> None:
    response = _assign(cast, "lead")
    assert response.status_code == 201, response.text
    assert response.json()["source"] == "lead"
    assert response.json()["assigned_by_user_id"] == cast.id("lead")
    # The assignment itself lets them watch the media; no separate grant is made.
    assert _grants(cast) == set()
    seen = cast.client.get(
        f"/api/v1/recordings/{cast.recording.id}", headers=cast.auth("second_rater")
    )
    assert seen.json()["can_view_media"] is True
    actions = cast.db.exec(
        select(AuditEvent.action).where(AuditEvent.resource_id == str(cast.recording.id))
    ).all()
    assert "observation.second_rater_assigned" in actions
    created = start(cast, "second_rater", PASSING)
    assert created.status_code == 201 and created.json()["rater_role"] == "second"
    listed = cast.client.get(
        f"/api/v1/recordings/{cast.recording.id}/second-raters", headers=cast.auth("lead")
    )
    assert [row["rater_user_id"] for row in listed.json()] == [cast.id("second_rater")]


def test_only_leads_assign_and_list_second_raters(cast: Cast) -> None:
    listing = f"/api/v1/recordings/{cast.recording.id}/second-raters"
    for who in ("coach", "owner", "supervisor"):
        assert _assign(cast, who).status_code == 403, who
        assert cast.client.get(listing, headers=cast.auth(who)).status_code == 403, who
    # Not yet a rater of it: the recording is not theirs to know about.
    for who in ("second_rater", "outsider"):
        assert _assign(cast, who).status_code == 404, who
        assert cast.client.get(listing, headers=cast.auth(who)).status_code == 404, who
    assert _grants(cast) == set()


@pytest.mark.parametrize(
    ("user", "status", "message"),
    [
        ("owner", 422, "user_id: must be a coach or lead"),
        ("supervisor", 422, "user_id: must be a coach or lead"),
        ("outsider", 404, "No member of this organisation has this id."),
    ],
)
def test_a_second_rater_must_be_a_coach_here(
    cast: Cast, user: str, status: int, message: str
) -> None:
    response = _assign(cast, "lead", user=user)
    assert response.status_code == status
    assert response.json()["error"]["message"].startswith(message)


def test_someone_already_rating_cannot_be_second_rater(cast: Cast) -> None:
    assert _assign(cast, "lead").status_code == 201
    assert _assign(cast, "lead").status_code == 409
    start(cast, "coach")
    again = _assign(cast, "lead", user="coach")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rater"


def test_a_lead_withdraws_a_second_rater_until_they_submit(cast: Cast) -> None:
    first = _assign(cast, "lead").json()
    url = f"/api/v1/second-raters/{first['id']}"
    for who in ("coach", "second_rater", "owner"):
        assert cast.client.delete(url, headers=cast.auth(who)).status_code == 403, who
    assert cast.client.delete(url, headers=cast.auth("outsider")).status_code == 404
    assert cast.client.delete(url, headers=cast.auth("lead")).status_code == 204
    assert _grants(cast) == set()
    again = _assign(cast, "lead").json()
    score_and_submit(cast, "second_rater", PASSING)
    late = cast.client.delete(f"/api/v1/second-raters/{again['id']}", headers=cast.auth("lead"))
    assert late.status_code == 409


def test_raters_are_blind_to_each_other_until_both_submitted(cast: Cast) -> None:
    _assign(cast, "lead")
    first = score_and_submit(cast, "coach", PASSING)
    first_url = f"/api/v1/observations/{first['id']}"
    listing = f"/api/v1/recordings/{cast.recording.id}/observations"
    # The second rater, before starting and while drafting, sees no other scores.
    assert cast.client.get(first_url, headers=cast.auth("second_rater")).status_code == 404
    second = start(cast, "second_rater", FAILING).json()
    assert cast.client.get(first_url, headers=cast.auth("second_rater")).status_code == 404
    own = cast.client.get(listing, headers=cast.auth("second_rater")).json()
    assert [row["id"] for row in own] == [second["id"]]
    # So is the other assigned coach, a potential rater of this double-coded recording.
    assert cast.client.get(first_url, headers=cast.auth("coach2")).status_code == 404
    # The first rater does not see the second's draft either.
    second_url = f"/api/v1/observations/{second['id']}"
    assert cast.client.get(second_url, headers=cast.auth("coach")).status_code == 404
    # The practitioner and the lead see the submitted one.
    assert cast.client.get(first_url, headers=cast.auth("owner")).status_code == 200
    assert cast.client.get(first_url, headers=cast.auth("lead")).status_code == 200

    assert submit(cast, "second_rater", second["id"]).status_code == 200
    assert cast.client.get(first_url, headers=cast.auth("second_rater")).status_code == 200
    assert cast.client.get(second_url, headers=cast.auth("coach")).status_code == 200
    both = cast.client.get(listing, headers=cast.auth("second_rater")).json()
    assert {row["rater_role"] for row in both} == {"primary", "second"}


def test_two_assigned_coaches_scoring_are_blind_while_drafting(cast: Cast) -> None:
    first = score_and_submit(cast, "coach", PASSING)
    start(cast, "coach2", {"A1": 2})
    url = f"/api/v1/observations/{first['id']}"
    assert cast.client.get(url, headers=cast.auth("coach2")).status_code == 404


def test_a_lead_marks_a_gold_standard(cast: Cast) -> None:
    _assign(cast, "lead")
    first = score_and_submit(cast, "coach", PASSING)
    second = score_and_submit(cast, "second_rater", FAILING)
    gold = {"is_gold_standard": True}
    first_url = f"/api/v1/observations/{first['id']}/gold-standard"
    for who in ("coach", "second_rater", "owner"):
        assert cast.client.put(first_url, json=gold, headers=cast.auth(who)).status_code == 403
    for who in ("supervisor", "other_coach", "outsider"):
        assert cast.client.put(first_url, json=gold, headers=cast.auth(who)).status_code == 404
    marked = cast.client.put(first_url, json=gold, headers=cast.auth("lead"))
    assert marked.status_code == 200 and marked.json()["is_gold_standard"] is True
    second_url = f"/api/v1/observations/{second['id']}/gold-standard"
    assert cast.client.put(second_url, json=gold, headers=cast.auth("lead")).status_code == 200
    again = cast.client.get(f"/api/v1/observations/{first['id']}", headers=cast.auth("lead"))
    assert again.json()["is_gold_standard"] is False  # one gold standard per recording
    actions = cast.db.exec(
        select(AuditEvent.action).where(AuditEvent.resource_id == second["id"])
    ).all()
    assert "observation.gold_standard_set" in actions


def test_a_draft_cannot_be_a_gold_standard(cast: Cast) -> None:
    draft = start(cast, "coach", PASSING).json()
    # Drafts are private: even a lead does not see this one.
    url = f"/api/v1/observations/{draft['id']}/gold-standard"
    response = cast.client.put(url, json={"is_gold_standard": True}, headers=cast.auth("lead"))
    assert response.status_code == 404
    assert submit(cast, "coach", draft["id"]).status_code == 200
    response = cast.client.put(url, json={"is_gold_standard": True}, headers=cast.auth("lead"))
    assert response.status_code == 200


def _settings_url(cast: Cast) -> str:
    return f"{cast.org_base}/programmes/{cast.programme.id}/review-settings"


def test_review_settings_have_defaults_and_only_leads_change_them(cast: Cast) -> None:
    defaults = cast.client.get(_settings_url(cast), headers=cast.auth("owner"))
    assert defaults.status_code == 200
    assert defaults.json()["double_coding_every_nth"] is None
    assert defaults.json()["certification_passes"] == 3
    for who in ("coach", "supervisor", "owner"):
        body = {"double_coding_every_nth": 2}
        assert (
            cast.client.patch(_settings_url(cast), json=body, headers=cast.auth(who)).status_code
            == 403
        )
    assert cast.client.get(_settings_url(cast), headers=cast.auth("outsider")).status_code == 404
    changed = cast.client.patch(
        _settings_url(cast), json={"double_coding_every_nth": 2}, headers=cast.auth("lead")
    )
    assert changed.status_code == 200 and changed.json()["double_coding_every_nth"] == 2
    kept = cast.client.patch(
        _settings_url(cast), json={"drift_drop_points": 5}, headers=cast.auth("lead")
    )
    assert kept.json()["double_coding_every_nth"] == 2 and kept.json()["drift_drop_points"] == 5
    bad = cast.client.patch(
        _settings_url(cast), json={"double_coding_every_nth": 0}, headers=cast.auth("lead")
    )
    assert bad.status_code == 422


def test_every_nth_reviewed_recording_gets_a_second_rater(cast: Cast) -> None:
    cast.client.patch(
        _settings_url(cast), json={"double_coding_every_nth": 2}, headers=cast.auth("lead")
    )
    recordings = [cast.recording, cast.new_recording(), cast.new_recording(), cast.new_recording()]
    for recording in recordings:
        score_and_submit(cast, "coach", PASSING, recording=recording)
    cast.db.expire_all()
    assigned = cast.db.exec(select(SecondRaterAssignment)).all()
    assert sorted(str(row.recording_id) for row in assigned) == sorted(
        str(recording.id) for recording in (recordings[1], recordings[3])
    )
    assert {(str(row.rater_user_id), row.source) for row in assigned} == {
        (cast.id("coach2"), "rule")
    }
    seen = cast.client.get(f"/api/v1/recordings/{recordings[1].id}", headers=cast.auth("coach2"))
    assert seen.json()["can_view_media"] is True
    # The chosen rater scores as second rater; a second submission does not trigger again.
    created = start(cast, "coach2", PASSING, recording=recordings[1])
    assert created.json()["rater_role"] == "second"
    assert submit(cast, "coach2", created.json()["id"]).status_code == 200
    assert len(cast.db.exec(select(SecondRaterAssignment)).all()) == 2


def test_the_rule_says_so_when_nobody_is_free(cast: Cast) -> None:
    cast.client.patch(
        _settings_url(cast), json={"double_coding_every_nth": 1}, headers=cast.auth("lead")
    )
    score_and_submit(cast, "coach", PASSING)
    second = cast.new_recording()
    score_and_submit(cast, "coach2", PASSING, recording=second)  # coach is free for this one
    third = cast.new_recording()
    start_first = start(cast, "coach", PASSING, recording=third).json()
    start(cast, "coach2", PASSING, recording=third)  # both assigned coaches are raters now
    assert submit(cast, "coach", start_first["id"]).status_code == 200
    cast.db.expire_all()
    actions = cast.db.exec(
        select(AuditEvent.action).where(AuditEvent.resource_id == str(third.id))
    ).all()
    assert "observation.second_rater_unavailable" in actions


def test_a_lead_may_be_second_rater_and_is_blind_too(cast: Cast) -> None:
    first = score_and_submit(cast, "coach", PASSING)
    assert _assign(cast, "lead", user="lead").status_code == 201
    url = f"/api/v1/observations/{first['id']}"
    assert cast.client.get(url, headers=cast.auth("lead")).status_code == 404
    own = score_and_submit(cast, "lead", FAILING)
    assert own["rater_role"] == "second"
    assert cast.client.get(url, headers=cast.auth("lead")).status_code == 200


def test_a_blind_lead_finds_no_other_raters_verdict_in_the_audit_trail(cast: Cast) -> None:
    first = score_and_submit(cast, "coach", PASSING)
    assert _assign(cast, "lead", user="lead").status_code == 201
    trail = f"{cast.org_base}/audit-events"
    about_first = {"resource_type": "observation", "resource_id": first["id"]}
    headers = cast.auth("lead")
    # The trail's events about it carry the verdict (weighted percent, meets fidelity).
    assert cast.client.get(trail, params=about_first, headers=headers).json() == []
    as_csv = cast.client.get(trail, params={**about_first, "format": "csv"}, headers=headers)
    assert as_csv.text.strip().count("\n") == 0  # the header row alone
    actions = cast.client.get(trail, params={"actor_user_id": cast.id("coach")}, headers=headers)
    assert [event["action"] for event in actions.json()] == []
    score_and_submit(cast, "lead", FAILING)
    seen = cast.client.get(trail, params=about_first, headers=headers).json()
    assert {event["action"] for event in seen} == {"observation.created", "observation.submitted"}
