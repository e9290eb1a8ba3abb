"""Intraclass correlations of Shrout & Fleiss (1979) for n subjects each scored by k raters.

Shrout, P. E. & Fleiss, J. L. (1979), "Intraclass correlations: uses in assessing rater
reliability", Psychological Bulletin 86(2): 420-428. All six estimators, the single-rater
forms ICC(1,1), ICC(2,1), ICC(3,1) and the average-of-k-raters forms ICC(1,k), ICC(2,k),
ICC(3,k), are ratios of the mean squares of the subjects x raters analysis of variance
(one observation per cell):

    BMS = k sum_i (mean_i. - mean)^2 / (n - 1)            between subjects (targets)
    JMS = n sum_j (mean_.j - mean)^2 / (k - 1)            between raters (judges)
    EMS = (SS_total - SS_subjects - SS_raters) / ((n - 1)(k - 1))    residual
    WMS = (SS_total - SS_subjects) / (n (k - 1))          within subjects (one-way)

computed here in exact rational arithmetic, so a zero denominator is exactly zero.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from math import isfinite

from app.review.agreement.ratings import ScoreMatrix, UndefinedAgreementError, require_units


@dataclass(frozen=True, slots=True)
class MeanSquares:
    subjects: int
    raters: int
    between_subjects: float
    """BMS."""
    between_raters: float
    """JMS."""
    residual: float
    """EMS."""
    within_subjects: float
    """WMS."""


@dataclass(frozen=True, slots=True)
class _ExactMeanSquares:
    subjects: int
    raters: int
    between_subjects: Fraction
    between_raters: Fraction
    residual: Fraction
    within_subjects: Fraction


def mean_squares(scores: ScoreMatrix) -> MeanSquares:
    """The two-way ANOVA mean squares BMS, JMS, EMS and WMS (formulas in the module doc)."""
    exact = _mean_squares(scores)
    return MeanSquares(
        subjects=exact.subjects,
        raters=exact.raters,
        between_subjects=float(exact.between_subjects),
        between_raters=float(exact.between_raters),
        residual=float(exact.residual),
        within_subjects=float(exact.within_subjects),
    )


def icc_1_1(scores: ScoreMatrix) -> float:
    """ICC(1,1), Shrout & Fleiss Case 1: each subject scored by different random raters.

        ICC(1,1) = (BMS - WMS) / (BMS + (k - 1) WMS)

    Raises ValueError on a matrix that is not complete and rectangular, or smaller than
    2 x 2; UndefinedAgreementError (a ValueError) when the denominator is zero (every score
    the same).
    """
    ms = _mean_squares(scores)
    numerator = ms.between_subjects - ms.within_subjects
    return _ratio(numerator, ms.between_subjects + (ms.raters - 1) * ms.within_subjects)


def icc_2_1(scores: ScoreMatrix) -> float:
    """ICC(2,1), Shrout & Fleiss Case 2: raters are a random sample; absolute agreement.

        ICC(2,1) = (BMS - EMS) / (BMS + (k - 1) EMS + k (JMS - EMS) / n)

    McGraw & Wong (1996) call it ICC(A,1). A rater who scores everyone one level higher
    lowers it. Raises as `icc_1_1` does.
    """
    ms = _mean_squares(scores)
    rater_term = ms.raters * (ms.between_raters - ms.residual) / ms.subjects
    denominator = ms.between_subjects + (ms.raters - 1) * ms.residual + rater_term
    return _ratio(ms.between_subjects - ms.residual, denominator)


def icc_3_1(scores: ScoreMatrix) -> float:
    """ICC(3,1), Shrout & Fleiss Case 3: these raters only (fixed); consistency.

        ICC(3,1) = (BMS - EMS) / (BMS + (k - 1) EMS)

    McGraw & Wong (1996) call it ICC(C,1). A constant offset between raters does not lower
    it. Raises as `icc_1_1` does.
    """
    ms = _mean_squares(scores)
    denominator = ms.between_subjects + (ms.raters - 1) * ms.residual
    return _ratio(ms.between_subjects - ms.residual, denominator)


def icc_1_k(scores: ScoreMatrix) -> float:
    """ICC(1,k): the reliability of the mean of k raters in Case 1 (different random raters).

        ICC(1,k) = (BMS - WMS) / BMS

    Shrout & Fleiss's Spearman-Brown step-up of ICC(1,1) to the mean of the k ratings.
    Raises as `icc_1_1` does (undefined when BMS = 0: every subject has the same mean).
    """
    ms = _mean_squares(scores)
    return _ratio(ms.between_subjects - ms.within_subjects, ms.between_subjects)


def icc_2_k(scores: ScoreMatrix) -> float:
    """ICC(2,k): the reliability of the mean of k random raters; absolute agreement.

        ICC(2,k) = (BMS - EMS) / (BMS + (JMS - EMS) / n)

    McGraw & Wong (1996) call it ICC(A,k). Raises as `icc_1_1` does.
    """
    ms = _mean_squares(scores)
    denominator = ms.between_subjects + (ms.between_raters - ms.residual) / ms.subjects
    return _ratio(ms.between_subjects - ms.residual, denominator)


def icc_3_k(scores: ScoreMatrix) -> float:
    """ICC(3,k): the reliability of the mean of these k raters (fixed); consistency.

        ICC(3,k) = (BMS - EMS) / BMS

    McGraw & Wong (1996) call it ICC(C,k); it equals Cronbach's alpha over the raters.
    Raises as `icc_1_1` does (undefined when BMS = 0).
    """
    ms = _mean_squares(scores)
    return _ratio(ms.between_subjects - ms.residual, ms.between_subjects)


def icc_1_1_unequal(units: Iterable[Iterable[float]]) -> float:
    """ICC(1,1) of units each scored by its own raters, as many as it got (two or more).

    Double coding gives each recording its own set of raters, the case ICC(1,1) models,
    and some recordings more ratings than others. The one-way analysis of variance with
    unequal group sizes (Snedecor & Cochran, Statistical Methods, 8th ed., 1989, 13.9;
    Donner (1986), "A review of inference procedures for the intraclass correlation
    coefficient in the one-way random effects model", International Statistical Review
    54(1): 67-82) replaces k by the weighted mean group size n0:

        N = sum_i n_i,   BMS = sum_i n_i (mean_i - mean)^2 / (a - 1),
        WMS = sum_i sum_j (x_ij - mean_i)^2 / (N - a),
        n0 = (N - sum_i n_i^2 / N) / (a - 1)
        ICC(1,1) = (BMS - WMS) / (BMS + (n0 - 1) WMS)

    over the a units with two ratings or more (the others are left out). With every unit
    scored by k raters, n0 = k and this is `icc_1_1`.

    Raises ValueError with fewer than 2 such units; UndefinedAgreementError when the
    denominator is zero.
    """
    groups = [[Fraction(score) for score in unit] for unit in units]
    groups = [group for group in groups if len(group) >= 2]
    require_units(len(groups), at_least=2, what="an intraclass correlation")
    count = sum(len(group) for group in groups)
    grand_mean = _total(score for group in groups for score in group) / count
    means = [_total(group) / len(group) for group in groups]
    between = _total(
        len(group) * (mean - grand_mean) ** 2 for group, mean in zip(groups, means, strict=True)
    ) / (len(groups) - 1)
    within = _total(
        (score - mean) ** 2 for group, mean in zip(groups, means, strict=True) for score in group
    ) / (count - len(groups))
    n0 = (count - Fraction(sum(len(group) ** 2 for group in groups), count)) / (len(groups) - 1)
    return _ratio(between - within, between + (n0 - 1) * within)


def _ratio(numerator: Fraction, denominator: Fraction) -> float:
    if denominator == 0:
        raise UndefinedAgreementError(
            "the intraclass correlation is undefined: its denominator is zero on these scores"
            " (e.g. every score is the same)"
        )
    return float(numerator / denominator)


def _exact_matrix(scores: ScoreMatrix) -> list[list[Fraction]]:
    require_units(len(scores), at_least=2, what="an intraclass correlation")
    raters = len(scores[0])
    if raters < 2:
        raise ValueError(f"an intraclass correlation needs at least 2 raters, got {raters}")
    if any(len(row) != raters for row in scores):
        raise ValueError("every subject must be scored by every rater (a rectangular matrix)")
    for row in scores:
        for score in row:
            if score is None or not isfinite(score):
                raise ValueError(f"the scores must be complete and finite, got {score!r}")
    return [[Fraction(score) for score in row] for row in scores]


def _mean_squares(scores: ScoreMatrix) -> _ExactMeanSquares:
    matrix = _exact_matrix(scores)
    subjects, raters = len(matrix), len(matrix[0])
    subject_means = [_total(row) / raters for row in matrix]
    rater_means = [_total(column) / subjects for column in zip(*matrix, strict=True)]
    grand_mean = _total(subject_means) / subjects
    total = _total((score - grand_mean) ** 2 for row in matrix for score in row)
    between_subjects = raters * _total((mean - grand_mean) ** 2 for mean in subject_means)
    between_raters = subjects * _total((mean - grand_mean) ** 2 for mean in rater_means)
    residual = total - between_subjects - between_raters
    return _ExactMeanSquares(
        subjects=subjects,
        raters=raters,
        between_subjects=between_subjects / (subjects - 1),
        between_raters=between_raters / (raters - 1),
        residual=residual / ((subjects - 1) * (raters - 1)),
        within_subjects=(total - between_subjects) / (subjects * (raters - 1)),
    )


def _total(values: Iterable[Fraction]) -> Fraction:
    return sum(values, Fraction())
