"""Members read rubrics; only leads write; other organisations see nothing."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Role
from tests.rubric.helpers import DEMO_LABELS, RubricOrg, content, import_demo, make_rubric_org

READ_ONLY_ROLES = [Role.coach, Role.practitioner, Role.supervisor]


def writes(org: RubricOrg, rubric_id: str) -> list[tuple[str, str, dict[str, object]]]:
    """(method, url, request kwargs) of every write."""
    versions = f"{org.base}/{rubric_id}/versions"
    body = {"programme_id": str(org.programme.id), "title": "New", **content()}
    csv_params = {
        "programme_id": str(org.programme.id),
        "title": "Imported",
        "scale_labels": DEMO_LABELS,
    }
    return [
        ("POST", org.base, {"json": body}),
        ("POST", f"{org.base}/import/csv", {"params": csv_params, "content": b"x"}),
        ("POST", f"{org.base}/import/json", {"params": csv_params, "content": b"{}"}),
        ("PUT", f"{versions}/1", {"json": content()}),
        ("POST", f"{versions}/1/publish", {}),
        ("POST", f"{versions}/1/retire", {}),
        ("POST", versions, {}),
    ]


def reads(org: RubricOrg, rubric_id: str) -> list[str]:
    version = f"{org.base}/{rubric_id}/versions/1"
    return [
        org.base,
        f"{org.base}/{rubric_id}",
        version,
        f"{version}/export/csv",
        f"{version}/export/json",
    ]


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_other_members_read_but_may_not_write(
    client: TestClient, org: RubricOrg, role: Role
) -> None:
    rubric_id = import_demo(client, org)["id"]
    headers = org.headers[role]
    for url in reads(org, rubric_id):
        assert client.get(url, headers=headers).status_code == 200, url
    for method, url, kwargs in writes(org, rubric_id):
        response = client.request(method, url, headers=headers, **kwargs)  # type: ignore[arg-type]
        assert response.status_code == 403, (method, url, response.text)
        assert response.json()["error"]["code"] == "forbidden"


def test_another_organisation_gets_404_everywhere(
    client: TestClient, org: RubricOrg, db: Session
) -> None:
    rubric_id = import_demo(client, org)["id"]
    other = make_rubric_org(db, client)
    outsider = other.lead
    for url in reads(org, rubric_id):
        assert client.get(url, headers=outsider).status_code == 404, url
    for method, url, kwargs in writes(org, rubric_id):
        response = client.request(method, url, headers=outsider, **kwargs)  # type: ignore[arg-type]
        assert response.status_code == 404, (method, url)
    # Through their own organisation, the rubric does not exist either.
    own = f"{other.base}/{rubric_id}"
    assert client.get(own, headers=outsider).status_code == 404
    assert client.get(f"{own}/versions/1/export/csv", headers=outsider).status_code == 404
    assert client.get(other.base, headers=outsider).json() == []
    body = {"programme_id": str(org.programme.id), "title": "Theirs", **content()}
    assert client.post(other.base, json=body, headers=outsider).status_code == 404


def test_signing_in_is_required(client: TestClient, org: RubricOrg) -> None:
    assert client.get(org.base).status_code == 401
