"""PostgreSQL restarted under load: the app answers cleanly throughout and recovers alone.

A real uvicorn serves over a PostgreSQL cluster of this module's own (the suite's shared
cluster is never disturbed). While a few clients keep asking who they are and for their
recordings, PostgreSQL is shut down (fast: sessions ended mid-transaction) and started
again on the same port. What people rely on:

- every answer during the outage is a 200 or a 503 in the JSON error shape with
  Retry-After, so clients back off and retry; never a 500, a dropped connection or a
  request left hanging;
- /healthz (the process is up) answers all along, and /readyz says 503 while the
  database is away, so a load balancer stops sending traffic but nobody restarts the
  process;
- a phone asking where its upload stands hears the same 503 as a tus answer (with
  Tus-Resumable, which tus clients need to retry rather than give up);
- once PostgreSQL is back, the same process serves again: no restart of the app.
"""

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlmodel import Session, create_engine

from app.models import Role
from tests.factories import make_organisation, make_programme, make_ready_recording, make_user
from tests.recording.conftest import bearer_for
from tests.recording.helpers import TUS, create_upload
from tests.support.database import migrate
from tests.support.live_server import LIVE_SERVER_SECRET, live_server
from tests.support.postgres import PostgresCluster, start_cluster

pytestmark = pytest.mark.once_on_postgresql

CLIENTS = 4
# Longer than any answer may take (the pool's wait is 2 s): a request still open after
# this is a hang.
ANSWER_BOUND_SECONDS = 10.0
DEADLINE_SECONDS = 30.0
DROPPED = 0  # no answer at all: a connection error or a timeout


@dataclass(frozen=True)
class Answer:
    path: str
    status: int
    retry_after: str | None
    error_code: str | None
    problem: str = ""
    during_outage: bool = False


@dataclass
class Service:
    url: str
    cluster: PostgresCluster
    bearer: dict[str, str]
    organisation_id: str


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    cluster = start_cluster()
    try:
        url = cluster.create_database("tandem")
        migrate(url)
        engine = create_engine(url)
        with Session(engine, expire_on_commit=False) as db:
            organisation = make_organisation(db)
            practitioner = make_user(db, organisation, Role.practitioner)
            programme = make_programme(db, organisation)
            for _ in range(3):
                make_ready_recording(db, organisation, practitioner, programme=programme)
            bearer = bearer_for(db, practitioner, LIVE_SERVER_SECRET)
        engine.dispose()
        work_dir = tmp_path_factory.mktemp("restart")
        with live_server(database_url=url, work_dir=work_dir) as base_url:
            yield Service(base_url, cluster, bearer, str(organisation.id))
    finally:
        cluster.stop()


def ask(
    client: httpx.Client, path: str, headers: dict[str, str], *, during_outage: bool = False
) -> Answer:
    try:
        response = client.get(path, headers=headers)
    except httpx.HTTPError as error:  # timeouts included: a hang counts as no answer
        return Answer(path, DROPPED, None, None, type(error).__name__, during_outage)
    code = None
    if response.status_code >= 400:
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = None  # not the JSON error shape: the assertions below say so
    retry_after = response.headers.get("retry-after")
    return Answer(path, response.status_code, retry_after, code, during_outage=during_outage)


class Crowd:
    """Clients asking for their account and their recordings in a loop, and a monitor
    asking /healthz, until stopped; every answer kept, marked if asked during the outage."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.outage = threading.Event()
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._ask, args=(n,)) for n in range(CLIENTS)]
        self._threads.append(threading.Thread(target=self._monitor))

    def __enter__(self) -> "Crowd":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _ask(self, number: int) -> None:
        paths = [
            "/api/v1/me",
            f"/api/v1/recordings?organisation_id={self.service.organisation_id}",
        ]
        self._loop(lambda turn: paths[(number + turn) % 2], self.service.bearer, pause=0)

    def _monitor(self) -> None:
        self._loop(lambda _: "/healthz", {}, pause=0.05)

    def _loop(self, path_for: Callable[[int], str], headers: dict[str, str], pause: float) -> None:
        with httpx.Client(base_url=self.service.url, timeout=ANSWER_BOUND_SECONDS) as client:
            turn = 0
            while not self._stop.wait(pause):
                during = self.outage.is_set()
                answer = ask(client, path_for(turn), headers, during_outage=during)
                with self._lock:
                    self.answers.append(answer)
                turn += 1

    def count(self, status: int, path: str = "/api/v1/me") -> int:
        with self._lock:
            return sum(a.status == status and a.path == path for a in self.answers)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"not within {DEADLINE_SECONDS} s: {what}"
        time.sleep(0.05)


def test_a_database_restart_under_load_is_answered_cleanly_and_recovered_from(
    service: Service,
) -> None:
    probe = httpx.Client(base_url=service.url, timeout=ANSWER_BOUND_SECONDS)

    def status_of(path: str, headers: dict[str, str] | None = None) -> int:
        return ask(probe, path, headers or {}).status

    with probe, Crowd(service) as crowd:
        wait_for(lambda: crowd.count(200) >= 5, "the crowd is being served")
        upload = create_upload(probe, service.bearer, 1000).headers["Location"]

        crowd.outage.set()
        service.cluster.shut_down()
        wait_for(lambda: status_of("/readyz") == 503, "/readyz says not ready")
        where = probe.head(upload, headers={**service.bearer, **TUS})
        assert where.status_code == 503
        assert where.headers["tus-resumable"] == "1.0.0"
        assert int(where.headers["retry-after"]) > 0
        wait_for(lambda: crowd.count(503) >= CLIENTS, "the crowd hears 503")
        wait_for(lambda: crowd.count(200, "/healthz") > 0, "/healthz answers")
        served_before_restart = crowd.count(200)

        service.cluster.start_again()
        crowd.outage.clear()
        # The same process, never restarted, serves again once the database is back.
        wait_for(lambda: status_of("/api/v1/me", service.bearer) == 200, "/me answers again")
        wait_for(lambda: status_of("/readyz") == 200, "/readyz says ready again")
        wait_for(lambda: crowd.count(200) >= served_before_restart + 10, "the crowd is served")

    answers = [a for a in crowd.answers if a.path != "/healthz"]
    health = [a for a in crowd.answers if a.path == "/healthz"]
    summary = Counter((a.path.split("?")[0], a.status, a.error_code) for a in crowd.answers)
    dropped = [a for a in crowd.answers if a.status == DROPPED]
    assert not dropped, f"requests left without an answer: {Counter(a.problem for a in dropped)}"
    assert {a.status for a in answers} <= {200, 503}, f"answers other than 200 or 503: {summary}"
    refused = [a for a in answers if a.status == 503]
    assert all(a.retry_after for a in refused), "every 503 says when to retry"
    # Busy or database away: both in the one JSON error shape, both mean "try again".
    assert {a.error_code for a in refused} <= {"database_unavailable", "server_busy"}, summary
    assert {a.status for a in health} == {200}, "/healthz answered throughout"
    assert any(a.during_outage for a in health), "/healthz was asked during the outage"
    print(f"answers during the restart: {dict(summary)}")
