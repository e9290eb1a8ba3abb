"""Drafts, publishing, immutability, next versions and retiring."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import AuditEvent, RubricStatus, RubricVersion
from app.rubric.service import import_published_rubric
from tests.factories import make_user
from tests.rubric.helpers import DEMO_LABELS, RubricOrg, content, criterion, demo_csv_text


def create(client: TestClient, org: RubricOrg, **body: Any) -> Any:
    payload = {"programme_id": str(org.programme.id), "title": "Observation", **content(), **body}
    response = client.post(org.base, json=payload, headers=org.lead)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_lead_creates_a_draft_from_json(client: TestClient, org: RubricOrg) -> None:
    rubric = create(client, org)
    assert [(v["version"], v["status"]) for v in rubric["versions"]] == [(1, "draft")]
    version = client.get(f"{org.base}/{rubric['id']}/versions/1", headers=org.lead).json()
    assert [c["code"] for c in version["criteria"]] == ["A1", "A2"]
    assert version["scale"][0] == {"level": 0, "label": "Absent"}
    assert version["fidelity_threshold_percent"] == 75


def test_create_checks_the_rules_and_lists_every_problem(
    client: TestClient, org: RubricOrg
) -> None:
    body = {
        "programme_id": str(org.programme.id),
        "title": "Bad",
        **content(criterion("A1", min_level=4), criterion("A1"), criterion("B", levels=3)),
    }
    response = client.post(org.base, json=body, headers=org.lead)
    assert response.status_code == 422
    fields = [p["field"] for p in response.json()["error"]["problems"]]
    assert fields == ["criteria[0].min_level", "criteria[2].level_descriptors", "criteria[1].code"]


def test_too_many_criteria_or_levels_in_a_body_is_422(client: TestClient, org: RubricOrg) -> None:
    many = content(*[criterion(f"C{n}") for n in range(51)])
    body = {"programme_id": str(org.programme.id), "title": "Many", **many}
    assert client.post(org.base, json=body, headers=org.lead).status_code == 422
    wide = content(criterion("A1", levels=11))
    wide["scale"] = [{"level": n, "label": f"L{n}"} for n in range(11)]
    body = {"programme_id": str(org.programme.id), "title": "Wide", **wide}
    assert client.post(org.base, json=body, headers=org.lead).status_code == 422


def test_a_draft_is_edited_then_published_and_never_changes(
    client: TestClient, org: RubricOrg
) -> None:
    rubric = create(client, org)
    url = f"{org.base}/{rubric['id']}/versions/1"
    edited = content(criterion("B1", "First"), criterion("B2", "Second", weight=2.5), threshold=70)
    response = client.put(url, json=edited, headers=org.lead)
    assert response.status_code == 200, response.text
    assert [c["code"] for c in response.json()["criteria"]] == ["B1", "B2"]
    assert response.json()["sections"] == ["First", "Second"]
    published = client.post(f"{url}/publish", headers=org.lead)
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None
    refused = client.put(url, json=content(), headers=org.lead)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "version_immutable"
    assert client.post(f"{url}/publish", headers=org.lead).status_code == 409
    after = client.get(url, headers=org.lead).json()
    assert [c["code"] for c in after["criteria"]] == ["B1", "B2"]


def test_next_version_copies_the_latest_and_publishing_it_retires_the_old_one(
    client: TestClient, org: RubricOrg
) -> None:
    rubric = create(client, org)
    base = f"{org.base}/{rubric['id']}/versions"
    assert client.post(base, headers=org.lead).status_code == 409  # v1 is still a draft
    client.post(f"{base}/1/publish", headers=org.lead)
    second = client.post(base, headers=org.lead)
    assert second.status_code == 201
    first = client.get(f"{base}/1", headers=org.lead).json()
    copied = second.json()
    assert (copied["version"], copied["status"]) == (2, "draft")
    assert copied["id"] != first["id"]
    assert copied["scale"] == first["scale"]
    assert copied["fidelity_threshold_percent"] == first["fidelity_threshold_percent"]
    strip = ("id",)
    assert [{k: v for k, v in c.items() if k not in strip} for c in copied["criteria"]] == [
        {k: v for k, v in c.items() if k not in strip} for c in first["criteria"]
    ]
    client.put(f"{base}/2", json=content(criterion("A1"), criterion("Z9")), headers=org.lead)
    assert client.post(f"{base}/2/publish", headers=org.lead).status_code == 200
    statuses = [
        v["status"]
        for v in client.get(f"{org.base}/{rubric['id']}", headers=org.lead).json()["versions"]
    ]
    assert statuses == ["retired", "published"]
    assert [c["code"] for c in client.get(f"{base}/1", headers=org.lead).json()["criteria"]] == [
        "A1",
        "A2",
    ]


def use_another_rubric(client: TestClient, org: RubricOrg) -> None:
    """The programme moves to a newly published rubric, so its first one may be retired."""
    other = create(client, org, title="Other")
    published = client.post(f"{org.base}/{other['id']}/versions/1/publish", headers=org.lead)
    programme = f"/api/v1/organisations/{org.organisation.id}/programmes/{org.programme.id}"
    chosen = client.patch(
        programme, json={"rubric_version_id": published.json()["id"]}, headers=org.lead
    )
    assert chosen.status_code == 200, chosen.text


def test_retire(client: TestClient, org: RubricOrg) -> None:
    rubric = create(client, org)
    base = f"{org.base}/{rubric['id']}/versions"
    assert client.post(f"{base}/1/retire", headers=org.lead).status_code == 409
    client.post(f"{base}/1/publish", headers=org.lead)
    use_another_rubric(client, org)
    retired = client.post(f"{base}/1/retire", headers=org.lead)
    assert retired.status_code == 200
    assert retired.json()["status"] == "retired"
    assert retired.json()["retired_at"] is not None
    assert client.post(f"{base}/1/retire", headers=org.lead).status_code == 409


def test_an_empty_draft_cannot_be_published(client: TestClient, org: RubricOrg) -> None:
    rubric = create(client, org, criteria=[])
    response = client.post(f"{org.base}/{rubric['id']}/versions/1/publish", headers=org.lead)
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["field"] == "criteria"


def test_unknown_versions_and_programmes_are_404(client: TestClient, org: RubricOrg) -> None:
    rubric = create(client, org)
    assert client.get(f"{org.base}/{rubric['id']}/versions/7", headers=org.lead).status_code == 404
    body = {**content(), "programme_id": str(rubric["id"]), "title": "Elsewhere"}
    assert client.post(org.base, json=body, headers=org.lead).status_code == 404


def test_lifecycle_is_audited(client: TestClient, org: RubricOrg, db: Session) -> None:
    rubric = create(client, org)
    base = f"{org.base}/{rubric['id']}/versions"
    client.post(f"{base}/1/publish", headers=org.lead)
    client.post(base, headers=org.lead)
    client.post(f"{base}/2/publish", headers=org.lead)
    use_another_rubric(client, org)
    client.post(f"{base}/2/retire", headers=org.lead)
    events = [
        event
        for event in db.exec(
            select(AuditEvent)
            .where(AuditEvent.organisation_id == org.organisation.id)
            .where(col(AuditEvent.action).startswith("rubric."))
            .order_by(col(AuditEvent.created_at))
        )
        if event.details["rubric_id"] == rubric["id"]
    ]
    assert [(e.action, e.details["version"]) for e in events] == [
        ("rubric.created", 1),
        ("rubric.published", 1),
        ("rubric.version_created", 2),
        ("rubric.retired", 1),
        ("rubric.published", 2),
        ("rubric.retired", 2),
    ]
    assert all(e.actor_user_id is not None for e in events)


def test_import_published_rubric_for_the_demo_seed(org: RubricOrg, db: Session) -> None:
    lead = make_user(db, org.organisation)
    version = import_published_rubric(
        db,
        organisation_id=org.organisation.id,
        programme_id=org.programme.id,
        title="Home visit fidelity rubric",
        csv_text=demo_csv_text(),
        scale_labels=DEMO_LABELS,
        fidelity_threshold_percent=80.0,
        actor_user_id=lead.id,
    )
    db.commit()
    stored = db.get(RubricVersion, version.id)
    assert stored is not None
    assert (stored.version, stored.status) == (1, RubricStatus.published)
    assert stored.published_at is not None
    assert [step["label"] for step in stored.scale] == DEMO_LABELS
    assert stored.fidelity_threshold_percent == 80.0
