"""The unread count (the PWA's badge, asked before every screen) and the list of someone
in several organisations: each organisation's notifications follow the roles held there,
and the count runs the same few statements however many there are."""

from fastapi import FastAPI
from sqlmodel import Session

from app.models import Notification, NotificationKind, Role
from tests.factories import assign, make_objective, make_user
from tests.notifications.conftest import comment, join, notifications, unread
from tests.review.scoring_cast import Cast
from tests.support.statements import statements_run


def _objective_notification(db: Session, cast: Cast, *, elsewhere: bool) -> str:
    """One for other_coach about an objective of a practitioner here or elsewhere."""
    organisation = cast.elsewhere if elsewhere else cast.organisation
    practitioner = (
        make_user(db, organisation, Role.practitioner) if elsewhere else cast.people["owner"]
    )
    objective = make_objective(db, organisation, practitioner)
    db.add(
        Notification(
            organisation_id=organisation.id,
            recipient_user_id=cast.people["other_coach"].id,
            kind=NotificationKind.objective_updated,
            objective_id=objective.id,
        )
    )
    db.commit()
    return str(objective.id)


def test_each_organisation_shows_what_the_roles_held_there_allow(cast: Cast, db: Session) -> None:
    # A coach of nobody here, and a lead elsewhere (who reads every objective there).
    join(db, cast.elsewhere, cast.people["other_coach"], Role.lead)
    here = _objective_notification(db, cast, elsewhere=False)
    there = _objective_notification(db, cast, elsewhere=True)
    assert [row["objective_id"] for row in notifications(cast, "other_coach")] == [there]
    assert unread(cast, "other_coach") == 1

    # Coaching the practitioner here shows the one here as well.
    assign(db, cast.organisation, cast.people["other_coach"], cast.people["owner"])
    assert {row["objective_id"] for row in notifications(cast, "other_coach")} == {here, there}
    assert unread(cast, "other_coach") == 2
    marked = cast.client.post("/api/v1/notifications/read-all", headers=cast.auth("other_coach"))
    assert marked.json() == {"marked_read": 2}
    assert unread(cast, "other_coach") == 0


def test_the_count_runs_the_same_statements_however_many_there_are(
    app: FastAPI, cast: Cast, db: Session
) -> None:
    headers = cast.auth("owner")
    url = "/api/v1/notifications/unread-count"

    def counted() -> tuple[int, int]:
        with statements_run(app.state.engine) as seen:
            answer = cast.client.get(url, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()["unread"], len(seen)

    none, baseline = counted()
    assert none == 0
    for _ in range(5):
        comment(cast, "coach")
    assert counted() == (5, baseline)
    # A member of a second organisation too: still one statement for the count.
    join(db, cast.elsewhere, cast.people["owner"], Role.practitioner, Role.coach)
    assert counted() == (5, baseline)
