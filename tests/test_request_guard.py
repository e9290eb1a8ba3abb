"""Text the database cannot store is a 422 wherever it arrives; bodies are bounded."""

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.support.live_server import live_server

SMALL_LIMIT = 4096
SIGN_IN = {"email": "someone@example.org", "password": "a long enough password"}


def assert_unstorable(response: object) -> None:
    assert getattr(response, "status_code", None) == 422, getattr(response, "text", "")
    body = response.json()  # type: ignore[attr-defined]
    assert body["error"]["code"] == "unstorable_text"
    assert body["error"]["message"]


@pytest.mark.parametrize("username", ["a\x00@b.org", "a@b.org\x00"])
def test_nul_in_the_password_form_is_refused(client: TestClient, username: str) -> None:
    answer = client.post(
        "/api/v1/auth/token", data={"username": username, "password": "whatever-it-is"}
    )
    assert_unstorable(answer)


def test_nul_in_a_multipart_password_form_is_refused(client: TestClient) -> None:
    boundary = "tandem-boundary"
    parts = [("username", "a\x00@b.org"), ("password", "whatever-it-is")]
    body = (
        "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in parts
        )
        + f"--{boundary}--\r\n"
    )
    answer = client.post(
        "/api/v1/auth/token",
        content=body.encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert_unstorable(answer)


@pytest.mark.parametrize(
    "raw",
    [
        '{"email": "a\\u0000@b.org", "password": "a long enough password"}',
        '{"email": "a@b.org", "password": "a long \\ud800 password"}',
        '{"email": "a@b.org", "password": "x", "nested": {"k\\u0000": ["\\u0000"]}}',
    ],
)
def test_unstorable_json_text_is_refused(client: TestClient, raw: str) -> None:
    answer = client.post(
        "/api/v1/auth/session", content=raw.encode(), headers={"Content-Type": "application/json"}
    )
    assert_unstorable(answer)


def test_unstorable_query_and_path_text_is_refused(client: TestClient) -> None:
    assert_unstorable(client.get("/api/v1/auth/invitations/abc?anything=%00"))
    assert_unstorable(client.get("/api/v1/auth/invitations/abc%00def"))


def test_ordinary_text_passes_the_guard(client: TestClient) -> None:
    answer = client.post("/api/v1/auth/session", json={**SIGN_IN, "note": "ça va, 你好 🙂"})
    # Past the guard: the route itself answers (no such account), not the guard.
    assert answer.status_code != 422 or answer.json()["error"]["code"] != "unstorable_text"


@pytest.fixture
def small_limit_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"max_json_bytes": SMALL_LIMIT}))
    try:
        with TestClient(app, base_url="http://localhost") as test_client:
            yield test_client
    finally:
        app.state.engine.dispose()


def test_json_bodies_over_the_limit_are_413(small_limit_client: TestClient) -> None:
    padded = {**SIGN_IN, "padding": "x" * SMALL_LIMIT}
    answer = small_limit_client.post("/api/v1/auth/session", json=padded)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"
    assert "x-request-id" in answer.headers

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield json.dumps(padded).encode()

    streamed = small_limit_client.post(
        "/api/v1/auth/session", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert streamed.json()["error"]["code"] == "payload_too_large"


def test_upload_routes_keep_their_own_limits(small_limit_client: TestClient) -> None:
    """A tus creation with a body over the JSON limit reaches the route (401 here, as no
    one signed in), not the JSON limit's 413."""
    answer = small_limit_client.post(
        "/api/v1/uploads",
        content=b"\x00" * (SMALL_LIMIT * 4),
        headers={"Tus-Resumable": "1.0.0", "Content-Type": "application/offset+octet-stream"},
    )
    assert answer.status_code == 401


@pytest.fixture
def live(app: FastAPI, database_url: str, tmp_path: Path) -> Iterator[str]:
    with live_server(database_url=database_url, work_dir=tmp_path) as url:
        yield url


def test_a_declared_100_mb_body_is_refused_before_it_is_sent(live: str) -> None:
    address = urlsplit(live)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        connection.putrequest("POST", "/api/v1/auth/session")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(100 * 1024 * 1024))
        connection.endheaders(b'{"email": "')  # and nothing more: the answer comes anyway
        answer = connection.getresponse()
        assert answer.status == 413
        assert json.loads(answer.read())["error"]["code"] == "payload_too_large"
    finally:
        connection.close()
