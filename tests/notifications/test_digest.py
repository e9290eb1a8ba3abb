"""The daily email digest, through a real SMTP server on loopback (aiosmtpd)."""

from collections.abc import Iterator
from datetime import timedelta
from email.message import Message

import pytest
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import Notification
from app.models.base import utcnow
from app.notifications.digest import send_digests
from tests.notifications.conftest import comment, reply, unread
from tests.review.scoring_cast import PASSING, Cast, score_and_submit
from tests.support.smtp import Inbox, running_inbox

SECRET_WORDS = "Grandma Okafor cried at the kitchen table"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with running_inbox() as inbox:
        yield inbox


def _with_smtp(settings: Settings, inbox: Inbox) -> Settings:
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,
            "smtp_starttls": False,
            "smtp_from": "tandem@example.org",
            "public_url": "https://tandem.example.org",
        }
    )


def _text(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_each_person_gets_one_digest_a_day_of_what_is_new(
    cast: Cast, db: Session, settings: Settings, inbox: Inbox
) -> None:
    cast.recording.title = "Visit with the Okafor family"
    db.add(cast.recording)
    db.commit()
    thread = comment(cast, "coach", body=SECRET_WORDS)
    score_and_submit(cast, "coach", PASSING)
    reply(cast, "owner", thread["id"], body=SECRET_WORDS)
    mailing = _with_smtp(settings, inbox)
    now = utcnow()

    run = send_digests(mailing, now=now)
    # The owner (feedback, a comment), coach2 (the comment, the reply), the coach (the
    # reply): three people, one email each.
    assert run.sent == 3
    messages = inbox.wait_for(3)
    by_recipient = {message["To"]: message for message in messages}
    owner_email = by_recipient[cast.people["owner"].email]
    assert owner_email["Subject"] == "Tandem: 2 new notifications"
    text = _text(owner_email)
    assert "New feedback" in text and "New comment" in text
    assert f"https://tandem.example.org/#/recordings/{cast.recording.id}" in text
    for message in messages:
        body = _text(message)
        # What people wrote, the recording's title and who wrote it stay in Tandem.
        assert SECRET_WORDS not in body
        assert "Okafor" not in body and "Okafor" not in message["Subject"]
        assert "Test Person" not in body

    # The same day again: nothing, and nothing twice.
    assert send_digests(mailing, now=now + timedelta(hours=1)).sent == 0
    comment(cast, "coach", body="Another moment.")
    assert send_digests(mailing, now=now + timedelta(hours=2)).sent == 0
    # The next day: only what is new since, to whoever has something new.
    assert send_digests(mailing, now=now + timedelta(days=1)).sent == 2  # owner, coach2
    later = inbox.wait_for(5)[3:]
    owner_later = [m for m in later if m["To"] == cast.people["owner"].email]
    assert [m["Subject"] for m in owner_later] == ["Tandem: 1 new notification"]
    assert "New feedback" not in _text(owner_later[0])
    assert send_digests(mailing, now=now + timedelta(days=2)).sent == 0
    # Emailing marks nothing read: the list still waits in the app.
    assert unread(cast, "owner") == 3


def test_read_notifications_and_people_who_opted_out_get_no_digest(
    cast: Cast, db: Session, settings: Settings, inbox: Inbox
) -> None:
    comment(cast, "owner")  # the coach and coach2 are told
    opted_out = cast.client.patch(
        "/api/v1/me/notification-settings",
        json={"email_digest": False},
        headers=cast.auth("coach2"),
    )
    assert opted_out.status_code == 200
    assert cast.client.post(
        "/api/v1/notifications/read-all", headers=cast.auth("coach")
    ).json() == {"marked_read": 1}

    assert send_digests(_with_smtp(settings, inbox)).sent == 0
    assert inbox.messages == []
    emailed = db.exec(select(Notification).where(col(Notification.emailed_at).is_not(None)))
    assert emailed.all() == []


def test_without_smtp_nothing_is_sent(cast: Cast, settings: Settings) -> None:
    comment(cast, "coach")
    run = send_digests(settings)
    assert run.smtp_configured is False and run.sent == 0
