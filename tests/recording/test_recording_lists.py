"""Recordings lists people can scan and narrow: who each recording is of and who coaches
them, its comments the reader has not seen, and filters that only ever narrow what the
access rule lets them see."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Comment, MembershipRole, Recording, RecordingStatus, Role, User
from app.models.base import utcnow
from tests.factories import (
    assign,
    grant_recording_access,
    make_comment,
    make_observation,
    make_programme,
    make_ready_recording,
    make_rubric_version,
    make_second_rater,
    make_user,
    membership_id,
)
from tests.recording.conftest import People

LIST = "/api/v1/recordings"


def listed(client: TestClient, headers: dict[str, str], people: People, **filters: Any) -> Any:
    params = {"organisation_id": str(people.organisation.id), **filters}
    answer = client.get(LIST, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def row_of(
    client: TestClient, headers: dict[str, str], people: People, recording: Recording
) -> Any:
    rows = {row["id"]: row for row in listed(client, headers, people)}
    return rows[str(recording.id)]


def named(db: Session, user: User, name: str) -> User:
    user.display_name = name
    db.add(user)
    db.commit()
    return user


def reply(db: Session, root: Comment, author: User, body: str = "Agreed") -> Comment:
    comment = Comment(
        organisation_id=root.organisation_id,
        recording_id=root.recording_id,
        parent_id=root.id,
        author_user_id=author.id,
        body=body,
    )
    db.add(comment)
    db.commit()
    return comment


def test_each_recording_names_its_practitioner_and_coaches(
    client: TestClient, db: Session, people: People, auth: Any
) -> None:
    named(db, people.practitioner, "Pat Practitioner")
    named(db, people.coach, "Cleo Coach")
    named(db, people.other_coach, "Ade Coach")
    assign(db, people.organisation, people.other_coach, people.practitioner)
    recording = make_ready_recording(db, people.organisation, people.practitioner)
    for who in (people.practitioner, people.coach, people.supervisor, people.lead):
        row = row_of(client, auth(who), people, recording)
        assert row["practitioner_name"] == "Pat Practitioner"
        assert [coach["name"] for coach in row["coaches"]] == ["Ade Coach", "Cleo Coach"]
        assert row["duration_seconds"] == 120.0
    # A coach who loses the coach role stops being named, as they stop seeing the media.
    member = membership_id(db, people.organisation, people.other_coach)
    db.delete(db.get(MembershipRole, (member, Role.coach)))
    db.commit()
    row = row_of(client, auth(people.practitioner), people, recording)
    assert [coach["name"] for coach in row["coaches"]] == ["Cleo Coach"]
    guest = make_user(db, people.organisation, Role.guest)
    grant_recording_access(db, recording, guest)
    shared = row_of(client, auth(guest), people, recording)
    # A guest reviewer knows the recording, not the team.
    assert shared["practitioner_name"] is None and shared["coaches"] is None


def test_unread_comments_count_others_comments_since_the_reader_last_looked(
    client: TestClient, db: Session, people: People, auth: Any
) -> None:
    recording = make_ready_recording(db, people.organisation, people.practitioner)
    practitioner, coach = auth(people.practitioner), auth(people.coach)
    thread = make_comment(db, recording, people.coach, body="Lovely warm greeting")
    make_comment(db, recording, people.coach, start_ms=5000)
    reply(db, thread, people.practitioner)

    assert row_of(client, practitioner, people, recording)["unread_comments"] == 2
    assert row_of(client, coach, people, recording)["unread_comments"] == 1
    # Supervisors and leads take no part in the conversation: there is nothing to count.
    assert row_of(client, auth(people.supervisor), people, recording)["unread_comments"] is None
    assert row_of(client, auth(people.lead), people, recording)["unread_comments"] is None

    seen = client.put(f"{LIST}/{recording.id}/seen", headers=practitioner)
    assert seen.status_code == 200, seen.text
    assert seen.json()["recording_id"] == str(recording.id)
    assert row_of(client, practitioner, people, recording)["unread_comments"] == 0
    # Marking seen again is harmless; the coach's count is their own.
    assert client.put(f"{LIST}/{recording.id}/seen", headers=practitioner).status_code == 200
    assert row_of(client, coach, people, recording)["unread_comments"] == 1

    later = make_comment(db, recording, people.coach, start_ms=9000)
    reply(db, thread, people.coach, body="And the goodbye too")
    assert row_of(client, practitioner, people, recording)["unread_comments"] == 2
    # A deleted comment is nothing to read.
    later.deleted_at = utcnow()
    db.add(later)
    db.commit()
    assert row_of(client, practitioner, people, recording)["unread_comments"] == 1
    # The single read says the same as the list.
    single = client.get(f"{LIST}/{recording.id}", headers=practitioner).json()
    assert single["unread_comments"] == 1


def test_seen_is_for_people_in_the_conversation(
    client: TestClient, db: Session, people: People, auth: Any
) -> None:
    recording = make_ready_recording(db, people.organisation, people.practitioner)
    url = f"{LIST}/{recording.id}/seen"
    for who, status in (
        (people.coach, 200),
        (people.supervisor, 403),
        (people.lead, 403),
        (people.other_coach, 404),
        (people.outsider, 404),
    ):
        answer = client.put(url, headers=auth(who))
        assert answer.status_code == status, (who.email, answer.text)
    refused = client.put(url, headers=auth(people.supervisor)).json()["error"]
    assert refused["code"] == "conversation_not_permitted"


def test_comments_a_blind_rater_may_not_read_never_count(
    client: TestClient, db: Session, people: People, auth: Any
) -> None:
    """A second rater who has not submitted reads only their own and the practitioner's
    threads; the coach's threads and the replies in them are not unread for them."""
    recording = make_ready_recording(db, people.organisation, people.practitioner)
    rater = people.other_coach
    make_second_rater(db, recording, rater)
    coach_thread = make_comment(db, recording, people.coach, body="Scored 4 here")
    reply(db, coach_thread, people.practitioner)
    make_comment(db, recording, people.coach, start_ms=3000)
    own_thread = make_comment(db, recording, people.practitioner, start_ms=4000)
    reply(db, own_thread, people.coach)

    blind = auth(rater)
    assert row_of(client, blind, people, recording)["unread_comments"] == 2
    # The same as the comments the rater is shown.
    threads = client.get(f"{LIST}/{recording.id}/comments", headers=blind).json()
    assert sum(1 + len(thread["replies"]) for thread in threads) == 2
    assert row_of(client, auth(people.practitioner), people, recording)["unread_comments"] == 3

    # Once they submit, the rater reads every thread: all of them are unread.
    version = make_rubric_version(db, people.organisation, make_programme(db, people.organisation))
    make_observation(db, recording, rater, version, {"A1": 3, "A2": 3}, submitted_at=utcnow())
    assert row_of(client, blind, people, recording)["unread_comments"] == 5


def _recording(
    db: Session, people: People, owner: User, title: str, recorded_at: datetime | None, **kw: Any
) -> Recording:
    recording = make_ready_recording(db, people.organisation, owner, **kw)
    recording.title = title
    recording.recorded_at = recorded_at
    db.add(recording)
    db.commit()
    return recording


def ids(rows: list[dict[str, Any]]) -> set[str]:
    return {row["id"] for row in rows}


def test_filters_narrow_what_the_caller_sees(
    client: TestClient, db: Session, people: People, auth: Any
) -> None:
    other = make_user(db, people.organisation, Role.practitioner)
    assign(db, people.organisation, people.supervisor, other, "supervisor")
    programme = make_programme(db, people.organisation, name="Family nurse")
    # London is on UTC+1 in summer: 23:30 UTC on 30 June is already 1 July there.
    bath = _recording(
        db,
        people,
        people.practitioner,
        "Bath time 50% done",
        datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
    )
    meal = _recording(
        db,
        people,
        people.practitioner,
        "Mealtime",
        datetime(2026, 6, 15, 10, tzinfo=UTC),
        programme=programme,
    )
    rejected = _recording(
        db, people, other, "BATH TIME again", None, status=RecordingStatus.rejected
    )
    lead = auth(people.lead)

    def shown(headers: dict[str, str] = lead, **filters: Any) -> set[str]:
        return ids(listed(client, headers, people, **filters))

    assert shown() == ids([{"id": str(r.id)} for r in (bath, meal, rejected)])
    assert shown(search="bath time") == {str(bath.id), str(rejected.id)}
    # % and _ are letters here, not wildcards.
    assert shown(search="50%") == {str(bath.id)}
    assert shown(search="5_%") == set()
    assert shown(status="rejected") == {str(rejected.id)}
    assert shown(status="ready", search="bath") == {str(bath.id)}
    assert shown(practitioner_user_id=str(other.id)) == {str(rejected.id)}
    assert shown(owner_user_id=str(other.id)) == {str(rejected.id)}
    assert shown(programme_id=str(programme.id)) == {str(meal.id)}
    # Days of the organisation's calendar: the bath was recorded on 1 July in London.
    assert shown(**{"from": "2026-07-01", "to": "2026-07-01"}) == {str(bath.id)}
    assert shown(**{"from": "2026-06-01", "to": "2026-06-30"}) == {str(meal.id)}
    # Without a recorded date, the day it was uploaded counts.
    today = utcnow().date().isoformat()
    assert shown(**{"from": today}) == {str(rejected.id)}

    # A filter never widens: the coach does not coach `other`, so naming them finds nothing.
    coach = auth(people.coach)
    assert shown(coach) == {str(bath.id), str(meal.id)}
    assert shown(coach, practitioner_user_id=str(other.id)) == set()
    assert shown(coach, search="again") == set()
    # Another organisation's programme names nothing here.
    elsewhere = make_programme(db, people.other_organisation)
    assert shown(programme_id=str(elsewhere.id)) == set()


@pytest.mark.parametrize(
    ("filters", "field", "code"),
    [
        ({"status": "finished"}, "status", "validation_error"),
        ({"practitioner_user_id": "someone"}, "practitioner_user_id", "validation_error"),
        ({"programme_id": "12"}, "programme_id", "validation_error"),
        ({"from": "2026-13-01"}, "from", "validation_error"),
        ({"to": "1 July"}, "to", "validation_error"),
        ({"from": "2026-07-02", "to": "2026-07-01"}, "to", "invalid_period"),
        ({"search": "x" * 201}, "search", "validation_error"),
        ({"titel": "bath"}, None, "unknown_filter"),
    ],
)
def test_bad_filters_are_refused_naming_the_parameter(
    client: TestClient,
    people: People,
    auth: Any,
    filters: dict[str, str],
    field: str | None,
    code: str,
) -> None:
    params = {"organisation_id": str(people.organisation.id), **filters}
    answer = client.get(LIST, params=params, headers=auth(people.coach))
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    if field is None:
        assert error["message"].startswith("titel:")
    else:
        assert [problem["field"] for problem in error["fields"]] == [field]


def test_feedback_names_the_recording_and_who_scored_it(
    client: TestClient, db: Session, people: People, auth: Any
) -> None:
    named(db, people.coach, "Cleo Coach")
    recording = _recording(db, people, people.practitioner, "Bedtime story", None)
    version = make_rubric_version(db, people.organisation, make_programme(db, people.organisation))
    make_observation(
        db, recording, people.coach, version, {"A1": 4, "A2": 4}, submitted_at=utcnow()
    )
    url = f"/api/v1/organisations/{people.organisation.id}/observations"
    params = {"practitioner_user_id": str(people.practitioner.id), "status": "submitted"}
    (feedback,) = client.get(url, params=params, headers=auth(people.practitioner)).json()
    assert feedback["recording_title"] == "Bedtime story"
    assert feedback["rater_name"] == "Cleo Coach"


def test_markers_go_with_the_person_and_the_recording(
    client: TestClient, db: Session, people: People, auth: Any
) -> None:
    """A comment made in the same instant as the marker is not unread: the marker says
    "everything up to now"; one a moment after is."""
    recording = make_ready_recording(db, people.organisation, people.practitioner)
    seen = client.put(f"{LIST}/{recording.id}/seen", headers=auth(people.coach)).json()
    at = datetime.fromisoformat(seen["seen_at"])
    for offset in (timedelta(0), timedelta(milliseconds=1)):
        comment = make_comment(db, recording, people.practitioner)
        comment.created_at = at + offset
        db.add(comment)
        db.commit()
    assert row_of(client, auth(people.coach), people, recording)["unread_comments"] == 1
