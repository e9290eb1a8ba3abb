"""The coverage report as SQL: one row per practitioner, every figure a per-practitioner
aggregate (activity.py) joined to the practitioners the report counts, and a summary
over those rows."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    Boolean,
    ColumnElement,
    Integer,
    and_,
    case,
    func,
    or_,
    select,
    type_coerce,
)
from sqlmodel import col

from app.models import Comment, Recording, Reflection
from app.reports.coverage.activity import (
    COACHING_KINDS,
    ActivityQuery,
    Rows,
    completed_sessions,
    practitioners_in_scope,
    ratings,
    whole_total,
)
from app.reports.period import DateRange


@dataclass(frozen=True)
class CoverageQuery:
    activity: ActivityQuery
    weeks: int
    recent: DateRange
    """The last `weeks` weeks: whole days of the organisation ending with the period's."""
    target: int


def rows_statement(query: CoverageQuery) -> Rows:
    """Every row of the report, by practitioner name then id."""
    activity = query.activity
    practitioners = practitioners_in_scope(activity)
    rated = _rated(query, practitioners)
    coached = _coached(query, practitioners)
    champions = select(practitioners.c.user_id).where(practitioners.c.is_champion)
    uploads = _uploads(activity, champions)
    comments = _comments(activity, champions)
    shared = _shared_reflections(activity, champions)
    user_id = practitioners.c.user_id
    rated_recordings = func.coalesce(rated.c.in_period, 0)

    def for_champions(part: CTE) -> ColumnElement[Any]:
        return case((practitioners.c.is_champion, func.coalesce(part.c.total, 0)), else_=None)

    return (
        select(
            user_id.label("practitioner_user_id"),
            practitioners.c.name.label("practitioner_name"),
            practitioners.c.is_champion,
            rated_recordings.label("rated_recordings"),
            func.coalesce(coached.c.in_period, 0).label("coaching_sessions"),
            rated.c.last_at.label("last_rated_at"),
            coached.c.last_at.label("last_coaching_at"),
            _none(rated.c.recent).label("no_rating_in_weeks"),
            _none(coached.c.recent).label("no_coaching_in_weeks"),
            type_coerce(rated_recordings >= query.target, Boolean).label("meets_target"),
            type_coerce(for_champions(uploads), Integer).label("recordings_uploaded"),
            type_coerce(for_champions(comments), Integer).label("comments_written"),
            type_coerce(for_champions(shared), Integer).label("reflections_shared"),
        )
        .select_from(practitioners)
        .outerjoin(rated, rated.c.practitioner_user_id == user_id)
        .outerjoin(coached, coached.c.practitioner_user_id == user_id)
        .outerjoin(uploads, uploads.c.user_id == user_id)
        .outerjoin(comments, comments.c.user_id == user_id)
        .outerjoin(shared, shared.c.user_id == user_id)
        .order_by(practitioners.c.name, user_id)
    )


def summary_statement(rows: Rows) -> Rows:
    """The report's totals over every row."""
    every = rows.order_by(None).subquery("coverage_row")

    def counted(condition: ColumnElement[Any]) -> ColumnElement[int]:
        return whole_total(case((condition, 1), else_=0))

    statement: Rows = select(
        func.count().label("practitioners"),
        counted(every.c.no_rating_in_weeks).label("without_rating"),
        counted(every.c.no_coaching_in_weeks).label("without_coaching"),
        counted(every.c.meets_target).label("meeting_target"),
        counted(every.c.is_champion).label("champions"),
    ).select_from(every)
    return statement


def _none(recent: ColumnElement[Any]) -> ColumnElement[bool]:
    return type_coerce(or_(recent.is_(None), recent == 0), Boolean)


def _in(instant: Any, days: DateRange) -> ColumnElement[bool]:
    """An instant within the days (a column, possibly nullable)."""
    return and_(instant >= days.starts_at, instant < days.ends_at)


def _rated(query: CoverageQuery, practitioners: CTE) -> CTE:
    """Per practitioner: recordings rated in the period and in the last weeks, and when
    the latest rating up to the period's end was submitted."""
    days = query.activity.days
    rating = ratings(query.activity, practitioners, until=days.ends_at)
    recording, submitted_at = rating.c.recording_id, rating.c.submitted_at

    def recordings_rated(within: DateRange) -> ColumnElement[int]:
        return func.count(case((_in(submitted_at, within), recording)).distinct())

    return (
        select(
            rating.c.practitioner_user_id,
            recordings_rated(days).label("in_period"),
            recordings_rated(query.recent).label("recent"),
            func.max(submitted_at).label("last_at"),
        )
        .group_by(rating.c.practitioner_user_id)
        .cte("rated")
    )


def _coached(query: CoverageQuery, practitioners: CTE) -> CTE:
    """Per practitioner: coaching sessions in the period and in the last weeks, and when
    the latest up to the period's end started."""
    days = query.activity.days
    session = completed_sessions(
        query.activity, practitioners, until=days.ends_at, kinds=COACHING_KINDS
    )

    def sessions(within: DateRange) -> ColumnElement[int]:
        return func.count(case((_in(session.c.starts_at, within), 1)))

    return (
        select(
            session.c.practitioner_user_id,
            sessions(days).label("in_period"),
            sessions(query.recent).label("recent"),
            func.max(session.c.starts_at).label("last_at"),
        )
        .group_by(session.c.practitioner_user_id)
        .cte("coached")
    )


def _per_champion(name: str, who: Any, *conditions: Any) -> CTE:
    return (
        select(who.label("user_id"), func.count().label("total"))
        .where(*conditions)
        .group_by(who)
        .cte(name)
    )


def _uploads(query: ActivityQuery, champions: Rows) -> CTE:
    owner = col(Recording.owner_user_id)
    return _per_champion(
        "uploaded",
        owner,
        col(Recording.organisation_id) == query.organisation_id,
        owner.in_(champions),
        _in(col(Recording.uploaded_at), query.days),
    )


def _comments(query: ActivityQuery, champions: Rows) -> CTE:
    author: Any = Comment.author_user_id
    return _per_champion(
        "commented",
        author,
        col(Comment.organisation_id) == query.organisation_id,
        author.in_(champions),
        col(Comment.deleted_at).is_(None),
        _in(col(Comment.created_at), query.days),
    )


def _shared_reflections(query: ActivityQuery, champions: Rows) -> CTE:
    owner = col(Recording.owner_user_id)
    statement: Rows = (
        select(owner.label("user_id"), func.count().label("total"))
        .select_from(Reflection)
        .join(Recording, col(Recording.id) == col(Reflection.recording_id))
        .where(
            col(Reflection.organisation_id) == query.organisation_id,
            owner.in_(champions),
            _in(col(Reflection.shared_at), query.days),
        )
        .group_by(owner)
    )
    return statement.cte("reflected")
