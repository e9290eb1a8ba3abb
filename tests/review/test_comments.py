"""Time-stamped comments: who takes part, moments within the media, threads, tombstones."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Comment, Recording, RecordingStatus
from tests.factories import make_programme, make_ready_recording, make_second_rater
from tests.review.conversation_cast import (
    EVERYONE,
    NON_PARTICIPANTS,
    PARTICIPANTS,
    Cast,
    make_cast,
    make_draft_rubric,
    make_published_rubric,
)


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def _comments_url(cast: Cast, recording: Recording | None = None) -> str:
    return f"/api/v1/recordings/{(recording or cast.recording).id}/comments"


def _comment(cast: Cast, who: str = "coach", **fields: Any) -> dict[str, Any]:
    body = {"start_ms": 1000, "body": "Lovely open question here.", **fields}
    response = cast.client.post(_comments_url(cast), json=body, headers=cast.auth(who))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _reply(cast: Cast, comment_id: str, who: str, body: str = "Agreed.") -> dict[str, Any]:
    response = cast.client.post(
        f"/api/v1/comments/{comment_id}/replies", json={"body": body}, headers=cast.auth(who)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize("who", EVERYONE)
def test_who_may_list_and_write_comments(cast: Cast, who: str) -> None:
    existing = _comment(cast, "coach")
    headers = cast.auth(who)
    listed = cast.client.get(_comments_url(cast), headers=headers)
    created = cast.client.post(
        _comments_url(cast), json={"start_ms": 5, "body": "Hello"}, headers=headers
    )
    thread = cast.client.get(f"/api/v1/comments/{existing['id']}", headers=headers)
    replied = cast.client.post(
        f"/api/v1/comments/{existing['id']}/replies", json={"body": "Yes"}, headers=headers
    )
    resolved = cast.client.post(f"/api/v1/comments/{existing['id']}/resolve", headers=headers)
    reopened = cast.client.post(f"/api/v1/comments/{existing['id']}/unresolve", headers=headers)
    statuses = [r.status_code for r in (listed, created, thread, replied, resolved, reopened)]
    if who in PARTICIPANTS:
        assert statuses == [200, 201, 200, 201, 200, 200]
        assert [c["body"] for c in listed.json()] == ["Lovely open question here."]
    elif who == "supervisor":
        # Supervisors see the recording's details, never its conversation.
        assert statuses == [403] * 6
        assert listed.json()["error"]["code"] == "conversation_not_permitted"
    else:
        assert statuses == [404] * 6
        assert listed.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_author_edits_or_deletes(cast: Cast, who: str) -> None:
    comment = _comment(cast, "second_rater")
    url = f"/api/v1/comments/{comment['id']}"
    edited = cast.client.patch(url, json={"body": "Changed"}, headers=cast.auth(who))
    deleted = cast.client.delete(url, headers=cast.auth(who))
    if who == "second_rater":
        assert (edited.status_code, deleted.status_code) == (200, 204)
    elif who == "supervisor":
        assert (edited.status_code, deleted.status_code) == (403, 403)
        assert edited.json()["error"]["code"] == "conversation_not_permitted"
    elif who in NON_PARTICIPANTS:
        assert (edited.status_code, deleted.status_code) == (404, 404)
    else:
        assert (edited.status_code, deleted.status_code) == (403, 403)
        assert edited.json()["error"]["code"] == "not_author"


@pytest.mark.parametrize("who", PARTICIPANTS)
def test_author_edits_and_deletes_own(cast: Cast, who: str) -> None:
    comment = _comment(cast, who, end_ms=4000, criterion_code="A1")
    url = f"/api/v1/comments/{comment['id']}"
    edited = cast.client.patch(url, json={"body": "Better", "end_ms": None}, headers=cast.auth(who))
    assert edited.status_code == 200, edited.text
    assert edited.json()["body"] == "Better"
    assert edited.json()["end_ms"] is None
    assert edited.json()["criterion_code"] == "A1"
    assert edited.json()["edited_at"] is not None
    assert comment["edited_at"] is None
    assert cast.client.delete(url, headers=cast.auth(who)).status_code == 204
    assert cast.client.get(url, headers=cast.auth(who)).status_code == 404


def test_threads_are_ordered_by_moment_with_replies_one_level_deep(cast: Cast) -> None:
    late = _comment(cast, "coach", start_ms=90_000, body="Late")
    early = _comment(cast, "owner", start_ms=2_000, end_ms=8_000, body="Early")
    _comment(cast, "second_rater", start_ms=45_000, body="Middle")
    first = _reply(cast, late["id"], "owner", "Thanks")
    # A reply to a reply joins the same thread rather than nesting deeper.
    thread = _reply(cast, first["replies"][0]["id"], "coach", "You're welcome")
    assert thread["id"] == late["id"]
    assert [r["body"] for r in thread["replies"]] == ["Thanks", "You're welcome"]
    listed = cast.client.get(_comments_url(cast), headers=cast.auth("owner")).json()
    assert [c["body"] for c in listed] == ["Early", "Middle", "Late"]
    assert listed[0]["id"] == early["id"]
    assert (listed[0]["start_ms"], listed[0]["end_ms"]) == (2_000, 8_000)
    assert [len(c["replies"]) for c in listed] == [0, 0, 2]
    assert listed[2]["replies"][0]["author_user_id"] == str(cast.people["owner"].id)


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"start_ms": 120_001}, "start_ms 120001 is beyond the end of the recording"),
        ({"start_ms": 1_000, "end_ms": 600_000}, "end_ms 600000 is beyond the end"),
    ],
)
def test_a_moment_beyond_the_media_is_refused_with_a_message(
    cast: Cast, fields: dict[str, int], needle: str
) -> None:
    response = cast.client.post(
        _comments_url(cast), json={"body": "Too late", **fields}, headers=cast.auth("coach")
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "beyond_media_duration"
    assert needle in error["message"]
    assert "120000 ms (2:00)" in error["message"]


def test_the_last_moment_of_the_media_is_fine(cast: Cast) -> None:
    assert _comment(cast, start_ms=110_000, end_ms=120_000)["end_ms"] == 120_000


@pytest.mark.parametrize(
    "fields",
    [
        {"start_ms": -1},
        {"start_ms": 5_000, "end_ms": 5_000},
        {"start_ms": 5_000, "end_ms": 4_000},
        {"start_ms": 2**40},
        {"start_ms": 0, "body": "   "},
        {"start_ms": 0, "colour": "red"},
    ],
)
def test_malformed_comments_are_refused(cast: Cast, fields: dict[str, Any]) -> None:
    response = cast.client.post(
        _comments_url(cast), json={"body": "x", **fields}, headers=cast.auth("coach")
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_moving_a_comment_beyond_the_media_is_refused(cast: Cast) -> None:
    comment = _comment(cast, start_ms=1_000, end_ms=2_000)
    url = f"/api/v1/comments/{comment['id']}"
    headers = cast.auth("coach")
    beyond = cast.client.patch(url, json={"start_ms": 200_000, "end_ms": None}, headers=headers)
    assert beyond.status_code == 422
    assert beyond.json()["error"]["code"] == "beyond_media_duration"
    backwards = cast.client.patch(url, json={"start_ms": 3_000}, headers=headers)
    assert backwards.status_code == 422
    assert "end_ms must be after start_ms" in backwards.json()["error"]["message"]
    cleared = cast.client.patch(url, json={"start_ms": None}, headers=headers)
    assert cleared.status_code == 422


def test_criterion_tags_come_from_the_programmes_published_rubric(cast: Cast, db: Session) -> None:
    make_draft_rubric(db, cast.organisation, cast.programme, "D9")
    other = make_programme(db, cast.organisation, "Family support")
    make_published_rubric(db, cast.organisation, other, "X1")
    assert _comment(cast, criterion_code=" A2 ")["criterion_code"] == "A2"
    for code in ("D9", "X1", "a1"):
        response = cast.client.post(
            _comments_url(cast),
            json={"start_ms": 0, "body": "Tagged", "criterion_code": code},
            headers=cast.auth("coach"),
        )
        assert response.status_code == 422, code
        error = response.json()["error"]
        assert error["code"] == "unknown_criterion"
        assert "use one of: A1, A2" in error["message"]


def test_without_a_programme_any_published_criterion_of_the_organisation(
    cast: Cast, db: Session
) -> None:
    other = make_programme(db, cast.organisation, "Family support")
    make_published_rubric(db, cast.organisation, other, "X1")
    recording = make_ready_recording(db, cast.organisation, cast.people["owner"])
    for code in ("A1", "X1"):
        response = cast.client.post(
            _comments_url(cast, recording),
            json={"start_ms": 0, "body": "Tagged", "criterion_code": code},
            headers=cast.auth("coach"),
        )
        assert response.status_code == 201, response.text


def test_no_published_rubric_means_no_tags(cast: Cast, db: Session) -> None:
    programme = make_programme(db, cast.organisation, "Untested programme")
    recording = make_ready_recording(
        db, cast.organisation, cast.people["owner"], programme=programme
    )
    response = cast.client.post(
        _comments_url(cast, recording),
        json={"start_ms": 0, "body": "Tagged", "criterion_code": "A1"},
        headers=cast.auth("owner"),
    )
    assert response.status_code == 422
    assert "has no published rubric" in response.json()["error"]["message"]


def test_a_recording_that_is_not_ready_takes_no_comments(cast: Cast, db: Session) -> None:
    recording = make_ready_recording(
        db, cast.organisation, cast.people["owner"], status=RecordingStatus.processing
    )
    response = cast.client.post(
        _comments_url(cast, recording),
        json={"start_ms": 0, "body": "Hi"},
        headers=cast.auth("coach"),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "recording_not_ready"


def test_deleting_a_comment_with_replies_leaves_a_tombstone(cast: Cast, db: Session) -> None:
    comment = _comment(cast, "coach", criterion_code="A1")
    reply = _reply(cast, comment["id"], "owner")["replies"][0]
    url = f"/api/v1/comments/{comment['id']}"
    assert cast.client.delete(url, headers=cast.auth("coach")).status_code == 204
    thread = cast.client.get(url, headers=cast.auth("owner")).json()
    assert (thread["deleted"], thread["body"], thread["start_ms"]) == (True, None, 1000)
    assert thread["deleted_at"] is not None
    assert [r["body"] for r in thread["replies"]] == ["Agreed."]
    # The tombstone takes no edits, and a second delete says it is gone.
    assert cast.client.patch(url, json={"body": "x"}, headers=cast.auth("coach")).status_code == 410
    assert cast.client.delete(url, headers=cast.auth("coach")).status_code == 410
    # With its last reply gone, the tombstone has nothing left to hold and goes too.
    reply_url = f"/api/v1/comments/{reply['id']}"
    assert cast.client.delete(reply_url, headers=cast.auth("owner")).status_code == 204
    assert cast.client.get(url, headers=cast.auth("owner")).status_code == 404
    assert cast.client.get(_comments_url(cast), headers=cast.auth("owner")).json() == []
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "comment.deleted")).all()
    details = sorted((e.details["reply"], e.details["tombstone"]) for e in events)
    assert details == [(False, True), (True, False)]
    assert all(e.organisation_id == cast.organisation.id for e in events)
    assert "Lovely" not in str([e.details for e in events])


def test_replies_edit_only_their_body_and_are_not_resolved(cast: Cast) -> None:
    comment = _comment(cast, "coach")
    reply = _reply(cast, comment["id"], "owner")["replies"][0]
    url = f"/api/v1/comments/{reply['id']}"
    moved = cast.client.patch(url, json={"start_ms": 5}, headers=cast.auth("owner"))
    assert moved.status_code == 422
    assert moved.json()["error"]["code"] == "reply_has_no_moment"
    edited = cast.client.patch(url, json={"body": "Agreed!"}, headers=cast.auth("owner"))
    assert edited.json()["replies"][0]["body"] == "Agreed!"
    assert edited.json()["replies"][0]["edited_at"] is not None
    resolved = cast.client.post(f"{url}/resolve", headers=cast.auth("owner"))
    assert resolved.status_code == 422


def test_resolving_and_reopening_a_thread(cast: Cast) -> None:
    open_one = _comment(cast, "coach", start_ms=1)
    done = _comment(cast, "coach", start_ms=2)
    resolved = cast.client.post(
        f"/api/v1/comments/{done['id']}/resolve", headers=cast.auth("owner")
    ).json()
    assert resolved["resolved"] is True
    assert resolved["resolved_by_user_id"] == str(cast.people["owner"].id)
    again = cast.client.post(
        f"/api/v1/comments/{done['id']}/resolve", headers=cast.auth("coach")
    ).json()
    assert again["resolved_at"] == resolved["resolved_at"]
    headers = cast.auth("coach")
    only_open = cast.client.get(_comments_url(cast), params={"resolved": False}, headers=headers)
    only_done = cast.client.get(_comments_url(cast), params={"resolved": True}, headers=headers)
    assert [c["id"] for c in only_open.json()] == [open_one["id"]]
    assert [c["id"] for c in only_done.json()] == [done["id"]]
    reopened = cast.client.post(
        f"/api/v1/comments/{done['id']}/unresolve", headers=cast.auth("second_rater")
    ).json()
    assert (reopened["resolved"], reopened["resolved_by_user_id"]) == (False, None)


def test_commenting_changes_nothing_else_on_the_recording(cast: Cast, db: Session) -> None:
    comment = _comment(cast, "coach")
    _reply(cast, comment["id"], "owner")
    db.expire_all()
    recording = db.get(Recording, cast.recording.id)
    assert recording is not None
    assert (recording.last_reviewed_at, recording.status) == (None, RecordingStatus.ready)
    assert len(db.exec(select(Comment)).all()) == 2


def test_a_blind_rater_pages_through_only_the_threads_they_may_read(
    cast: Cast, db: Session
) -> None:
    """Double coding keeps a second rater who has not submitted blind to the other raters'
    threads; pages are cut from what they may read, each thread with all its replies."""
    make_second_rater(db, cast.recording, cast.people["second_rater"])
    for moment, who in enumerate(["coach", "owner", "second_rater", "coach", "owner"]):
        thread = _comment(cast, who, start_ms=moment * 1000, body=f"{who} at {moment}")
        _reply(cast, thread["id"], "owner")
    headers = cast.auth("second_rater")
    pages = [
        cast.client.get(_comments_url(cast), params={"limit": 2, "offset": offset}, headers=headers)
        for offset in (0, 2, 4)
    ]
    assert [[c["body"] for c in page.json()] for page in pages] == [
        ["owner at 1", "second_rater at 2"],
        ["owner at 4"],
        [],
    ]
    assert all(len(c["replies"]) == 1 for page in pages for c in page.json())
    everything = cast.client.get(_comments_url(cast), params={"limit": 500}, headers=headers)
    assert len(everything.json()) == 3
