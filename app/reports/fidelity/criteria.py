"""The weakest criteria per programme, where to aim training: the levels given in the
period's counted observations (N/A left out), per criterion code of the programme.

Rubric versions differ (a new version may reword, reweigh or drop a criterion), so a
criterion is its code within the programme: its scores pool across versions, each level
read against its own version's scale (0 % the lowest level, 100 % the highest), and its
title is the newest published version's. Scales are consecutive levels (the rubric
checks), so the lowest is the first and the span is their number less one.
"""

from typing import Any

from sqlalchemy import CTE, Float, Select, and_, case, cast, func, select
from sqlmodel import col

from app.models import ObservationScore, Programme, Rubric, RubricCriterion, RubricVersion
from app.models.rubric import RubricStatus
from app.reports.fidelity import queries
from app.reports.fidelity.queries import FidelityQuery
from app.reports.sql import level_given

WEAKEST_PER_PROGRAMME = 5


def weakest_statement(query: FidelityQuery, observations: CTE) -> Select[Any]:
    ranked = _ranked(query, observations)
    titles = _titles(query)
    return (
        select(
            ranked.c.programme_id,
            col(Programme.name).label("programme_name"),
            ranked.c.rank,
            ranked.c.criterion_code,
            titles.c.title.label("criterion_title"),
            ranked.c.scores,
            ranked.c.mean_level_percent,
            ranked.c.below_minimum_percent,
        )
        .join(Programme, col(Programme.id) == ranked.c.programme_id)
        .join(
            titles,
            and_(
                titles.c.programme_id == ranked.c.programme_id,
                titles.c.code == ranked.c.criterion_code,
                titles.c.newest == 1,
            ),
        )
        .where(ranked.c.rank <= WEAKEST_PER_PROGRAMME)
        .order_by(col(Programme.name), ranked.c.programme_id, ranked.c.rank)
    )


def _levels_given(observations: CTE) -> Any:
    """How often each level of each criterion was given: the one pass over the scores
    (a criterion belongs to one rubric version, so to one programme); everything else
    reads these few rows. Each observation's scores are found by a join, read from the
    index ix_observation_score_levels alone."""
    score = ObservationScore
    criterion, level = col(score.criterion_id), col(score.level)
    return (
        select(criterion.label("criterion_id"), level.label("level"), func.count().label("times"))
        .select_from(observations)
        .join(score, col(score.observation_id) == observations.c.id)
        .where(level_given(score))
        .group_by(criterion, level)
        .subquery("levels_given")
    )


def _ranked(query: FidelityQuery, observations: CTE) -> Any:
    given = _levels_given(observations).c
    scale = col(RubricVersion.scale)
    lowest = scale[(0, "level")].as_integer()
    span = func.json_array_length(scale) - 1
    minimum = col(RubricCriterion.min_level)
    code = col(RubricCriterion.code)
    scores = func.sum(given.times)
    with_minimum = func.sum(case((minimum.is_not(None), given.times), else_=0))
    below = func.sum(case((given.level < minimum, given.times), else_=0))
    relative_sum = func.sum(given.times * cast(given.level - lowest, Float) / span)
    programme_id = col(Rubric.programme_id)
    grouped = (
        select(
            programme_id.label("programme_id"),
            code.label("criterion_code"),
            scores.label("scores"),
            (relative_sum * 100 / scores).label("mean_level_percent"),
            case((with_minimum > 0, queries.percent_of(below, with_minimum)), else_=None).label(
                "below_minimum_percent"
            ),
        )
        .join(RubricCriterion, col(RubricCriterion.id) == given.criterion_id)
        .join(RubricVersion, col(RubricVersion.id) == col(RubricCriterion.rubric_version_id))
        .join(Rubric, col(Rubric.id) == col(RubricVersion.rubric_id))
        .group_by(programme_id, code)
        .subquery("criterion_figures")
    )
    g = grouped.c
    rank = func.row_number().over(
        partition_by=g.programme_id,
        # No minimum set orders as never below it (NULLs sort differently per database).
        order_by=(
            g.mean_level_percent,
            func.coalesce(g.below_minimum_percent, 0).desc(),
            g.criterion_code,
        ),
    )
    return select(*g, rank.label("rank")).subquery("ranked_criteria")


def _titles(query: FidelityQuery) -> Any:
    """Each code's title in the newest published (or since retired) version having it."""
    newest = func.row_number().over(
        partition_by=(col(Rubric.programme_id), col(RubricCriterion.code)),
        order_by=(
            case((col(RubricVersion.published_at).is_(None), 1), else_=0),
            col(RubricVersion.published_at).desc(),
            col(RubricVersion.id),
        ),
    )
    return (
        select(
            col(Rubric.programme_id).label("programme_id"),
            col(RubricCriterion.code).label("code"),
            col(RubricCriterion.title).label("title"),
            newest.label("newest"),
        )
        .join(RubricVersion, col(RubricVersion.id) == col(RubricCriterion.rubric_version_id))
        .join(Rubric, col(Rubric.id) == col(RubricVersion.rubric_id))
        .where(
            col(RubricCriterion.organisation_id) == query.organisation_id,
            col(RubricVersion.status) != RubricStatus.draft,
        )
        .subquery("criterion_title")
    )
