"""A new organisation and its first lead, from the command line.

A deployment that never seeds demo data has no one to invite anyone: the operator runs
`python -m app create-organisation NAME --lead EMAIL`, which creates the organisation
(or finds it again, by the slug of its name) and invites the lead as any lead invites
a member. Running it again changes nothing but the link: a pending invitation gets a new
one (the earlier link stops working), a lead who has joined gets none.
"""

import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import available_timezones

from pydantic import EmailStr, TypeAdapter, ValidationError
from sqlmodel import Session, select

from app.access import roles_of
from app.audit import service as audit
from app.audit.context import SYSTEM
from app.auth.service import normalise_email
from app.config import Settings
from app.models import Organisation, Role
from app.organisation import invitations
from app.organisation.schemas import InvitationIssued

NAME_LENGTH = 200
SLUG_LENGTH = 80
_EMAIL: TypeAdapter[str] = TypeAdapter(EmailStr)


class BootstrapError(ValueError):
    """What the operator typed cannot make an organisation; the message says why."""


@dataclass(frozen=True)
class Bootstrapped:
    organisation: Organisation
    created: bool
    invitation: InvitationIssued | None
    """None when the lead is already a member holding the lead role."""


def create_organisation(
    db: Session, *, name: str, lead_email: str, time_zone: str, settings: Settings
) -> Bootstrapped:
    name = " ".join(name.split())
    slug = slug_of(name)
    email = normalise_email(lead_email)
    _check(name, slug, email, time_zone)
    organisation = db.exec(select(Organisation).where(Organisation.slug == slug)).first()
    created = organisation is None
    if organisation is None:
        organisation = Organisation(name=name, slug=slug, time_zone=time_zone)
        db.add(organisation)
        db.flush()
        audit.record(
            db,
            action="organisation.created",
            resource_type="organisation",
            resource_id=organisation.id,
            organisation_id=organisation.id,
            details={"name": name, "time_zone": time_zone, "by": "command line"},
        )
    member = invitations.member_with_email(db, organisation_id=organisation.id, email=email)
    if member is not None and Role.lead in roles_of(db, member.id):
        return Bootstrapped(organisation, created, None)
    issued = invitations.issue(
        db,
        organisation_id=organisation.id,
        actor_user_id=None,
        email=email,
        display_name="",
        roles=[Role.lead],
        is_champion=False,
        context=SYSTEM,
        settings=settings,
    )
    return Bootstrapped(organisation, created, issued)


def slug_of(name: str) -> str:
    """The organisation's name in lower-case ASCII letters and digits joined by hyphens:
    its key, so running the command again finds it (a regular expression: no library
    needed for one line)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:SLUG_LENGTH]


def _check(name: str, slug: str, email: str, time_zone: str) -> None:
    """The same rules as the API's: an email a lead could invite, an IANA time zone."""
    if not name or len(name) > NAME_LENGTH:
        raise BootstrapError(f"NAME must be 1 to {NAME_LENGTH} characters.")
    if not slug:
        raise BootstrapError("NAME needs at least one letter or digit.")
    try:
        _EMAIL.validate_python(email)
    except ValidationError:
        raise BootstrapError(f"--lead must be an email address, not {email!r}.") from None
    if time_zone not in available_timezones():
        raise BootstrapError(
            f"--time-zone {time_zone!r} is not a time zone; use an IANA name such as Europe/London."
        )
