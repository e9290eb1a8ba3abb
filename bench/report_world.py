"""A realistic organisation for the reports benchmark (bench/reports.py), written through
the models' tables with bulk inserts (SQLAlchemy core, 5,000 rows a statement), from a
fixed random seed.

For 1,000 practitioners (the rest scales with that number): one organisation in
Europe/London; 5 leads; 50 supervisors, teams of 20; 100 coaches of 10 practitioners each,
a quarter of the practitioners with a second coach (so 10-20 each); 5 % champions. One
programme with a published rubric of 10 criteria (scale 1-5, threshold 80 %, two with a
minimum level, two that may be N/A). Per practitioner, 50 recordings scored over the year
by a coach (50,000 counted observations, 10 scores each), 8 % of them scored again by a
second rater (a quarter of those by a lead as gold standard), 200 recent second ratings
still to do, consent records and 1-4 comments a recording (bench/report_reviews.py).
Bookings: per practitioner a fortnightly coaching series with their coach and a monthly
supervision series, one sitting each, from the year's first day to four weeks after today
(past sittings completed, 4 % cancelled by the organisation, 3 % by the practitioner, 2 %
missed; later ones confirmed), the time report's allocations and logged time
(bench/time_report.py). A locality and a service per practitioner, when the schema has a
table of attributes (found in the metadata).
"""

import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Engine, Table, insert
from sqlmodel import Session

from app.models import (
    Booking,
    BookingOccurrence,
    BookingParticipant,
    Organisation,
    Programme,
    ReviewSettings,
    Rubric,
    RubricCriterion,
    RubricVersion,
    TimeAllocation,
    TimeEntry,
    metadata,
)
from app.models.base import utcnow
from app.reports.period import DateRange, local_date, months_before
from app.review import first_comments
from app.review.counting import recount
from bench.report_people import (
    TEAM_SIZE,
    People,
    Rows,
    attribute_rows,
    attributes_table,
    people_tables,
)
from bench.report_reviews import FORMULA, SCALE, ReviewMaker, RubricInUse
from bench.time_report import ZONE, Year, allocation_rows, entry_rows, occurrence_row

SEED = 20261202
CHUNK = 5000
LABELS = ("Not yet", "Emerging", "Developing", "Proficient", "Exemplary")
THRESHOLD = 80.0
BOOKED_AHEAD = timedelta(weeks=4)
SLICE_ROWS = 5000


@dataclass(frozen=True)
class Criterion:
    id: uuid.UUID
    code: str
    weight: float
    min_level: int | None
    na_allowed: bool
    difficulty: float


@dataclass(frozen=True)
class World:
    """What the harness needs to know of the generated organisation."""

    organisation_id: uuid.UUID
    rubric_id: uuid.UUID
    year: Year
    people: People
    counts: dict[str, int]
    slice_first_day: date
    """From this day on, at least SLICE_ROWS counted observations were submitted."""
    attributes: str | None
    """The table of practitioners' attributes, if the schema has one."""


class Writer:
    """Bulk inserts in chunks, counting rows per table."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.counts: dict[str, int] = {}

    def __call__(self, model: Any, rows: Iterable[dict[str, Any]]) -> None:
        table: Table = model if isinstance(model, Table) else model.__table__
        iterator = iter(rows)
        while chunk := list(islice(iterator, CHUNK)):
            self.db.execute(insert(table), chunk)
            self.counts[table.name] = self.counts.get(table.name, 0) + len(chunk)


def report_year(today: date) -> Year:
    """The reports' default period: the 12 calendar months up to today."""
    return Year(months_before(today.replace(day=1), 11), today)


def populate(engine: Engine, practitioners: int, observations: int) -> World:
    generator = random.Random(SEED)
    now = utcnow()
    year = report_year(local_date(now, ZONE))
    with Session(engine) as db:
        organisation = Organisation(name="Reports", slug="reports-bench", time_zone=ZONE.key)
        db.add(organisation)
        db.flush()
        org = organisation.id
        write = Writer(db)
        people, tables = people_tables(org, practitioners, generator)
        for model, rows in tables:
            write(model, rows)
        rubric_id, rubric = _rubric(org, write)
        starts_at = DateRange(year.first, year.last, ZONE).starts_at
        reviews = ReviewMaker(org, people, rubric, starts_at, now, generator)
        made = reviews.make(observations // practitioners)
        for model, rows in made.tables(org, rubric):
            write(model, rows)
        # The app chooses the observation that counts, and keeps each reviewer's first
        # comment, as each is written; written in bulk here, both are found once.
        recount(db, org)
        first_comments.refill(db, org)
        _bookings(org, people, year, now, generator, write)
        write(TimeAllocation, allocation_rows(org, people.practitioners, year))
        write(TimeEntry, entry_rows(org, people.practitioners, year, now, generator))
        attributes = attributes_table(metadata)
        if attributes is not None:
            write(attributes, attribute_rows(attributes, org, people, now, generator))
        db.commit()
    newest_first = sorted(made.counted_submissions, reverse=True)
    slice_start = newest_first[min(SLICE_ROWS, len(newest_first)) - 1]
    return World(
        org,
        rubric_id,
        year,
        people,
        write.counts,
        local_date(slice_start, ZONE),
        None if attributes is None else attributes.name,
    )


def _rubric(org: uuid.UUID, write: Writer) -> tuple[uuid.UUID, RubricInUse]:
    programme_id, rubric_id, version_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    now = utcnow()
    owned = {"organisation_id": org}
    write(Programme, [{"id": programme_id, **owned, "name": "Home visiting"}])
    write(Rubric, [{"id": rubric_id, **owned, "programme_id": programme_id, "title": "Visits"}])
    scale = [{"level": level, "label": label} for level, label in zip(SCALE, LABELS, strict=True)]
    version = {"id": version_id, **owned, "rubric_id": rubric_id, "version": 1, "scale": scale}
    published = {"status": "published", "published_at": now - timedelta(days=400)}
    # The formula the generator's integer scoring computes (report_reviews.py).
    rule = {"fidelity_threshold_percent": THRESHOLD, "scoring_formula": FORMULA.value}
    write(RubricVersion, [{**version, **published, **rule}])
    criteria = [
        Criterion(
            uuid.uuid4(),
            f"C{n + 1:02d}",
            weight=(1.0, 1.5, 1.0, 2.0, 1.0)[n % 5],
            min_level=2 if n in (0, 3) else None,
            na_allowed=n in (7, 8),
            difficulty=(-0.3, 0.0, 0.2, -0.1, 0.4, 0.1, -0.2, 0.3, 0.0, 0.5)[n],
        )
        for n in range(10)
    ]
    write(
        RubricCriterion,
        [
            {
                "id": c.id,
                **owned,
                "rubric_version_id": version_id,
                "position": n,
                "code": c.code,
                "title": f"Criterion {c.code}",
                "weight": c.weight,
                "min_level": c.min_level,
                "na_allowed": c.na_allowed,
                "level_descriptors": list(LABELS),
            }
            for n, c in enumerate(criteria)
        ],
    )
    settings = {"id": uuid.uuid4(), **owned, "programme_id": programme_id}
    write(ReviewSettings, [{**settings, "double_coding_every_nth": 12}])
    return rubric_id, RubricInUse(programme_id, version_id, THRESHOLD, list(criteria))


def _bookings(
    org: uuid.UUID,
    people: People,
    year: Year,
    now: datetime,
    generator: random.Random,
    write: Writer,
) -> None:
    """A fortnightly coaching series with the main coach and a monthly supervision series
    per practitioner: a booking, its participant, an occurrence per sitting."""
    booked = Year(year.first, year.last + BOOKED_AHEAD)
    bookings: Rows = []
    participants: Rows = []
    occurrences: Rows = []
    for n, practitioner in enumerate(people.practitioners):
        coaching = booked.weekly(generator.randrange(5), generator.randint(9, 16), every=2)
        supervision = _monthly(booked, generator.randint(1, 28), generator.randint(9, 16))
        for kind, organiser, starts, minutes in (
            ("coaching", people.coaches_of[n][0], coaching, 60),
            ("supervision", people.supervisors[n // TEAM_SIZE], supervision, 90),
        ):
            booking_id = uuid.uuid4()
            bookings.append(
                {
                    "id": booking_id,
                    "organisation_id": org,
                    "kind": kind,
                    "title": kind,
                    "organiser_user_id": organiser,
                    "rrule": "FREQ=WEEKLY;INTERVAL=2" if kind == "coaching" else "FREQ=MONTHLY",
                    "time_zone": ZONE.key,
                    "starts_at": starts[0],
                    "duration_minutes": minutes,
                }
            )
            participants.append(
                {"booking_id": booking_id, "user_id": practitioner, "organisation_id": org}
            )
            occurrences += [
                occurrence_row(org, booking_id, at, minutes, now, generator) for at in starts
            ]
    write(Booking, bookings)
    write(BookingParticipant, participants)
    write(BookingOccurrence, occurrences)


def _monthly(year: Year, day: int, hour: int) -> list[datetime]:
    """On `day` of every month at `hour`, local time, as UTC instants."""
    found = []
    month = year.first.replace(day=1)
    while month <= year.last:
        local = datetime(month.year, month.month, day, hour, tzinfo=ZONE)
        if year.first <= local.date() <= year.last:
            found.append(local.astimezone(UTC))
        month = (month + timedelta(days=32)).replace(day=1)
    return found
