"""Web Push against a real HTTP server on loopback playing the push service: it receives
what a browser's push service would, VAPID header and encrypted payload, which the test
decrypts with the subscription's own keys (as the browser would)."""

import base64
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece  # type: ignore[import-untyped]
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi import FastAPI
from sqlmodel import Session, select

from app.config import Settings
from app.models import NotificationKind, PushSubscription
from app.notifications import push
from tests.notifications.conftest import comment
from tests.review.scoring_cast import Cast

PUBLIC_KEY, PRIVATE_KEY = push.generate_key_pair()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    """Answers 201, or the status its path names (/status/410/...)."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.received)} of {count} pushes arrived"
                self.arrived.wait(left)
            return list(self.received)


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with service.arrived:
                headers = {name.lower(): value for name, value in self.headers.items()}
                service.received.append(Received(self.path, headers, body))
                service.arrived.notify_all()
            parts = self.path.split("/")
            self.send_response(int(parts[2]) if parts[1] == "status" else 201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    return base_settings.model_copy(
        update={
            "vapid_public_key": PUBLIC_KEY,
            "vapid_private_key": PRIVATE_KEY,
            "vapid_subject": "mailto:ops@example.org",
        }
    )


@dataclass(frozen=True)
class Browser:
    """A browser's side of a subscription: the keys it decrypts pushes with."""

    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @classmethod
    def new(cls) -> "Browser":
        return cls(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))

    def keys(self) -> dict[str, str]:
        point = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return {"p256dh": _b64url(point), "auth": _b64url(self.auth_secret)}

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        payload: dict[str, Any] = json.loads(plain)
        return payload


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _subscribe(
    cast: Cast, who: str, endpoint: str, browser: Browser, *, opt_in: bool = True
) -> None:
    answer = cast.client.post(
        "/api/v1/push/subscriptions",
        json={"endpoint": endpoint, "keys": browser.keys(), "expirationTime": None},
        headers=cast.auth(who),
    )
    assert answer.status_code == 201, answer.text
    if opt_in:
        changed = cast.client.patch(
            "/api/v1/me/notification-settings", json={"web_push": True}, headers=cast.auth(who)
        )
        assert changed.json()["web_push"] is True


def _jwt_claims(authorization: str) -> dict[str, Any]:
    token = authorization.split("t=")[1].split(",")[0]
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def test_a_new_comment_is_pushed_encrypted_with_no_personal_content(
    cast: Cast, push_service: PushService
) -> None:
    key = cast.client.get("/api/v1/push/public-key", headers=cast.auth("owner")).json()
    assert key == {"enabled": True, "public_key": PUBLIC_KEY}
    browser = Browser.new()
    _subscribe(cast, "owner", push_service.url("/push/owner-phone"), browser)

    comment(cast, "coach", body="The Okafor twins were lovely")

    [received] = push_service.wait_for(1)
    assert received.path == "/push/owner-phone"
    assert received.headers["content-encoding"] == "aes128gcm"
    assert int(received.headers["ttl"]) > 0
    authorization = received.headers["authorization"]
    assert authorization.startswith("vapid t=") and f"k={PUBLIC_KEY}" in authorization
    claims = _jwt_claims(authorization)
    assert claims["aud"] == push_service.url("")
    assert claims["sub"] == "mailto:ops@example.org"
    assert b"Okafor" not in received.body
    payload = browser.decrypt(received.body)
    assert payload == {
        "title": "Tandem",
        "body": "You have a new comment in Tandem.",
        "url": "/#/notifications",
    }


def test_only_people_who_opted_in_are_pushed_and_gone_subscriptions_go(
    app: FastAPI, cast: Cast, db: Session, settings: Settings, push_service: PushService
) -> None:
    # coach2 subscribed a browser but has not turned push on; the owner has two browsers,
    # one of which the push service no longer knows (410), one whose service fails (500).
    _subscribe(cast, "coach2", push_service.url("/push/coach2"), Browser.new(), opt_in=False)
    _subscribe(cast, "owner", push_service.url("/status/410/owner-old"), Browser.new())
    _subscribe(cast, "owner", push_service.url("/status/500/owner-laptop"), Browser.new())
    kinds = {
        cast.people["owner"].id: {NotificationKind.comment},
        cast.people["coach2"].id: {NotificationKind.comment},
    }

    push.deliver(app.state.engine, settings, kinds)  # what runs after a commit, here in line

    assert sorted(row.path for row in push_service.received) == [
        "/status/410/owner-old",
        "/status/500/owner-laptop",
    ]
    endpoints = set(db.exec(select(PushSubscription.endpoint)))
    assert push_service.url("/status/410/owner-old") not in endpoints
    assert push_service.url("/status/500/owner-laptop") in endpoints
    assert push_service.url("/push/coach2") in endpoints


def test_a_failing_push_service_never_fails_the_request(
    cast: Cast, push_service: PushService
) -> None:
    _subscribe(cast, "owner", push_service.url("/status/500/owner"), Browser.new())
    _subscribe(cast, "coach2", "http://127.0.0.1:9/nobody-listens", Browser.new())
    comment(cast, "coach")  # asserts 201 itself
    push_service.wait_for(1)
    comment(cast, "coach2")  # the owner again, and the coach
    push_service.wait_for(2)


def test_subscriptions_are_the_callers_own_and_point_at_push_services(
    cast: Cast, db: Session, push_service: PushService
) -> None:
    url = "/api/v1/push/subscriptions"
    keys = Browser.new().keys()
    for endpoint in ("ftp://push.example.org/x", "http://push.example.org/x", "not a url"):
        answer = cast.client.post(
            url, json={"endpoint": endpoint, "keys": keys}, headers=cast.auth("owner")
        )
        assert answer.status_code == 422, endpoint
    answer = cast.client.post(
        url,
        json={"endpoint": "https://push.example.org/abc", "keys": keys},
        headers=cast.auth("owner"),
    )
    assert answer.status_code == 201
    # The same browser, someone else signed in on it: theirs now.
    answer = cast.client.post(
        url,
        json={"endpoint": "https://push.example.org/abc", "keys": keys},
        headers=cast.auth("coach"),
    )
    assert answer.status_code == 201
    [stored] = db.exec(select(PushSubscription)).all()
    assert stored.user_id == cast.people["coach"].id
    query = {"endpoint": "https://push.example.org/abc"}
    gone = cast.client.delete(url, params=query, headers=cast.auth("owner"))
    assert gone.status_code == 404
    assert cast.client.delete(url, params=query, headers=cast.auth("coach")).status_code == 204
    assert cast.client.delete(url, params=query, headers=cast.auth("coach")).status_code == 404
