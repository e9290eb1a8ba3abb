"""Reflections: private to the practitioner until shared with their coaches, then a thread."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent
from tests.review.conversation_cast import EVERYONE, Cast, make_cast

REFLECTION = {
    "went_well": "The parent joined the play.",
    "do_differently": "Slow down the summary.",
    "want_help": "Handling interruptions.",
    "notes": "A hard morning for the family.",
}
# Once shared: the practitioner and the coaches assigned to them. Second raters score
# independently and were not the ones it was shared with.
READERS_AFTER_SHARING = ("owner", "coach")


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def _url(cast: Cast) -> str:
    return f"/api/v1/recordings/{cast.recording.id}/reflection"


def _write(cast: Cast, **fields: str) -> dict[str, Any]:
    response = cast.client.put(
        _url(cast), json={**REFLECTION, **fields}, headers=cast.auth("owner")
    )
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


def _share(cast: Cast, reflection_id: str) -> dict[str, Any]:
    response = cast.client.post(
        f"/api/v1/reflections/{reflection_id}/share", headers=cast.auth("owner")
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_the_practitioner_writes_and_rewrites_their_reflection(cast: Cast) -> None:
    first = cast.client.put(_url(cast), json=REFLECTION, headers=cast.auth("owner"))
    assert first.status_code == 201
    assert first.json()["owner_user_id"] == str(cast.people["owner"].id)
    assert (first.json()["shared"], first.json()["edited_at"]) == (False, None)
    # PUT replaces the whole reflection: a section left out is now empty.
    second = cast.client.put(
        _url(cast), json={"went_well": "  Better  "}, headers=cast.auth("owner")
    )
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert (second.json()["went_well"], second.json()["notes"]) == ("Better", "")
    assert second.json()["edited_at"] is None
    read = cast.client.get(_url(cast), headers=cast.auth("owner"))
    assert read.json()["went_well"] == "Better"


@pytest.mark.parametrize("who", EVERYONE)
def test_an_unshared_reflection_is_the_practitioners_alone(cast: Cast, who: str) -> None:
    reflection = _write(cast)
    headers = cast.auth(who)
    by_recording = cast.client.get(_url(cast), headers=headers)
    by_id = cast.client.get(f"/api/v1/reflections/{reflection['id']}", headers=headers)
    replies = cast.client.get(f"/api/v1/reflections/{reflection['id']}/replies", headers=headers)
    expected = 200 if who == "owner" else 404
    assert [by_recording.status_code, by_id.status_code, replies.status_code] == [expected] * 3


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_practitioner_writes_or_shares(cast: Cast, who: str) -> None:
    reflection = _write(cast)
    _share(cast, reflection["id"])
    headers = cast.auth(who)
    written = cast.client.put(_url(cast), json=REFLECTION, headers=headers)
    shared = cast.client.post(f"/api/v1/reflections/{reflection['id']}/share", headers=headers)
    if who == "owner":
        assert (written.status_code, shared.status_code) == (200, 200)
    elif who in ("outsider", "other_coach"):
        # The recording is not theirs to know about.
        assert (written.status_code, shared.status_code) == (404, 404)
    else:
        # They see the recording's details, so its existence is no secret; writing is not theirs.
        assert written.status_code == 403
        assert written.json()["error"]["code"] == "not_owner"
        assert shared.status_code == (403 if who in READERS_AFTER_SHARING else 404)


@pytest.mark.parametrize("who", EVERYONE)
def test_a_shared_reflection_reaches_the_practitioners_coaches(cast: Cast, who: str) -> None:
    reflection = _write(cast)
    _share(cast, reflection["id"])
    headers = cast.auth(who)
    by_recording = cast.client.get(_url(cast), headers=headers)
    by_id = cast.client.get(f"/api/v1/reflections/{reflection['id']}", headers=headers)
    replies_url = f"/api/v1/reflections/{reflection['id']}/replies"
    replied = cast.client.post(replies_url, json={"body": "Let's talk."}, headers=headers)
    listed = cast.client.get(replies_url, headers=headers)
    statuses = [r.status_code for r in (by_recording, by_id, replied, listed)]
    if who in READERS_AFTER_SHARING:
        assert statuses == [200, 200, 201, 200]
        assert by_recording.json()["want_help"] == REFLECTION["want_help"]
        assert [r["body"] for r in listed.json()] == ["Let's talk."]
    else:
        assert statuses == [404] * 4


def test_sharing_is_audited_once_and_a_reply_thread_follows(cast: Cast, db: Session) -> None:
    reflection = _write(cast)
    replies_url = f"/api/v1/reflections/{reflection['id']}/replies"
    early = cast.client.post(replies_url, json={"body": "Hello?"}, headers=cast.auth("owner"))
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "reflection_not_shared"
    shared = _share(cast, reflection["id"])
    assert shared["shared"] is True
    assert _share(cast, reflection["id"])["shared_at"] == shared["shared_at"]
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "reflection.shared")).all()
    assert [(e.resource_id, e.actor_user_id) for e in events] == [
        (reflection["id"], cast.people["owner"].id)
    ]
    for who, body in (("coach", "What helped?"), ("owner", "The toys."), ("coach", "Great.")):
        response = cast.client.post(replies_url, json={"body": body}, headers=cast.auth(who))
        assert response.status_code == 201
        assert response.json()["author_user_id"] == str(cast.people[who].id)
    thread = cast.client.get(replies_url, headers=cast.auth("owner")).json()
    assert [r["body"] for r in thread] == ["What helped?", "The toys.", "Great."]


def test_editing_after_sharing_is_marked(cast: Cast) -> None:
    reflection = _write(cast)
    _share(cast, reflection["id"])
    edited = _write(cast, want_help="Ending the visit on time.")
    assert edited["shared"] is True
    assert edited["edited_at"] is not None
    seen = cast.client.get(_url(cast), headers=cast.auth("coach")).json()
    assert (seen["want_help"], seen["edited_at"]) == (
        "Ending the visit on time.",
        edited["edited_at"],
    )


def test_an_empty_reflection_is_not_shared(cast: Cast) -> None:
    reflection = _write(cast, went_well="", do_differently="", want_help="", notes=" ")
    response = cast.client.post(
        f"/api/v1/reflections/{reflection['id']}/share", headers=cast.auth("owner")
    )
    assert response.status_code == 422
    assert "Write something" in response.json()["error"]["message"]


def test_no_reflection_yet_is_404_and_bad_input_is_422(cast: Cast) -> None:
    assert cast.client.get(_url(cast), headers=cast.auth("owner")).status_code == 404
    too_long = cast.client.put(_url(cast), json={"notes": "x" * 8001}, headers=cast.auth("owner"))
    unknown = cast.client.put(_url(cast), json={"mood": "good"}, headers=cast.auth("owner"))
    assert (too_long.status_code, unknown.status_code) == (422, 422)
    assert too_long.json()["error"]["code"] == "validation_error"


def test_unstorable_text_is_refused_and_never_logged(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    response = cast.client.put(
        _url(cast),
        json={**REFLECTION, "notes": "A private\u0000 worry about the family."},
        headers=cast.auth("owner"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unstorable_text"
    assert "private" not in capsys.readouterr().err
