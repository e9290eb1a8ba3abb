"""Shared test data for rubrics: the demo CSV, small rubric bodies and an organisation."""

import uuid
from dataclasses import dataclass
from importlib import resources
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Organisation, Programme, Role
from app.rubric.service import import_published_rubric
from tests.factories import make_organisation, make_programme, make_user, token_for

DEMO_CSV = resources.files("app.rubric").joinpath("data", "home-visit-fidelity-rubric.csv")
DEMO_LABELS = ["Not yet", "Emerging", "Developing", "Proficient", "Exemplary"]


def demo_csv_text() -> str:
    return DEMO_CSV.read_text("utf-8")


def criterion(code: str, section: str = "Main", levels: int = 4, **fields: Any) -> dict[str, Any]:
    return {
        "section": section,
        "code": code,
        "title": f"Criterion {code}",
        "guidance": "",
        "weight": 1,
        "min_level": None,
        "na_allowed": False,
        "level_descriptors": [f"{code} at level {n}" for n in range(levels)],
        **fields,
    }


def content(*criteria: dict[str, Any], threshold: float = 75) -> dict[str, Any]:
    labels = ["Absent", "Partial", "Good", "Excellent"]
    return {
        "scale": [{"level": level, "label": label} for level, label in enumerate(labels)],
        "fidelity_threshold_percent": threshold,
        "criteria": list(criteria) or [criterion("A1"), criterion("A2")],
    }


@dataclass
class RubricOrg:
    organisation: Organisation
    programme: Programme
    headers: dict[Role, dict[str, str]]

    @property
    def base(self) -> str:
        return f"/api/v1/organisations/{self.organisation.id}/rubrics"

    @property
    def lead(self) -> dict[str, str]:
        return self.headers[Role.lead]


def make_rubric_org(db: Session, client: TestClient) -> RubricOrg:
    organisation = make_organisation(db)
    programme = make_programme(db, organisation)
    headers = {role: token_for(client, make_user(db, organisation, role)) for role in Role}
    return RubricOrg(organisation, programme, headers)


def import_demo(client: TestClient, org: RubricOrg, title: str = "Home visit") -> Any:
    response = client.post(
        f"{org.base}/import/csv",
        params={
            "programme_id": str(org.programme.id),
            "title": title,
            "scale_labels": DEMO_LABELS,
            "fidelity_threshold_percent": 80,
        },
        files={"file": ("rubric.csv", demo_csv_text().encode(), "text/csv")},
        headers=org.lead,
    )
    assert response.status_code == 201, response.text
    return response.json()


def make_rubric(db: Session, organisation: Organisation) -> uuid.UUID:
    """A rubric with a published version 1 (the demo CSV) in a new programme; its id."""
    programme = make_programme(db, organisation, name=f"Programme {uuid.uuid4().hex[:8]}")
    version = import_published_rubric(
        db,
        organisation_id=organisation.id,
        programme_id=programme.id,
        title="Home visit fidelity rubric",
        csv_text=demo_csv_text(),
        scale_labels=DEMO_LABELS,
        fidelity_threshold_percent=80,
        actor_user_id=None,
    )
    db.commit()
    return version.rubric_id
