"""Every operation of the API, called by every actor, answers as the access rules say.

The table must name every (METHOD, path) of the OpenAPI schema, and nothing else: a new
route fails this test until its row states its rule. Rows marked "today:" encode what
the code does now, where the issue on recording access is silent. All mismatches are
reported at once; `pytest -s` prints the size of the matrix.
"""

from dataclasses import replace

from fastapi import FastAPI
from sqlmodel import Session

from app.models import Role
from tests.access import conftest as fresh
from tests.access import (
    rows_availability,
    rows_bookings,
    rows_calendar,
    rows_calibration,
    rows_notifications,
    rows_recording_lists,
    rows_report_agreement,
    rows_report_coverage,
    rows_report_equity,
    rows_report_fidelity,
    rows_report_turnaround,
    rows_time,
)
from tests.access.conftest import World, rejoin
from tests.access.probes import (
    PARAMETER,
    TUS,
    Check,
    Row,
    no_query,
    plan,
    run,
    schema_routes,
)
from tests.access.rules import (
    ACTORS,
    AUTHENTICATED,
    CHANGED,
    COMMENT_AUTHOR,
    CONSENT_WITHDRAWAL,
    CONVERSATION,
    DRAFT_OBSERVATION,
    GOLD_STANDARD,
    LEAD_MANAGED,
    LEAD_ONLY,
    MEDIA,
    OBJECTIVE_READ,
    OBJECTIVE_WRITE,
    OBSERVATION_CREATE,
    OBSERVATION_LIST,
    OBSERVATION_RATER,
    OBSERVATION_READ,
    ORG_MEMBER,
    OWNER_WRITES,
    RECORDING_DETAILS,
    REFLECTION_READ,
    REFLECTION_WRITE,
    SECOND_OBSERVATION,
    THREAD,
    UPLOADER_ONLY,
    after_changes,
    as_written,
    for_guests,
    public,
)
from tests.factories import membership_id

OPERATIONS_TODAY = 95


def _grantee_query(world: World) -> dict[str, str]:
    return {"user_id": str(world.cast["guest"].id)}


def _rubric_query(world: World) -> dict[str, str]:
    return {"rubric_id": str(world.cast.version.rubric_id)}


ORG = "/api/v1/organisations/{organisation_id}"
RUBRIC = ORG + "/rubrics/{rubric_id}"
VERSION = RUBRIC + "/versions/{version}"
RECORDING = "/api/v1/recordings/{recording_id}"
OBSERVATION = "/api/v1/observations/{observation_id}"

CORE: dict[tuple[str, str], Row] = {
    # Signing in and the process itself: no sign-in needed; what `{}` gets today.
    ("POST", "/api/v1/auth/token"): Row(public(422)),
    ("POST", "/api/v1/auth/refresh"): Row(public(422)),
    ("POST", "/api/v1/auth/session"): Row(public(422)),
    # An unknown invitation link: nothing to read or accept.
    ("GET", "/api/v1/auth/invitations/{token}"): Row(public(404)),
    ("POST", "/api/v1/auth/invitations/{token}"): Row(public(404)),
    # Forgotten passwords: `{}` names no address; an unknown link has nothing to read, and
    # `{}` carries no password to set.
    ("POST", "/api/v1/auth/password-resets"): Row(public(422)),
    ("GET", "/api/v1/auth/password-resets/{token}"): Row(public(404)),
    ("POST", "/api/v1/auth/password-resets/{token}"): Row(public(422)),
    ("GET", "/api/v1/auth/sso"): Row(public(200)),
    ("GET", "/api/v1/auth/oidc/login"): Row(public(404)),  # SSO is not set up here
    ("GET", "/api/v1/auth/oidc/callback"): Row(public(404)),
    ("OPTIONS", "/api/v1/uploads"): Row(public(204), headers=TUS),
    ("GET", "/healthz"): Row(public(200)),
    ("GET", "/readyz"): Row(public(200)),
    # A scraper's token, not a person's sign-in; none is configured here.
    ("GET", "/metrics"): Row(public(404)),
    # Anyone signed in, about themselves.
    ("POST", "/api/v1/auth/logout"): Row(AUTHENTICATED, own_sign_in=True),
    ("GET", "/api/v1/auth/session"): Row(AUTHENTICATED),
    ("GET", "/api/v1/me"): Row(AUTHENTICATED),
    # today: starting an upload names no resource; the organisation comes with the
    # body, which `{}` lacks, so everyone signed in reaches the handler.
    ("POST", "/api/v1/recordings"): Row(AUTHENTICATED),
    ("POST", "/api/v1/uploads"): Row(AUTHENTICATED, headers=TUS),
    # The organisation: members read its configuration (today: every member), leads
    # change it.
    ("GET", ORG): Row(ORG_MEMBER),
    ("PATCH", ORG): Row(LEAD_ONLY),
    ("GET", ORG + "/members"): Row(ORG_MEMBER),
    ("POST", ORG + "/members"): Row(LEAD_ONLY),
    ("PATCH", ORG + "/members/{membership_id}"): Row(LEAD_ONLY),
    ("DELETE", ORG + "/members/{membership_id}"): Row(
        LEAD_ONLY, fresh={"membership_id": fresh.new_membership}
    ),
    ("GET", ORG + "/invitations"): Row(LEAD_ONLY),
    ("DELETE", ORG + "/invitations/{invitation_id}"): Row(
        LEAD_ONLY, fresh={"invitation_id": fresh.new_invitation}
    ),
    ("POST", ORG + "/members/{membership_id}/invitation"): Row(
        LEAD_ONLY, fresh={"membership_id": fresh.new_invitee}
    ),
    # today: every member lists assignments (leads and supervisors all, others their own).
    ("GET", ORG + "/assignments"): Row(ORG_MEMBER),
    ("POST", ORG + "/assignments"): Row(LEAD_ONLY),
    ("DELETE", ORG + "/assignments/{assignment_id}"): Row(
        LEAD_ONLY, fresh={"assignment_id": fresh.new_assignment}
    ),
    # The audit trail refuses query parameters it does not know (as the reports do).
    ("GET", ORG + "/audit-events"): Row(LEAD_ONLY, query=no_query),
    ("GET", ORG + "/audit-actions"): Row(LEAD_ONLY),
    ("GET", ORG + "/programmes"): Row(ORG_MEMBER),
    ("POST", ORG + "/programmes"): Row(LEAD_ONLY),
    ("GET", ORG + "/programmes/{programme_id}"): Row(ORG_MEMBER),
    ("PATCH", ORG + "/programmes/{programme_id}"): Row(LEAD_ONLY),
    ("GET", ORG + "/programmes/{programme_id}/review-settings"): Row(ORG_MEMBER),
    ("PATCH", ORG + "/programmes/{programme_id}/review-settings"): Row(LEAD_ONLY),
    ("GET", ORG + "/rubrics"): Row(ORG_MEMBER),
    ("POST", ORG + "/rubrics"): Row(LEAD_ONLY),
    ("POST", ORG + "/rubrics/import/csv"): Row(LEAD_ONLY),
    ("POST", ORG + "/rubrics/import/json"): Row(LEAD_ONLY),
    ("POST", ORG + "/rubrics/import/csv/preview"): Row(LEAD_ONLY),
    ("POST", ORG + "/rubrics/import/json/preview"): Row(LEAD_ONLY),
    ("GET", RUBRIC): Row(ORG_MEMBER),
    ("POST", RUBRIC + "/versions"): Row(LEAD_ONLY, fresh={"rubric_id": fresh.new_published_rubric}),
    ("GET", VERSION): Row(ORG_MEMBER),
    ("PUT", VERSION): Row(LEAD_ONLY),
    ("POST", VERSION + "/publish"): Row(LEAD_ONLY, fresh={"rubric_id": fresh.new_draft_rubric}),
    ("POST", VERSION + "/retire"): Row(LEAD_ONLY, fresh={"rubric_id": fresh.new_published_rubric}),
    ("GET", VERSION + "/export/csv"): Row(ORG_MEMBER),
    ("GET", VERSION + "/export/json"): Row(ORG_MEMBER),
    ("GET", ORG + "/agreement"): Row(LEAD_ONLY, query=_rubric_query),
    # Lists across the organisation: every member, filtered to what they may see.
    ("GET", "/api/v1/recordings"): Row(ORG_MEMBER),
    ("GET", ORG + "/observations"): Row(ORG_MEMBER),
    ("GET", ORG + "/fidelity"): Row(ORG_MEMBER),
    ("GET", ORG + "/objectives"): Row(ORG_MEMBER),
    # today: who the objective is for comes with the body, so every member gets to it.
    ("POST", ORG + "/objectives"): Row(ORG_MEMBER),
    # The owner's unfinished upload: nobody else knows of it.
    ("HEAD", "/api/v1/uploads/{upload_id}"): Row(UPLOADER_ONLY, headers=TUS),
    ("PATCH", "/api/v1/uploads/{upload_id}"): Row(UPLOADER_ONLY, headers=TUS),
    ("GET", "/api/v1/uploads/{upload_id}"): Row(UPLOADER_ONLY, headers=TUS),
    ("DELETE", "/api/v1/uploads/{upload_id}"): Row(
        UPLOADER_ONLY, headers=TUS, fresh={"upload_id": fresh.new_upload}
    ),
    # The recording.
    ("GET", RECORDING): Row(RECORDING_DETAILS),
    ("GET", RECORDING + "/media"): Row(MEDIA),
    ("GET", RECORDING + "/poster"): Row(MEDIA),
    # A short-lived media link is its own credential (tests/recording/test_media_links.py
    # follows real ones): a string that is no link names nothing, for everyone alike.
    ("GET", "/api/v1/media/{token}"): Row(public(404), values={"token": lambda world: "no-link"}),
    ("POST", RECORDING + "/consent/withdraw"): Row(
        CONSENT_WITHDRAWAL, fresh={"recording_id": fresh.new_recording}
    ),
    # Deleting asks the same rule as withdrawing consent: the owner or a lead.
    ("DELETE", RECORDING): Row(CONSENT_WITHDRAWAL, fresh={"recording_id": fresh.new_recording}),
    ("GET", RECORDING + "/access-grants"): Row(LEAD_MANAGED),
    ("POST", RECORDING + "/access-grants"): Row(LEAD_MANAGED),
    ("DELETE", RECORDING + "/access-grants"): Row(
        LEAD_MANAGED, fresh={"recording_id": fresh.new_recording}, query=_grantee_query
    ),
    ("GET", RECORDING + "/second-raters"): Row(LEAD_MANAGED),
    ("POST", RECORDING + "/second-raters"): Row(LEAD_MANAGED),
    ("DELETE", "/api/v1/second-raters/{second_rater_id}"): Row(
        LEAD_MANAGED, fresh={"second_rater_id": fresh.new_second_rater}
    ),
    # Its comments (the coach's thread, on a criterion, with the owner's reply).
    ("GET", RECORDING + "/comments"): Row(CONVERSATION),
    ("POST", RECORDING + "/comments"): Row(CONVERSATION),
    ("GET", "/api/v1/comments/{comment_id}"): Row(THREAD),
    # today: only its author edits or deletes a comment; other participants get 403.
    ("PATCH", "/api/v1/comments/{comment_id}"): Row(COMMENT_AUTHOR),
    ("DELETE", "/api/v1/comments/{comment_id}"): Row(
        COMMENT_AUTHOR, fresh={"comment_id": fresh.new_comment}
    ),
    ("POST", "/api/v1/comments/{comment_id}/replies"): Row(THREAD),
    ("POST", "/api/v1/comments/{comment_id}/resolve"): Row(
        THREAD, fresh={"comment_id": fresh.new_comment}
    ),
    ("POST", "/api/v1/comments/{comment_id}/unresolve"): Row(
        THREAD, fresh={"comment_id": fresh.new_comment}
    ),
    # Its reflection (the owner's, shared, with the coach's reply). `{}` is a valid
    # reflection, so writing one gets a recording of its own.
    ("GET", RECORDING + "/reflection"): Row(REFLECTION_READ),
    # Writing the reflection is the owner's; others who see the recording are told so.
    ("PUT", RECORDING + "/reflection"): Row(
        OWNER_WRITES, fresh={"recording_id": fresh.new_recording}
    ),
    ("GET", "/api/v1/reflections/{reflection_id}"): Row(REFLECTION_READ),
    ("POST", "/api/v1/reflections/{reflection_id}/share"): Row(
        REFLECTION_WRITE, fresh={"reflection_id": fresh.new_reflection}
    ),
    ("GET", "/api/v1/reflections/{reflection_id}/replies"): Row(REFLECTION_READ),
    ("POST", "/api/v1/reflections/{reflection_id}/replies"): Row(REFLECTION_READ),
    # Its observations (by id: the coach's submitted primary one).
    ("GET", RECORDING + "/observations"): Row(OBSERVATION_LIST),
    # today: assigned coaches and second raters score; other viewers get 403.
    ("POST", RECORDING + "/observations"): Row(OBSERVATION_CREATE),
    # today: leads see submitted observations (they mark gold standards, read agreement).
    ("GET", OBSERVATION): Row(OBSERVATION_READ),
    ("GET", OBSERVATION + "/revisions"): Row(OBSERVATION_READ),
    # today: only its rater changes an observation; other viewers get 403.
    ("PATCH", OBSERVATION): Row(OBSERVATION_RATER),
    ("DELETE", OBSERVATION): Row(
        OBSERVATION_RATER, fresh={"observation_id": fresh.new_observation}
    ),
    ("POST", OBSERVATION + "/submit"): Row(
        OBSERVATION_RATER, fresh={"observation_id": fresh.new_observation}
    ),
    ("POST", OBSERVATION + "/amendments"): Row(OBSERVATION_RATER),
    # today: leads mark gold standards; other viewers get 403.
    ("PUT", OBSERVATION + "/gold-standard"): Row(GOLD_STANDARD),
    # The owner's learning objective, with the coach's observation as evidence.
    ("GET", "/api/v1/objectives/{objective_id}"): Row(OBJECTIVE_READ),
    ("PATCH", "/api/v1/objectives/{objective_id}"): Row(OBJECTIVE_WRITE),
    ("POST", "/api/v1/objectives/{objective_id}/notes"): Row(OBJECTIVE_WRITE),
    ("POST", "/api/v1/objectives/{objective_id}/evidence"): Row(OBJECTIVE_WRITE),
}

# Each later domain states its rules in its own module, beside the core table.
TABLE: dict[tuple[str, str], Row] = {
    **CORE,
    **rows_bookings.ROWS,
    **rows_calendar.ROWS,
    **rows_availability.ROWS,
    **rows_time.ROWS,
    **rows_report_turnaround.ROWS,
    **rows_report_agreement.ROWS,
    **rows_calibration.ROWS,
    **rows_recording_lists.ROWS,
    **rows_report_fidelity.ROWS,
    **rows_report_coverage.ROWS,
    **rows_report_equity.ROWS,
    **rows_notifications.ROWS,
}

# The same routes on other resources of the recording, where the rule differs.
VARIANTS: dict[tuple[str, str, str], Row] = {
    # The audit trail as CSV: the same rule.
    ("GET", ORG + "/audit-events", "as CSV"): Row(
        LEAD_ONLY, query=no_query, headers={"Accept": "text/csv"}
    ),
    ("GET", OBSERVATION, "rater_done's second observation"): Row(
        SECOND_OBSERVATION, values={"observation_id": lambda w: w.scene.second_observation.id}
    ),
    # today: a draft is its rater's alone.
    ("GET", OBSERVATION, "rater_blind's draft"): Row(
        DRAFT_OBSERVATION, values={"observation_id": lambda w: w.scene.blind_draft.id}
    ),
}


def _checks() -> list[Check]:
    rows = [(f"{method} {path}", method, path, row) for (method, path), row in TABLE.items()]
    variants = [
        (f"{method} {path} [{label}]", method, path, row)
        for (method, path, label), row in VARIANTS.items()
    ]
    return [
        (name, method, path, replace(row, rule=for_guests(path, row.rule)))
        for name, method, path, row in rows + variants
    ]


def _unruled(app: FastAPI) -> list[str]:
    """Routes without a row, and rows without a route: both fail the test."""
    schema, table = schema_routes(app), set(TABLE)
    return [f"{m} {p}: no row in TABLE, state its rule" for m, p in sorted(schema - table)] + [
        f"{m} {p}: not in the API any more, drop its row" for m, p in sorted(table - schema)
    ]


def _report(problems: list[str]) -> str:
    return f"{len(problems)} mismatches:\n" + "\n".join(problems)


def test_every_route_answers_every_actor_by_the_rules(
    app: FastAPI, db: Session, world: World
) -> None:
    requests = len(TABLE) * len(ACTORS)
    print(
        f"\naccess matrix: {len(TABLE)} routes x {len(ACTORS)} actors = {requests} requests"
        f" (+ {len(VARIANTS) * len(ACTORS)} on other resources)"
    )
    assert requests >= OPERATIONS_TODAY * len(ACTORS)
    problems = _unruled(app)
    problems += run(world.client, plan(db, world, _checks(), as_written))
    assert not problems, _report(problems)


def change_relationships(db: Session, world: World) -> None:
    """As the lead, through the API: guest, rater_done and coach become supervisors only,
    and rater_blind leaves the organisation; rater_blind then rejoins as a supervisor."""
    client, cast, lead = world.client, world.cast, world.headers("lead")
    members = f"/api/v1/organisations/{cast.organisation.id}/members"

    def member(actor: str) -> str:
        return f"{members}/{membership_id(db, cast.organisation, cast[actor])}"

    for actor in ("guest", "rater_done", "coach"):
        answer = client.patch(member(actor), json={"roles": ["supervisor"]}, headers=lead)
        assert answer.status_code == 200, answer.text
    answer = client.delete(member("rater_blind"), headers=lead)
    assert answer.status_code == 204, answer.text
    # Straight into the tables: whatever joining through the API involves (an invitation
    # to accept...), the person is a member again, a supervisor only.
    rejoin(db, world, "rater_blind", Role.supervisor)


# The people whose relations change, and other_supervisor, the column they must now match;
# nobody else's relation to the recording changes, so the first matrix covers them.
REPLAYED = [actor for actor in ACTORS if actor in CHANGED | {"other_supervisor"}]
# Routes naming the recording, a part of it, or the owner's objective that cites it.
RECORDING_PARTS = frozenset(
    {
        "recording_id",
        "comment_id",
        "reflection_id",
        "observation_id",
        "second_rater_id",
        "objective_id",
    }
)


def _recording_scoped(checks: list[Check]) -> list[Check]:
    return [check for check in checks if RECORDING_PARTS & set(PARAMETER.findall(check[2]))]


def test_changed_relationships_leave_no_access_behind(
    app: FastAPI, db: Session, world: World
) -> None:
    """After the changes, each changed person gets what other_supervisor gets on every
    route about the recording. The resources all exist before the changes are made."""
    problems = _unruled(app)
    probes = plan(db, world, _recording_scoped(_checks()), after_changes, actors=REPLAYED)
    print(f"\naccess matrix after the changes: {len(probes)} requests")
    change_relationships(db, world)
    problems += run(world.client, probes)
    assert not problems, _report(problems)
