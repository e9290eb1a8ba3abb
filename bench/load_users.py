"""The simulated people of bench/load.py, a locustfile: practitioners, coaches, supervisors
and leads who sign in once as the PWA does and then ask what its screens ask
(frontend/js/screens, frontend/js/home), in the same order, with a pause between screens
(bench/load_person.py holds what they share).

When locust quits it writes every request sent to BENCH_LOAD_SAMPLES: when it started, its
kind, milliseconds, status and what went wrong; plus when spawning ended and when the run
stopped, so that bench/load.py measures the steady part alone.
"""

import json
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from locust import events, task

from bench.load_person import EVERY, ORG, PEOPLE, PLAN, Person, local_today

SAMPLES: list[list[Any]] = []
MARKS: dict[str, float] = {}


@events.request.add_listener
def _record(
    name: str, response_time: float, response: Any, exception: Any, start_time: float, **_: Any
) -> None:
    status = getattr(response, "status_code", 0) or 0
    SAMPLES.append([start_time, name, response_time, status, str(exception or "")])


@events.user_error.add_listener
def _task_failed(user_instance: Any, exception: Exception, **_: Any) -> None:
    """A task that raised (a bug here, or an answer without what the PWA reads) counts as
    a failure too: locust itself only logs it."""
    person = getattr(user_instance, "user", user_instance)  # a TaskSet names its User
    kind = f"task of a {type(person).__name__}"
    SAMPLES.append([time.time(), kind, 0.0, 0, f"{type(exception).__name__}: {exception}"])


@events.spawning_complete.add_listener
def _spawned(**_: Any) -> None:
    MARKS.setdefault("spawned", time.time())


@events.test_stopping.add_listener
def _stopping(**_: Any) -> None:
    MARKS.setdefault("stopping", time.time())


@events.quitting.add_listener
def _write(**_: Any) -> None:
    people = [[role, outcome, count] for (role, outcome), count in PEOPLE.items()]
    document = {"marks": MARKS, "people": people, "samples": SAMPLES}
    Path(os.environ["BENCH_LOAD_SAMPLES"]).write_text(json.dumps(document))


class Practitioner(Person):
    role = "practitioner"
    weight = 16

    def on_start(self) -> None:
        super().on_start()
        self.mine: list[str] = []

    @task(4)
    def home(self) -> None:
        self.unread()
        self.mine = [found["id"] for found in self.recordings("")]
        mine = f"practitioner_user_id={self.me}"
        feedback = f"{ORG}/observations?{mine}&status=submitted&limit=5"
        self.call("GET", feedback, "feed: feedback")
        trend = f"{ORG}/reports/fidelity?{mine}&by=practitioner"
        self.call("GET", trend, "feed: fidelity trend")
        self.call("GET", f"{ORG}/objectives?{mine}&{EVERY}", "feed: objectives")
        self.next_sessions(28)

    @task(2)
    def my_recordings(self) -> None:
        self.unread()
        self.mine = [found["id"] for found in self.recordings("&limit=25&offset=0")]

    @task(3)
    def open_review(self) -> None:
        if not self.mine:
            self.my_recordings()
        if self.mine:
            self.review(self.random.choice(self.mine))

    @task(2)
    def read_feedback(self) -> None:
        """The notifications screen, and the newest unread one opened (marked read)."""
        self.unread()
        page = self.call("GET", "/notifications?limit=20&offset=0", "feed: notifications") or []
        unread = [found for found in page if not found["read"]]
        if unread:
            self.call("POST", f"/notifications/{unread[0]['id']}/read", "feed: mark read")


class Coach(Person):
    role = "coach"
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.to_score: list[str] = list(self.account["to_score"])
        self.current = ""
        self.drafts: dict[str, str] = {}

    @task(2)
    def home(self) -> None:
        self.unread()
        self.call("GET", f"{ORG}/assignments?user_id={self.me}&{EVERY}", "feed: assignments")
        self.members()
        self.call("GET", f"{ORG}/calibration-exercises?{EVERY}", "feed: calibration")
        self.recordings("&status=ready")
        scored = f"{ORG}/observations?rater_user_id={self.me}&status=submitted&limit=200"
        self.call("GET", scored, "feed: scored by me")
        self.next_sessions(7)

    @task(2)
    def list_recordings(self) -> None:
        self.unread()
        self.recordings("&limit=25&offset=0")

    @task(3)
    def open_review(self) -> None:
        if not self.to_score:
            return
        self.current = self.random.choice(self.to_score)
        for observation in self.review(self.current):
            if observation["rater_user_id"] == self.me and observation["status"] == "draft":
                self.drafts[self.current] = observation["id"]

    @task(2)
    def post_comment(self) -> None:
        """A comment at a moment, tagged with a criterion; the panel then reloads."""
        if not self.current:
            self.open_review()
            return
        body = {
            "start_ms": self.random.randrange(0, 1_200_000),
            "end_ms": None,
            "body": "Notice how the parent follows the child's lead here.",
            "criterion_code": self.random.choice(PLAN["criteria"]),
        }
        on = f"/recordings/{self.current}/comments"
        self.call("POST", on, "comment: post", body=body)
        self.call("GET", f"{on}?{EVERY}", "review: comments")

    @task(2)
    def save_draft(self) -> None:
        """The score panel's Save: the first creates the draft, later ones update it."""
        if not self.current:
            self.open_review()
            return
        chosen = self.random.sample(PLAN["criteria"], 3)
        scores = [{"code": code, "level": self.random.randint(1, 5)} for code in chosen]
        body: dict[str, Any] = {"summary": "Warm, well paced visit.", "scores": scores}
        draft = self.drafts.get(self.current)
        if draft:
            self.call("PATCH", f"/observations/{draft}", "draft: save", body=body)
            return
        body["rubric_version_id"] = PLAN["rubric_version_id"]
        on = f"/recordings/{self.current}/observations"
        created = self.call("POST", on, "draft: create", body=body)
        if created:
            self.drafts[self.current] = created["id"]


class Supervisor(Person):
    role = "supervisor"
    weight = 1

    @task(2)
    def home(self) -> None:
        self.unread()
        self.call("GET", f"{ORG}/assignments?user_id={self.me}&{EVERY}", "feed: assignments")
        self.members()
        self.recordings("&limit=5")
        self.time_this_month()
        self.support_needed()

    @task(3)
    def sessions(self) -> None:
        """The sessions screen: the next four weeks, and the last two to write up."""
        self.unread()
        self.members()
        today, mine = local_today(), f"user_id={self.me}"
        ahead = f"from={today}&to={today + timedelta(days=28)}&{mine}"
        self.call("GET", f"{ORG}/bookings?{ahead}&{EVERY}", "bookings: list")
        past = f"from={today - timedelta(days=14)}&to={today}&{mine}&status=confirmed"
        self.call("GET", f"{ORG}/bookings?{past}&{EVERY}", "bookings: list")

    @task(2)
    def reports(self) -> None:
        self.unread()
        self.call("GET", f"{ORG}/programmes?{EVERY}", "reports: programmes")
        name = self.random.choice(["fidelity", "coverage", "time"])
        if name == "time":
            self.time_this_month("&by=practitioner")
        else:
            query = "by=practitioner&limit=500" if name == "fidelity" else "limit=500"
            self.call("GET", f"{ORG}/reports/{name}?{query}", f"reports: {name}")


class Lead(Person):
    role = "lead"
    weight = 1
    REPORTS = {
        "fidelity": "by=supervisor&limit=500",
        "coverage": "limit=500",
        "turnaround": "",
        "agreement": "",
        "equity": "attribute=team",
    }

    @task(2)
    def home(self) -> None:
        self.unread()
        self.members()
        self.recordings("&limit=5")
        self.time_this_month()
        self.support_needed()

    @task(3)
    def reports(self) -> None:
        """The reports screen: its filters (programmes, people), then one report."""
        self.unread()
        self.call("GET", f"{ORG}/programmes?{EVERY}", "reports: programmes")
        self.members()
        name = self.random.choice([*self.REPORTS, "time"])
        if name == "time":
            self.time_this_month("&by=supervisor")
            return
        self.call("GET", f"{ORG}/reports/{name}?{self.REPORTS[name]}", f"reports: {name}")
        if name == "equity":
            self.call("GET", f"{ORG}/member-attributes?{EVERY}", "reports: attributes")

    @task(1)
    def bookings(self) -> None:
        """The organisation's sessions of the coming week."""
        self.unread()
        today = local_today()
        week = f"from={today}&to={today + timedelta(days=7)}"
        self.call("GET", f"{ORG}/bookings?{week}&{EVERY}", "bookings: list")
