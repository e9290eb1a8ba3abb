"""Checking scores against a rubric version and a recording, before anything is stored.

Every problem of a request is reported at once (422 with `problems`), so a coach fixing a
long form sees all of them, not one per round trip.
"""

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col

from app.access import load_scoped, scoped
from app.errors import Conflict, Unprocessable
from app.models import Recording, RecordingStatus, RubricCriterion, RubricStatus, RubricVersion
from app.models.review import ObservationScore
from app.review.observations.schemas import ScoreInput
from app.rubric import scoring
from app.rubric.reads import criteria_of, criteria_of_versions


@dataclass(frozen=True)
class VersionCriteria:
    version: RubricVersion
    criteria: list[RubricCriterion]

    @property
    def by_code(self) -> dict[str, RubricCriterion]:
        return {criterion.code: criterion for criterion in self.criteria}

    @property
    def by_id(self) -> dict[uuid.UUID, RubricCriterion]:
        return {criterion.id: criterion for criterion in self.criteria}

    @property
    def scale_levels(self) -> list[int]:
        return [int(step["level"]) for step in self.version.scale]


def load_version(
    db: Session, *, organisation_id: uuid.UUID, rubric_version_id: uuid.UUID
) -> VersionCriteria:
    version = load_scoped(
        db,
        RubricVersion,
        organisation_id=organisation_id,
        row_id=rubric_version_id,
        label="Rubric version",
    )
    return VersionCriteria(version, criteria_of(db, version=version))


def load_versions(
    db: Session, *, organisation_id: uuid.UUID, version_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, VersionCriteria]:
    """These rubric versions of the organisation with their criteria, in two queries."""
    if not version_ids:
        return {}
    statement = scoped(RubricVersion, organisation_id).where(col(RubricVersion.id).in_(version_ids))
    versions = list(db.exec(statement))
    criteria = criteria_of_versions(
        db, organisation_id=organisation_id, version_ids=[version.id for version in versions]
    )
    return {version.id: VersionCriteria(version, criteria[version.id]) for version in versions}


def require_published(version: RubricVersion) -> None:
    if version.status != RubricStatus.published:
        raise Conflict(
            f"Version {version.version} of this rubric is {version.status}; "
            "observations are scored against the published version.",
            code="rubric_version_not_published",
        )


def require_scorable(recording: Recording) -> None:
    if recording.status != RecordingStatus.ready:
        raise Conflict(
            f"This recording is {recording.status}; only a ready recording can be scored.",
            code="recording_not_ready",
        )


def _score_problems(
    score: ScoreInput, criterion: RubricCriterion | None, scale: Sequence[int], limit_ms: int | None
) -> list[str]:
    if criterion is None:
        return [f"{score.code}: no such criterion in this rubric version."]
    problems = []
    if score.level is not None and score.level not in scale:
        problems.append(
            f"{score.code}: level {score.level} is outside the scale {min(scale)}-{max(scale)}."
        )
    if score.not_applicable and not criterion.na_allowed:
        problems.append(f"{score.code}: this criterion may not be marked not applicable.")
    for moment in score.moments:
        if limit_ms is not None and moment.at_ms > limit_ms:
            problems.append(
                f"{score.code}: moment at {moment.at_ms} ms is past the end of the "
                f"recording ({limit_ms} ms)."
            )
    return problems


def check_scores(
    scores: Sequence[ScoreInput], *, rubric: VersionCriteria, recording: Recording
) -> None:
    """Unknown criteria, levels off the scale, N/A where not allowed, moments past the end."""
    by_code = rubric.by_code
    limit_ms = None
    if recording.duration_seconds is not None:
        limit_ms = round(recording.duration_seconds * 1000)
    problems: list[str] = []
    seen: set[str] = set()
    for score in scores:
        if score.code in seen:
            problems.append(f"{score.code}: scored twice in one request.")
        seen.add(score.code)
        problems += _score_problems(score, by_code.get(score.code), rubric.scale_levels, limit_ms)
    _raise(problems)


def final_result(
    rows: Iterable[ObservationScore], *, rubric: VersionCriteria
) -> scoring.FidelityResult:
    """The verdict for a complete set of scores, or 422 naming the criteria still open."""
    levels: dict[str, int | None] = {}
    by_id = rubric.by_id
    for row in rows:
        code = by_id[row.criterion_id].code
        if row.level is not None or row.not_applicable:
            levels[code] = row.level
    missing = [c.code for c in rubric.criteria if c.code not in levels]
    if missing:
        _raise([f"{code}: needs a level or N/A before submitting." for code in missing])
    return scoring.score(
        rubric.criteria,
        scale_levels=rubric.scale_levels,
        levels=levels,
        fidelity_threshold_percent=rubric.version.fidelity_threshold_percent,
        formula=rubric.version.scoring_formula,
    )


def _raise(problems: list[str]) -> None:
    if problems:
        raise Unprocessable(" ".join(problems), code="invalid_scores", extra={"problems": problems})
