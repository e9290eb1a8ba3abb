"""Importing and exporting rubrics over HTTP."""

from fastapi.testclient import TestClient

from tests.rubric.helpers import DEMO_LABELS, RubricOrg, demo_csv_text, import_demo


def test_import_of_the_demo_csv_gives_ten_criteria_in_four_sections(
    client: TestClient, org: RubricOrg
) -> None:
    rubric = import_demo(client, org)
    assert [(v["version"], v["status"]) for v in rubric["versions"]] == [(1, "draft")]
    version = client.get(f"{org.base}/{rubric['id']}/versions/1", headers=org.lead).json()
    assert version["sections"] == ["Relationship", "Structure", "Content", "Closure"]
    assert version["fidelity_threshold_percent"] == 80
    assert [step["label"] for step in version["scale"]] == DEMO_LABELS
    criteria = {c["code"]: c for c in version["criteria"]}
    assert len(criteria) == 10
    assert [c["position"] for c in version["criteria"]] == list(range(1, 11))
    weights = {code: c["weight"] for code, c in criteria.items()}
    assert weights == {
        "REL1": 1, "REL2": 1.5, "REL3": 1, "STR1": 1, "STR2": 1,
        "CON1": 2, "CON2": 1.5, "CON3": 1, "CLO1": 1, "CLO2": 2,
    }  # fmt: skip
    minimums = {code: c["min_level"] for code, c in criteria.items()}
    assert minimums == {
        "REL1": 3, "REL2": 3, "REL3": None, "STR1": 2, "STR2": None,
        "CON1": 3, "CON2": 3, "CON3": None, "CLO1": 2, "CLO2": 4,
    }  # fmt: skip
    assert {code for code, c in criteria.items() if c["na_allowed"]} == {"REL3", "STR2", "CLO2"}


def test_csv_export_equals_the_imported_file(client: TestClient, org: RubricOrg) -> None:
    rubric = import_demo(client, org)
    response = client.get(f"{org.base}/{rubric['id']}/versions/1/export/csv", headers=org.lead)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="home-visit-v1.csv"' in response.headers["content-disposition"]
    assert response.text == demo_csv_text()


def test_a_raw_text_csv_body_is_accepted(client: TestClient, org: RubricOrg) -> None:
    response = client.post(
        f"{org.base}/import/csv",
        params={"programme_id": str(org.programme.id), "title": "Raw", "scale_labels": DEMO_LABELS},
        content=demo_csv_text().encode(),
        headers={**org.lead, "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    version = client.get(f"{org.base}/{response.json()['id']}/versions/1", headers=org.lead)
    # Without a threshold, the organisation's default applies.
    assert (
        version.json()["fidelity_threshold_percent"] == org.organisation.fidelity_threshold_percent
    )


def test_json_export_imports_back_to_the_same_document(client: TestClient, org: RubricOrg) -> None:
    rubric = import_demo(client, org)
    first = client.get(f"{org.base}/{rubric['id']}/versions/1/export/json", headers=org.lead)
    assert first.status_code == 200
    assert first.json()["title"] == "Home visit"
    assert first.json()["fidelity_threshold_percent"] == 80
    imported = client.post(
        f"{org.base}/import/json",
        params={"programme_id": str(org.programme.id), "title": "Home visit"},
        content=first.content,
        headers={**org.lead, "Content-Type": "application/json"},
    )
    assert imported.status_code == 409  # same title in the same programme
    imported = client.post(
        f"{org.base}/import/json",
        params={"programme_id": str(org.programme.id)},
        files={"file": ("rubric.json", first.content.replace(b"Home visit", b"Copy"))},
        headers=org.lead,
    )
    assert imported.status_code == 201, imported.text
    again = client.get(
        f"{org.base}/{imported.json()['id']}/versions/1/export/json", headers=org.lead
    )
    assert again.text == first.text.replace("Home visit", "Copy")


def test_a_bad_file_answers_422_listing_every_bad_line(client: TestClient, org: RubricOrg) -> None:
    lines = demo_csv_text().splitlines()
    lines[2] = lines[2].replace("REL2", "REL1")  # line 3 repeats line 2's code
    lines[4] = lines[4].rsplit(",", 2)[0]  # line 5 lacks level_4 and level_5
    lines[9] = lines[9].replace(",1,2,no,", ",1,7,no,")  # line 10: minimum off the scale
    response = client.post(
        f"{org.base}/import/csv",
        params={"programme_id": str(org.programme.id), "title": "Bad", "scale_labels": DEMO_LABELS},
        files={"file": ("bad.csv", "\n".join(lines).encode(), "text/csv")},
        headers=org.lead,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_rubric"
    assert [(p["line"], p.get("field")) for p in error["problems"]] == [
        (3, "code"),
        (5, None),
        (10, "min_level"),
    ]
    assert "line 5: Missing level_4, level_5" in error["message"]
    listed = client.get(org.base, headers=org.lead).json()
    assert listed == []


def test_an_unsupported_upload_type_is_415(client: TestClient, org: RubricOrg) -> None:
    response = client.post(
        f"{org.base}/import/csv",
        params={"programme_id": str(org.programme.id), "title": "X", "scale_labels": DEMO_LABELS},
        content=b"<xml/>",
        headers={**org.lead, "Content-Type": "application/xml"},
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_file_that_is_not_utf8_is_422(client: TestClient, org: RubricOrg) -> None:
    response = client.post(
        f"{org.base}/import/csv",
        params={"programme_id": str(org.programme.id), "title": "X", "scale_labels": DEMO_LABELS},
        content=demo_csv_text().encode("utf-16"),
        headers={**org.lead, "Content-Type": "text/csv"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["problems"] == [{"message": "The file is not UTF-8 text."}]


def test_unstorable_text_in_a_rubric_file_is_refused(client: TestClient, org: RubricOrg) -> None:
    params = {"programme_id": str(org.programme.id), "title": "Raw", "scale_labels": DEMO_LABELS}
    csv_answer = client.post(
        f"{org.base}/import/csv",
        params=params,
        content=demo_csv_text().replace("Relationship", "Relation\x00ship", 1).encode(),
        headers={**org.lead, "Content-Type": "text/csv"},
    )
    assert csv_answer.status_code == 422
    assert csv_answer.json()["error"]["code"] == "unstorable_text"
    json_answer = client.post(
        f"{org.base}/import/json",
        params={"programme_id": str(org.programme.id)},
        files={"file": ("rubric.json", b'{"title": "\\u0000"}', "application/json")},
        headers=org.lead,
    )
    assert json_answer.status_code == 422
    assert json_answer.json()["error"]["code"] == "unstorable_text"


def test_a_rubric_file_over_the_json_limit_is_still_imported(
    client: TestClient, org: RubricOrg
) -> None:
    """Imports have their own limit (2 MiB), above TANDEM_MAX_JSON_BYTES (1 MiB)."""
    padding = "# " + "x" * (1024 * 1024) + "\n"
    response = client.post(
        f"{org.base}/import/csv",
        params={"programme_id": str(org.programme.id), "title": "Big", "scale_labels": DEMO_LABELS},
        content=(demo_csv_text() + padding).encode(),
        headers={**org.lead, "Content-Type": "text/csv"},
    )
    assert response.status_code != 413, response.text
