import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.rubric.helpers import RubricOrg, make_rubric_org


@pytest.fixture
def org(db: Session, client: TestClient) -> RubricOrg:
    return make_rubric_org(db, client)
