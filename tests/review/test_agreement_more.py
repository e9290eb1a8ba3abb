"""Agreement among more than two raters: Fleiss' kappa, and Cohen's kappa for every pair.

Checked against the published worked example and independent implementations (statsmodels,
which pingouin depends on, the krippendorff package and scikit-learn), tests only.
"""

import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score  # type: ignore[import-untyped]
from statsmodels.stats import inter_rater  # type: ignore[import-untyped]

from app.review.agreement import (
    KappaWeighting,
    UndefinedAgreementError,
    cohen_kappa,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    icc_1_1,
    icc_1_1_unequal,
    pairwise_kappas,
)

N = None
LEVELS = [1, 2, 3, 4, 5]

# Wikipedia, "Fleiss' kappa", Worked example: 10 subjects (rows) x 5 categories, counts of
# the 14 raters who assigned each subject to each category.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def ratings_behind(counts: list[list[int]], categories: list[int]) -> list[list[int | None]]:
    """One subject x raters row per counts row: each category repeated by its count."""
    return [
        [category for category, count in zip(categories, row, strict=True) for _ in range(count)]
        for row in counts
    ]


# Fleiss' kappa


def test_wikipedia_fleiss_kappa_worked_example() -> None:
    result = fleiss_kappa_from_counts(WIKIPEDIA_FLEISS)

    # Published: P = 0.378, P_e = 0.213, kappa = 0.210.
    assert round(result.value, 3) == 0.210
    assert round(result.observed_agreement, 3) == 0.378
    assert round(result.expected_agreement, 3) == 0.213
    assert (result.subjects, result.raters_per_subject) == (10, 14)


def test_fleiss_kappa_from_ratings_equals_kappa_from_their_counts() -> None:
    ratings = ratings_behind(WIKIPEDIA_FLEISS, LEVELS)

    assert fleiss_kappa(ratings, categories=LEVELS) == fleiss_kappa_from_counts(WIKIPEDIA_FLEISS)


def test_fleiss_kappa_drops_missing_ratings() -> None:
    with_gaps: list[list[int | None]] = [[1, N, 2], [N, 2, 2], [3, 3, N]]
    complete: list[list[int | None]] = [[1, 2], [2, 2], [3, 3]]

    result = fleiss_kappa(with_gaps, categories=[1, 2, 3])

    assert result == fleiss_kappa(complete, categories=[1, 2, 3])
    assert result.raters_per_subject == 2


def test_fleiss_kappa_matches_statsmodels_and_krippendorff() -> None:
    rng = random.Random("fleiss")
    compared = 0
    for _ in range(200):
        subjects, raters = rng.randint(1, 30), rng.randint(2, 8)
        top = rng.choice([2, 3, 5])
        ratings: list[list[int | None]] = [
            [rng.randint(1, top) for _ in range(raters)] for _ in range(subjects)
        ]
        try:
            result = fleiss_kappa(ratings, categories=LEVELS)
        except UndefinedAgreementError:
            continue  # one category only: tested below
        counts, _ = inter_rater.aggregate_raters(np.array(ratings))
        assert result.value == pytest.approx(inter_rater.fleiss_kappa(counts), abs=1e-9)
        # With m ratings on each of N subjects, nominal alpha = 1 - (1 - kappa)(Nm - 1)/(Nm):
        # the same observed disagreement, and chance disagreement without replacement.
        if subjects >= 2:
            values = subjects * raters
            alpha = krippendorff.alpha(
                reliability_data=np.array(ratings, dtype=float).T,
                level_of_measurement="nominal",
            )
            assert 1 - (1 - result.value) * (values - 1) / values == pytest.approx(alpha, abs=1e-9)
        compared += 1
    assert compared > 180


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fleiss_kappa_from_counts([]), "at least 1 units"),
        (lambda: fleiss_kappa_from_counts([[1, 0], [0, 1]]), "at least 2 raters"),
        (lambda: fleiss_kappa_from_counts([[2, 1], [1, 1]]), "same number of raters"),
        (lambda: fleiss_kappa_from_counts([[2, 1], [3]]), "every category"),
        (lambda: fleiss_kappa_from_counts([[4, -1], [2, 1]]), "negative"),
        (lambda: fleiss_kappa([[1, 2], [1, N]], categories=[1, 2]), "same number of raters"),
        (lambda: fleiss_kappa([[1, 3], [1, 2]], categories=[1, 2]), "level 3 is not among"),
        (lambda: fleiss_kappa([[1, 1], [1, 1]], categories=[1]), "2 or more distinct"),
        (lambda: fleiss_kappa([[1, 1], [1, 1]], categories=[1, 1]), "2 or more distinct"),
    ],
)
def test_degenerate_input_to_fleiss_kappa_is_refused(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


def test_everyone_in_one_category_leaves_fleiss_kappa_undefined() -> None:
    with pytest.raises(UndefinedAgreementError, match="undefined"):
        fleiss_kappa([[3, 3, 3], [3, 3, 3]], categories=LEVELS)


# Cohen's kappa for every pair of raters


@pytest.mark.parametrize("weighting", ["unweighted", "linear", "quadratic"])
def test_pairwise_kappas_match_scikit_learn_for_every_pair(weighting: KappaWeighting) -> None:
    rng = random.Random(f"pairwise-{weighting}")
    truth = [rng.randint(1, 5) for _ in range(40)]
    ratings: list[list[int | None]] = [
        [
            None if rng.random() < 0.2 else level if rng.random() < 0.6 else rng.randint(1, 5)
            for _ in range(4)
        ]
        for level in truth
    ]

    kappas = pairwise_kappas(ratings, levels=LEVELS, weighting=weighting)

    assert list(kappas) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    sklearn_weights = None if weighting == "unweighted" else weighting
    for (a, b), result in kappas.items():
        shared = [(x[a], x[b]) for x in ratings if x[a] is not None and x[b] is not None]
        first, second = zip(*shared, strict=True)
        reference = cohen_kappa_score(first, second, labels=LEVELS, weights=sklearn_weights)
        assert result.value == pytest.approx(reference, abs=1e-9)
        assert result.units == len(shared)
        assert result.weighting == weighting


def test_pairwise_kappas_leave_out_pairs_without_a_kappa() -> None:
    ratings: list[list[int | None]] = [
        [1, 2, 2, N],
        [2, 2, 2, 3],
        [3, 2, 2, N],
        [3, 2, 2, N],
    ]

    kappas = pairwise_kappas(ratings, levels=LEVELS, weighting="linear")

    # Raters 1 and 2 always gave the same one level (chance agreement between them is
    # perfect, so their kappa is 0/0) and rater 3 shares one unit with each other rater:
    # only rater 0 with rater 1 or 2 has a kappa, which is 0 against a constant rater.
    assert list(kappas) == [(0, 1), (0, 2)]
    rater_0_and_1 = cohen_kappa([1, 2, 3, 3], [2, 2, 2, 2], levels=LEVELS, weighting="linear")
    assert kappas[0, 1] == rater_0_and_1
    assert kappas[0, 1].value == kappas[0, 2].value == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pairwise_kappas([[1, 2, 3]], levels=LEVELS), "at least 2 units"),
        (lambda: pairwise_kappas([[1], [2]], levels=LEVELS), "at least 2 raters"),
        (lambda: pairwise_kappas([[1, 2, 3], [1, 2]], levels=LEVELS), "rectangular"),
        (lambda: pairwise_kappas([[1, 2], [1, 6]], levels=LEVELS), "level 6 is not on the scale"),
        (lambda: pairwise_kappas([[1, 2], [1, 2]], levels=[2, 1]), "ascending"),
    ],
)
def test_degenerate_input_to_pairwise_kappas_is_refused(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


def test_a_level_off_the_scale_is_refused_even_where_no_pair_compares_it() -> None:
    # Rater 2 scored one unit only, so no pair uses its 9; the matrix is still wrong.
    with pytest.raises(ValueError, match="level 9 is not on the scale"):
        pairwise_kappas([[1, 2, N], [2, 1, 9], [1, 1, N]], levels=LEVELS)


# ICC(1,1) when units have different numbers of ratings


def test_unequal_icc_equals_icc_1_1_when_every_unit_has_as_many_ratings() -> None:
    shrout_fleiss = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9]]

    assert icc_1_1_unequal(shrout_fleiss) == pytest.approx(icc_1_1(shrout_fleiss), abs=1e-12)


def test_unequal_icc_by_hand() -> None:
    # Units [1, 2], [3, 3, 4], [5, 5], [2, 1, 1, 2]: N = 11, a = 4, grand mean 29/11.
    # BMS = 20.3788 / 3 = 6.7929; WMS = 2.1667 / 7 = 0.3095; n0 = (11 - 33/11) / 3 = 8/3.
    # ICC = (6.7929 - 0.3095) / (6.7929 + (5/3) 0.3095) = 0.8871.
    units = [[1, 2], [3, 3, 4], [5, 5], [2, 1, 1, 2], [4]]  # the last, rated once, is left out

    assert round(icc_1_1_unequal(units), 4) == 0.8871


def test_unequal_icc_needs_two_units_rated_twice() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        icc_1_1_unequal([[1, 2], [3]])
    with pytest.raises(UndefinedAgreementError):
        icc_1_1_unequal([[3, 3], [3, 3, 3]])
