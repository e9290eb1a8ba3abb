"""Notifications: who is told of what, what they are shown, and reading them.

Everything is caused through the API as people would (scoring, commenting, sharing,
objectives, an upload that is not a video), and read back through the API.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.access import member_of
from app.access.recordings import access_to
from app.models import ConsentRecord, Notification
from app.review import comments
from app.review.comment_schemas import CommentCreate
from tests.access.scene import consent_of
from tests.notifications.conftest import comment, kinds, notifications, reply, unread
from tests.review.scoring_cast import PASSING, Cast, score_and_submit, start
from tests.review.test_double_coding import _assign as assign_second_rater

EVERYONE_ELSE = ("coach2", "second_rater", "other_coach", "supervisor", "lead", "outsider")


def _review_settings(cast: Cast, **values: Any) -> None:
    url = f"{cast.org_base}/programmes/{cast.programme.id}/review-settings"
    answer = cast.client.patch(url, json=values, headers=cast.auth("lead"))
    assert answer.status_code == 200, answer.text


def test_submitted_feedback_notifies_the_practitioner_and_a_draft_nobody(cast: Cast) -> None:
    draft = start(cast, "coach", PASSING)
    assert draft.status_code == 201
    assert kinds(cast, "owner") == []

    cast.client.post(
        f"/api/v1/observations/{draft.json()['id']}/submit", headers=cast.auth("coach")
    )
    [shown] = notifications(cast, "owner")
    assert shown["kind"] == "feedback_submitted"
    assert shown["summary"] == "New feedback"
    assert shown["title"] == "Home visit"
    assert shown["link"] == f"#/recordings/{cast.recording.id}"
    assert shown["actor_name"] == "Test Person"
    assert shown["read"] is False and shown["read_at"] is None
    assert unread(cast, "owner") == 1
    for who in ("coach", *EVERYONE_ELSE):
        assert kinds(cast, who) == [], who


def test_a_second_raters_scores_notify_nobody_until_they_count_as_feedback(cast: Cast) -> None:
    assert assign_second_rater(cast, "lead").status_code == 201
    score_and_submit(cast, "second_rater", PASSING)
    # For agreement only: the practitioner is not shown them, so is not told.
    for who in ("owner", "coach", "coach2", "lead"):
        assert kinds(cast, who) == [], who
    assert unread(cast, "owner") == 0
    # Once the programme counts second ratings as feedback, the practitioner sees it.
    _review_settings(cast, second_ratings_are_feedback=True)
    assert kinds(cast, "owner") == ["feedback_submitted"]
    assert unread(cast, "owner") == 1


def test_comments_notify_whoever_may_read_the_thread(cast: Cast) -> None:
    thread = comment(cast, "coach")
    # The practitioner and the other coach read it; supervisors and leads never read the
    # conversation, and others do not know the recording.
    assert kinds(cast, "owner") == ["comment"]
    assert kinds(cast, "coach2") == ["comment"]
    for who in ("coach", "second_rater", "other_coach", "supervisor", "lead", "outsider"):
        assert kinds(cast, who) == [], who

    reply(cast, "owner", thread["id"])
    assert kinds(cast, "coach") == ["comment"]
    assert kinds(cast, "coach2") == ["comment", "comment"]
    assert kinds(cast, "owner") == ["comment"]  # not of their own reply


def test_a_blind_raters_thread_notifies_no_other_rater(cast: Cast) -> None:
    assert assign_second_rater(cast, "lead").status_code == 201
    comment(cast, "second_rater", body="Missed a cue here.")
    # The practitioner reads every thread; the coaches rate this double-coded recording
    # and have not submitted, so they may not read another rater's thread: not told.
    assert kinds(cast, "owner") == ["comment"]
    assert kinds(cast, "coach") == []
    assert kinds(cast, "coach2") == []
    # Once the coach has submitted, the thread is theirs to read, and so is its news.
    score_and_submit(cast, "coach", PASSING)
    assert kinds(cast, "coach") == ["comment"]


def test_a_private_reflection_notifies_nobody_and_sharing_tells_the_coaches(cast: Cast) -> None:
    url = f"/api/v1/recordings/{cast.recording.id}/reflection"
    written = cast.client.put(url, json={"went_well": "We laughed."}, headers=cast.auth("owner"))
    assert written.status_code in (200, 201), written.text
    for who in ("coach", "coach2", "lead", "supervisor"):
        assert kinds(cast, who) == [], who

    reflection_id = written.json()["id"]
    shared = cast.client.post(
        f"/api/v1/reflections/{reflection_id}/share", headers=cast.auth("owner")
    )
    assert shared.status_code == 200, shared.text
    assert kinds(cast, "coach") == ["reflection_shared"]
    assert kinds(cast, "coach2") == ["reflection_shared"]
    assert kinds(cast, "owner") == []
    for who in ("second_rater", "lead", "supervisor"):
        assert kinds(cast, who) == [], who

    answer = cast.client.post(
        f"/api/v1/reflections/{reflection_id}/replies",
        json={"body": "Thank you for sharing."},
        headers=cast.auth("coach"),
    )
    assert answer.status_code == 201, answer.text
    assert kinds(cast, "owner") == ["reflection_reply"]
    assert kinds(cast, "coach2") == ["reflection_reply", "reflection_shared"]


def test_objectives_notify_the_other_side(cast: Cast) -> None:
    created = cast.client.post(
        f"{cast.org_base}/objectives",
        json={"practitioner_user_id": cast.id("owner"), "title": "Ask open questions"},
        headers=cast.auth("coach"),
    )
    assert created.status_code == 201, created.text
    [shown] = notifications(cast, "owner")
    assert shown["kind"] == "objective_updated"
    assert shown["title"] == "Ask open questions"
    assert shown["link"] == "#/objectives"
    assert shown["objective_id"] == created.json()["id"]
    assert kinds(cast, "coach2") == ["objective_updated"]

    note = cast.client.post(
        f"/api/v1/objectives/{created.json()['id']}/notes",
        json={"body": "Tried it twice this week."},
        headers=cast.auth("owner"),
    )
    assert note.status_code == 201, note.text
    assert kinds(cast, "coach") == ["objective_updated"]
    # Supervisors follow objectives in their own screens; they are not told of each change.
    for who in ("supervisor", "lead", "other_coach", "outsider"):
        assert kinds(cast, who) == [], who


def test_a_rejected_upload_notifies_its_uploader(cast: Cast) -> None:
    text = b"Dear diary, this is not a video at all.\n" * 100
    answer = cast.client.post(
        "/api/v1/recordings",
        headers=cast.auth("owner"),
        data={
            "organisation_id": str(cast.organisation.id),
            "title": "Tuesday visit",
            "consent": "obtained",
            "consent_scope": "coaching",
        },
        files={"file": ("visit.mp4", text, "video/mp4")},
    )
    assert answer.status_code == 201, answer.text
    [shown] = notifications(cast, "owner")
    assert shown["kind"] == "upload_rejected"
    assert shown["title"] == "Tuesday visit"
    assert shown["actor_name"] is None
    assert kinds(cast, "coach") == []


def test_withdrawn_access_and_erased_recordings_hide_their_notifications(
    cast: Cast, db: Session
) -> None:
    comment(cast, "owner")
    assert kinds(cast, "coach") == ["comment"]
    [coach_notification] = notifications(cast, "coach")
    # The lead ends the coaching assignment: the coach no longer sees the conversation.
    assignments = cast.client.get(f"{cast.org_base}/assignments", headers=cast.auth("lead")).json()
    [coaching] = [
        row
        for row in assignments
        if row["staff_user_id"] == cast.id("coach") and row["kind"] == "coach"
    ]
    removed = cast.client.delete(
        f"{cast.org_base}/assignments/{coaching['id']}", headers=cast.auth("lead")
    )
    assert removed.status_code == 204, removed.text
    assert kinds(cast, "coach") == []
    assert unread(cast, "coach") == 0
    read = f"/api/v1/notifications/{coach_notification['id']}/read"
    assert cast.client.post(read, headers=cast.auth("coach")).status_code == 404

    score_and_submit(cast, "coach2", PASSING)
    assert unread(cast, "owner") == 1
    db.add(ConsentRecord(**consent_of(cast.recording)))
    db.commit()
    withdrawn = cast.client.post(
        f"/api/v1/recordings/{cast.recording.id}/consent/withdraw",
        json={"reason": "The family asked."},
        headers=cast.auth("owner"),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert kinds(cast, "owner") == []
    assert unread(cast, "owner") == 0


def test_reading_one_and_all(cast: Cast) -> None:
    thread = comment(cast, "coach")
    reply(cast, "coach2", thread["id"])
    score_and_submit(cast, "coach", PASSING)
    shown = notifications(cast, "owner")
    assert [row["kind"] for row in shown] == ["feedback_submitted", "comment", "comment"]
    assert unread(cast, "owner") == 3

    first = cast.client.post(
        f"/api/v1/notifications/{shown[0]['id']}/read", headers=cast.auth("owner")
    )
    assert first.status_code == 200, first.text
    assert first.json()["read"] is True
    again = cast.client.post(
        f"/api/v1/notifications/{shown[0]['id']}/read", headers=cast.auth("owner")
    )
    assert again.json()["read_at"] == first.json()["read_at"]
    assert unread(cast, "owner") == 2
    assert [row["id"] for row in notifications(cast, "owner", unread="true")] == [
        row["id"] for row in shown[1:]
    ]

    everything = cast.client.post("/api/v1/notifications/read-all", headers=cast.auth("owner"))
    assert everything.json() == {"marked_read": 2}
    assert unread(cast, "owner") == 0
    assert all(row["read"] for row in notifications(cast, "owner"))
    # Reading all is the caller's own: the coaches' stay unread.
    assert unread(cast, "coach") == 1


def test_someone_elses_notification_is_not_found(cast: Cast) -> None:
    comment(cast, "coach")
    [own] = notifications(cast, "owner")
    url = f"/api/v1/notifications/{own['id']}/read"
    for who in ("coach", "coach2", "lead", "outsider"):
        answer = cast.client.post(url, headers=cast.auth(who))
        assert answer.status_code == 404, who
        assert answer.json()["error"]["code"] == "not_found"
    assert cast.client.post(url).status_code == 401
    assert unread(cast, "owner") == 1


def test_an_event_rolled_back_leaves_no_notification(app: FastAPI, cast: Cast) -> None:
    with Session(app.state.engine) as db:
        member = member_of(db, user=cast.people["coach"], organisation_id=cast.organisation.id)
        access = access_to(db, member=member, recording_id=cast.recording.id)
        comments.create_comment(db, access=access, body=CommentCreate(start_ms=0, body="Hm."))
        assert len(db.exec(select(Notification)).all()) == 2  # the owner and coach2
        db.rollback()
    assert kinds(cast, "owner") == []


def test_notification_settings_default_to_the_digest_and_no_push(
    client: TestClient, cast: Cast
) -> None:
    url = "/api/v1/me/notification-settings"
    headers = cast.auth("owner")
    assert client.get(url, headers=headers).json() == {"email_digest": True, "web_push": False}
    changed = client.patch(url, json={"email_digest": False}, headers=headers)
    assert changed.json() == {"email_digest": False, "web_push": False}
    assert client.get(url, headers=headers).json() == {"email_digest": False, "web_push": False}
    # Each person's own: the coach's are untouched.
    assert client.get(url, headers=cast.auth("coach")).json()["email_digest"] is True
    assert client.patch(url, json={"email_digest": "no"}, headers=headers).status_code == 422
    # Without VAPID keys on the server, push cannot be turned on, and says why.
    refused = client.patch(url, json={"web_push": True}, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "push_disabled"
    key = client.get("/api/v1/push/public-key", headers=headers).json()
    assert key == {"enabled": False, "public_key": None}
