"""A closed exercise's agreement, with every rating of the master recording.

The units are the rubric's criteria (the recording scored on one criterion), the raters
those who submitted. Cohen's kappa per rater pair and Krippendorff's alpha use every level
given (N/A is missing); Fleiss' kappa and the six Shrout & Fleiss ICCs need a complete
units x raters matrix, so they use the criteria every rater scored (`complete_units`).
Per criterion there is one unit, so only the share of rater pairs in exact and adjacent
agreement is defined there; the chance-corrected statistics say why they have no value.
"""

import uuid
from collections.abc import Callable, Mapping
from itertools import combinations

from sqlmodel import Session, col, select

from app.access import Member
from app.access import calibration as rules
from app.errors import Conflict
from app.models import CalibrationExercise, CalibrationRater, Observation, ObservationScore
from app.models.calibration import CalibrationStatus
from app.models.review import ObservationStatus
from app.review import agreement
from app.review.agreement_report.compute import proportions, statistic
from app.review.agreement_report.schemas import GoldDeviation, PairAgreement, Statistic
from app.review.calibration.schemas import (
    CalibrationResults,
    CalibrationStatistics,
    CriterionResult,
    RaterLevel,
)
from app.review.observations import validation

Levels = dict[uuid.UUID, dict[uuid.UUID, int | None]]
"""Per rater, per criterion id, the level (None: not applicable)."""


def results(db: Session, *, member: Member, exercise: CalibrationExercise) -> CalibrationResults:
    if exercise.status != CalibrationStatus.closed:
        raise Conflict(
            "The results show once every rater has submitted or a lead closes the exercise.",
            code="calibration_open",
        )
    everyone = rules.reads_every_result(db, member=member, exercise=exercise)
    version = validation.load_version(
        db, organisation_id=exercise.organisation_id, rubric_version_id=exercise.rubric_version_id
    )
    scale = version.scale_levels
    criteria = sorted(version.criteria, key=lambda criterion: criterion.position)
    levels = _submitted_levels(db, exercise)
    gold = _gold_levels(db, exercise)
    raters = sorted(levels, key=str)
    matrix = [[levels[rater].get(criterion.id) for rater in raters] for criterion in criteria]
    shown = set(raters) if everyone else {member.user_id}
    return CalibrationResults(
        exercise_id=exercise.id,
        status=exercise.status,
        scale_levels=scale,
        submitted_raters=len(raters),
        overall=_statistics(matrix, raters, scale, shown=shown),
        criteria=[
            CriterionResult(
                code=criterion.code,
                title=criterion.title,
                gold_level=gold.get(criterion.id),
                levels=[
                    RaterLevel(rater_user_id=rater, level=level)
                    for rater, level in zip(raters, row, strict=True)
                    if rater in shown
                ],
                **_proportions([row]),
            )
            for criterion, row in zip(criteria, matrix, strict=True)
        ],
        gold_standard_deviations=[
            deviation
            for deviation in _gold_deviations(levels, gold)
            if deviation.rater_user_id in shown
        ],
    )


def _submitted_levels(db: Session, exercise: CalibrationExercise) -> Levels:
    rows = db.exec(
        select(Observation.rater_user_id, ObservationScore.criterion_id, ObservationScore.level)
        .join(CalibrationRater, col(CalibrationRater.observation_id) == col(Observation.id))
        .join(ObservationScore, col(ObservationScore.observation_id) == col(Observation.id))
        .where(
            col(CalibrationRater.exercise_id) == exercise.id,
            col(Observation.status) == ObservationStatus.submitted,
        )
    )
    levels: Levels = {}
    for rater, criterion, level in rows:
        levels.setdefault(rater, {})[criterion] = level
    return levels


def _gold_levels(db: Session, exercise: CalibrationExercise) -> dict[uuid.UUID, int | None]:
    if exercise.gold_observation_id is None:
        return {}
    rows = db.exec(
        select(ObservationScore.criterion_id, ObservationScore.level).where(
            col(ObservationScore.observation_id) == exercise.gold_observation_id
        )
    )
    return dict(rows.all())


def _statistics(
    matrix: list[list[int | None]],
    raters: list[uuid.UUID],
    scale: list[int],
    *,
    shown: set[uuid.UUID],
) -> CalibrationStatistics:
    # Every rater scored these criteria (N/A is missing): the complete-matrix statistics.
    whole = [[level for level in row if level is not None] for row in matrix if None not in row]
    complete = [[float(level) for level in row] for row in whole]

    def icc(form: Callable[[agreement.ScoreMatrix], float]) -> Statistic:
        return statistic(lambda: form(complete))

    def alpha(metric: agreement.AlphaMetric) -> Statistic:
        return statistic(lambda: agreement.krippendorff_alpha(matrix, metric=metric).value)

    return CalibrationStatistics(
        units=sum(1 for row in matrix if sum(level is not None for level in row) >= 2),
        complete_units=len(complete),
        raters=len(raters),
        **_proportions(matrix),
        fleiss_kappa=statistic(lambda: agreement.fleiss_kappa(whole, categories=scale).value),
        icc_1_1=icc(agreement.icc_1_1),
        icc_2_1=icc(agreement.icc_2_1),
        icc_3_1=icc(agreement.icc_3_1),
        icc_1_k=icc(agreement.icc_1_k),
        icc_2_k=icc(agreement.icc_2_k),
        icc_3_k=icc(agreement.icc_3_k),
        krippendorff_alpha_nominal=alpha("nominal"),
        krippendorff_alpha_ordinal=alpha("ordinal"),
        krippendorff_alpha_interval=alpha("interval"),
        krippendorff_alpha_ratio=alpha("ratio"),
        rater_pairs=[
            _pair(matrix, raters.index(a), raters.index(b), a, b, scale)
            for a, b in combinations(raters, 2)
            if a in shown or b in shown
        ],
    )


def _pair(
    matrix: list[list[int | None]],
    i: int,
    j: int,
    a: uuid.UUID,
    b: uuid.UUID,
    scale: list[int],
) -> PairAgreement:
    first = [row[i] for row in matrix]
    second = [row[j] for row in matrix]

    def kappa(weighting: agreement.KappaWeighting) -> Statistic:
        return statistic(
            lambda: agreement.cohen_kappa(first, second, levels=scale, weighting=weighting).value
        )

    return PairAgreement(
        rater_a_user_id=a,
        rater_b_user_id=b,
        units=sum(1 for x, y in zip(first, second, strict=True) if x is not None and y is not None),
        **_proportions([[x, y] for x, y in zip(first, second, strict=True)]),
        kappa_unweighted=kappa("unweighted"),
        kappa_linear=kappa("linear"),
        kappa_quadratic=kappa("quadratic"),
    )


def _proportions(matrix: list[list[int | None]]) -> dict[str, Statistic]:
    exact, adjacent = proportions(matrix)
    return {"exact_agreement": exact, "adjacent_agreement": adjacent}


def _gold_deviations(levels: Levels, gold: Mapping[uuid.UUID, int | None]) -> list[GoldDeviation]:
    if not gold:
        return []
    deviations = agreement.deviations_from_gold(levels, gold)
    return [
        GoldDeviation(
            rater_user_id=rater,
            units=deviation.units,
            mean_signed_difference=deviation.mean_signed_difference,
            mean_absolute_difference=deviation.mean_absolute_difference,
            exact_agreement=deviation.exact_agreement,
        )
        for rater, deviation in sorted(deviations.items(), key=lambda item: str(item[0]))
    ]
