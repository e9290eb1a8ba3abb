"""The leaks that made us write the rules once, each replayed as a person would meet it.

Every test here failed before app/access/ held the rules: a recording's details open to any
member, blind double coding that was not blind, a second rater's calibration score shown
to the practitioner as feedback, access that outlived the relationship it came from, and
evidence links to things of another organisation.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Organisation, Recording, RecordingStatus, Role, User
from app.models.base import utcnow
from app.models.rubric import RubricVersion
from tests.factories import (
    assign,
    grant_recording_access,
    make_comment,
    make_objective,
    make_observation,
    make_organisation,
    make_programme,
    make_ready_recording,
    make_rubric_version,
    make_second_rater,
    make_user,
    membership_id,
    token_for,
)


@dataclass
class Team:
    organisation: Organisation
    lead: User
    coach: User
    coach2: User
    supervisor: User
    practitioner: User
    practitioner2: User
    version: RubricVersion
    recording: Recording


@pytest.fixture
def team(db: Session) -> Team:
    """The demo organisation's shape: coach and coach2 both coach practitioner, the
    supervisor supervises both practitioners."""
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    coach = make_user(db, organisation, Role.coach)
    coach2 = make_user(db, organisation, Role.coach)
    supervisor = make_user(db, organisation, Role.supervisor)
    practitioner = make_user(db, organisation, Role.practitioner)
    practitioner2 = make_user(db, organisation, Role.practitioner)
    for staff in (coach, coach2):
        assign(db, organisation, staff, practitioner)
    for someone in (practitioner, practitioner2):
        assign(db, organisation, supervisor, someone, kind="supervisor")
    programme = make_programme(db, organisation)
    version = make_rubric_version(db, organisation, programme)
    recording = make_ready_recording(db, organisation, practitioner, programme=programme)
    return Team(
        organisation,
        lead,
        coach,
        coach2,
        supervisor,
        practitioner,
        practitioner2,
        version,
        recording,
    )


@pytest.fixture
def auth(client: TestClient) -> Any:
    cache: dict[str, dict[str, str]] = {}

    def headers(user: User) -> dict[str, str]:
        if user.email not in cache:
            cache[user.email] = token_for(client, user)
        return cache[user.email]

    return headers


def _url(recording: Recording, part: str = "") -> str:
    return f"/api/v1/recordings/{recording.id}{part}"


def test_a_practitioner_cannot_read_another_practitioners_recording(
    client: TestClient, team: Team, auth: Any
) -> None:
    headers = auth(team.practitioner2)
    for part in ("", "/media", "/poster", "/comments", "/observations", "/reflection"):
        answer = client.get(_url(team.recording, part), headers=headers)
        assert answer.status_code == 404, part
        assert answer.json()["error"]["message"] == "Recording not found."
    assert client.get(_url(team.recording), headers=auth(team.supervisor)).status_code == 200


def test_the_supervisor_sees_details_but_not_media_or_conversation(
    client: TestClient, team: Team, auth: Any
) -> None:
    headers = auth(team.supervisor)
    details = client.get(_url(team.recording), headers=headers)
    assert details.status_code == 200
    assert details.json()["can_view_media"] is False
    for part, code in (
        ("/media", "media_not_permitted"),
        ("/comments", "conversation_not_permitted"),
        ("/observations", "observations_not_permitted"),
    ):
        answer = client.get(_url(team.recording, part), headers=headers)
        assert answer.status_code == 403, part
        assert answer.json()["error"]["code"] == code


def _organisation_fidelity(client: TestClient, team: Team, user: User, auth: Any) -> Any:
    answer = client.get(
        f"/api/v1/organisations/{team.organisation.id}/fidelity", headers=auth(user)
    )
    assert answer.status_code == 200
    return answer.json()


def test_a_second_rater_is_blind_on_every_route_until_they_submit(
    client: TestClient, db: Session, team: Team, auth: Any
) -> None:
    first = make_observation(
        db, team.recording, team.coach, team.version, {"A1": 5, "A2": 5}, submitted_at=utcnow()
    )
    tagged = make_comment(db, team.recording, team.coach, body="Warm, well-paced praise")
    tagged.criterion_code = "A1"
    db.add(tagged)
    db.commit()
    own_thread = make_comment(db, team.recording, team.practitioner, body="My question")
    make_second_rater(db, team.recording, team.coach2)
    headers = auth(team.coach2)

    assert client.get(f"/api/v1/observations/{first.id}", headers=headers).status_code == 404
    listed = client.get(_url(team.recording, "/observations"), headers=headers).json()
    assert listed == []
    comments = client.get(_url(team.recording, "/comments"), headers=headers).json()
    assert [thread["id"] for thread in comments] == [str(own_thread.id)]
    assert client.get(f"/api/v1/comments/{tagged.id}", headers=headers).status_code == 404
    statuses = _organisation_fidelity(client, team, team.coach2, auth)
    assert all(status["latest"] == [] for status in statuses)

    mine = make_observation(
        db, team.recording, team.coach2, team.version, {"A1": 2, "A2": 2}, submitted_at=utcnow()
    )
    listed = client.get(_url(team.recording, "/observations"), headers=headers).json()
    assert {row["id"] for row in listed} == {str(first.id), str(mine.id)}
    comments = client.get(_url(team.recording, "/comments"), headers=headers).json()
    assert {thread["id"] for thread in comments} == {str(tagged.id), str(own_thread.id)}
    latest = _organisation_fidelity(client, team, team.coach2, auth)[0]["latest"]
    assert [row["observation_id"] for row in latest] == [str(first.id)]


def test_second_ratings_are_not_feedback_unless_the_programme_says_so(
    client: TestClient, db: Session, team: Team, auth: Any
) -> None:
    primary = make_observation(
        db, team.recording, team.coach, team.version, {"A1": 5, "A2": 5}, submitted_at=utcnow()
    )
    make_second_rater(db, team.recording, team.coach2)
    second = make_observation(
        db,
        team.recording,
        team.coach2,
        team.version,
        {"A1": 1, "A2": 1},
        submitted_at=utcnow(),
        rater_role="second",
    )
    other = make_ready_recording(
        db, team.organisation, team.practitioner, programme=None
    )  # a second recording, rated only by the second rater
    other.programme_id = team.recording.programme_id
    db.add(other)
    db.commit()
    only_second = make_observation(
        db,
        other,
        team.coach2,
        team.version,
        {"A1": 1, "A2": 1},
        submitted_at=utcnow(),
        rater_role="second",
    )
    owner = auth(team.practitioner)
    assert client.get(f"/api/v1/observations/{second.id}", headers=owner).status_code == 404
    seen = client.get(_url(team.recording, "/observations"), headers=owner).json()
    assert [row["id"] for row in seen] == [str(primary.id)]
    status = _organisation_fidelity(client, team, team.practitioner, auth)[0]
    assert status["observations"] == 1
    assert [row["observation_id"] for row in status["latest"]] == [str(primary.id)]

    programme_id = team.recording.programme_id
    settings_url = (
        f"/api/v1/organisations/{team.organisation.id}/programmes/{programme_id}/review-settings"
    )
    changed = client.patch(
        settings_url, headers=auth(team.lead), json={"second_ratings_are_feedback": True}
    )
    assert changed.status_code == 200
    assert changed.json()["second_ratings_are_feedback"] is True
    assert client.get(f"/api/v1/observations/{second.id}", headers=owner).status_code == 200
    status = _organisation_fidelity(client, team, team.practitioner, auth)[0]
    assert status["observations"] == 2
    assert str(only_second.id) in {row["observation_id"] for row in status["latest"]}


def _change_roles(
    client: TestClient, team: Team, user: User, db: Session, auth: Any, *roles: str
) -> None:
    url = f"/api/v1/organisations/{team.organisation.id}/members/"
    answer = client.patch(
        url + str(membership_id(db, team.organisation, user)),
        headers=auth(team.lead),
        json={"roles": list(roles)},
    )
    assert answer.status_code == 200, answer.text


def test_access_ends_with_the_role_that_gave_it(
    client: TestClient, db: Session, team: Team, auth: Any
) -> None:
    outsider_coach = make_user(db, team.organisation, Role.coach)
    granted = client.post(
        _url(team.recording, "/access-grants"),
        headers=auth(team.lead),
        json={"user_id": str(outsider_coach.id)},
    )
    assert granted.status_code == 201
    headers = auth(outsider_coach)
    assert client.get(_url(team.recording, "/comments"), headers=headers).status_code == 200

    _change_roles(client, team, outsider_coach, db, auth, "supervisor")
    for part in ("", "/media", "/poster", "/comments"):
        assert client.get(_url(team.recording, part), headers=headers).status_code == 404, part
    body = {"start_ms": 1000, "body": "Still here?"}
    posted = client.post(_url(team.recording, "/comments"), headers=headers, json=body)
    assert posted.status_code == 404
    ended = db.exec(
        select(AuditEvent).where(AuditEvent.action == "membership.relations_ended")
    ).all()
    assert len(ended) == 1
    assert ended[0].details["access_grants"] == [str(team.recording.id)]


def test_a_member_removed_and_added_back_starts_from_nothing(
    client: TestClient, db: Session, team: Team, auth: Any
) -> None:
    rater = make_user(db, team.organisation, Role.coach)
    make_second_rater(db, team.recording, rater)
    grant_recording_access(db, team.recording, rater)
    lead = auth(team.lead)
    url = f"/api/v1/organisations/{team.organisation.id}/members/"
    removed = client.delete(url + str(membership_id(db, team.organisation, rater)), headers=lead)
    assert removed.status_code == 204
    make_user_membership_again(db, team.organisation, rater, Role.supervisor)
    headers = auth(rater)
    params = {"organisation_id": str(team.organisation.id)}
    assert client.get("/api/v1/recordings", params=params, headers=headers).json() == []
    scoring = {"rubric_version_id": str(team.version.id), "scores": []}
    opened = client.post(_url(team.recording, "/observations"), headers=headers, json=scoring)
    assert opened.status_code == 404


def make_user_membership_again(
    db: Session, organisation: Organisation, user: User, *roles: Role
) -> None:
    from app.models import Membership, MembershipRole

    membership = Membership(organisation_id=organisation.id, user_id=user.id)
    db.add(membership)
    db.flush()
    db.add_all(MembershipRole(membership_id=membership.id, role=role) for role in roles)
    db.commit()


def test_evidence_links_only_to_what_the_linker_may_see(
    client: TestClient, db: Session, team: Team, auth: Any
) -> None:
    objective = make_objective(db, team.organisation, team.practitioner)
    elsewhere = make_organisation(db)
    stranger = make_user(db, elsewhere, Role.practitioner)
    foreign = make_comment(db, make_ready_recording(db, elsewhere, stranger), stranger)
    of_practitioner2 = make_comment(
        db, make_ready_recording(db, team.organisation, team.practitioner2), team.practitioner2
    )
    own = make_comment(db, team.recording, team.coach)
    url = f"/api/v1/objectives/{objective.id}/evidence"
    headers = auth(team.coach)
    for comment in (foreign, of_practitioner2):
        answer = client.post(
            url, headers=headers, json={"kind": "comment", "ref_id": str(comment.id)}
        )
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "evidence_not_found"
    linked = client.post(url, headers=headers, json={"kind": "comment", "ref_id": str(own.id)})
    assert linked.status_code == 201
    # The supervisor follows the objective but not the comment it links to.
    shown = client.get(f"/api/v1/objectives/{objective.id}", headers=auth(team.supervisor))
    assert shown.status_code == 200
    assert shown.json()["evidence"] == []
    assert (
        len(client.get(f"/api/v1/objectives/{objective.id}", headers=headers).json()["evidence"])
        == 1
    )


def test_a_lead_watching_a_recording_says_why_and_the_practitioner_is_told(
    client: TestClient, db: Session, team: Team, auth: Any
) -> None:
    lead = auth(team.lead)
    url = _url(team.recording, "/access-grants")
    assert client.get(_url(team.recording, "/media"), headers=lead).status_code == 403
    refused = client.post(url, headers=lead, json={"user_id": str(team.lead.id)})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "reason_required"
    reason = "Safeguarding review requested by the family's social worker"
    granted = client.post(url, headers=lead, json={"user_id": str(team.lead.id), "reason": reason})
    assert granted.status_code == 201
    # Granted: the lead may now play it (the bytes of this test recording are not stored).
    assert client.get(_url(team.recording, "/media"), headers=lead).status_code == 410
    seen = client.get(_url(team.recording), headers=auth(team.practitioner)).json()
    assert [(g["user_id"], g["reason"]) for g in seen["access_grants"]] == [
        (str(team.lead.id), reason)
    ]
    assert (
        client.get(_url(team.recording), headers=auth(team.coach)).json()["access_grants"] is None
    )
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "recording.access_granted")).one()
    assert event.details["self_granted"] is True
    assert event.details["reason"] == reason


def test_ids_that_name_nothing_the_caller_may_see_are_404(
    client: TestClient, db: Session, team: Team, auth: Any
) -> None:
    headers = auth(team.coach)
    for url in (
        "/api/v1/recordings/not-an-id",
        "/api/v1/recordings/not-an-id/media",
        "/api/v1/observations/12345",
        f"/api/v1/organisations/{team.organisation.id}/rubrics/{team.version.rubric_id}/versions/x",
    ):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 404, url
        assert answer.json()["error"]["code"] == "not_found"
    # Consent withdrawn: a tombstone for the practitioner and leads, nothing for anyone else.
    team.recording.status = RecordingStatus.deleted
    team.recording.deleted_at = utcnow()
    db.add(team.recording)
    db.commit()
    for user in (team.coach, team.supervisor):
        assert client.get(_url(team.recording), headers=auth(user)).status_code == 404
    for user in (team.practitioner, team.lead):
        assert client.get(_url(team.recording), headers=auth(user)).json()["status"] == "deleted"
