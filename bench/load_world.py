"""The organisation of the load benchmark (bench/load.py) and the plan its simulated people
follow (bench/load_users.py).

The reports benchmark's generator (bench/report_world.py) writes the organisation: for 200
practitioners, 5 leads, 10 supervisors with teams of 20, 20 coaches, a year of scored
recordings with comments and double coding, bookings, allocations and logged time. On top
of it, here: the programme scores against the rubric's published version (as a lead sets
it), everyone signs in with one password, each practitioner has recent recordings nobody
has scored yet (what coaches comment on and draft observations of), every recording has a
real MP4 in disk storage, and the year's feedback, comments and replies have notified
their recipients (read, but for the last two weeks').
"""

import os
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, func, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.auth.passwords import hash_password
from app.auth.service import LOCAL_ISSUER
from app.models import (
    Comment,
    ConsentRecord,
    Identity,
    Notification,
    NotificationKind,
    Observation,
    Programme,
    Recording,
    Rubric,
    RubricCriterion,
    RubricVersion,
    User,
)
from app.models.base import utcnow
from app.models.identity import IdentityKind
from bench.common import make_media
from bench.report_people import Rows
from bench.report_world import SEED, World, Writer, populate
from bench.time_report import ZONE

PASSWORD = "load-bench-password-4921"
MEDIA_BYTES = 64 * 1024
UNREAD_FOR = timedelta(days=14)
AWAITING_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class Rubrics:
    programme_id: uuid.UUID
    version_id: uuid.UUID
    codes: list[str]


def build(
    engine: Engine, *, practitioners: int, scored: int, awaiting: int, media: Path
) -> dict[str, Any]:
    """Writes the organisation and answers the plan (without the servers)."""
    world = populate(engine, practitioners, practitioners * scored)
    generator = random.Random(SEED + 1)
    now = utcnow()
    with Session(engine) as db:
        rubrics = _rubric_in_use(db, world)
        write = Writer(db)
        write(Identity, _passwords(db))
        to_score = _awaiting(write, world, rubrics, awaiting, now, generator)
        write(Notification, _notifications(db, world.organisation_id, now))
        _store_media(db, media)
        db.commit()
    plan = _plan(world, rubrics, to_score)
    for table, count in write.counts.items():
        plan["counts"][table] = plan["counts"].get(table, 0) + count
    return plan


def _rubric_in_use(db: Session, world: World) -> Rubrics:
    """The programme scores new observations against the published version (a lead's
    choice in the app; the generator leaves it unset, as reports do not need it)."""
    version_id, programme_id = db.execute(
        select(RubricVersion.id, Rubric.programme_id)
        .join(Rubric, col(Rubric.id) == RubricVersion.rubric_id)
        .where(col(Rubric.id) == world.rubric_id)
    ).one()
    db.execute(
        update(Programme)
        .where(col(Programme.id) == programme_id)
        .values(rubric_version_id=version_id)
    )
    codes = db.execute(
        select(RubricCriterion.code)
        .where(col(RubricCriterion.rubric_version_id) == version_id)
        .order_by(col(RubricCriterion.position))
    ).scalars()
    return Rubrics(programme_id, version_id, list(codes))


def _passwords(db: Session) -> Rows:
    """Everyone's local password, as setting one writes it (one argon2 hash for all)."""
    password_hash = hash_password(PASSWORD)
    return [
        {
            "id": uuid.uuid4(),
            "user_id": user_id,
            "kind": IdentityKind.password,
            "issuer": LOCAL_ISSUER,
            "subject": str(user_id),
            "password_hash": password_hash,
        }
        for user_id in db.execute(select(User.id)).scalars()
    ]


def _awaiting(
    write: Writer,
    world: World,
    rubrics: Rubrics,
    per_practitioner: int,
    now: datetime,
    generator: random.Random,
) -> dict[uuid.UUID, list[str]]:
    """Recent ready recordings with consent and nothing scored yet; answers them by the
    practitioner's main coach."""
    org = world.organisation_id
    recordings: Rows = []
    consents: Rows = []
    by_coach: dict[uuid.UUID, list[str]] = {}
    people = world.people
    for n, owner in enumerate(people.practitioners):
        for _ in range(per_practitioner):
            recording_id = uuid.uuid4()
            uploaded = now - AWAITING_WITHIN * generator.random()
            recorded = uploaded - timedelta(hours=generator.uniform(1, 48))
            recordings.append(
                {
                    "id": recording_id,
                    "organisation_id": org,
                    "owner_user_id": owner,
                    "programme_id": rubrics.programme_id,
                    "title": "Home visit",
                    "recorded_at": recorded,
                    "status": "ready",
                    "declared_type": "video/mp4",
                    "size_bytes": MEDIA_BYTES,
                    "media_type": "video/mp4",
                    "duration_seconds": generator.uniform(1200, 3600),
                    "storage_key": f"recordings/{org}/{recording_id}/original",
                    "created_at": uploaded - timedelta(minutes=10),
                    "uploaded_at": uploaded,
                    "processed_at": uploaded + timedelta(minutes=2),
                }
            )
            consents.append(
                {
                    "id": uuid.uuid4(),
                    "organisation_id": org,
                    "recording_id": recording_id,
                    "obtained_by_user_id": owner,
                    "obtained_at": recorded,
                    "method": "written",
                    "scope": "coaching",
                }
            )
            by_coach.setdefault(people.coaches_of[n][0], []).append(str(recording_id))
    recordings.sort(key=lambda row: row["created_at"])
    write(Recording, recordings)
    write(ConsentRecord, consents)
    return by_coach


def _notifications(db: Session, org: uuid.UUID, now: datetime) -> Rows:
    """What the year's events told their recipients: each counted observation its
    practitioner, each coach's comment the recording's owner, each reply the comment's
    author. Read a day later, but for the last two weeks'."""

    def notice(kind: str, to: Any, actor: Any, at: datetime, **about: Any) -> dict[str, Any]:
        read = at + timedelta(days=1) if at < now - UNREAD_FOR else None
        return {
            "id": uuid.uuid4(),
            "organisation_id": org,
            "recipient_user_id": to,
            "actor_user_id": actor,
            "kind": kind,
            "created_at": at,
            "read_at": read,
            "emailed_at": read,
            "observation_id": None,
            "comment_id": None,
            **about,
        }

    feedback = select(
        Observation.practitioner_user_id,
        Observation.rater_user_id,
        Observation.submitted_at,
        Observation.recording_id,
        Observation.id,
    ).where(col(Observation.rater_role) == "primary")
    feedback_submitted = NotificationKind.feedback_submitted
    rows = [
        notice(
            feedback_submitted, to, rater, at, recording_id=recording, observation_id=observation
        )
        for to, rater, at, recording, observation in db.execute(feedback)
    ]
    rows += [
        notice(NotificationKind.comment, to, author, at, recording_id=recording, comment_id=comment)
        for comment, recording, author, at, to in db.execute(_comments_and_recipients())
    ]
    rows.sort(key=lambda found: found["created_at"])
    return rows


def _comments_and_recipients() -> Select[Any]:
    """Each comment with whom it notified: a reply the comment's author, a comment the
    recording's owner."""
    parent = aliased(Comment)
    recipient = func.coalesce(parent.author_user_id, Recording.owner_user_id)
    return (
        select(
            Comment.id, Comment.recording_id, Comment.author_user_id, Comment.created_at, recipient
        )
        .join(Recording, col(Recording.id) == Comment.recording_id)
        .outerjoin(parent, col(parent.id) == Comment.parent_id)
    )


def _store_media(db: Session, media: Path) -> None:
    """One small real MP4 (bench/common.py), linked under every recording's storage key."""
    media.mkdir(parents=True, exist_ok=True)
    source = make_media(media.parent / "seed.mp4", MEDIA_BYTES)
    for key in db.execute(select(Recording.storage_key)).scalars():
        target = media / key
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target)
    db.execute(update(Recording).values(size_bytes=MEDIA_BYTES))


def _plan(world: World, rubrics: Rubrics, to_score: dict[uuid.UUID, list[str]]) -> dict[str, Any]:
    people = world.people

    def accounts(role: str, users: list[uuid.UUID]) -> list[dict[str, Any]]:
        return [
            {
                "email": f"{role}{n}@example.org",
                "user_id": str(user),
                "to_score": to_score.get(user, []),
            }
            for n, user in enumerate(users)
        ]

    return {
        "organisation_id": str(world.organisation_id),
        "programme_id": str(rubrics.programme_id),
        "rubric_id": str(world.rubric_id),
        "rubric_version_id": str(rubrics.version_id),
        "rubric_version": 1,
        "criteria": rubrics.codes,
        "zone": ZONE.key,
        "password": PASSWORD,
        "accounts": {
            "practitioner": accounts("practitioner", people.practitioners),
            "coach": accounts("coach", people.coaches),
            "supervisor": accounts("supervisor", people.supervisors),
            "lead": accounts("lead", people.leads),
        },
        "counts": dict(world.counts),
    }
