"""The agreement report: score pairs of double-coded recordings by rubric, month and
rater, every figure worked out here by hand.

Europe/London, March and April 2025. coach coaches p1 and p2, coach2 coaches p1, rater is
a coach who coaches nobody (a second rater). Rubric A (programme A): criteria A1, A2 and
A3 (A3 may be N/A), levels 1 to 5. Rubric B (programme B): B1 alone, on p3's recording.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Programme, Recording, Role, Rubric, RubricVersion
from app.models.organisation import AssignmentKind
from tests.factories import (
    assign,
    make_observation,
    make_programme,
    make_ready_recording,
    make_rubric_version,
    make_second_rater,
    make_user,
)
from tests.ringfenced.cast import TimeCast, local, make_time_cast

FIRST, LAST = date(2025, 3, 1), date(2025, 4, 30)
PERIOD = {"from": FIRST.isoformat(), "to": LAST.isoformat()}
A3_MAY_BE_NA = {"code": "A3", "na_allowed": True}


@dataclass
class Ratings:
    cast: TimeCast
    programmes: dict[str, Programme]
    versions: dict[str, RubricVersion]
    recordings: dict[str, Recording] = field(default_factory=dict)

    def recording(self, name: str, owner: str, rubric: str = "A") -> Recording:
        made = make_ready_recording(
            self.cast.db,
            self.cast.organisation,
            self.cast.people[owner],
            programme=self.programmes[rubric],
        )
        self.recordings[name] = made
        return made

    def rate(
        self,
        name: str,
        who: str,
        submitted_at: datetime | None,
        levels: dict[str, int | None],
        *,
        rubric: str = "A",
        rater_role: str = "second",
    ) -> None:
        make_observation(
            self.cast.db,
            self.recordings[name],
            self.cast.people[who],
            self.versions[rubric],
            levels,
            submitted_at=submitted_at,
            rater_role=rater_role,
        )

    def rubric_id(self, rubric: str) -> str:
        return str(self.versions[rubric].rubric_id)

    def report(self, who: str = "lead", **params: Any) -> Any:
        answer = self.cast.get(who, "/reports/agreement", **{**PERIOD, **params})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def rows(self, who: str = "lead", **params: Any) -> dict[tuple[str, str, str], list[Any]]:
        """(rubric, month, rater name or "all") -> the figures, in the order of FIGURES."""
        rubrics = {self.rubric_id(rubric): rubric for rubric in self.versions}
        found = {}
        for row in self.report(who, **params)["rows"]:
            assert row["rubric_title"] == f"Rubric {rubrics[row['rubric_id']]}"
            key = (rubrics[row["rubric_id"]], row["month"], row["rater_name"] or "all")
            assert (row["rater_user_id"] is None) == (row["rater_name"] is None)
            found[key] = [row[name] for name in FIGURES]
        return found


FIGURES = (
    "recordings_compared",
    "score_pairs",
    "exact_agreement_percent",
    "adjacent_agreement_percent",
    "mean_signed_difference",
    "mean_absolute_difference",
    "earlier_exact_agreement_percent",
    "drifting",
)


def make_ratings(cast: TimeCast) -> Ratings:
    db, organisation = cast.db, cast.organisation
    for who in ("coach2", "rater"):
        cast.people[who] = make_user(db, organisation, Role.coach)
        cast.people[who].display_name = who
        db.add(cast.people[who])
    db.commit()
    assign(db, organisation, cast.people["coach"], cast.people["p2"], AssignmentKind.coach)
    assign(db, organisation, cast.people["coach2"], cast.people["p1"], AssignmentKind.coach)
    programmes = {name: make_programme(db, organisation, f"Programme {name}") for name in "AB"}
    versions = {
        "A": make_rubric_version(
            db, organisation, programmes["A"], {"code": "A1"}, {"code": "A2"}, A3_MAY_BE_NA
        ),
        "B": make_rubric_version(db, organisation, programmes["B"], {"code": "B1"}),
    }
    for name, version in versions.items():
        rubric = db.get(Rubric, version.rubric_id)
        assert rubric is not None
        rubric.title = f"Rubric {name}"
        db.add(rubric)
    db.commit()
    return Ratings(cast, programmes, versions)


@pytest.fixture
def ratings(app: FastAPI, db: Session, client: TestClient) -> Ratings:
    return make_ratings(make_time_cast(db, client, app.state.settings.secret_key))


def build_scenario(ratings: Ratings) -> None:
    r = ratings
    r.recording("R1", "p1")
    r.rate(
        "R1",
        "coach",
        local(date(2025, 3, 5), 10),
        {"A1": 4, "A2": 3, "A3": 5},
        rater_role="primary",
    )
    r.rate(
        "R1",
        "coach2",
        local(date(2025, 3, 6), 10),
        {"A1": 4, "A2": 4, "A3": None},
        rater_role="primary",
    )
    r.rate("R1", "rater", local(date(2025, 3, 7), 10), {"A1": 2, "A2": 3, "A3": 5})

    r.recording("R2", "p1")
    r.rate(
        "R2",
        "coach",
        local(date(2025, 3, 20), 10),
        {"A1": 3, "A2": 3, "A3": 3},
        rater_role="primary",
    )
    r.rate("R2", "rater", local(date(2025, 3, 21), 10), {"A1": 3, "A2": 4, "A3": 3})

    r.recording("R3", "p2")
    r.rate(
        "R3",
        "coach",
        local(date(2025, 4, 3), 10),
        {"A1": 5, "A2": 4, "A3": 4},
        rater_role="primary",
    )
    r.rate("R3", "rater", local(date(2025, 4, 4), 10), {"A1": 3, "A2": 4, "A3": 2})

    # 1 April, 00:30 in London: still 31 March in UTC. The month is London's: April.
    r.recording("R4", "p1")
    r.rate(
        "R4",
        "coach2",
        local(date(2025, 4, 1), 0, 30),
        {"A1": 4, "A2": 4, "A3": 4},
        rater_role="primary",
    )
    r.rate("R4", "rater", local(date(2025, 4, 2), 10), {"A1": 4, "A2": 2, "A3": 4})

    r.recording("R5", "p1")  # rated once: nothing to compare
    r.rate(
        "R5",
        "coach",
        local(date(2025, 3, 10), 10),
        {"A1": 1, "A2": 1, "A3": 1},
        rater_role="primary",
    )

    r.recording("R6", "p1")  # a draft is its rater's alone
    r.rate("R6", "coach", None, {"A1": 1, "A2": 1, "A3": 1}, rater_role="primary")
    r.rate("R6", "rater", local(date(2025, 3, 12), 10), {"A1": 5, "A2": 5, "A3": 5})

    r.recording("R7", "p3", rubric="B")
    r.rate("R7", "lead", local(date(2025, 3, 15), 10), {"B1": 2}, rubric="B", rater_role="primary")
    r.rate("R7", "rater", local(date(2025, 3, 16), 10), {"B1": 3}, rubric="B")

    r.recording("R0", "p1")  # February: before the days
    r.rate(
        "R0",
        "coach",
        local(date(2025, 2, 20), 10),
        {"A1": 1, "A2": 1, "A3": 1},
        rater_role="primary",
    )
    r.rate("R0", "rater", local(date(2025, 2, 21), 10), {"A1": 5, "A2": 5, "A3": 5})


# Differences (this rater's level - the other's), by hand, per criterion A1, A2, A3:
# March. coach: R1 vs coach2 0, -1 (A3 N/A); vs rater 2, 0, 0; R2 vs rater 0, -1, 0:
#   8 pairs, 5 exact, 7 within one, signed 0, absolute 4.
# coach2: R1 vs coach 0, 1; vs rater 2, 1: 4 pairs, 1 exact, 3 within one, +4, 4.
# rater: R1 vs coach -2, 0, 0; vs coach2 -2, -1; R2 vs coach 0, 1, 0:
#   8 pairs, 4 exact, 6 within one, -4, 6.
# All raters, each pair once from its later side: R1 coach2-coach 0, 1; rater-coach -2, 0,
#   0; rater-coach2 -2, -1; R2 rater-coach 0, 1, 0: 10 pairs, 5 exact, 8 within one, 7.
# April. coach: R3 vs rater 2, 0, 2: 3 pairs, 1 exact, 1 within one, +4, 4; earlier 5/8
#   = 62.5 %, and 33.3 <= 62.5 - 15: drifting. coach2: R4 vs rater 0, 2, 0: 3, 2, 2, +2, 2.
# rater: R3 vs coach -2, 0, -2; R4 vs coach2 0, -2, 0: 6 pairs, 3 exact, 3 within one,
#   -6, 6; earlier 4/8 = 50 %. All raters: R3 and R4 from rater's side: 6, 3, 3, 6.
# Rubric B, March: R7 lead 2, rater 3.
EXPECTED = {
    ("A", "2025-03", "all"): [2, 10, 50.0, 80.0, None, 0.7, None, False],
    ("A", "2025-03", "coach"): [2, 8, 62.5, 87.5, 0.0, 0.5, None, False],
    ("A", "2025-03", "coach2"): [1, 4, 25.0, 75.0, 1.0, 1.0, None, False],
    ("A", "2025-03", "rater"): [2, 8, 50.0, 75.0, -0.5, 0.75, None, False],
    ("A", "2025-04", "all"): [2, 6, 50.0, 50.0, None, 1.0, 50.0, False],
    ("A", "2025-04", "coach"): [1, 3, 33.3, 33.3, 1.33, 1.33, 62.5, True],
    ("A", "2025-04", "coach2"): [1, 3, 66.7, 66.7, 0.67, 0.67, 25.0, False],
    ("A", "2025-04", "rater"): [2, 6, 50.0, 50.0, -1.0, 1.0, 50.0, False],
    ("B", "2025-03", "all"): [1, 1, 0.0, 100.0, None, 1.0, None, False],
    ("B", "2025-03", "lead"): [1, 1, 0.0, 100.0, -1.0, 1.0, None, False],
    ("B", "2025-03", "rater"): [1, 1, 0.0, 100.0, 1.0, 1.0, None, False],
}


def test_figures_are_what_the_scenario_adds_up_to(ratings: Ratings) -> None:
    build_scenario(ratings)
    report = ratings.report()
    assert (report["first_day"], report["last_day"]) == (FIRST.isoformat(), LAST.isoformat())
    assert (report["rubric_id"], report["drift_points"]) == (None, 15)
    assert ratings.rows() == EXPECTED
    # Ordered by rubric, month, all raters first, then raters by name.
    assert list(ratings.rows()) == sorted(
        EXPECTED, key=lambda key: (key[0], key[1], key[2] != "all", key[2])
    )


def test_earlier_months_are_those_of_the_days_asked_for(ratings: Ratings) -> None:
    """April alone: nothing earlier, so nothing drifts."""
    build_scenario(ratings)
    april = ratings.rows(**{"from": "2025-04-01", "to": "2025-04-30"})
    assert april == {
        key: figures[:6] + [None, False] for key, figures in EXPECTED.items() if key[1] == "2025-04"
    }


def test_a_blind_rater_finds_nothing_of_the_recording_they_rate_blind(ratings: Ratings) -> None:
    """R8 is double coded (rater is its second rater): coach2, who coaches p1 and has not
    scored it, rates it blind, so their report leaves it out; the lead's counts it."""
    build_scenario(ratings)
    recording = ratings.recording("R8", "p1")
    make_second_rater(ratings.cast.db, recording, ratings.cast.people["rater"])
    ratings.rate(
        "R8",
        "coach",
        local(date(2025, 3, 25), 10),
        {"A1": 5, "A2": 5, "A3": 5},
        rater_role="primary",
    )
    ratings.rate("R8", "rater", local(date(2025, 3, 26), 10), {"A1": 1, "A2": 5, "A3": 5})

    lead = ratings.rows()
    # coach in March: 3 more pairs (4, 0, 0: 2 exact, 2 within one, +4, 4) on one more recording.
    assert lead["A", "2025-03", "coach"] == [3, 11, 63.6, 81.8, 0.36, 0.73, None, False]

    blind = ratings.rows("coach2")
    assert blind["A", "2025-03", "coach"] == EXPECTED["A", "2025-03", "coach"]
    assert blind["A", "2025-03", "rater"] == EXPECTED["A", "2025-03", "rater"]


@pytest.mark.parametrize(
    ("who", "keys"),
    [
        ("lead", set(EXPECTED)),
        ("supervisor", {key for key in EXPECTED if key[0] == "A"}),
        ("coach", {key for key in EXPECTED if key[0] == "A"}),
        ("other_supervisor", {key for key in EXPECTED if key[0] == "B"}),
        # p1's recordings: R1, R2, R4 (R3 is p2's).
        ("coach2", {key for key in EXPECTED if key[0] == "A"} - {("A", "2025-04", "coach")}),
    ],
)
def test_each_role_sees_the_recordings_in_their_care(
    ratings: Ratings, who: str, keys: set[tuple[str, str, str]]
) -> None:
    build_scenario(ratings)
    assert set(ratings.rows(who)) == keys


def test_coach2_sees_april_without_p2s_recording(ratings: Ratings) -> None:
    """R3 is p2's, whom coach2 does not coach: April holds R4 alone (rater - coach2: 0, -2, 0)."""
    build_scenario(ratings)
    rows = ratings.rows("coach2")
    assert rows["A", "2025-04", "rater"] == [1, 3, 66.7, 66.7, -0.67, 0.67, 50.0, False]
    assert rows["A", "2025-04", "all"] == [1, 3, 66.7, 66.7, None, 0.67, 50.0, False]


def test_a_practitioner_sees_only_ratings_that_are_feedback_to_them(ratings: Ratings) -> None:
    """Second ratings are not feedback to p1 (the programme's default): of p1's recordings
    only R1's two primary ratings pair up (coach and coach2: A1 0, A2 -1)."""
    build_scenario(ratings)
    assert ratings.rows("p1") == {
        ("A", "2025-03", "all"): [1, 2, 50.0, 100.0, None, 0.5, None, False],
        ("A", "2025-03", "coach"): [1, 2, 50.0, 100.0, -0.5, 0.5, None, False],
        ("A", "2025-03", "coach2"): [1, 2, 50.0, 100.0, 0.5, 0.5, None, False],
    }
    assert ratings.rows("p3") == {}


def test_rubric_and_programme_narrow_the_report(ratings: Ratings) -> None:
    build_scenario(ratings)
    only_b = ratings.report(rubric_id=ratings.rubric_id("B"))
    assert only_b["rubric_id"] == ratings.rubric_id("B")
    assert {row["rubric_id"] for row in only_b["rows"]} == {ratings.rubric_id("B")}
    by_programme = ratings.rows(programme_id=str(ratings.programmes["A"].id))
    assert set(by_programme) == {key for key in EXPECTED if key[0] == "A"}
    by_practitioner = ratings.rows(practitioner_user_id=str(ratings.cast.id("p2")))
    # R3 alone: coach's April figures, with no earlier month to drift from.
    assert by_practitioner["A", "2025-04", "coach"] == [1, 3, 33.3, 33.3, 1.33, 1.33, None, False]
    assert ("A", "2025-03", "all") not in by_practitioner


def _refused(ratings: Ratings, who: str, status: int, **params: Any) -> dict[str, str]:
    answer = ratings.cast.get(who, "/reports/agreement", **params)
    assert answer.status_code == status, answer.text
    error: dict[str, str] = answer.json()["error"]
    return error


def test_bad_requests_are_refused_with_the_parameter_named(ratings: Ratings) -> None:
    cast = ratings.cast
    assert _refused(ratings, "lead", 422, rater="x")["code"] == "unknown_filter"
    assert _refused(ratings, "lead", 422, rubric_id="not-a-uuid")["code"] == "validation_error"
    mismatch = _refused(
        ratings,
        "lead",
        422,
        rubric_id=ratings.rubric_id("B"),
        programme_id=str(ratings.programmes["A"].id),
    )
    assert mismatch["message"].startswith("rubric_id:")
    elsewhere = _refused(ratings, "lead", 404, rubric_id=str(cast.organisation.id))
    assert elsewhere["message"].startswith("rubric_id:")
    reversed_days = _refused(ratings, "lead", 422, **{"from": "2025-04-30", "to": "2025-03-01"})
    assert reversed_days["code"] == "invalid_period"
    too_long = _refused(ratings, "lead", 422, **{"from": "2023-01-01", "to": "2025-03-01"})
    assert too_long["code"] == "period_too_long"
    other_team = str(cast.id("other_supervisor"))
    refused = _refused(ratings, "supervisor", 404, supervisor_user_id=other_team)
    assert refused["message"].startswith("supervisor_user_id:")
    outsider = _refused(ratings, "outsider", 404, **PERIOD)
    assert outsider["code"] == "not_found"


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_csv_rows_equal_the_json_rows(ratings: Ratings) -> None:
    build_scenario(ratings)
    rows = ratings.report()["rows"]
    answer = ratings.cast.get("lead", "/reports/agreement", **PERIOD, format="csv")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert "agreement-report-2025-03-01-to-2025-04-30.csv" in answer.headers["content-disposition"]
    reader = csv.DictReader(io.StringIO(answer.text))
    assert list(reader.fieldnames or []) == list(rows[0])
    assert list(reader) == [{key: _as_text(value) for key, value in row.items()} for row in rows]


def test_an_empty_report_is_the_header_alone(ratings: Ratings) -> None:
    assert ratings.report()["rows"] == []
    answer = ratings.cast.get("lead", "/reports/agreement", **PERIOD, format="csv")
    assert answer.text.splitlines() == [",".join(FIELDS)]


FIELDS = (
    "rubric_id",
    "rubric_title",
    "month",
    "rater_user_id",
    "rater_name",
    *FIGURES[:6],
    "earlier_exact_agreement_percent",
    "drifting",
    "gold_pairs",
    "gold_exact_agreement_percent",
    "needs_recalibration",
)
