"""What the schema says of a value is what the server checks: limits count the text as
sent, numbers have bounds the databases can store, JSON types are taken as they are,
and a field the schema does not let be null is refused when null (never a 500)."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.errors import Unprocessable
from app.recording.schemas import RecordingIntent
from tests.contract.conftest import Stage

HUGE = (2**63, 2**80)
INVITE = {"email": "new@example.org", "roles": ["coach"]}
Body = Callable[[int], dict[str, Any]]


def _numbers_in_bodies(stage: Stage) -> list[tuple[str, str, str, Body]]:
    world = stage.world
    org = f"/api/v1/organisations/{world.cast.organisation.id}"
    recording = f"/api/v1/recordings/{world.scene.recording.id}"
    programme, version = world.cast.programme.id, world.cast.version.id

    def rubric(scale_level: int, min_level: int | None = None) -> dict[str, Any]:
        criterion = {"code": "B1", "title": "B", "weight": 1, "level_descriptors": ["a", "b"]}
        return {
            "programme_id": str(programme),
            "title": "Huge",
            "scale": [{"level": scale_level, "label": "x"}, {"level": 2, "label": "y"}],
            "criteria": [{**criterion, "min_level": min_level}],
        }

    def observation(score: dict[str, Any]) -> dict[str, Any]:
        return {"rubric_version_id": str(version), "scores": [{"code": "A1", **score}]}

    comment = {"start_ms": 0, "body": "Here"}

    def objective(target_level: int) -> dict[str, Any]:
        criteria = [{"criterion_id": str(uuid.uuid4()), "target_level": target_level}]
        owner = str(world.cast["owner"].id)
        return {"practitioner_user_id": owner, "title": "Open questions", "criteria": criteria}

    return [
        ("PATCH", org, "lead", lambda n: {"retention_days": n}),
        ("PATCH", org, "lead", lambda n: {"fidelity_threshold_percent": n}),
        (
            "PATCH",
            f"{org}/programmes/{programme}/review-settings",
            "lead",
            lambda n: {"rolling_window": n, "drift_drop_points": n},
        ),
        ("POST", f"{org}/rubrics", "lead", lambda n: rubric(n)),
        ("POST", f"{org}/rubrics", "lead", lambda n: rubric(1, min_level=n)),
        ("POST", f"{recording}/comments", "coach", lambda n: {"start_ms": n, "body": "Here"}),
        ("POST", f"{recording}/comments", "coach", lambda n: {"end_ms": n, **comment}),
        ("POST", f"{recording}/observations", "coach", lambda n: observation({"level": n})),
        (
            "POST",
            f"{recording}/observations",
            "coach",
            lambda n: observation({"moments": [{"at_ms": n}]}),
        ),
        ("POST", f"{org}/objectives", "coach", objective),
    ]


@pytest.mark.parametrize("number", HUGE)
def test_integers_beyond_the_bounds_are_422_in_bodies(
    contract_client: TestClient, shared_stage: Stage, number: int
) -> None:
    for method, path, role, body in _numbers_in_bodies(shared_stage):
        headers = dict(shared_stage.headers[role])
        response = contract_client.request(method, path, json=body(number), headers=headers)
        assert response.status_code == 422, (method, path, response.text)
        assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize("number", HUGE)
def test_integers_beyond_the_bounds_are_refused_in_urls_and_headers(
    contract_client: TestClient, shared_stage: Stage, number: int
) -> None:
    world, lead = shared_stage.world, dict(shared_stage.headers["lead"])
    org = world.cast.organisation.id
    for query in ({"limit": number}, {"offset": number}):
        listed = contract_client.get(
            "/api/v1/recordings", params={"organisation_id": str(org), **query}, headers=lead
        )
        assert listed.status_code == 422, listed.text
    rubric = f"/api/v1/organisations/{org}/rubrics/{world.cast.version.rubric_id}"
    assert contract_client.get(f"{rubric}/versions/{number}", headers=lead).status_code == 404
    owner = dict(shared_stage.headers["practitioner"])
    tus = {"Tus-Resumable": "1.0.0", "Upload-Length": str(number)}
    created = contract_client.post("/api/v1/uploads", headers={**owner, **tus})
    assert created.status_code == 413, created.text


def test_text_limits_count_what_was_sent(contract_client: TestClient, shared_stage: Stage) -> None:
    comments = f"/api/v1/recordings/{shared_stage.world.scene.recording.id}/comments"
    coach = dict(shared_stage.headers["coach"])

    def comment(body: str) -> Any:
        return contract_client.post(comments, json={"start_ms": 0, "body": body}, headers=coach)

    assert comment(" " * 4000 + "a").status_code == 422  # 4001 as sent, 1 once trimmed
    assert comment(" \t\n ").status_code == 422
    kept = comment("  Lovely open question.\n")
    assert kept.status_code == 201, kept.text
    assert kept.json()["body"] == "Lovely open question."


def test_reflection_sections_count_what_was_sent(
    contract_client: TestClient, shared_stage: Stage
) -> None:
    url = f"/api/v1/recordings/{shared_stage.world.scene.recording.id}/reflection"
    owner = dict(shared_stage.headers["practitioner"])
    too_long = contract_client.put(url, json={"went_well": " " * 8001}, headers=owner)
    assert too_long.status_code == 422
    trimmed = contract_client.put(url, json={"went_well": "  We laughed.  "}, headers=owner)
    assert trimmed.status_code == 200, trimmed.text
    assert trimmed.json()["went_well"] == "We laughed."


def test_a_recording_title_counts_what_was_sent() -> None:
    fields = {"consent": "obtained", "consent_scope": "coaching"}
    with pytest.raises(Unprocessable):
        RecordingIntent.from_fields({**fields, "title": " " * 200 + "Visit"})
    assert RecordingIntent.from_fields({**fields, "title": "  Visit "}).title == "Visit"


def test_the_schema_shows_the_limits_it_checks(contract_client: TestClient) -> None:
    schemas = contract_client.get("/openapi.json").json()["components"]["schemas"]
    body = schemas["CommentCreate"]["properties"]["body"]
    assert body["maxLength"] == 4000
    assert body["pattern"] == "[^ \\t\\n\\r\\f\\v]"


@pytest.mark.parametrize(
    ("role", "path", "body"),
    [
        ("lead", "/members", {**INVITE, "is_champion": 1}),
        ("lead", "/members", {**INVITE, "is_champion": "yes"}),
        ("lead", "", {"retention_days": "30"}),
        ("lead", "", {"retention_days": 30.0}),
        ("lead", "", {"time_zone": None}),
        ("lead", "", {"name": None}),
    ],
)
def test_json_types_are_taken_as_they_are(
    contract_client: TestClient, shared_stage: Stage, role: str, path: str, body: dict[str, Any]
) -> None:
    org = f"/api/v1/organisations/{shared_stage.world.cast.organisation.id}"
    method = "POST" if path else "PATCH"
    headers = dict(shared_stage.headers[role])
    response = contract_client.request(method, org + path, json=body, headers=headers)
    assert response.status_code == 422, response.text


def test_fields_that_cannot_be_cleared_refuse_null(
    contract_client: TestClient, shared_stage: Stage
) -> None:
    world = shared_stage.world
    lead, coach = dict(shared_stage.headers["lead"]), dict(shared_stage.headers["coach"])
    programme = f"/api/v1/organisations/{world.cast.organisation.id}/programmes/"
    for field in ("name", "description"):
        answer = contract_client.patch(
            programme + str(world.cast.programme.id), json={field: None}, headers=lead
        )
        assert answer.status_code == 422, answer.text
    objective = f"/api/v1/objectives/{world.objective.id}"
    for body in ({"title": None}, {"target_date": 0}, {"target_date": "0"}):
        assert contract_client.patch(objective, json=body, headers=coach).status_code == 422
    cleared = contract_client.patch(objective, json={"target_date": None}, headers=coach)
    assert cleared.status_code == 200, cleared.text
    comment = f"/api/v1/comments/{world.scene.comment.id}"
    assert contract_client.patch(comment, json={"body": None}, headers=coach).status_code == 422
    observation = f"/api/v1/observations/{world.scene.coach_observation.id}/gold-standard"
    gold = contract_client.put(observation, json={"is_gold_standard": 0}, headers=lead)
    assert gold.status_code == 422


def test_json_that_is_not_utf8_is_422(contract_client: TestClient, shared_stage: Stage) -> None:
    url = f"/api/v1/recordings/{shared_stage.world.scene.recording.id}/reflection"
    headers = {**shared_stage.headers["practitioner"], "Content-Type": "application/json"}
    response = contract_client.put(url, content=b'{"notes": "\xff\xfe"}', headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_json"
