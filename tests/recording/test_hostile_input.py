"""Hostile numbers and text on the recording routes: 4xx answers, never a 500."""

import http.client
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.recording.conftest import People, live_bearer
from tests.recording.helpers import CONSENT, OFFSET_STREAM, TUS, create_upload, metadata

# Header bytes are read as Latin-1: b"\xb2" is "²", which str.isdigit() takes and int()
# refuses. Only a real server passes such bytes through (TestClient re-encodes them).
NOT_ASCII_DIGITS = [b"\xb2", b"1\xb3", "\u0661\u0662".encode()]


def _raw_tus(live: str, method: str, path: str, headers: dict[str, Any]) -> tuple[int, Any]:
    address = urlsplit(live)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        connection.putrequest(method, path)
        for name, value in {**TUS, **headers}.items():
            connection.putheader(name, value)
        connection.endheaders(b"")
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"null")
    finally:
        connection.close()


def test_tus_numbers_take_ascii_digits_only_on_a_real_server(
    live: str, db: Session, people: People
) -> None:
    headers = live_bearer(db, people.practitioner)
    for length in NOT_ASCII_DIGITS:
        status, body = _raw_tus(
            live, "POST", "/api/v1/uploads", {**headers, "Upload-Length": length}
        )
        assert (status, body["error"]["code"]) == (400, "bad_header"), length
    with httpx.Client(base_url=live) as live_client:
        created = create_upload(live_client, headers, 100)
    assert created.status_code == 201, created.text
    for offset in NOT_ASCII_DIGITS:
        sent = {**headers, **OFFSET_STREAM, "Upload-Offset": offset, "Content-Length": "0"}
        status, body = _raw_tus(live, "PATCH", created.headers["Location"], sent)
        assert (status, body["error"]["code"]) == (400, "bad_header"), offset


@pytest.mark.parametrize("length", ["+12", "1_2", "-1", "1 2", "0x10", "1e3"])
def test_tus_upload_length_takes_plain_digits_only(
    client: TestClient, people: People, auth: Any, length: str
) -> None:
    headers = {**auth(people.practitioner), **TUS, "Upload-Length": length}
    answer = client.post("/api/v1/uploads", headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "bad_header"
    assert answer.headers["Tus-Resumable"] == "1.0.0"


def test_a_tus_length_of_many_digits_is_too_large(
    client: TestClient, people: People, auth: Any
) -> None:
    headers = {**auth(people.practitioner), **TUS, "Upload-Length": "9" * 4400}
    answer = client.post("/api/v1/uploads", headers=headers)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"


def test_nul_in_tus_metadata_is_refused(client: TestClient, people: People, auth: Any) -> None:
    answer = create_upload(client, auth(people.practitioner), 100, metadata(title="Visit\x00"))
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "unstorable_text"


def test_nul_in_plain_upload_fields_is_refused(
    client: TestClient, people: People, auth: Any, video_file: Path
) -> None:
    answer = client.post(
        "/api/v1/recordings",
        headers=auth(people.practitioner),
        data={**CONSENT, "title": "Home \x00 visit"},
        files={"file": ("session.mp4", video_file.read_bytes(), "video/mp4")},
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "unstorable_text"


@pytest.mark.parametrize(
    "query",
    ["offset=9223372036854775808", "offset=1000001", "limit=9223372036854775808", "limit=0"],
)
def test_list_offsets_and_limits_are_bounded(
    client: TestClient, people: People, auth: Any, query: str
) -> None:
    organisation = people.organisation.id
    for url in (
        f"/api/v1/recordings?organisation_id={organisation}&{query}",
        f"/api/v1/organisations/{organisation}/observations?{query}",
    ):
        answer = client.get(url, headers=auth(people.lead))
        assert answer.status_code == 422, (url, answer.text)
        assert answer.json()["error"]["code"] == "validation_error"


def test_the_largest_offset_allowed_is_an_empty_page(
    client: TestClient, people: People, auth: Any
) -> None:
    organisation = people.organisation.id
    answer = client.get(
        f"/api/v1/recordings?organisation_id={organisation}&offset=1000000",
        headers=auth(people.lead),
    )
    assert answer.status_code == 200 and answer.json() == []
