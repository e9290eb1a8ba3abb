"""The daily email digest: each person who wants it hears once a day of the notifications
waiting for them that no digest listed before.

`python -m app send-digests` runs it (schedule it daily; the README says how). A plain
function of settings, so a job queue can call it later. Running it twice in a day sends
nothing more: a person's digest is claimed with a conditional UPDATE of their
`last_digest_at` (at most one per `DIGEST_GAP`), in the transaction that marks what it
lists as emailed and commits only once the email is sent, so a failed send lists them
again next time, and two runs at once send one email.

What an email may carry: it leaves our hands (mail providers, forwarding, phones' lock
screens) and is kept for ever, so it says what kind of thing happened, when, and links
to it in Tandem, behind sign-in. No recording or objective title (practitioners type
them, and one may name a family), no names, no comment, reflection or evidence text.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.access import notifications as policy
from app.config import Settings
from app.db import make_engine
from app.models import Notification, NotificationKind, NotificationPreference, User
from app.models.base import utcnow
from app.notifications.email import deliver, digest_message
from app.notifications.reads import link
from app.notifications.wording import summary

logger = logging.getLogger("tandem.digest")
# A day, less a few hours' slack: a run a little earlier tomorrow still sends.
DIGEST_GAP = timedelta(hours=20)
MOST_LISTED = 50  # beyond this, the email says how many more are waiting


@dataclass(frozen=True)
class DigestRun:
    smtp_configured: bool
    sent: int  # emails sent, one per person


def send_digests(settings: Settings, *, now: datetime | None = None) -> DigestRun:
    """Send every opted-in person one email about their new unread notifications."""
    if not settings.smtp_host:
        return DigestRun(smtp_configured=False, sent=0)
    moment = now or utcnow()
    engine = make_engine(settings.database_url)
    try:
        sent = sum(_send_one(engine, settings, user_id, moment) for user_id in _waiting(engine))
    finally:
        engine.dispose()
    return DigestRun(smtp_configured=True, sent=sent)


def _waiting(engine: Engine) -> list[uuid.UUID]:
    """Everyone with an unread notification no digest listed yet (the rule comes later)."""
    statement = (
        select(col(Notification.recipient_user_id))
        .where(col(Notification.read_at).is_(None), col(Notification.emailed_at).is_(None))
        .distinct()
    )
    with Session(engine) as db:
        return list(db.exec(statement))


def _send_one(engine: Engine, settings: Settings, user_id: uuid.UUID, now: datetime) -> bool:
    _ensure_preference(engine, user_id)
    with Session(engine, expire_on_commit=False) as db:
        user = db.get(User, user_id)
        if user is None or not user.is_active or not _claim(db, user_id, now):
            return False
        members = policy.members_of(db, user)
        statement = (
            select(Notification)
            .where(
                policy.shown_rule(policy.shape_of(members)),
                col(Notification.read_at).is_(None),
                col(Notification.emailed_at).is_(None),
            )
            .order_by(col(Notification.created_at).desc(), col(Notification.id))
        )
        rows = list(db.exec(statement, params=policy.values_of(members)))
        if not rows:
            db.rollback()  # nothing new: no email, and the day is not used up
            return False
        zones = {
            member.organisation_id: ZoneInfo(member.organisation.time_zone) for member in members
        }
        if not deliver(settings, [_message(settings, user, rows, zones)]):
            db.rollback()
            return False
        db.execute(
            update(Notification)
            .where(col(Notification.id).in_([row.id for row in rows]))
            .values(emailed_at=now)
        )
        db.commit()
    return True


def _ensure_preference(engine: Engine, user_id: uuid.UUID) -> None:
    """A row to claim (the defaults: the digest on)."""
    with Session(engine) as db:
        if db.get(NotificationPreference, user_id) is not None:
            return
        db.add(NotificationPreference(user_id=user_id))
        try:
            db.commit()
        except IntegrityError:  # another run made it meanwhile
            db.rollback()


def _claim(db: Session, user_id: uuid.UUID, now: datetime) -> bool:
    """Today's digest for this person, if they want one and nobody sent it yet."""
    last = col(NotificationPreference.last_digest_at)
    statement = (
        update(NotificationPreference)
        .where(
            col(NotificationPreference.user_id) == user_id,
            col(NotificationPreference.email_digest).is_(True),
            or_(last.is_(None), last <= now - DIGEST_GAP),
        )
        .values(last_digest_at=now)
    )
    claimed: bool = db.execute(statement).rowcount == 1  # type: ignore[attr-defined]
    return claimed


def _message(
    settings: Settings,
    user: User,
    rows: list[Notification],
    zones: dict[uuid.UUID, ZoneInfo],
) -> EmailMessage:
    base = settings.public_url.rstrip("/")
    count = len(rows)
    lines = []
    for row in rows[:MOST_LISTED]:
        when = row.created_at.astimezone(zones[row.organisation_id])
        lines.append(f"- {summary(NotificationKind(row.kind))}, {when:%d %b %H:%M}")
        lines.append(f"  {base}/{link(row)}")
    if count > MOST_LISTED:
        lines.append(f"- and {count - MOST_LISTED} more")
    subject = f"Tandem: {count} new notification{'s' if count != 1 else ''}"
    return digest_message(settings, to=user.email, subject=subject, items=lines, base_url=base)
