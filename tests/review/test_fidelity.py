"""Fidelity status per practitioner per programme: rolling fidelity, drift, certification,
and who sees it. Observations are written through the models with chosen dates."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Recording
from app.models.base import utcnow
from tests.factories import make_observation, make_programme, make_rubric_version
from tests.review.scoring_cast import CRITERIA, Cast, make_cast

LEVELS = {
    100.0: {"A1": 5, "A2": 5, "A3": 5},
    87.5: {"A1": 5, "A2": 5, "A3": 3},
    75.0: {"A1": 4, "A2": 4, "A3": None},
    50.0: {"A1": 3, "A2": 3, "A3": 3},
}


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def _history(
    cast: Cast, owner: str, percents: list[float], *, start: datetime | None = None
) -> list[Recording]:
    """One submitted observation per recording, oldest first, a week apart."""
    start = start or utcnow() - timedelta(days=7 * len(percents))
    recordings = []
    for index, percent in enumerate(percents):
        recording = cast.new_recording(owner)
        when = start + timedelta(days=7 * index)
        make_observation(
            cast.db,
            recording,
            cast.people["coach"],
            cast.version,
            LEVELS[percent],
            submitted_at=when,
        )
        recordings.append(recording)
    return recordings


def _fidelity(cast: Cast, who: str, **params: str) -> list[dict[str, Any]]:
    response = cast.client.get(f"{cast.org_base}/fidelity", params=params, headers=cast.auth(who))
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


def _one(cast: Cast, who: str, owner: str = "owner") -> dict[str, Any]:
    rows = _fidelity(cast, who, practitioner_user_id=cast.id(owner))
    assert len(rows) == 1
    return rows[0]


def test_rolling_fidelity_drift_and_certification(cast: Cast) -> None:
    recordings = _history(cast, "owner", [100, 100, 100, 87.5, 75, 75])
    status = _one(cast, "lead")
    assert status["observations"] == 6
    assert status["programme_id"] == str(cast.programme.id)
    assert [o["weighted_percent"] for o in status["latest"]] == [75, 75, 87.5]
    assert status["latest"][0]["recording_id"] == str(recordings[-1].id)
    assert status["rolling_window"] == 3
    assert status["rolling_percent"] == pytest.approx((75 + 75 + 87.5) / 3)
    assert status["fidelity_threshold_percent"] == 80
    assert status["meets_fidelity"] is False
    assert status["drift"] is True
    assert status["drift_reasons"] == ["consecutive_below", "drop"]
    assert status["recent_mean_percent"] == pytest.approx((75 + 75 + 87.5) / 3)
    assert status["previous_mean_percent"] == pytest.approx(100)
    assert status["passing_streak"] == 0
    # Certified by the third pass in a row; a year to recertify; still within it.
    third = status["certified_at"]
    assert third is not None and status["certified"] is True
    due = datetime.fromisoformat(status["recertification_due_at"])
    assert due - datetime.fromisoformat(third) == timedelta(days=365)


def test_a_steady_practitioner_meets_fidelity_without_drift(cast: Cast) -> None:
    _history(cast, "owner", [75, 100, 87.5, 100])
    status = _one(cast, "lead")
    assert status["meets_fidelity"] is True
    assert status["drift"] is False and status["drift_reasons"] == []
    assert status["passing_streak"] == 3
    assert status["certified"] is True
    assert status["previous_mean_percent"] is None  # fewer than six observations


def test_two_passes_do_not_certify_and_old_certification_lapses(cast: Cast) -> None:
    _history(cast, "owner", [100, 100])
    assert _one(cast, "lead")["certified"] is False
    assert _one(cast, "lead")["certified_at"] is None
    long_ago = utcnow() - timedelta(days=800)
    _history(cast, "other_practitioner", [100, 100, 100], start=long_ago)
    lapsed = _one(cast, "lead", owner="other_practitioner")
    assert lapsed["certified_at"] is not None and lapsed["certified"] is False


def test_a_drop_alone_is_drift(cast: Cast) -> None:
    _history(cast, "owner", [100, 100, 100, 87.5, 87.5, 87.5])
    status = _one(cast, "lead")
    assert status["meets_fidelity"] is True
    assert status["drift_reasons"] == ["drop"]


def test_thresholds_come_from_the_programme_settings(cast: Cast) -> None:
    _history(cast, "owner", [100, 100, 100, 87.5, 87.5, 75])
    settings = f"{cast.org_base}/programmes/{cast.programme.id}/review-settings"
    body = {
        "rolling_window": 2,
        "drift_drop_points": 20,
        "drift_consecutive_below": 1,
        "certification_passes": 6,
        "recertification_days": 30,
    }
    assert cast.client.patch(settings, json=body, headers=cast.auth("lead")).status_code == 200
    status = _one(cast, "lead")
    assert status["rolling_window"] == 2
    assert status["rolling_percent"] == pytest.approx((75 + 87.5) / 2)
    assert status["drift_reasons"] == ["consecutive_below"]  # a 16.7 point drop is under 20
    assert status["certified_at"] is None  # five passes in a row, not six


def test_a_double_coded_recording_counts_once(cast: Cast) -> None:
    recordings = _history(cast, "owner", [100, 100, 100])
    later = utcnow()
    make_observation(
        cast.db,
        recordings[0],
        cast.people["second_rater"],
        cast.version,
        LEVELS[50.0],
        submitted_at=later,
        rater_role="second",
    )
    status = _one(cast, "lead")
    assert status["observations"] == 3 and status["rolling_percent"] == 100
    # Unless that second rating is the gold standard: then it is the one that counts.
    make_observation(
        cast.db,
        recordings[1],
        cast.people["coach2"],
        cast.version,
        LEVELS[50.0],
        submitted_at=later,
        is_gold_standard=True,
    )
    status = _one(cast, "lead")
    assert status["observations"] == 3
    assert status["rolling_percent"] == pytest.approx((100 + 50 + 100) / 3)


def test_drafts_and_other_programmes_are_apart(cast: Cast) -> None:
    _history(cast, "owner", [100])
    make_observation(cast.db, cast.new_recording(), cast.people["coach"], cast.version, {"A1": 1})
    other = make_programme(cast.db, cast.organisation, name="Family support")
    other_version = make_rubric_version(cast.db, cast.organisation, other, *CRITERIA)
    recording = cast.new_recording()
    make_observation(
        cast.db, recording, cast.people["coach"], other_version, LEVELS[50.0], submitted_at=utcnow()
    )
    rows = _fidelity(cast, "lead", practitioner_user_id=cast.id("owner"))
    assert sorted((row["programme_id"], row["observations"]) for row in rows) == sorted(
        [(str(cast.programme.id), 1), (str(other.id), 1)]
    )
    only = _fidelity(cast, "lead", programme_id=str(other.id))
    assert [row["rolling_percent"] for row in only] == [50]


def _people_seen(cast: Cast, who: str) -> set[str]:
    return {row["practitioner_user_id"] for row in _fidelity(cast, who)}


def test_who_sees_whose_fidelity(cast: Cast) -> None:
    _history(cast, "owner", [100, 75])
    _history(cast, "other_practitioner", [87.5])
    owner, other = cast.id("owner"), cast.id("other_practitioner")
    assert _people_seen(cast, "lead") == {owner, other}
    assert _people_seen(cast, "supervisor") == {owner}  # their team
    assert _people_seen(cast, "coach") == {owner}
    assert _people_seen(cast, "owner") == {owner}
    assert _people_seen(cast, "other_practitioner") == {other}
    assert _people_seen(cast, "other_coach") == set()
    assert _fidelity(cast, "supervisor", practitioner_user_id=other) == []
    response = cast.client.get(f"{cast.org_base}/fidelity", headers=cast.auth("outsider"))
    assert response.status_code == 404


def test_supervisors_get_figures_not_evidence(cast: Cast) -> None:
    _history(cast, "owner", [100])
    row = _fidelity(cast, "supervisor")[0]
    assert set(row["latest"][0]) == {
        "observation_id",
        "recording_id",
        "submitted_at",
        "weighted_percent",
        "meets_fidelity",
    }
    observation = row["latest"][0]["observation_id"]
    opened = cast.client.get(f"/api/v1/observations/{observation}", headers=cast.auth("supervisor"))
    assert opened.status_code == 404
