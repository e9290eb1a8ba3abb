"""Raw agreement: the share of rating pairs on the same level, or within one level."""

from dataclasses import dataclass
from itertools import combinations

from app.review.agreement.ratings import RatingMatrix, pairable_units, require_units


@dataclass(frozen=True, slots=True)
class PairwiseAgreement:
    pairs: int
    """Rating pairs compared: every pair of raters within each unit."""
    exact: float
    """Share of pairs on the same level, 0..1."""
    adjacent: float
    """Share of pairs at most `tolerance` levels apart (exact pairs included), 0..1."""


def pairwise_agreement(ratings: RatingMatrix, *, tolerance: int = 1) -> PairwiseAgreement:
    """Exact and adjacent agreement over all pairs of ratings of the same unit.

    Formula: a unit rated by m_u raters gives m_u (m_u - 1) / 2 pairs (x, y);

        exact    = #{pairs : x = y} / #pairs
        adjacent = #{pairs : |x - y| <= tolerance} / #pairs

    pooled over units, so a unit with more raters weighs more. With two raters this is the
    familiar percent agreement (as a proportion) and "adjacent agreement" of the consensus
    estimates in Stemler (2004), "A comparison of consensus, consistency, and measurement
    approaches to estimating interrater reliability", PARE 9(4). Levels are the integers of
    the rubric scale, so `tolerance=1` means neighbouring levels. Missing ratings (None) are
    skipped; not chance-corrected (see Cohen's kappa and Krippendorff's alpha for that).

    Raises ValueError when no unit has two ratings, or the tolerance is negative.
    """
    if tolerance < 0:
        raise ValueError(f"tolerance must be 0 or more levels, got {tolerance}")
    units = pairable_units(ratings)
    require_units(len(units), at_least=1, what="pairwise agreement (rated twice or more)")
    pairs = exact = adjacent = 0
    for levels in units:
        for first, second in combinations(levels, 2):
            pairs += 1
            exact += first == second
            adjacent += abs(first - second) <= tolerance
    return PairwiseAgreement(pairs=pairs, exact=exact / pairs, adjacent=adjacent / pairs)
