"""The input shapes every agreement statistic takes, and the checks they share."""

from collections.abc import Sequence
from typing import TypeAlias

RatingMatrix: TypeAlias = Sequence[Sequence[int | None]]
"""Units x raters: row u holds the levels given to unit u (a recording scored on one
criterion), None where a rater did not score it. Rater identity does not matter to the
statistics that take this shape, so rows may differ in length."""

ScoreMatrix: TypeAlias = Sequence[Sequence[float]]
"""Subjects x raters, complete and rectangular: every rater scored every subject."""


class UndefinedAgreementError(ValueError):
    """The statistic is 0/0 on this data, so no value is returned.

    Chance-corrected coefficients divide by the disagreement expected by chance. When the
    ratings show no variation at all (every pairable rating is the same level), that
    expected disagreement is zero: agreement is perfect but, with nothing to tell apart,
    says nothing about the raters, and the coefficient is undefined. Callers report "not
    computable" rather than a number.
    """


def pairable_units(ratings: RatingMatrix) -> list[list[int]]:
    """The units scored by at least two raters, each as its list of present levels."""
    present = [[level for level in row if level is not None] for row in ratings]
    return [levels for levels in present if len(levels) >= 2]


def level_ranks(levels: Sequence[int]) -> dict[int, int]:
    """Map each level of an ordered scale to its position 0..k-1, refusing a bad scale."""
    if len(levels) < 2:
        raise ValueError(f"a rating scale needs at least 2 levels, got {list(levels)}")
    if len(set(levels)) != len(levels):
        raise ValueError(f"the scale levels must be distinct, got {list(levels)}")
    if list(levels) != sorted(levels):
        raise ValueError(f"the scale levels must be in ascending order, got {list(levels)}")
    return {level: rank for rank, level in enumerate(levels)}


def require_units(count: int, *, at_least: int, what: str) -> None:
    """Refuse data with too few units for `what` to mean anything."""
    if count < at_least:
        raise ValueError(f"{what} needs at least {at_least} units, got {count}")
