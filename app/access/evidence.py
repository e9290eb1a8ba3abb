"""What an objective's evidence may link to, and which links a reader is shown.

A link names an observation or a comment. It may point only at something of the
objective's practitioner that the person linking may see; anything else, including ids
of another organisation, is a 404 that says nothing about whether it exists. Readers are
shown only the links to things they may see themselves, so an objective never carries a
recording's scores or comments to someone the recording's rules keep them from. Both
ask the same rules as the observation and comment routes, in a fixed number of queries.
"""

import uuid
from collections.abc import Collection

from sqlmodel import Session, col, select

from app.access.conversation import thread_readable
from app.access.members import Member
from app.access.observations import blind_recordings, visible
from app.access.recordings import media_rule
from app.errors import NotFound
from app.models import Comment, LearningObjective, ObjectiveEvidence, Observation, Recording
from app.models.review import EvidenceKind


def _observations(
    db: Session, member: Member, ids: Collection[uuid.UUID], practitioner: uuid.UUID | None
) -> set[uuid.UUID]:
    if not ids:
        return set()
    statement = select(col(Observation.id)).where(
        col(Observation.organisation_id) == member.organisation_id,
        col(Observation.id).in_(ids),
        visible(member),
    )
    if practitioner is not None:
        statement = statement.where(col(Observation.practitioner_user_id) == practitioner)
    return set(db.exec(statement))


def _comments(
    db: Session, member: Member, ids: Collection[uuid.UUID], practitioner: uuid.UUID | None
) -> set[uuid.UUID]:
    if not ids:
        return set()
    comments = list(
        db.exec(
            select(Comment).where(
                col(Comment.organisation_id) == member.organisation_id, col(Comment.id).in_(ids)
            )
        )
    )
    root_ids = {comment.parent_id or comment.id for comment in comments}
    root_authors = select(col(Comment.id), col(Comment.author_user_id)).where(
        col(Comment.id).in_(root_ids)
    )
    authors = {root: author for root, author in db.exec(root_authors).all()}
    recording_ids = {comment.recording_id for comment in comments}
    watchable = select(col(Recording.id), col(Recording.owner_user_id)).where(
        col(Recording.id).in_(recording_ids), media_rule(member)
    )
    owners = {recording: owner for recording, owner in db.exec(watchable).all()}
    blind = set(db.exec(blind_recordings(member).where(col(Recording.id).in_(recording_ids))))
    readable = set()
    for comment in comments:
        owner = owners.get(comment.recording_id)
        if owner is None or (practitioner is not None and owner != practitioner):
            continue
        if thread_readable(
            blind=comment.recording_id in blind,
            started_by=authors.get(comment.parent_id or comment.id),
            reader=member.user_id,
            practitioner=owner,
        ):
            readable.add(comment.id)
    return readable


def require_target(
    db: Session, *, member: Member, objective: LearningObjective, kind: str, ref_id: uuid.UUID
) -> None:
    """The thing a new evidence link points at, seen by the person linking it, or 404."""
    practitioner = objective.practitioner_user_id
    if kind == EvidenceKind.observation:
        if ref_id not in _observations(db, member, [ref_id], practitioner):
            raise NotFound("Observation not found.", code="evidence_not_found")
    elif ref_id not in _comments(db, member, [ref_id], practitioner):
        raise NotFound("Comment not found.", code="evidence_not_found")


def shown(
    db: Session, *, member: Member, evidence: list[ObjectiveEvidence]
) -> list[ObjectiveEvidence]:
    """The links among these that this member may follow."""
    by_kind: dict[str, set[uuid.UUID]] = {kind: set() for kind in EvidenceKind}
    for row in evidence:
        by_kind.setdefault(row.kind, set()).add(row.ref_id)
    readable = _observations(db, member, by_kind[EvidenceKind.observation], None) | _comments(
        db, member, by_kind[EvidenceKind.comment], None
    )
    return [row for row in evidence if row.ref_id in readable]
