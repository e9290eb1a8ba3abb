"""Previewing an import: what it would create and every problem, with nothing saved."""

import json

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import AuditEvent, Rubric
from tests.rubric.helpers import DEMO_LABELS, RubricOrg, demo_csv_text, import_demo


def preview_csv(client: TestClient, org: RubricOrg, text: str, title: str = "Home visit") -> object:
    params = {"programme_id": str(org.programme.id), "title": title, "scale_labels": DEMO_LABELS}
    return client.post(
        f"{org.base}/import/csv/preview",
        params=params,
        files={"file": ("rubric.csv", text.encode(), "text/csv")},
        headers=org.lead,
    )


def nothing_saved(db: Session, org: RubricOrg) -> bool:
    rubrics = db.exec(select(Rubric).where(Rubric.organisation_id == org.organisation.id)).all()
    events = db.exec(
        select(AuditEvent)
        .where(AuditEvent.organisation_id == org.organisation.id)
        .where(col(AuditEvent.action).startswith("rubric."))
    ).all()
    return rubrics == [] and events == []


def test_a_good_file_is_previewed_with_its_sections_scale_and_criteria(
    client: TestClient, org: RubricOrg, db: Session
) -> None:
    response = preview_csv(client, org, demo_csv_text())
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    preview = response.json()  # type: ignore[attr-defined]
    assert preview["title"] == "Home visit"
    assert preview["sections"] == ["Relationship", "Structure", "Content", "Closure"]
    assert [step["label"] for step in preview["scale"]] == DEMO_LABELS
    assert len(preview["criteria"]) == 10 and preview["criteria"][0]["code"] == "REL1"
    assert preview["fidelity_threshold_percent"] == org.organisation.fidelity_threshold_percent
    assert nothing_saved(db, org)


def test_a_bad_file_lists_every_problem_as_the_import_would_and_saves_nothing(
    client: TestClient, org: RubricOrg, db: Session
) -> None:
    lines = demo_csv_text().splitlines()
    lines[2] = lines[2].replace("REL2", "REL1")
    lines[4] = lines[4].rsplit(",", 2)[0]
    lines[9] = lines[9].replace(",1,2,no,", ",1,7,no,")
    text = "\n".join(lines)
    previewed = preview_csv(client, org, text)
    assert previewed.status_code == 422  # type: ignore[attr-defined]
    problems = previewed.json()["error"]["problems"]  # type: ignore[attr-defined]
    assert [(p["line"], p.get("field")) for p in problems] == [
        (3, "code"),
        (5, None),
        (10, "min_level"),
    ]
    imported = client.post(
        f"{org.base}/import/csv",
        params={"programme_id": str(org.programme.id), "title": "X", "scale_labels": DEMO_LABELS},
        files={"file": ("rubric.csv", text.encode(), "text/csv")},
        headers=org.lead,
    )
    assert imported.json()["error"]["problems"] == problems
    assert nothing_saved(db, org)


def test_a_title_already_used_is_named(client: TestClient, org: RubricOrg) -> None:
    import_demo(client, org, title="Home visit")
    response = preview_csv(client, org, demo_csv_text(), title="Home visit")
    assert response.status_code == 409  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == "duplicate_title"
    assert [problem["field"] for problem in error["fields"]] == ["title"]


def test_a_json_document_is_previewed(client: TestClient, org: RubricOrg, db: Session) -> None:
    rubric = import_demo(client, org)
    exported = client.get(f"{org.base}/{rubric['id']}/versions/1/export/json", headers=org.lead)
    response = client.post(
        f"{org.base}/import/json/preview",
        params={"programme_id": str(org.programme.id), "title": "Copy"},
        files={"file": ("rubric.json", exported.content, "application/json")},
        headers=org.lead,
    )
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Copy"
    assert len(response.json()["criteria"]) == 10
    broken = json.loads(exported.text)
    broken["criteria"][0]["weight"] = -1
    bad = client.post(
        f"{org.base}/import/json/preview",
        params={"programme_id": str(org.programme.id)},
        content=json.dumps(broken).encode(),
        headers={**org.lead, "Content-Type": "application/json"},
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["problems"][0]["field"] == "criteria[0].weight"
    assert len(db.exec(select(Rubric)).all()) == 1
