"""How far each rater's levels sit from gold-standard (master-coded) levels."""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

Unit = TypeVar("Unit", bound=Hashable)
Rater = TypeVar("Rater", bound=Hashable)


@dataclass(frozen=True, slots=True)
class GoldStandardDeviation:
    units: int
    """Units scored by both the rater and the gold standard."""
    mean_signed_difference: float
    """Mean of rater minus gold: above 0 the rater scores higher (lenient), below 0 lower."""
    mean_absolute_difference: float
    """Mean distance from gold, in levels."""
    exact_agreement: float
    """Share of units on exactly the gold level, 0..1."""


def deviation_from_gold(
    ratings: Mapping[Unit, int | None], gold: Mapping[Unit, int | None]
) -> GoldStandardDeviation:
    """One rater's deviation from gold ratings, over the units both scored.

    Formula, over the N units u with a level from both the rater (x_u) and gold (g_u):

        mean signed difference   = (1/N) sum_u (x_u - g_u)
        mean absolute difference = (1/N) sum_u |x_u - g_u|
        exact agreement          = (1/N) #{u : x_u = g_u}

    The signed mean is the bias of Bland & Altman (1986), "Statistical methods for assessing
    agreement between two methods of clinical measurement", Lancet 327(8476): 307-310, with
    gold as the reference method; the other two are the plain mean absolute error and
    proportion of agreement. Units missing on either side, or None, are skipped.

    Raises ValueError when the rater and gold share no scored unit.
    """
    differences = [
        level - gold_level
        for unit, level in ratings.items()
        if level is not None and (gold_level := gold.get(unit)) is not None
    ]
    if not differences:
        raise ValueError("the rater scored none of the units that have a gold rating")
    count = len(differences)
    return GoldStandardDeviation(
        units=count,
        mean_signed_difference=sum(differences) / count,
        mean_absolute_difference=sum(map(abs, differences)) / count,
        exact_agreement=differences.count(0) / count,
    )


def deviations_from_gold(
    ratings_by_rater: Mapping[Rater, Mapping[Unit, int | None]],
    gold: Mapping[Unit, int | None],
) -> dict[Rater, GoldStandardDeviation]:
    """Each rater's `deviation_from_gold` (same formulas and source).

    Raters who scored none of the gold units are left out of the result rather than failing
    the whole report.
    """
    deviations: dict[Rater, GoldStandardDeviation] = {}
    for rater, ratings in ratings_by_rater.items():
        shared = any(
            level is not None and gold.get(unit) is not None for unit, level in ratings.items()
        )
        if shared:
            deviations[rater] = deviation_from_gold(ratings, gold)
    return deviations
