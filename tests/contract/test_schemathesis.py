"""Schemathesis against the app's own OpenAPI schema, in process, as every role.

Every operation gets a world of its own (conftest.py). Schemathesis's coverage phase
(boundary values, missing and malformed parts, methods the path does not take) sends each
case as one role, taking turns; its fuzzing phase sends each valid example as three roles
in turn, and each invalid one as one. Ids in paths, queries and bodies are replaced by the
world's real ones unless that part of the case is the one made invalid.

Every check Schemathesis runs on single operations is on: server errors, status codes,
content types, response headers and bodies against the schema, invalid data refused and
valid data accepted, missing required headers, methods a path does not take and its
`Allow`, and credentials actually enforced. Where a check's expectations differ from this
API for a reason, the configuration below says which and why. Left out: the checks that
need Schemathesis's stateful phase (use after free, resource availability, object-level
authorization; tests/access checks who may see what, route by route) and response time
(bench/ and tests/load measure it; a limit here would make the suite flaky).
"""

import tempfile
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.core.parameters import ParameterLocation

from app.config import Settings
from app.main import create_app
from tests.conftest import TEST_SECRET
from tests.contract.conftest import Stage

EXAMPLES_PER_OPERATION = 5
ROLES_PER_VALID_EXAMPLE = 3
BODY = ParameterLocation.BODY
SEED = 20_260_101


def _document() -> dict[str, Any]:
    # Never connected to: only the schema is read from this app.
    url = f"sqlite:///{tempfile.gettempdir()}/tandem-schema-only.sqlite3"
    settings = Settings(env="test", database_url=url, secret_key=TEST_SECRET, log_level="WARNING")
    return create_app(settings).openapi()


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
        },
        "checks": {
            # Well-formed requests this API refuses on purpose, beyond Schemathesis's list:
            # 410 a comment or upload gone earlier in the run; 422 for rules the schema
            # cannot state (across fields, or about other rows: "a coach of this
            # organisation", "a criterion of this rubric", a known time zone); a tus chunk
            # past the upload's length (413) or not matching its checksum (460).
            "positive_data_acceptance": {
                "expected-statuses": [
                    *("2xx", "3xx", "401", "403", "404", "409", "410", "413", "422"),
                    *("429", "460"),
                ]
            },
            # tus answers a missing or other Tus-Resumable 412, and a size beyond the limit
            # 413: both refuse an invalid request.
            "negative_data_rejection": {
                "expected-statuses": [
                    *("400", "401", "403", "404", "405", "406", "409", "412", "413"),
                    *("415", "422", "428", "429"),
                ]
            },
            # An upload the caller may not see is a 404 whatever headers they send.
            "missing_required_header": {
                "expected-statuses": ["400", "401", "403", "404", "406", "412", "415", "422"]
            },
        },
    }
)
SCHEMA = schemathesis.openapi.from_dict(_document(), config=CONFIG)
# Fuzzing runs once, on PostgreSQL (the stricter database: NUL bytes, integer ranges).
pytestmark = pytest.mark.once_on_postgresql
# tus chunks are bytes, sent as they are.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")


@SCHEMA.parametrize()
# The stage is built once per operation on purpose: every case of the operation plays
# on it, in a fixed order.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_contract(case: Case, contract_app: FastAPI, stage: Stage) -> None:
    _use_world_ids(case, stage.ids())
    for role in _roles_for(case, stage):
        case.call_and_validate(app=contract_app, headers=dict(stage.headers[role]))
    # Every answered request gave its turn back (app/admission.py): a turn kept by a
    # request that went wrong would leave the next ones queueing, then refused with 503.
    assert contract_app.state.admission.taken == 0
    assert contract_app.state.password_checks.taken == 0


def _roles_for(case: Case, stage: Stage) -> list[str]:
    """Three roles for a fuzzed valid example, the seven taking turns over an operation's
    examples (every role for every example took a quarter of the module's time); one in
    turn for the coverage phase's many variants and for invalid examples, which most
    roles would see refused alike."""
    meta = case.meta
    if meta is None or (meta.phase.name.value == "fuzzing" and meta.generation.mode.is_positive):
        return [stage.next_role() for _ in range(ROLES_PER_VALID_EXAMPLE)]
    return [stage.next_role()]


def _use_world_ids(case: Case, ids: dict[str, str]) -> None:
    meta = case.meta

    def valid(location: ParameterLocation) -> bool:
        return meta is None or not meta.is_negative_at(location)

    for location, container in (
        (ParameterLocation.PATH, case.path_parameters),
        (ParameterLocation.QUERY, case.query),
    ):
        if container and valid(location):
            for name in container.keys() & ids.keys():
                container[name] = ids[name]
    if case.media_type == "application/json" and isinstance(case.body, dict) and valid(BODY):
        for name in case.body.keys() & ids.keys():
            case.body[name] = ids[name]
