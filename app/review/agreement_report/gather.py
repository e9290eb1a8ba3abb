"""Gathering the submitted levels of a rubric's observations, one query.

A unit is one recording scored on one criterion (matched by code, so versions of a rubric
with the same scale pool). N/A counts as not scored. A rater with observations of the same
recording in two versions counts with the latest. The period selects recordings by when
they were recorded (upload time when unknown), in the organisation's time zone, both days
included, so both ratings of a double-coded recording fall on the same side of it.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.access import Member, figures
from app.errors import Conflict
from app.models import (
    Observation,
    ObservationScore,
    Organisation,
    Recording,
    RubricCriterion,
    RubricVersion,
)
from app.models.review import ObservationStatus

Unit = tuple[uuid.UUID, str]


@dataclass
class Gathered:
    levels: dict[Unit, dict[uuid.UUID, int | None]] = field(default_factory=dict)
    """Per unit, each rater's level, raters in the order they submitted."""
    gold: dict[Unit, tuple[uuid.UUID, int | None]] = field(default_factory=dict)
    """Per unit, the gold-standard rater and level."""
    titles: dict[str, str] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    versions: dict[uuid.UUID, list[int]] = field(default_factory=dict)
    observations: set[uuid.UUID] = field(default_factory=set)

    @property
    def recordings(self) -> set[uuid.UUID]:
        return {recording for recording, _ in self.levels}

    def scale_levels(self) -> list[int]:
        scales = {tuple(levels) for levels in self.versions.values()}
        if len(scales) > 1:
            raise Conflict(
                "The observations were scored on rubric versions with different scales; "
                "choose one version with rubric_version_id.",
                code="mixed_scales",
            )
        return list(scales.pop()) if scales else []


@dataclass(frozen=True)
class Selection:
    organisation: Organisation
    rubric_id: uuid.UUID
    rubric_version_id: uuid.UUID | None = None
    period_from: date | None = None
    period_to: date | None = None
    recording_ids: tuple[uuid.UUID, ...] = ()
    # The lead reading the report: recordings they rate blind are left out for them.
    reader: Member | None = None


def _instant(day: date, organisation: Organisation) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(organisation.time_zone))


def _statement(selection: Selection):  # type: ignore[no-untyped-def]
    statement = (
        select(Observation, RubricVersion, RubricCriterion, ObservationScore)
        .join(RubricVersion, col(RubricVersion.id) == col(Observation.rubric_version_id))
        .join(ObservationScore, col(ObservationScore.observation_id) == col(Observation.id))
        .join(RubricCriterion, col(RubricCriterion.id) == col(ObservationScore.criterion_id))
        .join(Recording, col(Recording.id) == col(Observation.recording_id))
        .where(
            col(Observation.organisation_id) == selection.organisation.id,
            col(Observation.status) == ObservationStatus.submitted,
            col(RubricVersion.rubric_id) == selection.rubric_id,
        )
        .order_by(col(Observation.submitted_at), col(Observation.id))
    )
    if selection.rubric_version_id is not None:
        statement = statement.where(col(RubricVersion.id) == selection.rubric_version_id)
    if selection.reader is not None:
        statement = statement.where(
            figures.not_blind(selection.reader, col(Observation.recording_id))
        )
    if selection.recording_ids:
        statement = statement.where(col(Observation.recording_id).in_(selection.recording_ids))
    recorded = func.coalesce(col(Recording.recorded_at), col(Recording.created_at))
    if selection.period_from is not None:
        statement = statement.where(
            recorded >= _instant(selection.period_from, selection.organisation)
        )
    if selection.period_to is not None:
        end = _instant(selection.period_to + timedelta(days=1), selection.organisation)
        statement = statement.where(recorded < end)
    return statement


def gather(db: Session, *, selection: Selection) -> Gathered:
    gathered = Gathered()
    for observation, version, criterion, score in db.exec(_statement(selection)):
        unit = (observation.recording_id, criterion.code)
        rater = observation.rater_user_id
        unit_levels = gathered.levels.setdefault(unit, {})
        unit_levels.pop(rater, None)  # a later version's rating replaces, in submission order
        unit_levels[rater] = score.level
        if observation.is_gold_standard:
            gathered.gold[unit] = (rater, score.level)
        gathered.titles[criterion.code] = criterion.title
        gathered.positions[criterion.code] = criterion.position
        gathered.versions[version.id] = [int(step["level"]) for step in version.scale]
        gathered.observations.add(observation.id)
    return gathered


def by_criterion(gathered: Gathered) -> dict[str, dict[Unit, dict[uuid.UUID, int | None]]]:
    split: dict[str, dict[Unit, dict[uuid.UUID, int | None]]] = defaultdict(dict)
    for unit, levels in gathered.levels.items():
        split[unit[1]][unit] = levels
    return split
