"""The demo organisation of the public contract. Only `python -m app seed-demo` calls this."""

from importlib import resources

from sqlmodel import Session, select

from app.auth import service as auth_service
from app.models import Assignment, Membership, MembershipRole, Organisation, Programme, Role, User
from app.models.organisation import AssignmentKind
from app.rubric.service import import_published_rubric

DEMO_SLUG = "demo"
DEMO_PASSWORD = "tandem-demo-pass"
DEMO_DOMAIN = "demo.example.org"
DEMO_PEOPLE: dict[str, tuple[str, list[Role]]] = {
    "lead": ("Lee Lead", [Role.lead]),
    "coach": ("Cora Coach", [Role.coach]),
    "coach2": ("Cam Coach", [Role.coach]),
    "supervisor": ("Sam Supervisor", [Role.supervisor]),
    "practitioner": ("Pat Practitioner", [Role.practitioner]),
    "practitioner2": ("Priya Practitioner", [Role.practitioner]),
}
SCALE_LABELS = ["Not yet", "Emerging", "Developing", "Proficient", "Exemplary"]
RUBRIC_FILE = "home-visit-fidelity-rubric.csv"


def seed_demo(session: Session) -> bool:
    """Create the demo organisation; False when it already exists (idempotent)."""
    if session.exec(select(Organisation).where(Organisation.slug == DEMO_SLUG)).first():
        return False
    organisation = Organisation(name="Demo Family Partnership", slug=DEMO_SLUG)
    session.add(organisation)
    session.flush()
    people = {key: _demo_person(session, organisation, key) for key in DEMO_PEOPLE}
    for coach in ("coach", "coach2"):
        _assign(session, organisation, AssignmentKind.coach, people[coach], people["practitioner"])
    for practitioner in ("practitioner", "practitioner2"):
        _assign(
            session,
            organisation,
            AssignmentKind.supervisor,
            people["supervisor"],
            people[practitioner],
        )
    programme = Programme(
        organisation_id=organisation.id,
        name="Home Visiting Programme",
        description="Structured home visits supporting parents of under-fives.",
    )
    session.add(programme)
    session.flush()
    _import_rubric(session, organisation, programme, people["lead"])
    return True


def _demo_person(session: Session, organisation: Organisation, key: str) -> User:
    display_name, roles = DEMO_PEOPLE[key]
    email = f"{key}@{DEMO_DOMAIN}"
    user = auth_service.find_user_by_email(session, email)
    if user is None:
        user = User(email=email, display_name=display_name)
        session.add(user)
        session.flush()
        auth_service.set_password(session, user=user, password=DEMO_PASSWORD)
    membership = Membership(organisation_id=organisation.id, user_id=user.id)
    session.add(membership)
    session.flush()
    session.add_all(MembershipRole(membership_id=membership.id, role=role) for role in roles)
    return user


def _assign(
    session: Session,
    organisation: Organisation,
    kind: AssignmentKind,
    staff: User,
    practitioner: User,
) -> None:
    session.add(
        Assignment(
            organisation_id=organisation.id,
            kind=kind,
            staff_user_id=staff.id,
            practitioner_user_id=practitioner.id,
        )
    )


def _import_rubric(
    session: Session, organisation: Organisation, programme: Programme, lead: User
) -> None:
    csv_text = resources.files("app.rubric").joinpath("data", RUBRIC_FILE).read_text("utf-8")
    import_published_rubric(
        session,
        organisation_id=organisation.id,
        programme_id=programme.id,
        title="Home visit fidelity rubric",
        csv_text=csv_text,
        scale_labels=SCALE_LABELS,
        fidelity_threshold_percent=80.0,
        actor_user_id=lead.id,
    )
