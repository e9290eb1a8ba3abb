"""The turnaround report as one SQL statement on SQLite and PostgreSQL.

Every first answer to a recording is an event: its kind (comment or observation), who
answered (null: the first answer by anyone, for the summary row) and the whole seconds
since the upload. The median and the 90th percentile are the durations at the nearest
ranks ceil(0.5 n) and ceil(0.9 n), a duration that actually happened (an interpolated
figure is no one's wait): on SQLite, which has no percentile aggregate, window functions
number the events of each kind and reviewer by duration and count them; PostgreSQL's
`percentile_disc` picks the same rank itself.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    CTE,
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    Uuid,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.sql.elements import Label
from sqlmodel import col

from app.models import User
from app.reports.sql import one_if
from app.reports.turnaround.recordings import (
    TurnaroundQuery,
    coaches,
    first_comments,
    first_observations,
    uploads,
)

WAITING_DAYS = 7
"""A recording without an answer this many days after its upload has waited too long."""

MEDIAN, NINETIETH = (1, 2), (9, 10)
# Kinds of answer as small numbers: the events are sorted by kind, and short keys sort fast.
KINDS = {"first_comment": 1, "observation": 2}
WAITING = (
    "recordings_uploaded",
    "waiting_for_comment",
    "waiting_for_comment_long",
    "waiting_for_observation",
    "waiting_for_observation_long",
)
ANSWERED = ("recordings_commented", "recordings_observed")
DURATIONS = tuple(f"{kind}_{rank}_seconds" for kind in KINDS for rank in ("median", "p90"))


def _everyone() -> ColumnElement[Any]:
    """The key of the summary row: no reviewer in particular."""
    return cast(null(), Uuid())


def turnaround_statement(query: TurnaroundQuery, *, dialect: str) -> Select[Any]:
    """One row per reviewer (and the summary row first), ordered by name. `dialect`: the
    database's name (the percentiles are found one way on PostgreSQL, another on SQLite)."""
    uploaded = uploads(query)
    comments = first_comments(query, uploaded)
    observations = first_observations(query, uploaded)
    answers = {"first_comment": comments, "observation": observations}
    by_anyone = {kind: _first_by_anyone(found, kind) for kind, found in answers.items()}
    events = [
        *(
            (kind, select(found.c.reviewer_user_id, found.c.seconds))
            for kind, found in answers.items()
        ),
        *(
            (kind, select(_everyone().label("reviewer_user_id"), first.c.seconds))
            for kind, first in by_anyone.items()
        ),
    ]
    if dialect == "postgresql":
        figures = _percentile_figures(events)
    else:
        ranked = union_all(*(_ranked(kind, found) for kind, found in events))
        figures = _answer_figures(ranked.subquery("ranked_answer"))
    waiting = _waiting(query, uploaded, by_anyone["first_comment"], by_anyone["observation"])
    return _rows(figures, waiting)


def _first_by_anyone(found: CTE, kind: str) -> CTE:
    """Each answered recording once, with the earliest of its reviewers' first answers
    and what the waiting counts need of its upload: the summary row's events, and the
    recordings answered that the waiting counts take away (one grouping for both)."""
    c = found.c
    upload = (c.recording_id, c.practitioner_user_id, c.uploaded_at, c.still_open)
    return (
        select(*upload, func.min(c.seconds).label("seconds"))
        .group_by(*upload)
        .cte(f"{kind}_by_anyone")
    )


def _percentile_figures(events: list[tuple[str, Select[Any]]]) -> Subquery:
    """`_answer_figures` by PostgreSQL's own nearest-rank percentile, `percentile_disc`:
    the value at rank ceil(share x n), the rank `nearest_rank` computes (0.9 x n in
    floating point is exactly 9n/10 when that is whole, so the ceiling never overshoots).
    Each reviewer's durations are sorted inside the aggregate, where the windows sorted
    and numbered every event and grouped them again: the whole statement took 940 ms of
    the server's CPU on the benchmark's organisation that way, 680 this way, with the
    same answers. SQLite has no such aggregate."""
    found = union_all(
        *(
            select(literal_column(str(KINDS[kind])).label("kind"), *answer.subquery().c)
            for kind, answer in events
        )
    ).subquery("answer_event")

    def at_rank(mine: ColumnElement[bool], share: tuple[int, int]) -> ColumnElement[Any]:
        numerator, denominator = share
        percentile = func.percentile_disc(numerator / denominator)
        return percentile.within_group(found.c.seconds).filter(mine)

    return _figures(found, at_rank)


def _ranked(kind: str, events: Select[Any]) -> Select[Any]:
    """Events of one kind, numbered by duration within each reviewer's, and counted. Each
    kind (and the first answers by anyone) is ranked apart: four small sorts fit in
    memory where one of everything would spill to disk. Equal durations may take either
    rank: the value at a rank is the same. The count shares the row number's window (the
    whole partition as its frame): one sort."""
    found = events.subquery()
    window: dict[str, Any] = {"partition_by": found.c.reviewer_user_id, "order_by": found.c.seconds}
    return select(
        literal_column(str(KINDS[kind])).label("kind"),
        found.c.reviewer_user_id,
        found.c.seconds,
        func.row_number().over(**window).label("position"),
        func.count().over(**window, rows=(None, None)).label("answered"),
    )


def nearest_rank(count: ColumnElement[int], share: tuple[int, int]) -> ColumnElement[int]:
    """ceil(share x count) in whole numbers: (numerator x count + denominator - 1) //
    denominator, exact on both databases."""
    numerator, denominator = share
    return (count * numerator + (denominator - 1)) // denominator


def _answer_figures(ranked: Subquery) -> Subquery:
    """Per reviewer: recordings answered, and the durations at the median and 90th
    percentile ranks, of each kind."""

    def at_rank(mine: ColumnElement[bool], share: tuple[int, int]) -> ColumnElement[Any]:
        rank = nearest_rank(ranked.c.answered, share)
        return func.max(case((and_(mine, ranked.c.position == rank), ranked.c.seconds)))

    return _figures(ranked, at_rank)


def _figures(
    events: Subquery,
    at_rank: Callable[[ColumnElement[bool], tuple[int, int]], ColumnElement[Any]],
) -> Subquery:
    """Per reviewer, of each kind: recordings answered and the durations `at_rank` finds
    at the median's and the 90th percentile's ranks (given which events are the kind's)."""

    def figures(kind: str, answered: str) -> list[Label[Any]]:
        mine = events.c.kind == KINDS[kind]
        return [
            func.count(case((mine, 1))).label(answered),
            at_rank(mine, MEDIAN).label(f"{kind}_median_seconds"),
            at_rank(mine, NINETIETH).label(f"{kind}_p90_seconds"),
        ]

    return (
        select(
            events.c.reviewer_user_id,
            *figures("first_comment", "recordings_commented"),
            *figures("observation", "recordings_observed"),
        )
        .group_by(events.c.reviewer_user_id)
        .subquery("answer_figures")
    )


def _waiting(query: TurnaroundQuery, uploaded: CTE, commented: CTE, observed: CTE) -> Subquery:
    """Per coach (and for everyone): recordings uploaded, and those nobody has commented
    on or observed yet, in all and since more than WAITING_DAYS. Counted per
    practitioner first, then summed over each coach's practitioners. `commented` and
    `observed`: each recording answered once (`_first_by_anyone`)."""
    practitioners = _waiting_per_practitioner(query, uploaded, commented, observed)
    coached = coaches(query).subquery("coached")
    by_coach = (
        select(
            coached.c.reviewer_user_id,
            *(func.sum(practitioners.c[name]).label(name) for name in WAITING),
        )
        .select_from(practitioners)
        .join(coached, coached.c.practitioner_user_id == practitioners.c.practitioner_user_id)
    )
    everyone = select(
        _everyone().label("reviewer_user_id"),
        *(func.sum(practitioners.c[name]).label(name) for name in WAITING),
    )
    return union_all(everyone, by_coach.group_by(coached.c.reviewer_user_id)).subquery("waiting")


# What each part of `_waiting_per_practitioner` counts, per practitioner.
_TALLIES = (
    "uploaded",
    "open",
    "open_long_ago",
    "commented_open",
    "commented_open_long_ago",
    "observed_open",
    "observed_open_long_ago",
)


def _waiting_per_practitioner(
    query: TurnaroundQuery, uploaded: CTE, commented: CTE, observed: CTE
) -> CTE:
    """Those waiting are those uploaded (and not erased) less those answered, counted
    apart and added up per practitioner: sums only, never a join of uploads to answers.
    `NOT IN (the answered recordings)` ran as a hash only while that fit in work_mem and
    otherwise read every answer again per upload (over 20 s, not 0.5); a join leant on
    an estimate PostgreSQL cannot make (how many recordings have answers: it guessed
    200 of 49,000)."""
    long_ago = query.now - timedelta(days=WAITING_DAYS)

    def tallied(rows: Any, prefix: str = "") -> Select[Any]:
        counts = {
            f"{prefix}open": one_if(rows.c.still_open),
            f"{prefix}open_long_ago": one_if(
                and_(rows.c.still_open, rows.c.uploaded_at < long_ago)
            ),
        }
        if not prefix:
            counts["uploaded"] = literal_column("1", Integer)
        return select(
            rows.c.practitioner_user_id,
            *(counts.get(name, literal_column("0", Integer)).label(name) for name in _TALLIES),
        )

    parts = union_all(
        tallied(uploaded),
        tallied(commented, "commented_"),
        tallied(observed, "observed_"),
    ).subquery("tally")
    t = {name: func.sum(parts.c[name]) for name in _TALLIES}
    return (
        select(
            parts.c.practitioner_user_id,
            t["uploaded"].label("recordings_uploaded"),
            (t["open"] - t["commented_open"]).label("waiting_for_comment"),
            (t["open_long_ago"] - t["commented_open_long_ago"]).label("waiting_for_comment_long"),
            (t["open"] - t["observed_open"]).label("waiting_for_observation"),
            (t["open_long_ago"] - t["observed_open_long_ago"]).label(
                "waiting_for_observation_long"
            ),
        )
        .group_by(parts.c.practitioner_user_id)
        .cte("waiting_practitioner")
    )


def _rows(answered: Subquery, waiting: Subquery) -> Select[Any]:
    """Both parts side by side per reviewer: a union of each part padded with zeros and
    nulls, grouped (the summary row's null key groups like any other, on both databases,
    where a join would need a null-safe equality)."""
    counts = WAITING + ANSWERED

    def padded(part: Subquery) -> Select[Any]:
        def column(name: str) -> ColumnElement[Any]:
            if name in part.c:
                return part.c[name]
            return literal_column("0", Integer) if name in counts else cast(null(), BigInteger)

        return select(
            part.c.reviewer_user_id, *(column(name).label(name) for name in counts + DURATIONS)
        )

    parts = union_all(padded(answered), padded(waiting)).subquery("part")
    reviewer = parts.c.reviewer_user_id
    name = col(User.display_name)
    return (
        select(
            reviewer.label("coach_user_id"),
            name.label("coach_name"),
            # A sum over no rows is null: the summary row of a report of nothing.
            *(
                cast(func.coalesce(func.sum(parts.c[count]), 0), Integer).label(count)
                for count in counts
            ),
            # Tenths of an hour, rounded half up: (seconds + 180) // 360.
            *(
                ((func.max(parts.c[duration]) + 180) // 360).label(
                    duration.replace("_seconds", "_tenths")
                )
                for duration in DURATIONS
            ),
        )
        .select_from(parts)
        .outerjoin(User, col(User.id) == reviewer)
        .group_by(reviewer, name)
        .order_by(case((reviewer.is_(None), 0), else_=1), name, reviewer)
    )
