"""The demo organisation of the public contract, created by `python -m app seed-demo`."""

import os
import subprocess
import sys

from fastapi.testclient import TestClient

from app.seed import DEMO_PASSWORD

DEMO_EMAILS = [
    f"{name}@demo.example.org"
    for name in ("lead", "coach", "coach2", "supervisor", "practitioner", "practitioner2")
]


def run_seed(database_url: str) -> str:
    env = {**os.environ, "TANDEM_DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-m", "app", "seed-demo"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.strip()


def bearer(client: TestClient, email: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_seed_demo_creates_the_contract_organisation_once(
    client: TestClient, database_url: str
) -> None:
    assert run_seed(database_url) == "Demo organisation created."
    assert run_seed(database_url) == "Demo organisation already present."
    lead = bearer(client, "lead@demo.example.org")
    [membership] = client.get("/api/v1/me", headers=lead).json()["memberships"]
    assert membership["roles"] == ["lead"]
    base = f"/api/v1/organisations/{membership['organisation_id']}"
    members = {m["email"]: m for m in client.get(f"{base}/members", headers=lead).json()}
    assert sorted(members) == sorted(DEMO_EMAILS)
    for email in DEMO_EMAILS:
        bearer(client, email)  # every demo account signs in with the demo password

    by_id = {m["user_id"]: m["email"].split("@")[0] for m in members.values()}
    pairs = {
        (row["kind"], by_id[row["staff_user_id"]], by_id[row["practitioner_user_id"]])
        for row in client.get(f"{base}/assignments", headers=lead).json()
    }
    assert pairs == {
        ("coach", "coach", "practitioner"),
        ("coach", "coach2", "practitioner"),
        ("supervisor", "supervisor", "practitioner"),
        ("supervisor", "supervisor", "practitioner2"),
    }
    [programme] = client.get(f"{base}/programmes", headers=lead).json()
    [rubric] = client.get(f"{base}/rubrics", headers=lead).json()
    assert rubric["programme_id"] == programme["id"]
    version = client.get(f"{base}/rubrics/{rubric['id']}/versions/1", headers=lead).json()
    assert version["status"] == "published"
    # The demo programme scores against it: a coach can review straight away.
    assert programme["rubric_version_id"] == version["id"]
    assert version["fidelity_threshold_percent"] == 80
    assert [level["label"] for level in version["scale"]] == [
        "Not yet",
        "Emerging",
        "Developing",
        "Proficient",
        "Exemplary",
    ]
    assert [level["level"] for level in version["scale"]] == [1, 2, 3, 4, 5]
    assert len(version["criteria"]) == 10
