"""Krippendorff's alpha for any number of raters, with missing ratings.

Krippendorff, K. (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School
for Communication, University of Pennsylvania (also Krippendorff 2004/2019, "Content
Analysis: An Introduction to Its Methodology", chapter on reliability). This module follows
its coincidence-matrix formulation for data with missing values.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate
from typing import Literal, get_args

from app.review.agreement.ratings import (
    RatingMatrix,
    UndefinedAgreementError,
    pairable_units,
    require_units,
)

AlphaMetric = Literal["nominal", "ordinal", "interval", "ratio"]


@dataclass(frozen=True, slots=True)
class AlphaResult:
    value: float
    """Alpha: 1 is perfect reliability, 0 agreement at chance level, below 0 systematic
    disagreement."""
    observed_disagreement: float
    """D_o."""
    expected_disagreement: float
    """D_e, the disagreement expected by chance."""
    pairable_values: int
    """n: the ratings of units that two or more raters scored."""
    units: int
    """The units that two or more raters scored; the others do not count."""
    metric: AlphaMetric


def krippendorff_alpha(ratings: RatingMatrix, *, metric: AlphaMetric = "ordinal") -> AlphaResult:
    """Krippendorff's alpha of units x raters levels, None where a rater did not score.

    Formula (Krippendorff 2011): only units u with m_u >= 2 ratings are pairable. The
    coincidence matrix counts, within each unit, the ordered pairs of ratings of different
    raters, each unit weighted 1 / (m_u - 1):

        o_ck = sum_u (number of c-k pairs in u) / (m_u - 1),   n_c = sum_k o_ck,   n = sum_c n_c
        D_o  = (1 / n) sum_c sum_k o_ck delta^2_ck
        D_e  = 1 / (n (n - 1)) sum_c sum_k n_c n_k delta^2_ck
        alpha = 1 - D_o / D_e

    with the metric differences of the paper's table: nominal delta^2 = 0 if c = k else 1;
    interval delta^2 = (c - k)^2; ordinal delta^2 = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2,
    which ranks the levels by how often they were used (a level nobody used adds nothing);
    ratio delta^2 = ((c - k) / (c + k))^2, for levels measured from an absolute zero, where
    a difference matters less between large levels (0 when c = k = 0). Computed in exact
    rational arithmetic.

    Raises ValueError when fewer than 2 units are scored by two or more raters (alpha is
    then 0 or undefined by construction), the metric is unknown, or the ratio metric meets
    a negative level. When every pairable rating is the same level, D_e = 0 and alpha is
    0/0: raises UndefinedAgreementError, a ValueError, rather than returning 1 or NaN.
    """
    if metric not in get_args(AlphaMetric):
        raise ValueError(f"metric must be nominal, ordinal, interval or ratio, got {metric!r}")
    units = pairable_units(ratings)
    require_units(len(units), at_least=2, what="Krippendorff's alpha (rated twice or more)")
    totals = Counter(level for levels in units for level in levels)
    if len(totals) < 2:
        raise UndefinedAgreementError(
            "Krippendorff's alpha is undefined: every pairable rating is the same level"
        )
    if metric == "ratio" and min(totals) < 0:
        raise ValueError(f"the ratio metric needs levels of 0 or more, got {min(totals)}")
    delta = _differences(metric, totals)
    n = sum(totals.values())
    coincidences = _coincidences(units)
    observed = sum((count * delta(c, k) for (c, k), count in coincidences.items()), Fraction())
    observed /= n
    expected = sum(
        (totals[c] * totals[k] * delta(c, k) for c in totals for k in totals), Fraction()
    )
    expected /= n * (n - 1)
    return AlphaResult(
        value=float(1 - observed / expected),
        observed_disagreement=float(observed),
        expected_disagreement=float(expected),
        pairable_values=n,
        units=len(units),
        metric=metric,
    )


def _coincidences(units: list[list[int]]) -> dict[tuple[int, int], Fraction]:
    matrix: dict[tuple[int, int], Fraction] = defaultdict(Fraction)
    for levels in units:
        counts = Counter(levels)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    matrix[c, k] += Fraction(pairs, len(levels) - 1)
    return dict(matrix)


def _differences(metric: AlphaMetric, totals: Counter[int]) -> Callable[[int, int], Fraction]:
    if metric == "nominal":
        return lambda c, k: Fraction(int(c != k))
    if metric == "interval":
        return lambda c, k: Fraction((c - k) ** 2)
    if metric == "ratio":
        return lambda c, k: Fraction(c - k, c + k) ** 2 if c != k else Fraction()
    return _ordinal_differences(totals)


def _ordinal_differences(totals: Counter[int]) -> Callable[[int, int], Fraction]:
    levels = sorted(totals)
    # cumulative[g] = n of all levels up to and including g
    cumulative = dict(zip(levels, accumulate(totals[level] for level in levels), strict=True))

    def delta(c: int, k: int) -> Fraction:
        low, high = min(c, k), max(c, k)
        from_low_to_high = cumulative[high] - cumulative[low] + totals[low]
        return (from_low_to_high - Fraction(totals[c] + totals[k], 2)) ** 2

    return delta
