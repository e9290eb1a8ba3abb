import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.ringfenced.cast import TimeCast, make_time_cast


@pytest.fixture
def cast(app: FastAPI, db: Session, client: TestClient) -> TimeCast:
    return make_time_cast(db, client, app.state.settings.secret_key)
