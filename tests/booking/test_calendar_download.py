"""One booking as an .ics file, for whoever may see the booking."""

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from app.models import Role
from app.models.organisation import AssignmentKind
from tests.booking.calendar_factories import make_booking, next_year_at
from tests.factories import assign, make_organisation, make_user, token_for


def test_people_who_see_a_booking_download_it_and_others_are_told_it_is_not_there(
    client: TestClient, db: Session
) -> None:
    organisation = make_organisation(db, "Riverside Family Hub")
    coach = make_user(db, organisation, Role.coach)
    practitioner = make_user(db, organisation, Role.practitioner)
    supervisor = make_user(db, organisation, Role.supervisor)
    assign(db, organisation, supervisor, practitioner, AssignmentKind.supervisor)
    stranger = make_user(db, organisation, Role.practitioner)
    elsewhere = make_user(db, make_organisation(db, "Elsewhere"), *Role)
    booking = make_booking(
        db,
        organisation,
        coach,
        [practitioner],
        starts=next_year_at(6, 1, 10),
        rrule="FREQ=WEEKLY;COUNT=3",
        title="Coaching",
    )
    url = f"/api/v1/organisations/{organisation.id}/bookings/{booking.id}/calendar.ics"

    for person in (coach, practitioner, supervisor):
        response = client.get(url, headers=token_for(client, person))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        assert response.headers["content-disposition"].startswith("attachment;")
        [event] = Calendar.from_ical(response.content).events
        assert event["UID"] == f"{booking.id}@tandem"
        assert event["RRULE"]["FREQ"] == ["WEEKLY"]

    for person in (stranger, elsewhere):
        response = client.get(url, headers=token_for(client, person))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_a_booking_is_not_found_under_another_organisation(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    coach = make_user(db, organisation, Role.coach)
    practitioner = make_user(db, organisation, Role.practitioner)
    other = make_organisation(db)
    make_user(db, other, Role.lead)
    booking = make_booking(db, organisation, coach, [practitioner], starts=next_year_at(6, 1, 10))
    url = f"/api/v1/organisations/{other.id}/bookings/{booking.id}/calendar.ics"
    assert client.get(url, headers=token_for(client, coach)).status_code == 404
