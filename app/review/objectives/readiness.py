"""Is an objective ready to be marked achieved? One query for any number of objectives.

A linked criterion is reached in an observation when its level there is at least the
target (N/A is not reached). Criteria are matched by rubric and code, so a new rubric
version keeps counting. Only the practitioner's counted observations of that rubric (one
per recording, see app/review/counting.py) are looked at, the latest N of them, N being
the programme's `objective_ready_window`; ready means every linked criterion was reached
in all N, and that there were N. Counted for each reader: an observation of a recording
they rate blind is left out (app/access/figures.py), as their fidelity figures leave it
out, or how many reached a target would tell them how another rater scored it.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.access import Member
from app.access.figures import not_blind
from app.models import (
    LearningObjective,
    ObjectiveCriterion,
    ObservationScore,
    ReviewSettings,
    Rubric,
    RubricCriterion,
    RubricVersion,
)
from app.review.counting import counted_observations
from app.review.settings.service import setting_column


@dataclass(frozen=True)
class CriterionReach:
    objective_criterion_id: uuid.UUID
    objective_id: uuid.UUID
    rubric_id: uuid.UUID
    reached: int
    window: int

    @property
    def ready(self) -> bool:
        return self.reached >= self.window


def _ranked(member: Member) -> Subquery:
    counted = counted_observations(member.organisation_id)
    newest_first = func.row_number().over(
        partition_by=(counted.c.practitioner_user_id, col(RubricVersion.rubric_id)),
        order_by=(counted.c.submitted_at.desc(), counted.c.id),
    )
    return (
        select(
            counted.c.id,
            counted.c.practitioner_user_id,
            counted.c.rubric_version_id,
            col(RubricVersion.rubric_id),
            newest_first.label("rn"),
        )
        .join(RubricVersion, col(RubricVersion.id) == counted.c.rubric_version_id)
        .where(not_blind(member, counted.c.recording_id))
        .subquery("ranked_for_objectives")
    )


TARGET = aliased(RubricCriterion, name="target")
TARGET_VERSION = aliased(RubricVersion, name="target_version")
SCORED = aliased(RubricCriterion, name="scored")


def _links_with_windows() -> Select[Any]:
    """Each objective criterion with its rubric and the programme's window."""
    return (
        select(ObjectiveCriterion)
        .join(LearningObjective, col(LearningObjective.id) == col(ObjectiveCriterion.objective_id))
        .join(TARGET, col(TARGET.id) == col(ObjectiveCriterion.criterion_id))
        .join(TARGET_VERSION, col(TARGET_VERSION.id) == col(TARGET.rubric_version_id))
        .join(Rubric, col(Rubric.id) == col(TARGET_VERSION.rubric_id))
        .outerjoin(ReviewSettings, col(ReviewSettings.programme_id) == col(Rubric.programme_id))
    )


def _with_latest_scores(
    statement: Select[Any], ranked: Subquery, window: ColumnElement[Any]
) -> Select[Any]:
    """The practitioner's latest N counted observations of the rubric, and in each the
    level of the criterion with the same code."""
    return (
        statement.outerjoin(
            ranked,
            and_(
                ranked.c.practitioner_user_id == col(LearningObjective.practitioner_user_id),
                ranked.c.rubric_id == col(TARGET_VERSION.rubric_id),
                ranked.c.rn <= window,
            ),
        )
        .outerjoin(
            SCORED,
            and_(
                col(SCORED.rubric_version_id) == ranked.c.rubric_version_id,
                col(SCORED.code) == col(TARGET.code),
            ),
        )
        .outerjoin(
            ObservationScore,
            and_(
                col(ObservationScore.observation_id) == ranked.c.id,
                col(ObservationScore.criterion_id) == col(SCORED.id),
            ),
        )
    )


def reach_of(
    db: Session, *, member: Member, objective_ids: Sequence[uuid.UUID]
) -> list[CriterionReach]:
    """How far each criterion of these objectives (of `member`'s organisation) is reached,
    as `member` may know it."""
    if not objective_ids:
        return []
    organisation_id = member.organisation_id
    ranked = _ranked(member)
    window = setting_column("objective_ready_window")
    link = ObjectiveCriterion
    reached = case((col(ObservationScore.level) >= col(link.target_level), ranked.c.id))
    columns = (
        col(link.id),
        col(link.objective_id),
        col(TARGET_VERSION.rubric_id),
        func.count(reached).label("reached"),
        window.label("window"),
    )
    statement = (
        _with_latest_scores(_links_with_windows(), ranked, window)
        .with_only_columns(*columns, maintain_column_froms=False)
        .where(
            col(link.organisation_id) == organisation_id, col(link.objective_id).in_(objective_ids)
        )
        # Group by the settings column itself: PostgreSQL would not match the coalesce
        # expression of the select list with its copy here (distinct bound parameters).
        .group_by(*columns[:3], col(ReviewSettings.objective_ready_window))
    )
    return [CriterionReach(*row) for row in db.execute(statement)]
