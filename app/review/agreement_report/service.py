"""The agreement report of a rubric (leads): gather, then compute."""

import uuid
from datetime import date

from sqlmodel import Session

from app.access import Member, load_scoped
from app.errors import Unprocessable
from app.models import Rubric, RubricVersion
from app.review.agreement_report import compute
from app.review.agreement_report.gather import Selection, gather
from app.review.agreement_report.schemas import AgreementReport


def agreement_report(
    db: Session,
    *,
    lead: Member,
    rubric_id: uuid.UUID,
    rubric_version_id: uuid.UUID | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    recording_ids: tuple[uuid.UUID, ...] = (),
) -> AgreementReport:
    _check(db, lead=lead, rubric_id=rubric_id, rubric_version_id=rubric_version_id)
    if period_from and period_to and period_from > period_to:
        raise Unprocessable("from: must not be after to.", code="invalid_period")
    selection = Selection(
        organisation=lead.organisation,
        rubric_id=rubric_id,
        rubric_version_id=rubric_version_id,
        period_from=period_from,
        period_to=period_to,
        recording_ids=recording_ids,
        reader=lead,
    )
    gathered = gather(db, selection=selection)
    scale = gathered.scale_levels()
    return AgreementReport(
        rubric_id=rubric_id,
        rubric_version_ids=sorted(gathered.versions, key=str),
        scale_levels=scale,
        period_from=period_from,
        period_to=period_to,
        recordings=len(gathered.recordings),
        observations=len(gathered.observations),
        overall=compute.block(gathered.levels, scale),
        criteria=compute.criteria_blocks(gathered, scale),
        gold_standard_deviations=compute.gold_deviations(gathered),
    )


def _check(
    db: Session, *, lead: Member, rubric_id: uuid.UUID, rubric_version_id: uuid.UUID | None
) -> None:
    organisation_id = lead.organisation_id
    load_scoped(db, Rubric, organisation_id=organisation_id, row_id=rubric_id, label="Rubric")
    if rubric_version_id is None:
        return
    version = load_scoped(
        db,
        RubricVersion,
        organisation_id=organisation_id,
        row_id=rubric_version_id,
        label="Rubric version",
    )
    if version.rubric_id != rubric_id:
        raise Unprocessable("rubric_version_id: not a version of this rubric.")
