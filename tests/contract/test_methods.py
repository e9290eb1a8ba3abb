"""A method a path does not take is answered by the API (RFC 9110): OPTIONS lists the
path's methods, anything else is a JSON 405 with Allow. CORS speaks only to configured
origins."""

import re
from collections.abc import Iterator, Mapping

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

PWA = "https://pwa.example.org"
ELSEWHERE = "https://elsewhere.example.org"
PREFLIGHT = {"Access-Control-Request-Method": "PATCH"}


@pytest.fixture
def cors_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"cors_origins": [PWA]}))
    try:
        with TestClient(app, base_url="http://localhost") as client:
            yield client
    finally:
        app.state.engine.dispose()


def _cors_fields(headers: Mapping[str, str]) -> list[str]:
    return [name for name in headers if name.lower().startswith("access-control-")]


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/api/v1/me", "GET, OPTIONS"),
        ("/api/v1/observations/not-even-an-id", "GET, PATCH, DELETE, OPTIONS"),
        ("/api/v1/uploads/x", "GET, HEAD, PATCH, DELETE, OPTIONS"),
        ("/healthz", "GET, OPTIONS"),
    ],
)
def test_options_lists_the_methods_of_the_path(client: TestClient, path: str, allow: str) -> None:
    response = client.options(path)
    assert response.status_code == 204
    assert response.headers["Allow"] == allow
    assert response.content == b""


def test_every_documented_path_lists_its_documented_methods(client: TestClient) -> None:
    # Each router is tried only for paths it could take (app/routing.py, TandemRouter):
    # every operation of the contract must still be found, with all its methods.
    document = client.get("/openapi.json").json()
    for template, operations in document["paths"].items():
        path = re.sub(r"\{[^}]+\}", "some-id", template)
        documented = {method.upper() for method in operations} - {"OPTIONS"}
        if template == "/api/v1/uploads":
            continue  # tus discovery answers OPTIONS itself (test below)
        response = client.options(path)
        assert response.status_code == 204, template
        allowed = set(response.headers["Allow"].split(", ")) - {"OPTIONS", "HEAD"}
        assert allowed == documented - {"HEAD"}, template


def test_another_method_is_a_json_405_with_allow(client: TestClient) -> None:
    for method in ("PUT", "TRACE", "POST"):
        response = client.request(method, "/api/v1/observations/some-id")
        assert response.status_code == 405, method
        assert response.headers["Allow"] == "GET, PATCH, DELETE, OPTIONS"
        assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_path_the_api_does_not_have_is_a_json_404_whatever_the_method(
    client: TestClient,
) -> None:
    for method in ("GET", "DELETE", "OPTIONS"):
        response = client.request(method, "/api/v1/no-such-thing")
        assert response.status_code == 404, method
        assert response.json()["error"]["code"] == "not_found"


def test_tus_discovery_and_the_pwa_are_unchanged(client: TestClient) -> None:
    tus = client.options("/api/v1/uploads")
    assert tus.status_code == 204
    assert tus.headers["Tus-Version"] == "1.0.0"
    assert client.get("/").headers["content-type"].startswith("text/html")


def test_without_configured_origins_a_preflight_is_answered_as_any_options(
    client: TestClient,
) -> None:
    response = client.options("/api/v1/me", headers={"Origin": PWA, **PREFLIGHT})
    assert response.status_code == 204
    assert response.headers["Allow"] == "GET, OPTIONS"
    assert _cors_fields(response.headers) == []


def test_a_configured_origin_gets_cors(cors_client: TestClient) -> None:
    preflight = cors_client.options("/api/v1/me", headers={"Origin": PWA, **PREFLIGHT})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == PWA
    simple = cors_client.get("/healthz", headers={"Origin": PWA})
    assert simple.headers["Access-Control-Allow-Origin"] == PWA


def test_another_origin_gets_no_cors_field_at_all(cors_client: TestClient) -> None:
    preflight = cors_client.options("/api/v1/me", headers={"Origin": ELSEWHERE, **PREFLIGHT})
    assert preflight.status_code == 204
    assert preflight.headers["Allow"] == "GET, OPTIONS"
    assert _cors_fields(preflight.headers) == []
    simple = cors_client.get("/healthz", headers={"Origin": ELSEWHERE})
    assert simple.status_code == 200
    assert _cors_fields(simple.headers) == []
