"""/metrics (app/metrics.py): what an operator's Prometheus reads from each process, only
with the configured token; and the request id that follows work from the web to the
worker (app/logs.py, app/jobs)."""

import io
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session

from app.config import Settings
from app.jobs import queue
from app.jobs.kinds import JobContext
from app.jobs.worker import Worker
from app.logs import JsonFormatter, request_id_of
from app.main import create_app
from app.storage import get_storage
from tests.recording.conftest import People
from tests.recording.helpers import upload_whole
from tests.recording.test_plain_upload import post_form

TOKEN = "scrape-" + "s" * 24
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"metrics_token": TOKEN})


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample as {(name, sorted labels): value}, read with prometheus-client's parser."""
    response = client.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def requests_of(samples: dict[Any, float], route: str, status: str) -> float:
    key = ("tandem_requests_total", (("method", "GET"), ("route", route), ("status", status)))
    return samples.get(key, 0.0)


def test_metrics_need_the_configured_token(client: TestClient, base_settings: Settings) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "not_found"
    # With no token configured there is no /metrics at all.
    untokened = create_app(base_settings)
    with TestClient(untokened, base_url="http://localhost") as plain:
        assert plain.get("/metrics", headers=SCRAPER).status_code == 404
    untokened.state.engine.dispose()


def test_requests_are_counted_by_route_template_never_by_id(
    client: TestClient, people: People, auth: Any, video_file: Path
) -> None:
    headers = auth(people.practitioner)
    recording_id = upload_whole(client, headers, video_file.read_bytes())
    before = scrape(client)
    for _ in range(3):
        assert client.get(f"/api/v1/recordings/{recording_id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/recordings/{uuid.uuid4()}", headers=headers).status_code == 404
    assert client.get("/api/v1/no-such-thing").status_code == 404
    after = scrape(client)

    template = "/api/v1/recordings/{recording_id}"
    assert requests_of(after, template, "200") - requests_of(before, template, "200") == 3
    assert requests_of(after, template, "404") - requests_of(before, template, "404") == 1
    assert requests_of(after, "unmatched", "404") - requests_of(before, "unmatched", "404") == 1
    duration = ("tandem_request_duration_seconds_count", (("method", "GET"), ("route", template)))
    assert after[duration] - before.get(duration, 0.0) == 4
    text = client.get("/metrics", headers=SCRAPER).text
    assert recording_id not in text and "no-such-thing" not in text


def test_uploads_the_pool_and_the_queue_are_shown(
    client: TestClient, people: People, auth: Any, video_file: Path, db: Session
) -> None:
    data = video_file.read_bytes()
    headers = auth(people.practitioner)
    before = scrape(client)
    upload_whole(client, headers, data)
    assert post_form(client, headers, data).status_code == 201
    queue.enqueue(db, "process_recording", {"recording_id": str(uuid.uuid4())})
    db.commit()
    after = scrape(client)

    uploaded = ("tandem_upload_bytes_total", ())
    assert after[uploaded] - before.get(uploaded, 0.0) == 2 * len(data)  # tus, then plain
    assert after[("tandem_uploads_receiving", ())] == 0
    assert after[("tandem_jobs_waiting", ())] >= 1
    assert after[("tandem_db_pool_size", ())] >= 1
    assert ("tandem_db_pool_connections_in_use", ()) in after


@pytest.fixture
def job_log() -> Iterator[io.StringIO]:
    """What the worker logs, as the JSON lines a process writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tandem.jobs")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def test_the_worker_logs_under_the_id_of_the_request_that_queued_the_work(
    app: FastAPI, settings: Settings, db: Session, job_log: io.StringIO
) -> None:
    with request_id_of("request-that-queued-it"):
        queue.enqueue(db, "a_kind_no_worker_knows")
    db.commit()
    worker = Worker(JobContext(app.state.engine, get_storage(settings), settings))
    assert worker.run_one() is True  # run outside any request: the id comes with the job

    [line] = [json.loads(each) for each in job_log.getvalue().splitlines()]
    assert line["level"] == "error"
    assert "a_kind_no_worker_knows" in line["message"]
    assert line["request_id"] == "request-that-queued-it"
