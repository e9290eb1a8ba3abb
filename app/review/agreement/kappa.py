"""Cohen's kappa for two raters, unweighted or with linear or quadratic weights, and for
every pair of raters when more than two scored the same units."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Literal

from app.review.agreement.ratings import (
    RatingMatrix,
    UndefinedAgreementError,
    level_ranks,
    require_units,
)

KappaWeighting = Literal["unweighted", "linear", "quadratic"]


@dataclass(frozen=True, slots=True)
class KappaResult:
    value: float
    """Kappa: 1 is perfect agreement, 0 chance agreement, below 0 worse than chance."""
    observed_agreement: float
    """p_o(w): the weighted proportion of agreement observed, 0..1."""
    expected_agreement: float
    """p_e(w): the weighted proportion of agreement expected by chance, 0..1."""
    units: int
    """Units scored by both raters."""
    weighting: KappaWeighting


def cohen_kappa(
    first: Sequence[int | None],
    second: Sequence[int | None],
    *,
    levels: Sequence[int],
    weighting: KappaWeighting = "unweighted",
) -> KappaResult:
    """Cohen's kappa of two raters' levels for the same units, on an explicit scale.

    `first[u]` and `second[u]` are the two raters' levels for unit u; units where either
    is None are left out. `levels` is the whole ordered scale (e.g. 1..5): the weights
    depend on the distance between positions on it, so a level neither rater used still
    counts. See `kappa_from_table` for the formula and its sources.

    Raises ValueError on sequences of different lengths, fewer than 2 units scored by
    both, or a level outside the scale; UndefinedAgreementError (a ValueError) when both
    raters gave every unit the same single level, so chance agreement is already perfect.
    """
    if len(first) != len(second):
        raise ValueError(f"the two raters scored {len(first)} and {len(second)} units")
    ranks = level_ranks(levels)
    table = [[0] * len(levels) for _ in levels]
    for level_first, level_second in zip(first, second, strict=True):
        if level_first is None or level_second is None:
            continue
        for level in (level_first, level_second):
            if level not in ranks:
                raise ValueError(f"level {level} is not on the scale {list(levels)}")
        table[ranks[level_first]][ranks[level_second]] += 1
    return kappa_from_table(table, weighting=weighting)


def pairwise_kappas(
    ratings: RatingMatrix,
    *,
    levels: Sequence[int],
    weighting: KappaWeighting = "unweighted",
) -> dict[tuple[int, int], KappaResult]:
    """`cohen_kappa` of every pair of raters of a units x raters matrix.

    Column r of `ratings` is rater r, None where that rater did not score the unit. The
    key (a, b), a < b, names the pair by column; each pair is compared on the units both
    scored. Cohen's kappa is a two-rater statistic, so with m raters this gives the
    m (m - 1) / 2 values a calibration report shows pair by pair (Fleiss' kappa and
    Krippendorff's alpha summarise all raters at once).

    A pair that shares fewer than 2 units, or whose kappa is undefined (both gave every
    shared unit the same level), is left out rather than failing the whole report, as
    `deviations_from_gold` leaves out raters; callers show it as not computable.

    Raises ValueError when rows differ in length (the column is the rater), on fewer than
    2 units or 2 raters, and on a bad scale or a level outside it.
    """
    columns = _rater_columns(ratings, levels)
    kappas: dict[tuple[int, int], KappaResult] = {}
    for a, b in combinations(range(len(columns)), 2):
        pairs = zip(columns[a], columns[b], strict=True)
        if sum(x is not None and y is not None for x, y in pairs) < 2:
            continue
        try:
            kappas[a, b] = cohen_kappa(columns[a], columns[b], levels=levels, weighting=weighting)
        except UndefinedAgreementError:
            continue
    return kappas


def _rater_columns(ratings: RatingMatrix, levels: Sequence[int]) -> list[tuple[int | None, ...]]:
    require_units(len(ratings), at_least=2, what="Cohen's kappa")
    widths = {len(row) for row in ratings}
    if len(widths) != 1:
        raise ValueError("every unit needs a column per rater (a rectangular matrix)")
    (raters,) = widths
    if raters < 2:
        raise ValueError(f"Cohen's kappa needs at least 2 raters, got {raters}")
    ranks = level_ranks(levels)
    for level in (level for row in ratings for level in row if level is not None):
        if level not in ranks:
            raise ValueError(f"level {level} is not on the scale {list(levels)}")
    return list(zip(*ratings, strict=True))


def kappa_from_table(
    table: Sequence[Sequence[int]], *, weighting: KappaWeighting = "unweighted"
) -> KappaResult:
    """Cohen's kappa from a k x k agreement table of unit counts.

    table[i][j] counts the units one rater scored at the i-th level of the ordered scale
    and the other at the j-th. With disagreement weights v_ij = [i != j]
    (unweighted, Cohen 1960), |i - j| (linear) or (i - j)^2 (quadratic), and the
    proportions p_ij = n_ij / N with marginals p_i., p_.j:

        kappa_w = 1 - sum_ij v_ij p_ij / sum_ij v_ij p_i. p_.j

    which is Cohen (1968), "Weighted kappa", Psychological Bulletin 70(4): 213-220.
    Written with agreement weights w_ij = 1 - v_ij / max(v) it is the form of Fleiss,
    Cohen & Everitt (1969), Psychological Bulletin 72(5): 323-327,

        kappa_w = (p_o(w) - p_e(w)) / (1 - p_e(w)),
        p_o(w) = sum_ij w_ij p_ij,   p_e(w) = sum_ij w_ij p_i. p_.j

    whose linear weights 1 - |i - j| / (k - 1) are Cicchetti & Allison's (1971) and
    quadratic weights 1 - (i - j)^2 / (k - 1)^2 are Fleiss & Cohen's (1973); the result
    reports p_o(w) and p_e(w). Computed exactly on the integer counts.

    Raises ValueError on a table that is not square, has fewer than 2 levels or negative
    counts, or holds fewer than 2 units; UndefinedAgreementError when p_e(w) = 1.
    """
    size = len(table)
    if size < 2 or any(len(row) != size for row in table):
        raise ValueError("the agreement table must be square, with at least 2 levels")
    if any(count < 0 for row in table for count in row):
        raise ValueError("the agreement table holds negative counts")
    units = sum(map(sum, table))
    require_units(units, at_least=2, what="Cohen's kappa")
    weight = _disagreement_weight(weighting)
    row_totals = [sum(row) for row in table]
    column_totals = [sum(column) for column in zip(*table, strict=True)]
    cells = [(i, j) for i in range(size) for j in range(size)]
    observed = sum(weight(i, j) * table[i][j] for i, j in cells)
    expected = sum(weight(i, j) * row_totals[i] * column_totals[j] for i, j in cells)
    if expected == 0:
        raise UndefinedAgreementError(
            "Cohen's kappa is undefined: both raters gave every unit the same level"
        )
    largest = weight(0, size - 1)
    return KappaResult(
        value=float(1 - Fraction(units * observed, expected)),
        observed_agreement=float(1 - Fraction(observed, units * largest)),
        expected_agreement=float(1 - Fraction(expected, units * units * largest)),
        units=units,
        weighting=weighting,
    )


def _disagreement_weight(weighting: KappaWeighting) -> Callable[[int, int], int]:
    if weighting == "unweighted":
        return lambda i, j: int(i != j)
    if weighting == "linear":
        return lambda i, j: abs(i - j)
    if weighting == "quadratic":
        return lambda i, j: (i - j) ** 2
    raise ValueError(f"weighting must be unweighted, linear or quadratic, got {weighting!r}")
