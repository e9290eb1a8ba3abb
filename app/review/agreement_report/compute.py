"""Turning gathered levels into the report, through app/review/agreement (pure maths).

Every rating of a unit counts. Sparse double coding rarely gives the complete subjects x
raters matrix the two-way ICCs need, and each recording has its own raters: overall, the
one-way ICC(1,1) for unequal numbers of ratings, Krippendorff's alpha (any raters, missing
values) and Fleiss' kappa (when every unit has as many ratings). Per rater pair, kappa
and the two-way ICCs use the units both scored.
"""

import uuid
from collections.abc import Callable, Mapping
from itertools import combinations

from app.review import agreement
from app.review.agreement_report.gather import Gathered, Unit, by_criterion
from app.review.agreement_report.schemas import (
    AgreementBlock,
    CriterionAgreement,
    GoldDeviation,
    RaterPair,
    Statistic,
)

Levels = Mapping[Unit, Mapping[uuid.UUID, int | None]]


def statistic(compute: Callable[[], float]) -> Statistic:
    try:
        return Statistic(value=compute())
    except ValueError as error:  # UndefinedAgreementError included: no value, say why
        return Statistic(value=None, reason=str(error))


def _present(levels: Levels) -> dict[Unit, dict[uuid.UUID, int]]:
    return {
        unit: {rater: level for rater, level in by_rater.items() if level is not None}
        for unit, by_rater in levels.items()
    }


def block(levels: Levels, scale: list[int]) -> AgreementBlock:
    present = _present(levels)
    raters = sorted({rater for by_rater in present.values() for rater in by_rater}, key=str)
    matrix = [[by_rater.get(rater) for rater in raters] for by_rater in present.values()]
    rated = [list(by_rater.values()) for by_rater in present.values() if len(by_rater) >= 2]
    exact, adjacent = proportions(matrix)

    def alpha(metric: agreement.AlphaMetric) -> Statistic:
        return statistic(lambda: agreement.krippendorff_alpha(matrix, metric=metric).value)

    return AgreementBlock(
        units=len(rated),
        raters=len(raters),
        exact_agreement=exact,
        adjacent_agreement=adjacent,
        krippendorff_alpha_nominal=alpha("nominal"),
        krippendorff_alpha_ordinal=alpha("ordinal"),
        krippendorff_alpha_interval=alpha("interval"),
        krippendorff_alpha_ratio=alpha("ratio"),
        fleiss_kappa=statistic(lambda: agreement.fleiss_kappa(rated, categories=scale).value),
        icc_1_1=statistic(lambda: agreement.icc_1_1_unequal(rated)),
        rater_pairs=[
            pair
            for a, b in combinations(raters, 2)
            if (pair := _pair(present, a, b, scale)) is not None
        ],
    )


def proportions(matrix: list[list[int | None]]) -> tuple[Statistic, Statistic]:
    """Exact and adjacent agreement over every pair of ratings of a unit, or why not."""
    try:
        result = agreement.pairwise_agreement(matrix)
    except ValueError as error:
        reason = Statistic(value=None, reason=str(error))
        return reason, reason
    return Statistic(value=result.exact), Statistic(value=result.adjacent)


def _pair(
    present: Mapping[Unit, Mapping[uuid.UUID, int]], a: uuid.UUID, b: uuid.UUID, scale: list[int]
) -> RaterPair | None:
    shared = [(levels[a], levels[b]) for levels in present.values() if a in levels and b in levels]
    if not shared:
        return None
    first = [x for x, _ in shared]
    second = [y for _, y in shared]
    scores = [[float(x), float(y)] for x, y in shared]
    exact, adjacent = proportions([[x, y] for x, y in shared])
    return RaterPair(
        rater_a_user_id=a,
        rater_b_user_id=b,
        units=len(shared),
        exact_agreement=exact,
        adjacent_agreement=adjacent,
        kappa_unweighted=statistic(
            lambda: agreement.cohen_kappa(first, second, levels=scale).value
        ),
        kappa_linear=statistic(
            lambda: agreement.cohen_kappa(first, second, levels=scale, weighting="linear").value
        ),
        kappa_quadratic=statistic(
            lambda: agreement.cohen_kappa(first, second, levels=scale, weighting="quadratic").value
        ),
        icc_2_1=statistic(lambda: agreement.icc_2_1(scores)),
        icc_3_1=statistic(lambda: agreement.icc_3_1(scores)),
    )


def criteria_blocks(gathered: Gathered, scale: list[int]) -> list[CriterionAgreement]:
    split = by_criterion(gathered)
    codes = sorted(split, key=lambda code: gathered.positions[code])
    return [
        CriterionAgreement(
            code=code, title=gathered.titles[code], **block(split[code], scale).model_dump()
        )
        for code in codes
    ]


def gold_deviations(gathered: Gathered) -> list[GoldDeviation]:
    """Each rater against the gold standard, on the units where someone else holds gold."""
    gold = {unit: level for unit, (_, level) in gathered.gold.items()}
    by_rater: dict[uuid.UUID, dict[Unit, int | None]] = {}
    for unit, levels in gathered.levels.items():
        gold_rater = gathered.gold.get(unit, (None, None))[0]
        for rater, level in levels.items():
            if rater != gold_rater:
                by_rater.setdefault(rater, {})[unit] = level
    deviations = agreement.deviations_from_gold(by_rater, gold)
    return [
        GoldDeviation(rater_user_id=rater, **_fields(deviation))
        for rater, deviation in sorted(deviations.items(), key=lambda item: str(item[0]))
    ]


def _fields(deviation: agreement.GoldStandardDeviation) -> dict[str, float | int]:
    return {
        "units": deviation.units,
        "mean_signed_difference": deviation.mean_signed_difference,
        "mean_absolute_difference": deviation.mean_absolute_difference,
        "exact_agreement": deviation.exact_agreement,
    }
