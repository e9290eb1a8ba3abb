"""Rater drift against gold standards, and the programme's recalibration threshold, in the
agreement report; every figure worked out by hand.

Rubric A (criteria A1, A2, A3; A3 may be N/A). In March, coach2 scores two recordings
whose primary observation (coach's) a lead marked as the gold standard, and rater scores
one of them too.
"""

from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_observation
from tests.reports.test_agreement import Ratings, make_ratings
from tests.ringfenced.cast import local, make_time_cast


@pytest.fixture
def ratings(app: FastAPI, db: Session, client: TestClient) -> Ratings:
    r = make_ratings(make_time_cast(db, client, app.state.settings.secret_key))
    for name, gold_levels, coach2_levels in (
        ("G1", {"A1": 4, "A2": 3, "A3": 5}, {"A1": 4, "A2": 2, "A3": 5}),
        ("G2", {"A1": 2, "A2": 2, "A3": None}, {"A1": 3, "A2": 2, "A3": 1}),
    ):
        recording = r.recording(name, "p1")
        make_observation(
            r.cast.db,
            recording,
            r.cast.people["coach"],
            r.versions["A"],
            gold_levels,
            submitted_at=local(date(2025, 3, 3), 10),
            rater_role="primary",
            is_gold_standard=True,
        )
        r.rate(name, "coach2", local(date(2025, 3, 4), 10), coach2_levels, rater_role="primary")
    r.rate("G1", "rater", local(date(2025, 3, 5), 10), {"A1": 4, "A2": 3, "A3": 4})
    return r


def _march(ratings: Ratings) -> dict[str, dict[str, object]]:
    rows = ratings.report()["rows"]
    return {row["rater_name"] or "all": row for row in rows if row["month"] == "2025-03"}


def test_agreement_with_gold_by_rater_and_month(ratings: Ratings) -> None:
    march = _march(ratings)

    # coach2 against gold: G1 A1 4=4, A2 2/3, A3 5=5; G2 A1 3/2, A2 2=2 (A3 N/A on gold):
    # 5 pairs, 3 exact. Against rater on G1: A1 4=4, A2 2/3, A3 5/4: 3 pairs, 1 exact.
    coach2 = march["coach2"]
    assert (coach2["gold_pairs"], coach2["gold_exact_agreement_percent"]) == (5, 60.0)
    assert (coach2["score_pairs"], coach2["exact_agreement_percent"]) == (8, 50.0)
    # rater against gold on G1: 4=4, 3=3, 4/5: 3 pairs, 2 exact.
    rater = march["rater"]
    assert (rater["gold_pairs"], rater["gold_exact_agreement_percent"]) == (3, 66.7)
    # coach, the gold rater, has no gold on the other side of their pairs.
    assert (march["coach"]["gold_pairs"], march["coach"]["gold_exact_agreement_percent"]) == (
        0,
        None,
    )
    # No threshold set: nobody is flagged.
    assert not any(row["needs_recalibration"] for row in march.values())


def test_raters_below_the_programmes_threshold_are_flagged(ratings: Ratings) -> None:
    settings = f"{ratings.cast.base}/programmes/{ratings.programmes['A'].id}/review-settings"
    lead = ratings.cast.auth("lead")
    changed = ratings.cast.client.patch(
        settings, json={"recalibration_below_percent": 62.5}, headers=lead
    )
    assert changed.status_code == 200, changed.text

    march = _march(ratings)

    # coach2: 50 % with peers and 60 % with gold, both below 62.5. rater: with peers
    # G1 against coach 4=4, 3=3, 4/5 and against coach2 4=4, 3/2, 4/5: 6 pairs, 3 exact
    # (50 %), below too. coach: with coach2 3 of 5 and with rater 2 of 3 exact: 5 of 8,
    # 62.5 %, not below. The all-raters row is never flagged.
    assert {name: row["needs_recalibration"] for name, row in march.items()} == {
        "all": False,
        "coach": False,
        "coach2": True,
        "rater": True,
    }
    assert march["coach"]["exact_agreement_percent"] == 62.5

    switched_off = ratings.cast.client.patch(
        settings, json={"recalibration_below_percent": None}, headers=lead
    )
    assert switched_off.json()["recalibration_below_percent"] is None
    assert not any(row["needs_recalibration"] for row in _march(ratings).values())
