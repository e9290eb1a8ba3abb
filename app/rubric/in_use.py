"""Which rubric version a programme's recordings are scored against: the one place that decides.

A programme holds one published version (`programme.rubric_version_id`). The lead chooses
it; publishing sets it when the programme has none, and moves it along when the lead
publishes a new version of the rubric in use (publishing retires the version before it, so
staying on that one would leave the programme unable to score). Publishing a version of
another rubric never moves it: choosing a different rubric is a decision of its own.
"""

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.access import scoped
from app.errors import Conflict, Unprocessable, naming_field
from app.models import Programme, Rubric, RubricStatus, RubricVersion

FIELD = "rubric_version_id"


@dataclass(frozen=True)
class VersionInUse:
    """The version a programme uses, with its rubric's id and title, for screens."""

    rubric_version_id: uuid.UUID
    rubric_id: uuid.UUID
    rubric_title: str
    version: int


def in_use_by_programme(
    db: Session, *, organisation_id: uuid.UUID, programmes: Collection[Programme]
) -> dict[uuid.UUID, VersionInUse]:
    """The version each of these programmes uses (those with one), in one query."""
    version_ids = {p.rubric_version_id for p in programmes if p.rubric_version_id is not None}
    if not version_ids:
        return {}
    statement = (
        select(RubricVersion, Rubric)
        .join(Rubric, col(Rubric.id) == RubricVersion.rubric_id)
        .where(
            RubricVersion.organisation_id == organisation_id,
            col(RubricVersion.id).in_(version_ids),
        )
    )
    found = {
        version.id: VersionInUse(version.id, rubric.id, rubric.title, version.version)
        for version, rubric in db.exec(statement)
    }
    return {
        p.id: found[p.rubric_version_id]
        for p in programmes
        if p.rubric_version_id is not None and p.rubric_version_id in found
    }


def choose(db: Session, *, programme: Programme, rubric_version_id: uuid.UUID) -> None:
    """The lead's choice: a published version of one of this programme's rubrics."""
    row = db.exec(
        scoped(RubricVersion, programme.organisation_id)
        .join(Rubric, col(Rubric.id) == RubricVersion.rubric_id)
        .where(RubricVersion.id == rubric_version_id, Rubric.programme_id == programme.id)
    ).first()
    if row is None:
        raise naming_field(
            Unprocessable,
            FIELD,
            "No rubric version of this programme has this id.",
            code="not_this_programmes_rubric",
        )
    if row.status != RubricStatus.published:
        raise naming_field(
            Conflict,
            FIELD,
            f"Version {row.version} is {row.status}; a programme uses a published version.",
            code="rubric_version_not_published",
        )
    programme.rubric_version_id = row.id
    db.add(programme)


def adopt_on_publish(db: Session, *, version: RubricVersion) -> Programme | None:
    """After `version` is published: the programme takes it when it has no version in use,
    or when it used an earlier version of the same rubric. The programme moved, else None."""
    rubric = db.get(Rubric, version.rubric_id)
    programme = db.get(Programme, rubric.programme_id) if rubric is not None else None
    if programme is None:
        return None
    current = (
        db.get(RubricVersion, programme.rubric_version_id)
        if programme.rubric_version_id is not None
        else None
    )
    if current is not None and current.rubric_id != version.rubric_id:
        return None
    programme.rubric_version_id = version.id
    db.add(programme)
    db.flush()
    return programme


def refuse_retiring_in_use(db: Session, *, version: RubricVersion) -> None:
    """A version a programme scores against stays until the programme chooses another."""
    using = db.exec(
        scoped(Programme, version.organisation_id).where(Programme.rubric_version_id == version.id)
    ).first()
    if using is not None:
        raise naming_field(
            Conflict,
            "version",
            f"Version {version.version} is the one programme {using.name!r} scores against; "
            "choose another version for the programme first.",
            code="rubric_version_in_use",
        )


def require_in_use(db: Session, *, programme_id: uuid.UUID, version: RubricVersion) -> None:
    """New observations use the programme's version; older ones keep theirs."""
    programme = db.get(Programme, programme_id)
    if programme is None or programme.rubric_version_id != version.id:
        raise naming_field(
            Unprocessable,
            FIELD,
            f"Version {version.version} of this rubric is not the one this programme scores "
            "against now; score with the programme's current version.",
            code="rubric_version_not_in_use",
        )
