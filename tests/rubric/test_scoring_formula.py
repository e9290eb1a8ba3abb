"""A rubric version chooses how its weighted percent is computed: percent of maximum points
(the default, as fidelity tools and programme staff reckon) or the normalised form."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.rubric.service import import_published_rubric
from tests.factories import make_programme, make_ready_recording
from tests.review.scoring_cast import Cast, make_cast, score_and_submit
from tests.rubric.helpers import DEMO_LABELS, RubricOrg, content, demo_csv_text


def create(client: TestClient, org: RubricOrg, **body: Any) -> Any:
    payload = {"programme_id": str(org.programme.id), "title": "Observation", **content(), **body}
    response = client.post(org.base, json=payload, headers=org.lead)
    assert response.status_code == 201, response.text
    return response.json()


def version_of(client: TestClient, org: RubricOrg, rubric_id: str, number: int = 1) -> Any:
    return client.get(f"{org.base}/{rubric_id}/versions/{number}", headers=org.lead).json()


def test_a_new_rubric_scores_as_percent_of_maximum_unless_the_lead_chooses(
    client: TestClient, org: RubricOrg
) -> None:
    default = create(client, org)
    assert default["versions"][0]["scoring_formula"] == "percent_of_maximum"
    chosen = create(client, org, title="Normalised", scoring_formula="normalised")
    assert version_of(client, org, chosen["id"])["scoring_formula"] == "normalised"
    payload = {"programme_id": str(org.programme.id), "title": "Odd", **content()}
    refused = client.post(org.base, json={**payload, "scoring_formula": "median"}, headers=org.lead)
    assert refused.status_code == 422
    assert [f["field"] for f in refused.json()["error"]["fields"]] == ["scoring_formula"]


def test_a_draft_keeps_its_formula_unless_changed_and_the_next_version_copies_it(
    client: TestClient, org: RubricOrg
) -> None:
    rubric = create(client, org, scoring_formula="normalised")
    base = f"{org.base}/{rubric['id']}/versions"
    kept = client.put(f"{base}/1", json=content(threshold=70), headers=org.lead)
    assert kept.status_code == 200, kept.text
    assert kept.json()["scoring_formula"] == "normalised"
    changed = client.put(
        f"{base}/1", json={**content(), "scoring_formula": "percent_of_maximum"}, headers=org.lead
    )
    assert changed.json()["scoring_formula"] == "percent_of_maximum"
    assert client.post(f"{base}/1/publish", headers=org.lead).status_code == 200
    second = client.post(base, headers=org.lead)
    assert second.status_code == 201
    assert second.json()["scoring_formula"] == "percent_of_maximum"


def test_imports_take_the_formula_and_json_carries_it_both_ways(
    client: TestClient, org: RubricOrg
) -> None:
    params = {"programme_id": str(org.programme.id), "title": "Home visit"}
    csv_params = {**params, "scale_labels": DEMO_LABELS, "scoring_formula": "normalised"}
    upload = {"file": ("rubric.csv", demo_csv_text().encode(), "text/csv")}
    preview = client.post(
        f"{org.base}/import/csv/preview", params=csv_params, files=upload, headers=org.lead
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["scoring_formula"] == "normalised"
    imported = client.post(
        f"{org.base}/import/csv", params=csv_params, files=upload, headers=org.lead
    )
    assert imported.status_code == 201, imported.text
    exported = client.get(
        f"{org.base}/{imported.json()['id']}/versions/1/export/json", headers=org.lead
    )
    document = exported.json()
    assert document["scoring_formula"] == "normalised"
    copy = json.dumps({**document, "title": "Copy"}).encode()
    again = client.post(
        f"{org.base}/import/json",
        params={"programme_id": str(org.programme.id)},
        files={"file": ("rubric.json", copy, "application/json")},
        headers=org.lead,
    )
    assert again.status_code == 201, again.text
    assert version_of(client, org, again.json()["id"])["scoring_formula"] == "normalised"
    bad = client.post(
        f"{org.base}/import/csv",
        params={**csv_params, "title": "Bad", "scoring_formula": "mean"},
        files=upload,
        headers=org.lead,
    )
    assert bad.status_code == 422


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def test_proficient_on_every_criterion_of_the_demo_rubric_meets_eighty_percent(
    cast: Cast, db: Session
) -> None:
    """The demo seed's rubric, imported as the seed imports it: "Proficient" (4 of 5)
    everywhere is 80 % of the maximum points, so it meets the 80 % threshold."""
    programme = make_programme(db, cast.organisation, "Demo programme")
    version = import_published_rubric(
        db,
        organisation_id=cast.organisation.id,
        programme_id=programme.id,
        title="Home visit fidelity rubric",
        csv_text=demo_csv_text(),
        scale_labels=DEMO_LABELS,
        fidelity_threshold_percent=80.0,
        actor_user_id=cast.people["lead"].id,
    )
    db.commit()
    assert version.scoring_formula == "percent_of_maximum"
    criteria = version_of_codes(cast, str(version.rubric_id))
    cast.version = version
    recording = make_ready_recording(
        db, cast.organisation, cast.people["owner"], programme=programme, duration_seconds=60.0
    )
    result = score_and_submit(cast, "coach", dict.fromkeys(criteria, 4), recording=recording)
    assert result["weighted_percent"] == pytest.approx(80.0)
    assert result["meets_fidelity"] is True


def version_of_codes(cast: Cast, rubric_id: str) -> list[str]:
    response = cast.client.get(
        f"{cast.org_base}/rubrics/{rubric_id}/versions/1", headers=cast.auth("lead")
    )
    return [criterion["code"] for criterion in response.json()["criteria"]]
