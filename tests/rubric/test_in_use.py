"""The rubric version a programme scores against: chosen by the lead, set by publishing."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_organisation, make_programme, make_rubric_version
from tests.rubric.helpers import RubricOrg, content


def programme_url(org: RubricOrg, programme_id: object = None) -> str:
    return (
        f"/api/v1/organisations/{org.organisation.id}/programmes/{programme_id or org.programme.id}"
    )


def draft(client: TestClient, org: RubricOrg, title: str) -> Any:
    body = {"programme_id": str(org.programme.id), "title": title, **content()}
    response = client.post(org.base, json=body, headers=org.lead)
    assert response.status_code == 201, response.text
    return response.json()


def publish(client: TestClient, org: RubricOrg, rubric: Any, version: int = 1) -> Any:
    url = f"{org.base}/{rubric['id']}/versions/{version}/publish"
    response = client.post(url, headers=org.lead)
    assert response.status_code == 200, response.text
    return response.json()


def in_use(client: TestClient, org: RubricOrg) -> Any:
    return client.get(programme_url(org), headers=org.lead).json()


def choose(client: TestClient, org: RubricOrg, version_id: object) -> Any:
    return client.patch(
        programme_url(org), json={"rubric_version_id": str(version_id)}, headers=org.lead
    )


def named_field(response: Any) -> list[str]:
    return [problem["field"] for problem in response.json()["error"]["fields"]]


def test_a_new_programme_uses_its_first_published_version(
    client: TestClient, org: RubricOrg
) -> None:
    rubric = draft(client, org, "Home visit")
    assert in_use(client, org)["rubric_version_id"] is None
    published = publish(client, org, rubric)
    shown = in_use(client, org)
    assert shown["rubric_version_id"] == published["id"]
    assert shown["rubric_in_use"] == {
        "rubric_version_id": published["id"],
        "rubric_id": rubric["id"],
        "rubric_title": "Home visit",
        "version": 1,
    }


def test_publishing_another_rubric_leaves_the_choice_alone_until_the_lead_chooses(
    client: TestClient, org: RubricOrg
) -> None:
    first = publish(client, org, draft(client, org, "Home visit"))
    second = publish(client, org, draft(client, org, "Group session"))
    assert in_use(client, org)["rubric_version_id"] == first["id"]
    chosen = choose(client, org, second["id"])
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["rubric_in_use"]["rubric_title"] == "Group session"
    assert in_use(client, org)["rubric_version_id"] == second["id"]
    listed = client.get(programme_url(org).rsplit("/", 1)[0], headers=org.lead).json()
    assert [p["rubric_version_id"] for p in listed] == [second["id"]]


def test_a_new_version_of_the_rubric_in_use_replaces_it_when_published(
    client: TestClient, org: RubricOrg
) -> None:
    rubric = draft(client, org, "Home visit")
    publish(client, org, rubric)
    client.post(f"{org.base}/{rubric['id']}/versions", headers=org.lead)
    second = publish(client, org, rubric, version=2)
    shown = in_use(client, org)
    assert shown["rubric_version_id"] == second["id"]
    assert shown["rubric_in_use"]["version"] == 2


def test_only_a_published_version_of_this_programmes_rubrics_can_be_chosen(
    client: TestClient, org: RubricOrg, db: Session
) -> None:
    rubric = draft(client, org, "Home visit")
    first = publish(client, org, rubric)
    client.post(f"{org.base}/{rubric['id']}/versions", headers=org.lead)
    second_draft = client.get(f"{org.base}/{rubric['id']}/versions/2", headers=org.lead).json()
    drafted = choose(client, org, second_draft["id"])
    assert drafted.status_code == 409
    assert drafted.json()["error"]["code"] == "rubric_version_not_published"
    assert named_field(drafted) == ["rubric_version_id"]
    second = publish(client, org, rubric, version=2)  # version 1 is retired now
    retired = choose(client, org, first["id"])
    assert retired.status_code == 409 and named_field(retired) == ["rubric_version_id"]

    other_programme = make_programme(db, org.organisation, name="Family support")
    elsewhere = make_rubric_version(db, org.organisation, other_programme)
    foreign_org = make_organisation(db)
    foreign = make_rubric_version(db, foreign_org, make_programme(db, foreign_org))
    for not_ours in (elsewhere.id, foreign.id, rubric["id"]):
        response = choose(client, org, not_ours)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "not_this_programmes_rubric"
        assert named_field(response) == ["rubric_version_id"]
    assert in_use(client, org)["rubric_version_id"] == second["id"]
    assert choose(client, org, "not-a-uuid").status_code == 422


def test_the_version_in_use_cannot_be_retired_until_another_is_chosen(
    client: TestClient, org: RubricOrg
) -> None:
    first_rubric = draft(client, org, "Home visit")
    publish(client, org, first_rubric)
    retire = f"{org.base}/{first_rubric['id']}/versions/1/retire"
    refused = client.post(retire, headers=org.lead)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "rubric_version_in_use"
    assert "Version 1" in error["message"] and org.programme.name in error["message"]
    assert named_field(refused) == ["version"]
    other = publish(client, org, draft(client, org, "Group session"))
    assert choose(client, org, other["id"]).status_code == 200
    assert client.post(retire, headers=org.lead).json()["status"] == "retired"


def test_only_leads_choose(client: TestClient, org: RubricOrg) -> None:
    published = publish(client, org, draft(client, org, "Home visit"))
    for role, headers in org.headers.items():
        if role == "lead":
            continue
        response = client.patch(
            programme_url(org), json={"rubric_version_id": published["id"]}, headers=headers
        )
        assert response.status_code == 403
