"""The observation that counts for a recording follows every change that can move it:
submitting, a gold standard marked and unmarked, an amendment to all N/A, and a programme
counting second ratings as feedback or not (app/review/counting.py stores the choice)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Programme, Recording, RubricVersion
from tests.factories import make_programme, make_ready_recording, make_rubric_version
from tests.review.scoring_cast import (
    FAILING,
    PASSING,
    Cast,
    make_cast,
    score_and_submit,
    scores,
    start,
    submit,
)


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def _status(cast: Cast) -> dict[str, Any] | None:
    """The practitioner's fidelity as the lead sees it; None when nothing counts."""
    response = cast.client.get(
        f"{cast.org_base}/fidelity",
        params={"practitioner_user_id": cast.id("owner")},
        headers=cast.auth("lead"),
    )
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    assert len(rows) <= 1
    return rows[0] if rows else None


def _counted_percent(cast: Cast) -> float | None:
    status = _status(cast)
    if status is None:
        return None
    assert status["observations"] == 1  # one recording counts once
    percent: float = status["latest"][0]["weighted_percent"]
    return percent


def _second_rater(cast: Cast, recording: Recording | None = None) -> None:
    assigned = cast.client.post(
        f"/api/v1/recordings/{(recording or cast.recording).id}/second-raters",
        json={"user_id": cast.id("second_rater")},
        headers=cast.auth("lead"),
    )
    assert assigned.status_code == 201, assigned.text


def _gold(cast: Cast, observation: dict[str, Any], is_gold: bool) -> None:
    url = f"/api/v1/observations/{observation['id']}/gold-standard"
    marked = cast.client.put(url, json={"is_gold_standard": is_gold}, headers=cast.auth("lead"))
    assert marked.status_code == 200, marked.text


def _second_ratings_are_feedback(
    cast: Cast, value: bool, programme: Programme | None = None
) -> None:
    url = f"{cast.org_base}/programmes/{(programme or cast.programme).id}/review-settings"
    body = {"second_ratings_are_feedback": value}
    changed = cast.client.patch(url, json=body, headers=cast.auth("lead"))
    assert changed.status_code == 200, changed.text


def _submitted(
    cast: Cast,
    who: str,
    levels: dict[str, int | None],
    recording: Recording,
    version: RubricVersion,
) -> dict[str, Any]:
    created = start(cast, who, levels, recording=recording, version=version)
    assert created.status_code == 201, created.text
    submitted = submit(cast, who, created.json()["id"])
    assert submitted.status_code == 200, submitted.text
    observation: dict[str, Any] = submitted.json()
    return observation


def test_the_gold_standard_counts_and_unmarking_it_gives_the_primary_back(cast: Cast) -> None:
    _second_rater(cast)
    _second_ratings_are_feedback(cast, True)  # else a second rating never counts
    primary = score_and_submit(cast, "coach", PASSING)
    assert _counted_percent(cast) == pytest.approx(93.75)
    second = score_and_submit(cast, "second_rater", FAILING)
    assert _counted_percent(cast) == pytest.approx(93.75)  # the primary rater's still

    _gold(cast, second, True)
    assert _counted_percent(cast) == pytest.approx(75.0)
    _gold(cast, primary, True)  # one gold standard per recording: this one now
    assert _counted_percent(cast) == pytest.approx(93.75)
    _gold(cast, primary, False)
    assert _counted_percent(cast) == pytest.approx(93.75)


def test_an_amendment_to_all_not_applicable_stops_it_counting(cast: Cast) -> None:
    programme = make_programme(cast.db, cast.organisation, "Parent groups")
    optional = ({"code": "B1", "na_allowed": True}, {"code": "B2", "na_allowed": True})
    version = make_rubric_version(cast.db, cast.organisation, programme, *optional)
    recording = make_ready_recording(
        cast.db, cast.organisation, cast.people["owner"], programme=programme
    )
    _second_rater(cast, recording)
    _second_ratings_are_feedback(cast, True, programme)
    primary = _submitted(cast, "coach", {"B1": 5, "B2": 5}, recording, version)
    _submitted(cast, "second_rater", {"B1": 1, "B2": 5}, recording, version)
    assert _counted_percent(cast) == pytest.approx(100.0)

    body = {
        "reason": "Not a session of this programme.",
        "scores": scores({"B1": None, "B2": None}),
    }
    url = f"/api/v1/observations/{primary['id']}/amendments"
    amended = cast.client.post(url, json=body, headers=cast.auth("coach"))
    assert amended.status_code == 200, amended.text
    assert amended.json()["weighted_percent"] is None
    # The primary rating says nothing about fidelity now; the second rating counts.
    assert _counted_percent(cast) == pytest.approx(50.0)


def test_a_second_rating_counts_only_while_the_programme_makes_it_feedback(cast: Cast) -> None:
    _second_rater(cast)
    score_and_submit(cast, "second_rater", FAILING)
    assert _status(cast) is None  # the default: second ratings are for agreement

    _second_ratings_are_feedback(cast, True)
    assert _counted_percent(cast) == pytest.approx(75.0)
    _second_ratings_are_feedback(cast, False)
    assert _status(cast) is None
