"""The fidelity rule, as pure arithmetic over a rubric version's criteria and one set of levels.

A rubric version chooses how its weighted percent is computed (`ScoringFormula`), over the
criteria that were scored (N/A criteria count in neither sum):

- percent of maximum points, the convention of most fidelity tools (and the default):

      weighted_percent = 100 * sum(weight * level) / sum(weight * scale_max)

  so "4 of 5" on every criterion is 80 %, as programme staff reading the scale expect;
- normalised, where the bottom of the scale counts as nothing:

      weighted_percent = 100 * sum(weight * (level - scale_min) / (scale_max - scale_min))
                               / sum(weight)

  so every criterion at the bottom of the scale gives 0 (on a 1-5 scale "4" is 75 %).

The two agree when the scale starts at 0. Either way every criterion at the top gives 100.
An observation meets fidelity when weighted_percent >= fidelity_threshold_percent and no
scored criterion is below its minimum level. Sums are exact (fractions of the decimal
weights), so a score that lands on the threshold is never lost to floating point rounding.
The PWA's live total (frontend/js/review/fidelity.js) is the same definition, held to it by
tests/rubric/test_scoring_shared.py over many random score sets.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Protocol


class ScoringFormula(StrEnum):
    percent_of_maximum = "percent_of_maximum"
    normalised = "normalised"


class ScoredCriterion(Protocol):
    """What scoring needs of a criterion; `RubricCriterion` rows fit."""

    code: str
    weight: float
    min_level: int | None
    na_allowed: bool


@dataclass(frozen=True)
class FidelityResult:
    weighted_percent: float | None
    """None when every criterion was N/A: there is nothing to score."""
    meets_fidelity: bool
    below_minimum: tuple[str, ...]
    """Codes of scored criteria under their minimum level, in rubric order."""


def score(
    criteria: Sequence[ScoredCriterion],
    *,
    scale_levels: Sequence[int],
    levels: Mapping[str, int | None],
    fidelity_threshold_percent: float,
    formula: ScoringFormula | str,
) -> FidelityResult:
    """Weighted percent and the fidelity rule for one set of levels (None is N/A).

    Every criterion needs an entry in `levels`, and only those; N/A only where allowed;
    levels within the scale. Anything else is a ValueError.
    """
    _check_levels(criteria, scale_levels, levels)
    # Each scored criterion earns weight x (level - floor) of weight x (top - floor).
    floor = min(scale_levels) if ScoringFormula(formula) == ScoringFormula.normalised else 0
    top = max(scale_levels)
    earned = total = Fraction(0)
    for criterion in criteria:
        level = levels[criterion.code]
        if level is None:
            continue
        weight = _decimal(criterion.weight)
        earned += weight * (level - floor)
        total += weight * (top - floor)
    if total == 0:
        return FidelityResult(None, False, ())
    percent = 100 * earned / total
    below = below_minimum(criteria, levels)
    meets = percent >= _decimal(fidelity_threshold_percent) and not below
    return FidelityResult(float(percent), meets, below)


def below_minimum(
    criteria: Sequence[ScoredCriterion], levels: Mapping[str, int | None]
) -> tuple[str, ...]:
    """Codes of the scored criteria under their minimum level, in rubric order: the half
    of the rule a stored verdict does not say (reading a page of observations asks only
    this, where the whole rule's exact fractions cost more than the rest of the page)."""
    return tuple(
        criterion.code
        for criterion in criteria
        if criterion.min_level is not None
        and (level := levels.get(criterion.code)) is not None
        and level < criterion.min_level
    )


def _decimal(value: float) -> Fraction:
    """0.1 as exactly 1/10, as the lead typed it, not as the nearest binary float."""
    return Fraction(repr(float(value)))


def _check_levels(
    criteria: Sequence[ScoredCriterion],
    scale_levels: Sequence[int],
    levels: Mapping[str, int | None],
) -> None:
    if len(scale_levels) < 2:
        raise ValueError("A scale has at least two levels.")
    codes = {criterion.code for criterion in criteria}
    unknown = sorted(set(levels) - codes)
    missing = sorted(codes - set(levels))
    if unknown or missing:
        raise ValueError(f"Levels do not match the criteria: unknown {unknown}, missing {missing}.")
    for criterion in criteria:
        level = levels[criterion.code]
        if level is None and not criterion.na_allowed:
            raise ValueError(f"{criterion.code} may not be marked N/A.")
        if level is not None and level not in scale_levels:
            raise ValueError(f"{criterion.code}: level {level} is not on the scale.")
