"""The time report over 1,000 practitioners and a year of their sessions, on SQLite and on
PostgreSQL, against a plain COUNT over the same occurrences measured in the same run.

Each database is built by the Alembic migrations and filled through the models' tables:
an organisation in Europe/London with a lead, 50 supervisors (teams of 20) and 100
coaches (10 practitioners each); per practitioner a weekly coaching series and a
fortnightly supervision series over this calendar year, a monthly group supervision per
team, five allocations and two logged entries a month. Sessions before now are completed
(some cancelled by the organisation, some by the practitioner, some missed), later ones
confirmed. PostgreSQL then gets its statistics (ANALYZE, as autovacuum would); SQLite is
measured as the app runs it, without. Then, as the lead, `--repeats` times each (after one
untimed warm-up): the baseline (a plain COUNT of the year's occurrences, index only), a
COUNT of occurrences joined to their participants, the report's every row (what
`format=csv` sends), its first JSON page of 500, the erosion list's first page, and the
whole CSV request through the app in process.

    .venv/bin/python -m bench.time_report               # about 1 minute
    .venv/bin/python -m bench.time_report --databases sqlite --practitioners 200
"""

import argparse
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select
from sqlmodel import Session, col

from app.access import member_of
from app.access.reports import PeopleFilters
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.models import (
    Assignment,
    Booking,
    BookingOccurrence,
    BookingParticipant,
    BookingStatus,
    Membership,
    MembershipRole,
    Organisation,
    TimeAllocation,
    TimeEntry,
    User,
)
from app.models.base import utcnow
from app.ringfenced import report
from app.ringfenced.report_sums import ReportQuery
from app.schemas import Page
from bench.common import SECRET_KEY, analyze, bearer_headers, median, run_note, table
from tests.support.database import migrate
from tests.support.postgres import start_cluster

TARGET_MS = {"sqlite": 2000.0, "postgresql": 500.0}
EVERY_ROW = "report, every row (the CSV's rows)"
CSV_REQUEST = "GET .../reports/time?format=csv (in process)"
TARGETED = (EVERY_ROW, CSV_REQUEST)
ZONE = ZoneInfo("Europe/London")
TEAM_SIZE = 20
COACHEES = 10


@dataclass(frozen=True)
class Year:
    first: date
    last: date

    @classmethod
    def current(cls) -> "Year":
        year = datetime.now(ZONE).year
        return cls(date(year, 1, 1), date(year, 12, 31))

    def weekly(self, weekday: int, hour: int, every: int = 1) -> list[datetime]:
        """Every `every` weeks on `weekday` at `hour`, local time, as UTC instants."""
        day = self.first + timedelta(days=(weekday - self.first.weekday()) % 7)
        found = []
        while day <= self.last:
            found.append(datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(UTC))
            day += timedelta(weeks=every)
        return found


@dataclass(frozen=True)
class World:
    organisation_id: uuid.UUID
    lead_id: uuid.UUID
    occurrences: int
    participants: int
    allocations: int
    entries: int


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--practitioners", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tandem-bench-time-"))
    year = Year.current()
    rows: list[list[str]] = []
    try:
        for kind in args.databases:
            with database(kind, work) as url:
                migrate(url)
                engine = make_engine(url)
                started = time.perf_counter()
                world = populate(engine, args.practitioners, year)
                if kind == "postgresql":
                    analyze(engine)
                print(
                    f"{kind}: {world.occurrences:,} occurrences, {world.participants:,} "
                    f"participants, {world.allocations:,} allocations, {world.entries:,} "
                    f"entries written in {time.perf_counter() - started:.0f} s"
                )
                rows += measure(kind, engine, url, world, year, args.repeats, work)
                engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(run_note())
    header = ["database", "case", "median ms", "min ms", "max ms", "x baseline", "target"]
    print(table(header, rows))


@contextmanager
def database(kind: str, work: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{work / 'time.sqlite3'}"
        return
    cluster = start_cluster()
    try:
        yield cluster.create_database("tandem_time")
    finally:
        cluster.stop()


def populate(engine: Engine, practitioners: int, year: Year) -> World:
    generator = random.Random(20261202)
    now = utcnow()
    with Session(engine) as db:
        organisation = Organisation(name="Time report", slug="time-report", time_zone=ZONE.key)
        db.add(organisation)
        db.flush()
        org = organisation.id
        people = _people(db, org, practitioners)
        allocations = allocation_rows(org, people["practitioner"], year)
        bookings, participants, occurrences = _sessions(org, people, year, now, generator)
        entries = entry_rows(org, people["practitioner"], year, now, generator)
        for table_rows, model in (
            (allocations, TimeAllocation),
            (bookings, Booking),
            (participants, BookingParticipant),
            (occurrences, BookingOccurrence),
            (entries, TimeEntry),
        ):
            for start in range(0, len(table_rows), 5000):
                db.execute(insert(model), table_rows[start : start + 5000])
        db.commit()
        return World(
            org,
            people["lead"][0],
            len(occurrences),
            len(participants),
            len(allocations),
            len(entries),
        )


def _people(db: Session, org: uuid.UUID, practitioners: int) -> dict[str, list[uuid.UUID]]:
    counts = {
        "lead": 1,
        "supervisor": -(-practitioners // TEAM_SIZE),
        "coach": -(-practitioners // COACHEES),
        "practitioner": practitioners,
    }
    people: dict[str, list[uuid.UUID]] = {}
    for role, count in counts.items():
        ids = [uuid.uuid4() for _ in range(count)]
        memberships = [uuid.uuid4() for _ in range(count)]
        users = [
            {"id": user_id, "email": f"{role}{n}@example.org", "display_name": f"{role} {n}"}
            for n, user_id in enumerate(ids)
        ]
        db.execute(insert(User), users)
        db.execute(
            insert(Membership),
            [
                {"id": membership, "organisation_id": org, "user_id": user_id}
                for membership, user_id in zip(memberships, ids, strict=True)
            ],
        )
        db.execute(
            insert(MembershipRole), [{"membership_id": m, "role": role} for m in memberships]
        )
        people[role] = ids
    assignments = [
        {"organisation_id": org, "kind": kind, "staff_user_id": staff, "practitioner_user_id": p}
        for n, p in enumerate(people["practitioner"])
        for kind, staff in (
            ("supervisor", people["supervisor"][n // TEAM_SIZE]),
            ("coach", people["coach"][n // COACHEES]),
        )
    ]
    db.execute(insert(Assignment), [{"id": uuid.uuid4(), **row} for row in assignments])
    return people


def allocation_rows(
    org: uuid.UUID, practitioners: list[uuid.UUID], year: Year
) -> list[dict[str, Any]]:
    mid_year = date(year.first.year, 7, 1)
    terms = [
        ("coaching", 60, "week", year.first, None),
        ("supervision", 90, "month", year.first, None),
        ("planning", 240, "month", year.first, mid_year - timedelta(days=1)),
        ("planning", 180, "month", mid_year, None),
        ("training", 600, "month", year.first, None),
    ]
    return [
        {
            "id": uuid.uuid4(),
            "organisation_id": org,
            "practitioner_user_id": practitioner,
            "category": category,
            "minutes": minutes,
            "period": period,
            "effective_from": first,
            "effective_until": until,
            "created_at": utcnow(),
        }
        for practitioner in practitioners
        for category, minutes, period, first, until in terms
    ]


def _sessions(
    org: uuid.UUID,
    people: dict[str, list[uuid.UUID]],
    year: Year,
    now: datetime,
    generator: random.Random,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Series as the bookings part stores them: a booking, its participants, and one
    occurrence per sitting."""
    bookings: list[dict[str, Any]] = []
    participants: list[dict[str, Any]] = []
    occurrences: list[dict[str, Any]] = []

    def series(
        kind: str, organiser: uuid.UUID, who: list[uuid.UUID], starts: list[datetime], minutes: int
    ) -> None:
        booking_id = uuid.uuid4()
        bookings.append(
            {
                "id": booking_id,
                "organisation_id": org,
                "kind": kind,
                "title": kind,
                "organiser_user_id": organiser,
                "rrule": "FREQ=WEEKLY",
                "time_zone": ZONE.key,
                "starts_at": starts[0],
                "duration_minutes": minutes,
                "created_at": now,
                "updated_at": now,
            }
        )
        participants.extend(
            {"booking_id": booking_id, "user_id": u, "organisation_id": org} for u in who
        )
        occurrences.extend(
            occurrence_row(org, booking_id, at, minutes, now, generator) for at in starts
        )

    coaching, supervision = year.weekly(1, 10), year.weekly(3, 14, every=2)
    for n, practitioner in enumerate(people["practitioner"]):
        series("coaching", people["coach"][n // COACHEES], [practitioner], coaching, 60)
        series("supervision", people["supervisor"][n // TEAM_SIZE], [practitioner], supervision, 90)
    group = year.weekly(0, 13, every=4)
    for n, supervisor in enumerate(people["supervisor"]):
        team = people["practitioner"][n * TEAM_SIZE : (n + 1) * TEAM_SIZE]
        series("group_supervision", supervisor, team, group, 120)
    return bookings, participants, occurrences


def occurrence_row(
    org: uuid.UUID,
    booking_id: uuid.UUID,
    starts_at: datetime,
    minutes: int,
    now: datetime,
    generator: random.Random,
) -> dict[str, Any]:
    draw = generator.random()
    by_organisation = draw < 0.04
    cancelled = draw < 0.07
    if cancelled:
        status = BookingStatus.cancelled
    elif starts_at > now:
        status = BookingStatus.confirmed
    else:
        status = BookingStatus.no_show if draw < 0.09 else BookingStatus.completed
    return {
        "id": uuid.uuid4(),
        "organisation_id": org,
        "booking_id": booking_id,
        "original_starts_at": starts_at,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "status": status,
        "sequence": 0,
        "cancel_reason": "",
        "cancelled_by_organisation": by_organisation,
        "notes": "",
        "updated_at": now,
    }


def entry_rows(
    org: uuid.UUID,
    practitioners: list[uuid.UUID],
    year: Year,
    now: datetime,
    generator: random.Random,
) -> list[dict[str, Any]]:
    today = now.astimezone(ZONE).date()
    found = []
    for practitioner in practitioners:
        for month in range(1, 13):
            for category, minutes in (("planning", 60), ("training", 90)):
                day = date(year.first.year, month, generator.randint(1, 28))
                if day <= today:
                    found.append(
                        {
                            "id": uuid.uuid4(),
                            "organisation_id": org,
                            "practitioner_user_id": practitioner,
                            "category": category,
                            "on_date": day,
                            "minutes": minutes,
                            "note": "",
                            "created_at": now,
                        }
                    )
    return found


def measure(
    kind: str, engine: Engine, url: str, world: World, year: Year, repeats: int, work: Path
) -> list[list[str]]:
    settings = Settings(
        env="production",
        database_url=url,
        secret_key=SECRET_KEY,
        media_dir=work / "media",
        log_level="WARNING",
    )
    app = create_app(settings)
    with Session(engine) as db, TestClient(app, base_url="http://localhost") as client:
        lead_user = db.get(User, world.lead_id)
        assert lead_user is not None
        lead = member_of(db, user=lead_user, organisation_id=world.organisation_id)
        query = report.report_query(
            db, member=lead, filters=PeopleFilters(), first_day=year.first, last_day=year.last
        )
        headers = bearer_headers(db, lead_user.id)
        url_path = f"/api/v1/organisations/{world.organisation_id}/reports/time"
        params = {"from": year.first.isoformat(), "to": year.last.isoformat(), "format": "csv"}

        def csv_request() -> int:
            answer = client.get(url_path, params=params, headers=headers)
            answer.raise_for_status()
            return answer.text.count("\n") - 1

        cases: dict[str, Callable[[], object]] = {
            "baseline: COUNT of the year's occurrences": lambda: _count(db, world, query),
            "COUNT of occurrences x participants": lambda: _count(
                db, world, query, participants=True
            ),
            EVERY_ROW: lambda: len(report.time_report(db, query=query)),
            "report, first JSON page (500 rows)": lambda: len(
                report.time_report(db, query=query, page=Page(500, 0))
            ),
            "erosion list, first page (100)": lambda: len(
                report.eroded_practitioners(db, query=query, page=Page(100, 0))
            ),
            CSV_REQUEST: csv_request,
        }
        timings = {name: _timed(case, repeats, db) for name, case in cases.items()}
    engine.dispose()
    baseline = median(timings[next(iter(cases))])
    rows = []
    for name, samples in timings.items():
        middle = median(samples)
        target = ""
        if name in TARGETED:
            verdict = "met" if middle <= TARGET_MS[kind] else "MISSED"
            target = f"< {TARGET_MS[kind]:.0f} ms {verdict}"
        rows.append(
            [
                kind,
                name,
                f"{middle:.1f}",
                f"{min(samples):.1f}",
                f"{max(samples):.1f}",
                f"{middle / baseline:.1f}x",
                target,
            ]
        )
    return rows


def _count(db: Session, world: World, query: ReportQuery, *, participants: bool = False) -> int:
    occurrence = BookingOccurrence
    statement = (
        select(func.count())
        .select_from(occurrence)
        .where(
            col(occurrence.organisation_id) == world.organisation_id,
            col(occurrence.starts_at) >= query.days.starts_at,
            col(occurrence.starts_at) < query.days.ends_at,
        )
    )
    if participants:
        statement = statement.join(
            BookingParticipant, col(BookingParticipant.booking_id) == col(occurrence.booking_id)
        )
    return int(db.execute(statement).scalar_one())


def _timed(case: Callable[[], object], repeats: int, db: Session) -> list[float]:
    case()  # warm-up: statement caches, the page cache, PostgreSQL's plan
    db.rollback()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        case()
        samples.append((time.perf_counter() - started) * 1000)
        db.rollback()
    return samples


if __name__ == "__main__":
    main()
