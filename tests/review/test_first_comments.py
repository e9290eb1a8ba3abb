"""Each person's first comment on a recording, kept as comments are written and deleted
(app/review/first_comments.py): when a reviewer first answered, for the turnaround report."""

import uuid
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import Comment, FirstComment
from app.models.base import utcnow
from app.review import first_comments
from tests.review.conversation_cast import Cast, make_cast
from tests.review.test_comments import _comment, _reply


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def _kept(db: Session, cast: Cast) -> dict[str, datetime]:
    """The kept first comments on the cast's recording, by the author's part in the cast."""
    db.expire_all()
    names = {person.id: name for name, person in cast.people.items()}
    rows = db.exec(select(FirstComment).where(FirstComment.recording_id == cast.recording.id))
    return {names[row.author_user_id]: row.first_at for row in rows}


def _written_at(db: Session, comment: dict[str, object]) -> datetime:
    found = db.get(Comment, uuid.UUID(str(comment["id"])))
    assert found is not None
    return found.created_at


def _delete(cast: Cast, comment: dict[str, object], who: str) -> None:
    url = f"/api/v1/comments/{comment['id']}"
    assert cast.client.delete(url, headers=cast.auth(who)).status_code == 204


def test_the_first_comment_or_reply_is_kept_and_later_ones_leave_it(
    cast: Cast, db: Session
) -> None:
    first = _comment(cast, "coach")
    second = _comment(cast, "coach", start_ms=2000)
    answer = _reply(cast, first["id"], "owner")
    _reply(cast, second["id"], "coach")
    _reply(cast, first["id"], "owner")
    owner_reply = answer["replies"][0]
    assert _kept(db, cast) == {
        "coach": _written_at(db, first),
        "owner": _written_at(db, owner_reply),
    }


def test_deleting_the_first_comment_makes_the_next_one_first(cast: Cast, db: Session) -> None:
    first = _comment(cast, "coach")
    second = _comment(cast, "coach", start_ms=2000)
    _delete(cast, first, "coach")
    assert _kept(db, cast) == {"coach": _written_at(db, second)}
    _delete(cast, second, "coach")
    assert _kept(db, cast) == {}


def test_a_tombstone_is_no_ones_first_comment(cast: Cast, db: Session) -> None:
    """A thread deleted with replies stays as a tombstone, which counts for no one."""
    first = _comment(cast, "coach")
    reply = _reply(cast, first["id"], "owner")["replies"][0]
    _delete(cast, first, "coach")
    assert set(_kept(db, cast)) == {"owner"}
    _delete(cast, reply, "owner")
    assert _kept(db, cast) == {}


def test_of_two_comments_landing_out_of_order_the_earlier_is_kept(cast: Cast, db: Session) -> None:
    """Two comments written at once by one person commit in either order."""
    written = utcnow()
    for minutes in (5, 0, 10):
        comment = Comment(
            organisation_id=cast.organisation.id,
            recording_id=cast.recording.id,
            author_user_id=cast.people["coach"].id,
            start_ms=1000,
            body="At once",
            created_at=written + timedelta(minutes=minutes),
        )
        db.add(comment)
        db.flush()
        first_comments.comment_written(db, comment)
        db.commit()
    assert _kept(db, cast) == {"coach": written}


def test_refilling_an_organisation_finds_what_was_kept(cast: Cast, db: Session) -> None:
    """For comments written in bulk (the benchmarks' generator)."""
    first = _comment(cast, "coach")
    _comment(cast, "coach", start_ms=2000)
    _delete(cast, first, "coach")
    _reply(cast, _comment(cast, "second_rater")["id"], "owner")
    kept = _kept(db, cast)
    assert set(kept) == {"coach", "second_rater", "owner"}
    first_comments.refill(db, cast.organisation.id)
    db.commit()
    assert _kept(db, cast) == kept
    assert db.exec(select(col(FirstComment.organisation_id)).distinct()).all() == [
        cast.organisation.id
    ]
