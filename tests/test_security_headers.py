"""Security headers: HSTS over HTTPS only, and a CSP that names our media origins only."""

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


def _policy(response_headers: dict[str, str], directive: str) -> list[str]:
    for part in response_headers["content-security-policy"].split(";"):
        name, *values = part.split()
        if name == directive:
            return values
    raise AssertionError(f"no {directive}")


def test_hsts_only_when_the_request_came_over_https(client: TestClient, settings: Settings) -> None:
    assert "strict-transport-security" not in client.get("/healthz").headers
    with TestClient(create_app(settings), base_url="https://localhost") as secure:
        answer = secure.get("/healthz")
    assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_disk_storage_media_come_from_this_origin_only(client: TestClient) -> None:
    headers = dict(client.get("/healthz").headers)
    assert _policy(headers, "connect-src") == ["'self'"]
    assert _policy(headers, "media-src") == ["'self'", "blob:"]


def test_s3_media_may_come_from_the_configured_endpoint_only(settings: Settings) -> None:
    s3 = settings.model_copy(
        update={
            "storage_backend": "s3",
            "s3_endpoint_url": "https://objects.example.org:9000",
            "s3_addressing_style": "path",
        }
    )
    with TestClient(create_app(s3), base_url="http://localhost") as client:
        headers = dict(client.get("/healthz").headers)
    endpoint = "https://objects.example.org:9000"
    assert _policy(headers, "connect-src") == ["'self'", endpoint]
    assert _policy(headers, "media-src") == ["'self'", endpoint, "blob:"]
    assert "https:" not in headers["content-security-policy"].split()
