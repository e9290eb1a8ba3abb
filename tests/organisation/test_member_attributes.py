"""Members' attributes the organisation defines: set by leads as a whole set, read with
the members, listed as the names and values in use."""

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import AuditEvent, MemberAttribute, Organisation, Role, User
from tests.factories import make_organisation, make_user, membership_id
from tests.recording.conftest import bearer_for
from tests.support.statements import statements_run


@dataclass
class Org:
    client: TestClient
    db: Session
    organisation: Organisation
    people: dict[str, User]
    secret_key: str

    @property
    def base(self) -> str:
        return f"/api/v1/organisations/{self.organisation.id}"

    def auth(self, who: str) -> dict[str, str]:
        return bearer_for(self.db, self.people[who], self.secret_key)

    def url(self, whose: str) -> str:
        member = membership_id(self.db, self.organisation, self.people[whose])
        return f"{self.base}/members/{member}/attributes"

    def put(self, who: str, whose: str, body: Any) -> Any:
        return self.client.put(self.url(whose), json=body, headers=self.auth(who))

    def members(self, who: str = "lead") -> dict[str, dict[str, str]]:
        answer = self.client.get(f"{self.base}/members", headers=self.auth(who))
        assert answer.status_code == 200, answer.text
        return {row["email"]: row["attributes"] for row in answer.json()}


ROLES = {
    "lead": (Role.lead,),
    "supervisor": (Role.supervisor,),
    "coach": (Role.coach,),
    "p1": (Role.practitioner,),
    "p2": (Role.practitioner,),
}


@pytest.fixture
def org(app: FastAPI, db: Session, client: TestClient) -> Org:
    organisation = make_organisation(db)
    people = {who: make_user(db, organisation, *roles) for who, roles in ROLES.items()}
    return Org(client, db, organisation, people, app.state.settings.secret_key)


def test_a_lead_replaces_the_whole_set_and_it_is_audited(org: Org) -> None:
    first = org.put("lead", "p1", {"attributes": {"locality": "North", "service": "Early help"}})
    assert first.status_code == 200, first.text
    assert first.json() == {"attributes": {"locality": "North", "service": "Early help"}}
    second = org.put("lead", "p1", {"attributes": {"locality": "  South ", "team_size": "4"}})
    assert second.json() == {"attributes": {"locality": "South", "team_size": "4"}}
    members = org.members()
    assert members[org.people["p1"].email] == {"locality": "South", "team_size": "4"}
    assert members[org.people["p2"].email] == {}
    events = org.db.exec(
        select(AuditEvent)
        .where(AuditEvent.action == "membership.attributes_updated")
        .order_by(col(AuditEvent.created_at))
    ).all()
    assert [event.details for event in events] == [
        {"before": {}, "after": {"locality": "North", "service": "Early help"}},
        {
            "before": {"locality": "North", "service": "Early help"},
            "after": {"locality": "South", "team_size": "4"},
        },
    ]
    assert events[0].actor_user_id == org.people["lead"].id
    assert events[0].resource_id == str(membership_id(org.db, org.organisation, org.people["p1"]))
    cleared = org.put("lead", "p1", {"attributes": {}})
    assert cleared.json() == {"attributes": {}}
    assert org.members()[org.people["p1"].email] == {}


def test_every_member_reads_attributes_in_the_members_list(org: Org) -> None:
    org.put("lead", "p1", {"attributes": {"locality": "North"}})
    assert org.members("p2")[org.people["p1"].email] == {"locality": "North"}


def test_pages_of_members_carry_their_own_roles_and_attributes(org: Org) -> None:
    """Each page's roles and attributes are found by the page's own query: pages of one,
    put together, are the whole list."""
    org.put("lead", "p1", {"attributes": {"locality": "North"}})
    org.put("lead", "p2", {"attributes": {"locality": "South", "service": "Early years"}})
    url, headers = f"{org.base}/members", org.auth("lead")
    whole = org.client.get(url, headers=headers).json()
    pages = [
        org.client.get(url, params={"limit": 1, "offset": offset}, headers=headers).json()
        for offset in range(len(whole) + 1)
    ]
    assert [member for page in pages for member in page] == whole
    assert pages[-1] == []
    by_email = {member["email"]: member for member in whole}
    assert by_email[org.people["p2"].email]["attributes"] == {
        "locality": "South",
        "service": "Early years",
    }
    assert by_email[org.people["lead"].email]["roles"] == ["lead"]


@pytest.mark.parametrize(
    ("attributes", "field"),
    [
        ({"Locality": "North"}, "attributes.Locality.[key]"),
        ({"local area": "North"}, "attributes.local area.[key]"),
        ({"_locality": "North"}, "attributes._locality.[key]"),
        ({"locality_": "North"}, "attributes.locality_.[key]"),
        ({"l" * 41: "North"}, "attributes." + "l" * 41 + ".[key]"),
        ({"locality": ""}, "attributes.locality"),
        ({"locality": "   "}, "attributes.locality"),
        ({"locality": "N" * 101}, "attributes.locality"),
        ({"locality": 3}, "attributes.locality"),
        ({"locality": None}, "attributes.locality"),
        ({f"name_{n}": "x" for n in range(11)}, "attributes"),
        ({"team": "Blue"}, "attributes"),
    ],
)
def test_invalid_attributes_are_refused_naming_them(
    org: Org, attributes: dict[str, Any], field: str
) -> None:
    org.put("lead", "p1", {"attributes": {"locality": "North"}})
    answer = org.put("lead", "p1", {"attributes": attributes})
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation_error"
    assert field in [problem["field"] for problem in error["fields"]], error
    assert org.members()[org.people["p1"].email] == {"locality": "North"}


def test_the_body_is_the_set_and_nothing_else(org: Org) -> None:
    for body in ({}, {"locality": "North"}, {"attributes": {}, "extra": 1}, {"attributes": []}):
        assert org.put("lead", "p1", body).status_code == 422, body


def test_ten_attributes_are_the_most_and_longest_names_fit(org: Org) -> None:
    attributes = {f"name_{n}": "x" * 100 for n in range(9)} | {"l" * 40: "y"}
    answer = org.put("lead", "p1", {"attributes": attributes})
    assert answer.status_code == 200, answer.text
    assert answer.json()["attributes"] == dict(sorted(attributes.items()))


@pytest.mark.parametrize("who", ["supervisor", "coach", "p1"])
def test_only_leads_set_attributes(org: Org, who: str) -> None:
    answer = org.put(who, "p2", {"attributes": {"locality": "North"}})
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"
    assert org.members()[org.people["p2"].email] == {}


def test_a_member_of_another_organisation_is_not_found(org: Org, db: Session) -> None:
    elsewhere = make_organisation(db)
    stranger = make_user(db, elsewhere, Role.practitioner)
    foreign_lead = make_user(db, elsewhere, Role.lead)
    stranger_url = f"{org.base}/members/{membership_id(db, elsewhere, stranger)}/attributes"
    body = {"attributes": {"locality": "North"}}
    answer = org.client.put(stranger_url, json=body, headers=org.auth("lead"))
    assert answer.status_code == 404
    assert answer.json()["error"]["message"] == "Member not found."
    # A lead of another organisation does not reach this one's members at all.
    headers = bearer_for(db, foreign_lead, org.secret_key)
    assert org.client.put(org.url("p1"), json=body, headers=headers).status_code == 404
    assert db.exec(select(MemberAttribute)).all() == []


def test_the_names_in_use_list_each_value_held(org: Org) -> None:
    org.put("lead", "p1", {"attributes": {"locality": "North", "service": "Early help"}})
    org.put("lead", "p2", {"attributes": {"locality": "South"}})
    org.put("lead", "coach", {"attributes": {"locality": "North", "base": "Hub"}})
    expected = [
        {"name": "base", "values": ["Hub"]},
        {"name": "locality", "values": ["North", "South"]},
        {"name": "service", "values": ["Early help"]},
    ]
    for who in ("lead", "supervisor"):
        answer = org.client.get(f"{org.base}/member-attributes", headers=org.auth(who))
        assert answer.status_code == 200, answer.text
        assert answer.json() == expected
    page = org.client.get(
        f"{org.base}/member-attributes", params={"limit": 1, "offset": 1}, headers=org.auth("lead")
    )
    assert page.json() == expected[1:2]


@pytest.mark.parametrize("who", ["coach", "p1"])
def test_the_names_in_use_are_for_leads_and_supervisors(org: Org, who: str) -> None:
    answer = org.client.get(f"{org.base}/member-attributes", headers=org.auth(who))
    assert answer.status_code == 403


def test_a_member_who_leaves_takes_their_attributes(org: Org) -> None:
    org.put("lead", "p1", {"attributes": {"locality": "North"}})
    member = membership_id(org.db, org.organisation, org.people["p1"])
    removed = org.client.delete(f"{org.base}/members/{member}", headers=org.auth("lead"))
    assert removed.status_code == 204
    org.db.expire_all()
    assert org.db.exec(select(MemberAttribute)).all() == []
    answer = org.client.get(f"{org.base}/member-attributes", headers=org.auth("lead"))
    assert answer.json() == []


def test_the_members_list_reads_attributes_in_one_query_a_page(app: FastAPI, org: Org) -> None:
    headers = org.auth("lead")

    def listed() -> int:
        org.client.get(f"{org.base}/members", headers=headers)
        with statements_run(app.state.engine) as seen:
            answer = org.client.get(f"{org.base}/members", headers=headers)
        assert all(row["attributes"] for row in answer.json()[len(ROLES) :])
        return len(seen)

    def add_attributed(count: int) -> None:
        for _ in range(count):
            person = make_user(org.db, org.organisation, Role.practitioner)
            org.people[person.email] = person
            org.put("lead", person.email, {"attributes": {"locality": "North", "base": "Hub"}})

    add_attributed(2)
    few = listed()
    add_attributed(8)
    assert listed() == few
