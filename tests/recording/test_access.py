"""Who sees what: media for the owner, their coaches and granted raters; details for
other members; nothing at all for other organisations."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from app.models import Role
from tests.factories import assign, grant_recording_access, make_ready_recording, make_user
from tests.recording.conftest import People
from tests.recording.helpers import upload_whole


@pytest.fixture
def recording_id(client: TestClient, people: People, auth: Any, video_file: Path) -> str:
    return upload_whole(client, auth(people.practitioner), video_file.read_bytes())


MATRIX = [
    # who, details, media
    ("practitioner", 200, 200),
    ("coach", 200, 200),
    ("other_coach", 404, 404),
    ("supervisor", 200, 403),
    ("lead", 200, 403),
    ("outsider", 404, 404),
]


@pytest.mark.parametrize(("who", "details", "media"), MATRIX)
def test_access_matrix(
    client: TestClient,
    people: People,
    auth: Any,
    recording_id: str,
    who: str,
    details: int,
    media: int,
) -> None:
    headers = auth(getattr(people, who))
    base = f"/api/v1/recordings/{recording_id}"
    answer = client.get(base, headers=headers)
    assert answer.status_code == details
    assert client.get(f"{base}/media", headers=headers).status_code == media
    assert client.get(f"{base}/poster", headers=headers).status_code == media
    if details == 200:
        assert answer.json()["can_view_media"] is (media == 200)
        assert (answer.json()["media_url"] is not None) is (media == 200)


def test_a_lead_grants_a_second_rater_and_takes_it_back(
    client: TestClient, people: People, auth: Any, recording_id: str
) -> None:
    base = f"/api/v1/recordings/{recording_id}"
    rater = auth(people.other_coach)
    body = {"user_id": str(people.other_coach.id)}
    assert (
        client.post(f"{base}/access-grants", headers=auth(people.coach), json=body).status_code
        == 403
    )
    granted = client.post(f"{base}/access-grants", headers=auth(people.lead), json=body)
    assert granted.status_code == 201
    assert client.get(f"{base}/media", headers=rater).status_code == 200
    # Granting again sets the grant's terms anew: still one grant.
    again = client.post(f"{base}/access-grants", headers=auth(people.lead), json=body)
    assert again.status_code == 200
    listed = client.get(f"{base}/access-grants", headers=auth(people.lead)).json()
    assert [item["user_id"] for item in listed] == [str(people.other_coach.id)]
    mine = client.get(
        "/api/v1/recordings", params={"organisation_id": str(people.organisation.id)}, headers=rater
    ).json()
    assert [item["id"] for item in mine] == [recording_id]
    revoked = client.delete(
        f"{base}/access-grants",
        params={"user_id": str(people.other_coach.id)},
        headers=auth(people.lead),
    )
    assert revoked.status_code == 204
    # Without the grant the recording is nothing to them again.
    assert client.get(f"{base}/media", headers=rater).status_code == 404


def test_grants_only_to_coaches_and_leads_of_the_organisation(
    client: TestClient, people: People, auth: Any, recording_id: str, db: Session
) -> None:
    base = f"/api/v1/recordings/{recording_id}/access-grants"
    lead = auth(people.lead)
    supervisor = client.post(base, headers=lead, json={"user_id": str(people.supervisor.id)})
    assert supervisor.status_code == 422
    assert supervisor.json()["error"]["code"] == "invalid_user"
    outsider = client.post(base, headers=lead, json={"user_id": str(people.outsider.id)})
    assert outsider.status_code == 404
    assert outsider.json()["error"]["code"] == "member_not_found"
    outsider_lead = auth(people.outsider)
    body = {"user_id": str(people.other_coach.id)}
    assert client.post(base, headers=outsider_lead, json=body).status_code == 404


def test_lists_show_what_each_person_may_see(
    client: TestClient, people: People, auth: Any, recording_id: str, db: Session, video_file: Path
) -> None:
    stranger = make_user(db, people.organisation, Role.practitioner)
    theirs = upload_whole(client, auth(stranger), video_file.read_bytes())
    params = {"organisation_id": str(people.organisation.id)}

    def visible(user: Any) -> set[str]:
        answer = client.get("/api/v1/recordings", params=params, headers=auth(user))
        assert answer.status_code == 200
        return {item["id"] for item in answer.json()}

    assert visible(people.practitioner) == {recording_id}
    assert visible(stranger) == {theirs}
    assert visible(people.coach) == {recording_id}
    assert visible(people.other_coach) == set()
    assert visible(people.supervisor) == {recording_id}
    assert visible(people.lead) == {recording_id, theirs}
    outsider = client.get("/api/v1/recordings", params=params, headers=auth(people.outsider))
    assert outsider.status_code == 404


def test_a_list_shows_for_each_recording_whether_its_media_may_be_watched(
    client: TestClient, people: People, auth: Any, db: Session, app: Any
) -> None:
    """The list answers `can_view_media` as opening each recording would, in a fixed number
    of queries per page however many recordings are on it."""
    engine = app.state.engine
    other_practitioner = make_user(db, people.organisation, Role.practitioner)
    assign(db, people.organisation, people.supervisor, other_practitioner, "supervisor")
    params = {"organisation_id": str(people.organisation.id)}

    def listing_with_query_count(user: Any) -> tuple[dict[str, bool], int]:
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            answer = client.get("/api/v1/recordings", params=params, headers=auth(user))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert answer.status_code == 200
        return {item["id"]: item["can_view_media"] for item in answer.json()}, len(statements)

    def add_recordings(count: int) -> None:
        for index in range(count):
            owner = people.practitioner if index % 2 else other_practitioner
            recording = make_ready_recording(db, people.organisation, owner)
            if index % 3 == 0:
                grant_recording_access(db, recording, people.supervisor)

    add_recordings(2)
    listing_with_query_count(people.coach)  # the first request of a sign-in does a little more
    _, few = listing_with_query_count(people.coach)
    add_recordings(8)
    for user in (people.coach, people.supervisor, people.lead, people.practitioner):
        listed, queries = listing_with_query_count(user)
        assert listed, user
        for recording_id, can_view in listed.items():
            single = client.get(f"/api/v1/recordings/{recording_id}", headers=auth(user)).json()
            assert single["can_view_media"] is can_view, (user.email, recording_id)
        if user is people.coach:
            assert queries == few  # 10 recordings cost what 2 did
