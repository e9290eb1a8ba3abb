"""The turnaround report: hours from upload to the first comment and to the first
submitted observation, by coach, with medians and 90th percentiles by nearest rank
(the value at rank ceil(p x n), shortest first), all worked out here by hand.

The organisation is in Europe/London; the days are 1 March to 30 April 2025, across the
clock change of 30 March. coach coaches p1 and p2, coach2 coaches p1, p3 has no coach
(the lead comments on p3's recording)."""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.access.members import member_named
from app.models import Comment, Programme, Recording, RecordingStatus, Role, RubricVersion
from app.models.organisation import AssignmentKind
from app.reports.filters import ReportFilters
from app.reports.turnaround.service import turnaround_query
from app.reports.turnaround.statement import turnaround_statement
from app.review import first_comments
from tests.factories import (
    assign,
    make_observation,
    make_programme,
    make_ready_recording,
    make_rubric_version,
    make_second_rater,
    make_user,
)
from tests.ringfenced.cast import LONDON, TimeCast, local, make_time_cast

FIRST, LAST = date(2025, 3, 1), date(2025, 4, 30)
PERIOD = {"from": FIRST.isoformat(), "to": LAST.isoformat()}


@dataclass
class Reviews:
    """The cast, a programme (with a rubric) and the recordings by name."""

    cast: TimeCast
    programme: Programme
    other_programme: Programme
    version: RubricVersion
    recordings: dict[str, Recording] = field(default_factory=dict)

    def upload(
        self,
        name: str,
        owner: str,
        uploaded_at: datetime,
        *,
        status: str = RecordingStatus.ready,
        programme: Programme | None = None,
    ) -> Recording:
        db = self.cast.db
        recording = make_ready_recording(
            db,
            self.cast.organisation,
            self.cast.people[owner],
            programme=programme or self.programme,
            status=status,
        )
        recording.uploaded_at = uploaded_at
        db.add(recording)
        db.commit()
        self.recordings[name] = recording
        return recording

    def at(self, name: str, hours: float) -> datetime:
        uploaded_at = self.recordings[name].uploaded_at
        assert uploaded_at is not None
        return uploaded_at + timedelta(hours=hours)

    def comment(self, name: str, who: str, hours: float, *, deleted: bool = False) -> None:
        recording, db = self.recordings[name], self.cast.db
        moment = self.at(name, hours)
        comment = Comment(
            organisation_id=recording.organisation_id,
            recording_id=recording.id,
            author_user_id=self.cast.id(who),
            start_ms=1000,
            body="A moment",
            created_at=moment,
        )
        db.add(comment)
        db.flush()
        first_comments.comment_written(db, comment)
        if deleted:
            comment.deleted_at = moment + timedelta(minutes=5)
            db.flush()
            first_comments.comment_deleted(db, comment)
        db.commit()

    def observe(
        self, name: str, who: str, hours: float | None, *, rater_role: str = "primary"
    ) -> None:
        """A submitted observation `hours` after the upload; None: a draft."""
        make_observation(
            self.cast.db,
            self.recordings[name],
            self.cast.people[who],
            self.version,
            {"A1": 4, "A2": 4},
            submitted_at=None if hours is None else self.at(name, hours),
            rater_role=rater_role,
        )

    def report(self, who: str = "lead", **params: Any) -> Any:
        answer = self.cast.get(who, "/reports/turnaround", **{**PERIOD, **params})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def rows(self, who: str = "lead", **params: Any) -> dict[str | None, dict[str, Any]]:
        """The rows by coach name (None: the summary row), without the keys."""
        names = {str(user.id): name for name, user in self.cast.people.items()}
        found: dict[str | None, dict[str, Any]] = {}
        for row in self.report(who, **params)["rows"]:
            coach = row.pop("coach_user_id")
            name = row.pop("coach_name")
            assert (coach is None) == (name is None)
            assert coach is None or names[coach] == name
            found[name] = row
        return found


def make_reviews(cast: TimeCast) -> Reviews:
    db, organisation = cast.db, cast.organisation
    cast.people["coach2"] = make_user(db, organisation, Role.coach)
    cast.people["coach2"].display_name = "coach2"
    db.add(cast.people["coach2"])
    db.commit()
    assign(db, organisation, cast.people["coach"], cast.people["p2"], AssignmentKind.coach)
    assign(db, organisation, cast.people["coach2"], cast.people["p1"], AssignmentKind.coach)
    programme = make_programme(db, organisation, "Home visiting")
    other_programme = make_programme(db, organisation, "Family support")
    version = make_rubric_version(db, organisation, programme)
    return Reviews(cast, programme, other_programme, version)


@pytest.fixture
def reviews(app: FastAPI, db: Session, client: TestClient) -> Reviews:
    return make_reviews(make_time_cast(db, client, app.state.settings.secret_key))


def build_scenario(reviews: Reviews) -> None:
    """Recordings r1 to r12 and their answers; the hours are from each upload."""
    r = reviews
    r.upload("r1", "p1", local(date(2025, 3, 3), 9))
    r.comment("r1", "p1", 0.5)  # the practitioner's own: never an answer
    r.comment("r1", "coach", 2)
    r.comment("r1", "coach", 6)  # not coach's first
    r.comment("r1", "coach2", 10)
    r.observe("r1", "coach", 24)

    r.upload("r2", "p1", local(date(2025, 3, 10), 10))
    r.comment("r2", "coach2", 1, deleted=True)  # gone: the practitioner cannot see it
    r.comment("r2", "coach2", 30)
    r.comment("r2", "coach", 4.5)
    r.observe("r2", "coach", None)  # a draft is private to its rater
    r.observe("r2", "coach2", 50)

    # Noon GMT the day before the clocks go forward; the comment comes at noon BST the
    # next day: 23 hours, not 24.
    r.upload("r3", "p2", local(date(2025, 3, 29), 12))
    r.comment("r3", "coach", 23)
    assert r.at("r3", 23) == local(date(2025, 3, 30), 12)
    r.observe("r3", "coach", 72)

    r.upload("r4", "p2", local(date(2025, 4, 20), 8))  # nobody has answered

    r.upload("r5", "p3", local(date(2025, 4, 2), 9))
    r.comment("r5", "lead", 3)

    r.upload("r6", "p1", local(date(2025, 2, 28), 23, 30))  # the day before
    r.comment("r6", "coach", 1)

    r.upload("r7", "p1", local(date(2025, 4, 30), 23, 30))  # the last day, late
    r.comment("r7", "coach", 8)
    r.observe("r7", "coach", 100)

    r.upload("r8", "p1", local(date(2025, 3, 12), 9), status=RecordingStatus.rejected)
    r.comment("r8", "coach", 1)

    r.upload("r9", "p1", local(date(2025, 4, 10), 9), status=RecordingStatus.deleted)

    r.upload("r10", "p1", local(date(2025, 4, 5), 9), programme=r.other_programme)
    r.comment("r10", "coach", 13 / 60)  # 13 minutes: 0.2 hours
    r.comment("r10", "coach2", 80 / 60)  # 1 h 20 min: 1.3 hours
    r.observe("r10", "coach", 49.5)

    # 1 May, 00:30 in London, is still 30 April in UTC: not within the days.
    r.upload("r12", "p1", local(date(2025, 5, 1), 0, 30))
    r.comment("r12", "coach", 1)


ROW_FIELDS = (
    "recordings_uploaded",
    "recordings_commented",
    "first_comment_median_hours",
    "first_comment_p90_hours",
    "recordings_observed",
    "observation_median_hours",
    "observation_p90_hours",
    "waiting_for_comment",
    "waiting_for_comment_over_7_days",
    "waiting_for_observation",
    "waiting_for_observation_over_7_days",
)


def row(*values: Any) -> dict[str, Any]:
    return dict(zip(ROW_FIELDS, values, strict=True))


# By hand. In the days: r1, r2, r3, r4, r5, r7, r9 (erased), r10; not r6, r8 (rejected), r12.
# First comments by anyone: r1 2, r2 4.5, r3 23, r5 3, r7 8, r10 0.2167 -> sorted
# 0.2, 2, 3, 4.5, 8, 23: n = 6, median rank 3 = 3.0, 90th rank ceil(5.4) = 6 = 23.0.
# First observations by anyone: r1 24, r2 50, r3 72, r7 100, r10 49.5 -> n = 5, median
# rank 3 = 50.0, 90th rank ceil(4.5) = 5 = 100.0. Waiting: r4 for a comment; r4 and r5
# for an observation (r9 is erased: it waits for nobody); all uploaded long ago.
# coach (p1, p2: r1 r2 r3 r4 r7 r9 r10): comments 2, 4.5, 23, 8, 0.2 -> 0.2 2 4.5 8 23:
# median rank 3 = 4.5, 90th rank 5 = 23.0; observations 24, 72, 100, 49.5 -> n = 4,
# median rank 2 = 49.5 (not 60.75: no interpolation), 90th rank ceil(3.6) = 4 = 100.0.
# coach2 (p1: r1 r2 r7 r9 r10): comments 10, 30, 1.3 -> median rank 2 = 10.0, 90th rank
# ceil(2.7) = 3 = 30.0; observation r2 50. lead: r5's comment, 3 hours; coaches nobody.
EXPECTED = {
    None: row(8, 6, 3.0, 23.0, 5, 50.0, 100.0, 1, 1, 2, 2),
    "coach": row(7, 5, 4.5, 23.0, 4, 49.5, 100.0, 1, 1, 1, 1),
    "coach2": row(5, 3, 10.0, 30.0, 1, 50.0, 50.0, 0, 0, 0, 0),
    "lead": row(0, 1, 3.0, 3.0, 0, None, None, 0, 0, 0, 0),
}


def test_figures_are_what_the_scenario_adds_up_to(reviews: Reviews) -> None:
    build_scenario(reviews)
    report = reviews.report()
    assert (report["first_day"], report["last_day"]) == (FIRST.isoformat(), LAST.isoformat())
    assert [row["coach_name"] for row in report["rows"]] == [None, "coach", "coach2", "lead"]
    assert reviews.rows() == EXPECTED


def test_a_blind_rater_learns_nothing_of_the_recording_they_rate_blind(
    reviews: Reviews,
) -> None:
    """r1 becomes double coded: coach2, who coaches p1 and has not submitted on it, rates
    it blind, so coach's comment and observation of r1 are not in coach2's report (coach2's
    own comment is); the lead sees everything, the second rater's observation included."""
    build_scenario(reviews)
    cast = reviews.cast
    cast.people["rater"] = make_user(cast.db, cast.organisation, Role.coach)
    cast.people["rater"].display_name = "rater"
    make_second_rater(cast.db, reviews.recordings["r1"], cast.people["rater"])
    reviews.observe("r1", "rater", 60, rater_role="second")

    blind = reviews.rows("coach2")
    # coach from coach2's side: comments r2 4.5, r7 8, r10 0.2; observations r7, r10.
    # p1's recordings in the days: r1 r2 r7 r9 r10. r1 looks unobserved to coach2.
    assert blind["coach"] == row(5, 3, 4.5, 8.0, 2, 49.5, 100.0, 0, 0, 1, 1)
    # First comments by anyone: r1 10 (coach2's own), r2 4.5, r7 8, r10 0.2 -> median rank
    # 2 = 4.5, 90th rank 4 = 10.0; observations r2 50, r7 100, r10 49.5.
    assert blind[None] == row(5, 4, 4.5, 10.0, 3, 50.0, 100.0, 0, 0, 1, 1)
    assert blind["coach2"] == row(5, 3, 10.0, 30.0, 1, 50.0, 50.0, 0, 0, 1, 1)
    assert set(blind) == {None, "coach", "coach2"}

    seeing = reviews.rows("lead")
    assert seeing["coach"] == EXPECTED["coach"]
    assert seeing["rater"] == row(0, 0, None, None, 1, 60.0, 60.0, 0, 0, 0, 0)
    # A second rating is not feedback to p1 (the programme's default): not in p1's report.
    assert "rater" not in reviews.rows("p1")
    assert "rater" not in reviews.rows("p1", practitioner_user_id=str(cast.id("p1")))


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def test_csv_rows_equal_the_json_rows(reviews: Reviews) -> None:
    build_scenario(reviews)
    rows = reviews.report()["rows"]
    answer = reviews.cast.get("lead", "/reports/turnaround", **PERIOD, format="csv")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert (
        "turnaround-report-2025-03-01-to-2025-04-30.csv" in (answer.headers["content-disposition"])
    )
    reader = csv.DictReader(io.StringIO(answer.text))
    assert list(reader.fieldnames or []) == list(rows[0])
    assert list(reader) == [{key: _as_text(value) for key, value in row.items()} for row in rows]
    by_header = reviews.cast.client.get(
        f"{reviews.cast.base}/reports/turnaround",
        params=PERIOD,
        headers={**reviews.cast.auth("lead"), "Accept": "text/csv"},
    )
    assert by_header.text == answer.text


def test_waiting_counts_from_now(reviews: Reviews) -> None:
    """Recordings uploaded 2 and 10 days ago, unanswered: both wait, one over 7 days."""
    now = datetime.now(UTC)
    reviews.upload("recent", "p1", now - timedelta(days=2))
    reviews.upload("older", "p1", now - timedelta(days=10))
    reviews.comment("older", "coach2", 1)
    today = now.astimezone(LONDON).date()
    days = {"from": (today - timedelta(days=20)).isoformat(), "to": today.isoformat()}
    summary = reviews.rows(**days)
    assert summary[None] == row(2, 1, 1.0, 1.0, 0, None, None, 1, 0, 2, 1)
    assert summary["coach"] == row(2, 0, None, None, 0, None, None, 1, 0, 2, 1)


def test_an_empty_report_holds_the_summary_row_alone(reviews: Reviews) -> None:
    rows = reviews.rows()
    assert rows == {None: row(0, 0, None, None, 0, None, None, 0, 0, 0, 0)}


def _subplans_reading(plan: dict[str, Any], names: set[str], *, inside: bool = False) -> list[str]:
    """The CTEs of `names` that a subplan of this plan (a part run again per row, or
    hashed only while it fits in memory) reads."""
    inside = inside or plan.get("Parent Relationship") == "SubPlan"
    found = [plan["CTE Name"]] if inside and plan.get("CTE Name") in names else []
    for child in plan.get("Plans", []):
        found += _subplans_reading(child, names, inside=inside)
    return found


@pytest.mark.once_on_postgresql
def test_uploads_still_waiting_are_counted_without_reading_answers_again_per_upload(
    reviews: Reviews,
) -> None:
    """Uploads nobody has answered are the uploads less those answered, counted apart.
    As `NOT IN (the answered recordings)` they were a hash only while that fit in
    work_mem, and otherwise every answer was read again for every upload: on the
    benchmark's organisation with 1 MB of work_mem, over 20 s instead of half a second."""
    build_scenario(reviews)
    db = reviews.cast.db
    lead = reviews.cast.people["lead"]
    member = member_named(db, organisation_id=reviews.cast.organisation.id, user_id=lead.id)
    query = turnaround_query(db, member=member, filters=ReportFilters())
    statement = turnaround_statement(query, dialect="postgresql")
    sql = statement.compile(db.get_bind(), compile_kwargs={"literal_binds": True})
    db.execute(text("SET LOCAL work_mem = '64kB'"))
    (plan,) = db.execute(text(f"EXPLAIN (FORMAT JSON) {sql}")).scalar_one()
    db.rollback()
    answers = {"first_comment", "first_observation"}
    assert _subplans_reading(plan["Plan"], answers) == []
