"""Fleiss' kappa: chance-corrected agreement of any number of raters on nominal categories.

Fleiss, J. L. (1971), "Measuring nominal scale agreement among many raters", Psychological
Bulletin 76(5): 378-382. Each of N subjects is rated by the same number m >= 2 of raters,
not necessarily the same people (a calibration session where every coach scores the same
master recording, one subject per criterion). With n_ij the raters who put subject i in
category j:

    p_j   = sum_i n_ij / (N m)                              share of all ratings in j
    P_i   = (sum_j n_ij^2 - m) / (m (m - 1))                agreeing rater pairs in subject i
    P     = (1 / N) sum_i P_i                               observed agreement
    P_e   = sum_j p_j^2                                     agreement expected by chance
    kappa = (P - P_e) / (1 - P_e)

Categories are nominal: unlike weighted Cohen's kappa, a near miss counts as a miss, and a
category nobody used adds nothing. Computed in exact rational arithmetic.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from app.review.agreement.ratings import RatingMatrix, UndefinedAgreementError, require_units


@dataclass(frozen=True, slots=True)
class FleissKappaResult:
    value: float
    """Kappa: 1 is perfect agreement, 0 chance agreement, below 0 worse than chance."""
    observed_agreement: float
    """P: the mean share of agreeing rater pairs per subject, 0..1."""
    expected_agreement: float
    """P_e: the agreement expected by chance from the category shares, 0..1."""
    subjects: int
    raters_per_subject: int


def fleiss_kappa(ratings: RatingMatrix, *, categories: Sequence[int]) -> FleissKappaResult:
    """Fleiss' kappa of subjects x raters levels, every subject rated by the same number.

    `ratings[i]` holds the levels the raters gave subject i; None (a rater who did not
    score it) is dropped, and every subject must then have the same number of ratings.
    `categories` lists the levels allowed. See `fleiss_kappa_from_counts` for the formula.

    Raises ValueError on a level outside the categories, fewer than 2 distinct categories,
    subjects rated by different numbers of raters, and as `fleiss_kappa_from_counts` does.
    """
    if len(set(categories)) != len(categories) or len(categories) < 2:
        raise ValueError(f"Fleiss' kappa needs 2 or more distinct categories, got {categories}")
    column = {category: index for index, category in enumerate(categories)}
    counts = []
    for levels in ratings:
        row = [0] * len(categories)
        for level in levels:
            if level is None:
                continue
            if level not in column:
                raise ValueError(f"level {level} is not among the categories {list(categories)}")
            row[column[level]] += 1
        counts.append(row)
    return fleiss_kappa_from_counts(counts)


def fleiss_kappa_from_counts(counts: Sequence[Sequence[int]]) -> FleissKappaResult:
    """Fleiss' kappa from a subjects x categories table: counts[i][j] raters put i in j.

    Formula and source in the module doc; statsmodels' `fleiss_kappa(table)` computes the
    same in floating point.

    Raises ValueError when there are no subjects, the rows differ in length or in total
    (raters per subject), fewer than 2 raters rate each subject, or a count is negative;
    UndefinedAgreementError (a ValueError) when every rating is in one category, so
    chance agreement is already perfect (P_e = 1) and kappa is 0/0.
    """
    require_units(len(counts), at_least=1, what="Fleiss' kappa")
    if any(len(row) != len(counts[0]) for row in counts):
        raise ValueError("every subject must have a count for every category")
    if any(count < 0 for row in counts for count in row):
        raise ValueError("the category counts must not be negative")
    raters = {sum(row) for row in counts}
    if len(raters) != 1:
        raise ValueError(f"every subject needs the same number of raters, got {sorted(raters)}")
    (m,) = raters
    if m < 2:
        raise ValueError(f"Fleiss' kappa needs at least 2 raters per subject, got {m}")
    subjects = len(counts)
    pairs_agreeing = sum(count * (count - 1) for row in counts for count in row)
    observed = Fraction(pairs_agreeing, subjects * m * (m - 1))
    category_totals = [sum(column) for column in zip(*counts, strict=True)]
    expected = Fraction(sum(total * total for total in category_totals), (subjects * m) ** 2)
    if expected == 1:
        raise UndefinedAgreementError(
            "Fleiss' kappa is undefined: every rating is in the same category"
        )
    return FleissKappaResult(
        value=float((observed - expected) / (1 - expected)),
        observed_agreement=float(observed),
        expected_agreement=float(expected),
        subjects=subjects,
        raters_per_subject=m,
    )
