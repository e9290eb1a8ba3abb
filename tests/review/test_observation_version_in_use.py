"""New observations use the programme's rubric version; older ones keep theirs."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Rubric, RubricStatus
from tests.factories import make_rubric_version
from tests.review.scoring_cast import CRITERIA, PASSING, Cast, make_cast, scores, start, submit


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def choose(cast: Cast, version_id: object) -> None:
    url = f"{cast.org_base}/programmes/{cast.programme.id}"
    body = {"rubric_version_id": str(version_id)}
    response = cast.client.patch(url, json=body, headers=cast.auth("lead"))
    assert response.status_code == 200, response.text


def test_a_published_version_the_programme_does_not_use_is_refused(cast: Cast) -> None:
    # A second rubric of the same programme, published but not chosen.
    other = make_rubric_version(cast.db, cast.organisation, cast.programme, *CRITERIA)
    refused = start(cast, "coach", PASSING, version=other)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "rubric_version_not_in_use"
    assert [problem["field"] for problem in error["fields"]] == ["rubric_version_id"]
    choose(cast, other.id)
    assert start(cast, "coach", PASSING, version=other).status_code == 201
    assert start(cast, "coach2", PASSING).status_code == 422  # the first rubric, no longer


def test_observations_on_the_earlier_version_stay_valid_and_amendable(cast: Cast) -> None:
    earlier = start(cast, "coach", PASSING).json()
    assert submit(cast, "coach", earlier["id"]).status_code == 200
    # A new version of the rubric is published: the programme moves to it.
    newer = make_rubric_version(
        cast.db, cast.organisation, cast.programme, *CRITERIA, rubric=_rubric_of(cast)
    )
    cast.version.status = RubricStatus.retired
    cast.db.add(cast.version)
    cast.db.commit()
    cast.db.refresh(cast.programme)
    assert cast.programme.rubric_version_id == newer.id

    url = f"/api/v1/observations/{earlier['id']}"
    assert cast.client.get(url, headers=cast.auth("coach")).status_code == 200
    body = {"reason": "Misread A2", "scores": scores({"A2": 3})}
    amended = cast.client.post(f"{url}/amendments", json=body, headers=cast.auth("coach"))
    assert amended.status_code == 200, amended.text
    assert amended.json()["rubric_version_id"] == str(cast.version.id)
    assert start(cast, "coach2", PASSING, version=newer).status_code == 201


def _rubric_of(cast: Cast) -> Rubric | None:
    return cast.db.get(Rubric, cast.version.rubric_id)
