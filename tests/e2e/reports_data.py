"""What the dashboards show in the browser tests: three months of Pat's recordings, scored by
Cora and double-coded by Lee, ring-fenced time set aside and used this month, and a
locality for the equity report."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app.models import MemberAttribute, Membership, Programme, TimeAllocation, TimeEntry
from app.models.base import utcnow
from tests.e2e.conftest import Team
from tests.factories import (
    make_comment,
    make_observation,
    make_ready_recording,
    make_rubric_version,
    make_second_rater,
)

# Pat's scores, oldest first, a month apart: the trend rises through the threshold (80 %).
LEVELS = ({"R1": 3, "R2": 3}, {"R1": 4, "R2": 4}, {"R1": 5, "R2": 4})


def fill_reports(db: Session, team: Team) -> None:
    programme = db.exec(
        select(Programme).where(Programme.organisation_id == team.organisation.id)
    ).one()
    version = make_rubric_version(
        db,
        team.organisation,
        programme,
        {"code": "R1", "title": "Builds rapport", "min_level": 3},
        {"code": "R2", "title": "Asks open questions", "min_level": 4},
    )
    now = datetime.now(UTC)
    for months_ago, levels in zip((2, 1, 0), LEVELS, strict=True):
        recording = make_ready_recording(
            db, team.organisation, team.practitioner, programme=programme
        )
        recording.created_at = now - timedelta(days=30 * months_ago + 2)
        recording.uploaded_at = recording.created_at
        db.add(recording)
        db.commit()
        make_comment(db, recording, team.coach, body="Lovely open question here.")
        submitted_at = now - timedelta(days=30 * months_ago)
        make_observation(db, recording, team.coach, version, levels, submitted_at=submitted_at)
        # Lee double-codes each recording (one level apart on R2 the last time): agreement.
        make_second_rater(db, recording, team.lead)
        second = {"R1": levels["R1"], "R2": levels["R2"] - (1 if months_ago == 0 else 0)}
        make_observation(
            db,
            recording,
            team.lead,
            version,
            second,
            submitted_at=submitted_at,
            rater_role="second",
        )
    today = utcnow().date()
    db.add(
        TimeAllocation(
            organisation_id=team.organisation.id,
            practitioner_user_id=team.practitioner.id,
            category="coaching",
            minutes=240,
            period="month",
            effective_from=today.replace(day=1) - timedelta(days=400),
        )
    )
    db.add(
        TimeEntry(
            organisation_id=team.organisation.id,
            practitioner_user_id=team.practitioner.id,
            category="coaching",
            on_date=today.replace(day=1),
            minutes=90,
        )
    )
    membership = db.exec(
        select(Membership).where(
            Membership.organisation_id == team.organisation.id,
            Membership.user_id == team.practitioner.id,
        )
    ).one()
    db.add(
        MemberAttribute(
            organisation_id=team.organisation.id,
            membership_id=membership.id,
            name="locality",
            value="Riverside North",
        )
    )
    db.commit()
