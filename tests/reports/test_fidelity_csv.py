"""The fidelity report as CSV: the table the JSON pages through, every row of it, read
in a session of its own while it is sent (app/reports/streaming.py)."""

import csv
import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Observation, Recording, RecordingStatus
from app.models.review import ObservationStatus
from app.reports.fidelity.schemas import (
    FidelityGroupRow,
    FidelityObservationRow,
    FidelityPractitionerRow,
)
from app.reports.streaming import BATCH_ROWS
from app.review.counting import recount
from tests.reports.test_fidelity_cast import FidelityCast, build, utc

MODELS = {
    "organisation": FidelityGroupRow,
    "supervisor": FidelityGroupRow,
    "coach": FidelityGroupRow,
    "practitioner": FidelityPractitionerRow,
    "observation": FidelityObservationRow,
}


@pytest.fixture
def cast(app: FastAPI, db: Session, client: TestClient) -> FidelityCast:
    return build(db, client, app.state.settings.secret_key)


def as_text(value: Any) -> str:
    """What the CSV writes for a JSON value: as JSON writes it, null empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_csv(cast: FidelityCast, **params: Any) -> tuple[list[str], list[dict[str, str]]]:
    answer = cast.get("lead", **params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(answer.text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def every_json_row(cast: FidelityCast, **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        page = cast.rows("lead", limit=500, offset=len(rows), **params)
        rows += page
        if len(page) < 500:
            return rows


@pytest.mark.parametrize("by", list(MODELS))
def test_csv_rows_equal_the_json_rows(cast: FidelityCast, by: str) -> None:
    json_rows = every_json_row(cast, by=by)
    columns, csv_rows = read_csv(cast, by=by, format="csv", limit=1)
    assert columns == list(MODELS[by].model_fields) == list(json_rows[0])
    assert csv_rows == [{key: as_text(value) for key, value in row.items()} for row in json_rows]
    assert len(csv_rows) > 1


def test_accept_text_csv_and_the_file_name(cast: FidelityCast) -> None:
    answer = cast.get("lead", headers={"Accept": "text/csv"}, by="coach")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == (
        'attachment; filename="fidelity-report-2025-01-01-to-2025-04-30.csv"'
    )
    _, by_parameter = read_csv(cast, by="coach", format="csv")
    assert list(csv.DictReader(io.StringIO(answer.text))) == by_parameter


def test_a_name_a_spreadsheet_would_run_is_written_as_text(cast: FidelityCast) -> None:
    cast.people["p2"].display_name = "=HYPERLINK(1)"
    cast.db.add(cast.people["p2"])
    cast.db.commit()
    _, rows = read_csv(cast, format="csv")
    assert "'=HYPERLINK(1)" in {row["group_name"] for row in rows}


def test_thousands_of_rows_stream_in_batches(cast: FidelityCast, db: Session) -> None:
    """More rows than two batches of the server-side cursor, each one there once."""
    count = 2 * BATCH_ROWS + 345
    _bulk_observations(cast, db, count)
    _, rows = read_csv(cast, by="observation", format="csv")
    assert len(rows) == count + 12  # and the scenario's own
    ids = [row["observation_id"] for row in rows]
    assert len(set(ids)) == len(ids)
    assert [row["observation_id"] for row in rows] == [
        row["observation_id"] for row in every_json_row(cast, by="observation")
    ]


def _bulk_observations(cast: FidelityCast, db: Session, count: int) -> None:
    version = cast.versions["home"]
    owner, rater = cast.people["p3"], cast.people["coach_a"]
    organisation_id = cast.organisation.id
    start = utc(2, 1)
    recordings = [
        Recording(
            id=uuid.uuid4(),
            organisation_id=organisation_id,
            owner_user_id=owner.id,
            title="Home visit",
            status=RecordingStatus.ready,
            media_type="video/mp4",
            storage_key=f"bulk/{number}",
        )
        for number in range(count)
    ]
    db.add_all(recordings)
    db.flush()
    db.add_all(
        Observation(
            organisation_id=organisation_id,
            recording_id=recording.id,
            rubric_version_id=version.id,
            programme_id=cast.programmes["P1"].id,
            practitioner_user_id=owner.id,
            rater_user_id=rater.id,
            status=ObservationStatus.submitted,
            submitted_at=start + timedelta(minutes=number),
            weighted_percent=50 + number % 50,
            meets_fidelity=False,
        )
        for number, recording in enumerate(recordings)
    )
    recount(db, organisation_id)
    db.commit()


def test_a_bad_request_is_an_error_never_a_csv(cast: FidelityCast) -> None:
    answer = cast.get("sup1", format="csv", supervisor_user_id=cast.id("sup2"))
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/json")
