"""Every error an operation documents has the one JSON shape, and what an operation can
answer by construction is documented once, from its dependencies and parameters."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}


@pytest.fixture
def schema(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def _statuses(schema: dict[str, Any], method: str, path: str) -> set[str]:
    return set(schema["paths"][path][method]["responses"])


def test_every_documented_error_has_the_error_shape(schema: dict[str, Any]) -> None:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    content = response["content"]["application/json"]["schema"]
                    assert content == ERROR_BODY, (method, path, status)
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert {"code", "message"} <= set(detail["required"])


def test_what_a_route_can_answer_follows_from_how_it_is_built(schema: dict[str, Any]) -> None:
    # Signed in, no path parameter, no body: no 403, 404 or 413.
    assert _statuses(schema, "get", "/api/v1/me") == {"200", "401", "422", "503"}
    # Leads only, a body, an organisation in the path.
    organisation = "/api/v1/organisations/{organisation_id}"
    assert _statuses(schema, "patch", organisation) == {
        *("200", "401", "403", "404", "413", "422", "503")
    }
    # No sign-in and no database.
    assert _statuses(schema, "get", "/healthz") == {"200", "422"}
    # Its own rules on top: the tus version (412), a busy upload (423), a checksum (460).
    assert {"412", "423", "460"} <= _statuses(schema, "patch", "/api/v1/uploads/{upload_id}")
