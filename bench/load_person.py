"""One simulated person of the load benchmark (bench/load_users.py): signed in as the PWA
signs in (POST /api/v1/auth/session: a cookie and a CSRF token), asking the API as the
PWA's api.js does, and the pieces several screens share (the unread badge, the members, a
page of recordings, the review screen).

It reads the plan that bench/load.py wrote (BENCH_LOAD_PLAN: servers, accounts, ids). It
imports nothing of the app: locust's gevent patches stay out of the rest of the benchmark.
"""

import itertools
import json
import os
import random
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from locust import FastHttpUser, between
from locust.exception import StopUser

PLAN: dict[str, Any] = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text())
API = "/api/v1"
ORG_ID = PLAN["organisation_id"]
ORG = f"/organisations/{ORG_ID}"
EVERY = "limit=500&offset=0"  # api.getAll's first (and here only) page
SIGN_IN_TRIES = 5
# frontend/js/api.js: a 503 with one of these codes did nothing, and is asked again.
ASK_AGAIN_CODES = {"server_busy", "database_unavailable"}
ASK_AGAIN_TIMES = 2
ASKED_AGAIN = PLAN["asked_again"]
# People take the app processes in turn, and each role's accounts in turn.
SERVERS = itertools.cycle(PLAN["servers"])
ACCOUNTS = {role: itertools.cycle(accounts) for role, accounts in PLAN["accounts"].items()}
# People by role and how their sign-in went: "signed in", or "gave up" after SIGN_IN_TRIES
# refusals (locust then starts someone else in their place while ramping up).
PEOPLE: Counter[tuple[str, str]] = Counter()


def local_today() -> date:
    return datetime.now(ZoneInfo(PLAN["zone"])).date()


def this_month() -> str:
    first = local_today().replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return f"from={first}&to={last}"


class Person(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(*PLAN["wait_seconds"])
    network_timeout = 30.0
    connection_timeout = 30.0

    def __init__(self, environment: Any) -> None:
        self.host = next(SERVERS)
        super().__init__(environment)
        self.account: dict[str, Any] = next(ACCOUNTS[self.role])
        self.me = self.account["user_id"]
        self.csrf = ""
        self.seen_rubric = False
        self.random = random.Random()

    def on_start(self) -> None:
        """Sign in, as the sign-in screen does, then load who is signed in (the PWA's
        start). A refusal is recorded and tried again a moment later, as a person would."""
        body = {"email": self.account["email"], "password": PLAN["password"]}
        for _ in range(SIGN_IN_TRIES):
            session = self.call("POST", "/auth/session", "sign in", body=body)
            if session is not None:
                self.csrf = session["csrf_token"]
                PEOPLE[self.role, "signed in"] += 1
                self.call("GET", "/me", "me")
                return
            time.sleep(self.random.uniform(1, 3))
        PEOPLE[self.role, "gave up"] += 1
        raise StopUser()

    def call(
        self, method: str, path: str, kind: str, *, body: Any = None, ok: tuple[int, ...] = ()
    ) -> Any:
        """One request of the PWA's api.js; answers its JSON, or None. Any status outside
        2xx (and `ok`) is recorded as a failure with the API's error code, except a 503
        that says nothing was done (server_busy, database_unavailable): api.js asks again
        after Retry-After, twice at most, and so does this, recording the 503 under
        "<kind> (busy, asked again)" so that the report counts it apart (the answer that
        came when asked again counts under `kind`)."""
        headers = {"Accept": "application/json"}
        if method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        for ask_again in range(ASK_AGAIN_TIMES, -1, -1):
            with self.client.request(
                method, API + path, name=kind, json=body, headers=headers, catch_response=True
            ) as response:
                status = response.status_code or 0
                if 200 <= status < 300 or status in ok:
                    response.success()
                    return response.json() if status in (200, 201) else None
                code = _error_code(response)
                if status != 503 or code not in ASK_AGAIN_CODES or not ask_again:
                    response.failure(f"{status} {code}")
                    return None
                response.request_meta["name"] = f"{kind} {ASKED_AGAIN}"
                response.failure(f"{status} {code} {ASKED_AGAIN}")
                wait = _retry_after(response)
            time.sleep(wait * self.random.uniform(1, 1.5))
        return None

    def unread(self) -> None:
        """Every screen shown asks for the badge's count (notifications/count.js)."""
        self.call("GET", "/notifications/unread-count", "feed: unread count")

    def members(self) -> None:
        self.call("GET", f"{ORG}/members?{EVERY}", "members")

    def recordings(self, query: str) -> list[dict[str, Any]]:
        found = self.call("GET", f"/recordings?organisation_id={ORG_ID}{query}", "recordings: list")
        return found or []

    def next_sessions(self, days: int) -> None:
        today = local_today()
        query = f"from={today}&to={today + timedelta(days=days)}&user_id={self.me}"
        self.call("GET", f"{ORG}/bookings?{query}&status=confirmed&limit=5", "bookings: next")

    def time_this_month(self, by: str = "") -> None:
        self.call("GET", f"{ORG}/reports/time?{this_month()}{by}&{EVERY}", "reports: time")

    def support_needed(self) -> None:
        """Home's "Where support is needed" (frontend/js/home/oversight.js)."""
        self.call("GET", f"{ORG}/reports/coverage?limit=1", "reports: coverage")
        self.call("GET", f"{ORG}/reports/fidelity?by=organisation", "reports: fidelity")

    def review(self, recording_id: str) -> list[dict[str, Any]]:
        """The review screen (screens/review.js): the recording, marked seen, names, the
        programme's rubric (a version once per session), then its four panels."""
        self.unread()
        recording = self.call("GET", f"/recordings/{recording_id}", "review: recording")
        if recording is None:
            return []
        self.call("PUT", f"/recordings/{recording_id}/seen", "review: mark seen")
        self.members()
        self.call("GET", f"{ORG}/programmes/{PLAN['programme_id']}", "review: programme")
        if not self.seen_rubric:
            version = f"rubrics/{PLAN['rubric_id']}/versions/{PLAN['rubric_version']}"
            self.seen_rubric = bool(self.call("GET", f"{ORG}/{version}", "review: rubric"))
        on = f"/recordings/{recording_id}"
        self.call("GET", f"{on}/comments?{EVERY}", "review: comments")
        observations = self.call("GET", f"{on}/observations?{EVERY}", "review: observations")
        self.call("GET", f"{on}/reflection", "review: reflection", ok=(404,))
        owner = f"practitioner_user_id={recording['owner_user_id']}"
        self.call("GET", f"{ORG}/objectives?{owner}&{EVERY}", "review: objectives")
        return observations or []


def _retry_after(response: Any) -> float:
    """Retry-After's seconds as api.js reads them: 1 unless said, at most 5."""
    try:
        said = int(response.headers.get("Retry-After", ""))
    except ValueError:
        return 1.0
    return float(min(said, 5)) if said > 0 else 1.0


def _error_code(response: Any) -> str:
    try:
        return str(response.json()["error"]["code"])
    except Exception:  # not the API's error shape: a reset connection, a timeout
        return repr(getattr(response, "error", None) or (response.content or b"")[:80])
