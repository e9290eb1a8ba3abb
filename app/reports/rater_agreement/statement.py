"""The agreement report as one SQL statement, the same on SQLite and PostgreSQL.

Every level a rater gave a criterion of a recording is a rating; each rating against every
other rater's rating of the same criterion of the same recording is a score pair. A
rater's pairs are counted in the month they submitted; for all raters each pair counts
once, in the month its later observation was submitted. A window over each rater's months
pools their earlier months, against which a month's exact agreement may show drift.
Pairs whose other side is a gold-standard observation also count as agreement with gold.
"""

from typing import Any

from sqlalchemy import (
    CTE,
    BigInteger,
    Boolean,
    ColumnElement,
    Select,
    Subquery,
    Uuid,
    and_,
    case,
    cast,
    func,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import col

from app.models import ObservationScore, ReviewSettings, Rubric, User
from app.reports.rater_agreement.ratings import AgreementQuery, coded_observations
from app.reports.rater_agreement.schemas import DRIFT_POINTS
from app.reports.sql import level_given

_SUMMED = (
    "score_pairs",
    "exact_pairs",
    "adjacent_pairs",
    "signed_total",
    "absolute_total",
    "gold_pairs",
    "gold_exact_pairs",
)


def agreement_statement(query: AgreementQuery) -> Select[Any]:
    monthly = _with_earlier(_monthly(_pairs(coded_observations(query))))
    c = monthly.c
    pairs, earlier_pairs = c.score_pairs, func.coalesce(c.earlier_pairs, 0)
    # exact / pairs <= earlier_exact / earlier_pairs - DRIFT_POINTS / 100, in whole numbers.
    drifting = and_(
        earlier_pairs > 0,
        100 * c.exact_pairs * earlier_pairs
        <= (100 * c.earlier_exact_pairs - DRIFT_POINTS * earlier_pairs) * pairs,
    )
    rater_name = col(User.display_name)
    title = col(Rubric.title)
    return (
        select(
            c.rubric_id,
            title.label("rubric_title"),
            c.month,
            c.rater_user_id,
            rater_name.label("rater_name"),
            c.recordings_compared,
            pairs,
            c.exact_pairs,
            c.adjacent_pairs,
            c.signed_total,
            c.absolute_total,
            c.earlier_exact_pairs,
            c.earlier_pairs,
            type_coerce(drifting, Boolean).label("drifting"),
            c.gold_pairs,
            c.gold_exact_pairs,
            col(ReviewSettings.recalibration_below_percent).label("recalibration_below_percent"),
        )
        .select_from(monthly)
        .join(Rubric, col(Rubric.id) == c.rubric_id)
        .outerjoin(ReviewSettings, col(ReviewSettings.programme_id) == col(Rubric.programme_id))
        .outerjoin(User, col(User.id) == c.rater_user_id)
        .order_by(
            title,
            c.rubric_id,
            c.month,
            case((c.rater_user_id.is_(None), 0), else_=1),
            rater_name,
            c.rater_user_id,
        )
    )


def _pairs(coded: CTE) -> CTE:
    """Each level a rater gave a criterion of an observation submitted within the days,
    against every other rater's level for the same criterion of the same recording,
    whenever the other was submitted.

    Observations are paired first (a few thousand on the benchmark's organisation), then
    each pair's levels are read from the score index (ix_observation_score_levels),
    criterion by criterion. Pairing every level with every other instead (79,000 of
    them) had PostgreSQL, which cannot estimate how many recordings are double coded,
    sort them all twice on disk; SQLite, too, finds the other observation through an
    automatic index on the coded observations, which its planner would skip if they came
    through a window function or a correlated lookup (ratings.py avoids both)."""
    mine, other = coded.alias("mine"), coded.alias("other")
    my_score = aliased(ObservationScore, name="my_score")
    other_score = aliased(ObservationScore, name="other_score")
    later = or_(
        mine.c.submitted_at > other.c.submitted_at,
        and_(
            mine.c.submitted_at == other.c.submitted_at,
            mine.c.observation_id > other.c.observation_id,
        ),
    )
    my_level, other_level = col(my_score.level), col(other_score.level)
    return (
        select(
            mine.c.rubric_id,
            mine.c.month,
            mine.c.rater_user_id,
            mine.c.recording_id,
            (my_level - other_level).label("difference"),
            case((later, 1), else_=0).label("is_later"),
            case((other.c.is_gold_standard, 1), else_=0).label("against_gold"),
        )
        .select_from(mine)
        .join(
            other,
            and_(
                other.c.recording_id == mine.c.recording_id,
                other.c.rubric_version_id == mine.c.rubric_version_id,
                other.c.rater_user_id != mine.c.rater_user_id,
            ),
        )
        # By observation alone (the observations are the organisation's): with the
        # organisation too, SQLite would read every score of the organisation.
        .join(my_score, col(my_score.observation_id) == mine.c.observation_id)
        .join(
            other_score,
            and_(
                col(other_score.observation_id) == other.c.observation_id,
                col(other_score.criterion_id) == col(my_score.criterion_id),
            ),
        )
        .where(
            mine.c.month.is_not(None),
            # N/A and unscored criteria are no rating to compare.
            level_given(my_score),
            level_given(other_score),
        )
        .cte("score_pair")
    )


def _monthly(pairs: CTE) -> Subquery:
    """Per rubric, month and rater; and per rubric and month for all raters (rater null),
    where each pair is counted once, from its later side. Summed per recording first, then
    per month: the recordings compared are then a count of rows, where a
    `count(DISTINCT recording)` over every pair had the database sort them all (79,000 on
    the benchmark's organisation, on disk)."""
    difference = pairs.c.difference

    def per_recording(*keys: ColumnElement[Any]) -> Select[Any]:
        return select(
            *keys,
            func.count().label("score_pairs"),
            func.sum(case((difference == 0, 1), else_=0)).label("exact_pairs"),
            func.sum(case((func.abs(difference) <= 1, 1), else_=0)).label("adjacent_pairs"),
            func.sum(difference).label("signed_total"),
            func.sum(func.abs(difference)).label("absolute_total"),
            func.sum(pairs.c.against_gold).label("gold_pairs"),
            func.sum(case((and_(pairs.c.against_gold == 1, difference == 0), 1), else_=0)).label(
                "gold_exact_pairs"
            ),
        ).group_by(*keys, pairs.c.recording_id)

    def per_month(recordings: Subquery, *, by_rater: bool) -> Select[Any]:
        r = recordings.c
        rater = r.rater_user_id if by_rater else cast(null(), Uuid())
        return select(
            r.rubric_id,
            r.month,
            rater.label("rater_user_id"),
            func.count().label("recordings_compared"),
            # Sums of whole numbers, typed as the single sums were.
            *(cast(func.sum(r[name]), BigInteger).label(name) for name in _SUMMED),
        ).group_by(r.rubric_id, r.month, *([rater] if by_rater else []))

    keys = (pairs.c.rubric_id, pairs.c.month)
    by_rater = per_recording(*keys, pairs.c.rater_user_id).subquery("rater_recording")
    all_raters = per_recording(*keys).where(pairs.c.is_later == 1).subquery("all_raters_recording")
    return union_all(
        per_month(by_rater, by_rater=True), per_month(all_raters, by_rater=False)
    ).subquery("monthly")


def _with_earlier(monthly: Subquery) -> Subquery:
    """Each row with the exact and all pairs of the same rater's (or all raters') earlier
    months of the rubric."""
    c = monthly.c

    def earlier(column: ColumnElement[Any]) -> ColumnElement[int]:
        total = func.sum(column).over(
            partition_by=(c.rubric_id, c.rater_user_id), order_by=c.month, rows=(None, -1)
        )
        return cast(total, BigInteger)

    return select(
        *c,
        earlier(c.exact_pairs).label("earlier_exact_pairs"),
        earlier(c.score_pairs).label("earlier_pairs"),
    ).subquery("with_earlier")
