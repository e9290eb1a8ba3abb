"""The caller's notifications as the API shows them, built in batches: a page runs the
same few queries however long it is."""

import uuid
from collections.abc import Sequence
from functools import lru_cache

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from app.access import notifications as policy
from app.models import LearningObjective, Notification, NotificationKind, Recording, User
from app.notifications.schemas import NotificationRead
from app.notifications.wording import summary
from app.schemas import Page


def list_notifications(
    db: Session, *, user: User, page: Page, unread: bool | None = None
) -> list[NotificationRead]:
    """Newest first."""
    members = policy.members_of(db, user)
    statement = page.of(_list_statement(policy.shape_of(members), unread))
    return build(db, list(db.exec(statement, params=policy.values_of(members))))


def unread_count(db: Session, *, user: User) -> int:
    members = policy.members_of(db, user)
    statement = _unread_statement(policy.shape_of(members))
    return db.exec(statement, params=policy.values_of(members)).one()


@lru_cache(maxsize=128)
def _list_statement(shape: policy.Shape, unread: bool | None) -> SelectOfScalar[Notification]:
    """`list_notifications`'s query for people of this shape (see `policy.shown_rule`)."""
    statement = select(Notification).where(policy.shown_rule(shape))
    if unread is not None:
        read_at = col(Notification.read_at)
        statement = statement.where(read_at.is_(None) if unread else read_at.is_not(None))
    # The id breaks ties, so pages follow on from each other.
    return statement.order_by(col(Notification.created_at).desc(), col(Notification.id))


@lru_cache(maxsize=128)
def _unread_statement(shape: policy.Shape) -> SelectOfScalar[int]:
    """`unread_count`'s query for people of this shape: the PWA asks it before every
    screen, and building it cost several times what running it does."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(col(Notification.read_at).is_(None), policy.shown_rule(shape))
    )


def build(db: Session, rows: Sequence[Notification]) -> list[NotificationRead]:
    """Titles and names for many notifications, three queries in all."""
    recordings = _titles(db, Recording, {row.recording_id for row in rows})
    objectives = _titles(db, LearningObjective, {row.objective_id for row in rows})
    actors = _names(db, {row.actor_user_id for row in rows})
    return [
        NotificationRead(
            id=row.id,
            organisation_id=row.organisation_id,
            kind=NotificationKind(row.kind),
            summary=summary(NotificationKind(row.kind)),
            title=(
                objectives.get(row.objective_id)
                if row.objective_id
                else recordings.get(row.recording_id)
                if row.recording_id
                else None
            ),
            actor_name=actors.get(row.actor_user_id) if row.actor_user_id else None,
            link=link(row),
            recording_id=row.recording_id,
            objective_id=row.objective_id,
            created_at=row.created_at,
            read=row.read_at is not None,
            read_at=row.read_at,
        )
        for row in rows
    ]


def link(row: Notification) -> str:
    """The PWA's route to what it is about: the recording (its feedback, comments and
    reflection are on its screen), or the objectives."""
    if row.recording_id is not None:
        return f"#/recordings/{row.recording_id}"
    return "#/objectives"


def _titles(
    db: Session, model: type[Recording] | type[LearningObjective], ids: set[uuid.UUID | None]
) -> dict[uuid.UUID | None, str]:
    wanted = [key for key in ids if key is not None]
    if not wanted:
        return {}
    statement = select(model.id, model.title).where(col(model.id).in_(wanted))
    return dict(db.exec(statement).all())


def _names(db: Session, ids: set[uuid.UUID | None]) -> dict[uuid.UUID | None, str]:
    wanted = [key for key in ids if key is not None]
    if not wanted:
        return {}
    statement = select(User.id, User.display_name, User.email).where(col(User.id).in_(wanted))
    return {key: name or email for key, name, email in db.exec(statement)}
