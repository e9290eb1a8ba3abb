"""Agreement statistics against published worked examples and independent implementations.

The reference packages (krippendorff, scikit-learn, pingouin) are dev dependencies only:
the app computes everything with the standard library.
"""

import math
import random
from collections.abc import Sequence

import krippendorff
import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pingouin  # type: ignore[import-untyped]
import pytest
from sklearn.metrics import cohen_kappa_score  # type: ignore[import-untyped]

from app.review.agreement import (
    AlphaMetric,
    KappaWeighting,
    RatingMatrix,
    UndefinedAgreementError,
    cohen_kappa,
    deviation_from_gold,
    deviations_from_gold,
    icc_1_1,
    icc_1_k,
    icc_2_1,
    icc_2_k,
    icc_3_1,
    icc_3_k,
    kappa_from_table,
    krippendorff_alpha,
    mean_squares,
    pairwise_agreement,
)

N = None
WEIGHTINGS: list[KappaWeighting] = ["unweighted", "linear", "quadratic"]

# Shrout & Fleiss (1979): 6 targets (rows) x 4 judges (columns), as reproduced in the
# `psych` R package (ICC example and tests/testthat/test_ICC.R).
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": observers A-D (rows)
# x 12 units (columns), None where an observer did not code the unit.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# Wikipedia, "Krippendorff's alpha", A computational example: coders A-C x 15 units.
WIKIPEDIA_ALPHA = [
    [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
    [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
    [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
]

# Two radiologists classify 85 xeromammograms as normal, benign, suspected cancer, cancer
# (Boyd et al. 1982, in Altman 1991, Practical Statistics for Medical Research, 403-405;
# Stata's rate.dta): rows radiologist A, columns radiologist B.
ALTMAN_RADIOLOGISTS = [[21, 12, 0, 0], [4, 17, 1, 0], [3, 9, 15, 2], [0, 0, 0, 1]]

# Kundel & Polansky (2003), "Measurement of observer agreement", Radiology 228: 303-308,
# Table A1: 110 mammograms, absent/minimal/moderate/severe (vcdExtra's `Mammograms`).
KUNDEL_POLANSKY = [[34, 10, 2, 0], [6, 8, 8, 2], [2, 5, 4, 12], [0, 1, 2, 14]]

# The `anxiety` data of R's irr package: 20 subjects x 3 raters on a 1-6 scale.
ANXIETY_RATER_2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
ANXIETY_RATER_3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]


def units_of(raters_by_units: Sequence[Sequence[int | None]]) -> list[list[int | None]]:
    """Transpose a raters x units table, as papers print them, to units x raters."""
    return [list(unit) for unit in zip(*raters_by_units, strict=True)]


def expand_table(table: Sequence[Sequence[int]], levels: Sequence[int]) -> tuple[list[int], ...]:
    """The two raters' level sequences behind an agreement table of counts."""
    first: list[int] = []
    second: list[int] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            first += [levels[i]] * count
            second += [levels[j]] * count
    return first, second


# Published worked examples


def test_shrout_fleiss_mean_squares_and_intraclass_correlations() -> None:
    squares = mean_squares(SHROUT_FLEISS)
    # Their analysis of variance: BMS 11.24, JMS 32.49, EMS 1.02, WMS 6.26.
    assert round(squares.between_subjects, 2) == 11.24
    assert round(squares.between_raters, 2) == 32.49
    assert round(squares.residual, 2) == 1.02
    assert round(squares.within_subjects, 2) == 6.26
    computed = {
        "ICC(1,1)": icc_1_1(SHROUT_FLEISS),
        "ICC(2,1)": icc_2_1(SHROUT_FLEISS),
        "ICC(3,1)": icc_3_1(SHROUT_FLEISS),
    }
    assert {name: round(value, 3) for name, value in computed.items()} == {
        "ICC(1,1)": 0.166,
        "ICC(2,1)": 0.290,
        "ICC(3,1)": 0.715,
    }
    # ...which round to the two decimals Shrout & Fleiss published.
    assert {name: round(value, 2) for name, value in computed.items()} == {
        "ICC(1,1)": 0.17,
        "ICC(2,1)": 0.29,
        "ICC(3,1)": 0.71,
    }


def test_shrout_fleiss_average_of_the_four_judges() -> None:
    computed = {
        "ICC(1,4)": icc_1_k(SHROUT_FLEISS),
        "ICC(2,4)": icc_2_k(SHROUT_FLEISS),
        "ICC(3,4)": icc_3_k(SHROUT_FLEISS),
    }
    assert {name: round(value, 3) for name, value in computed.items()} == {
        "ICC(1,4)": 0.443,
        "ICC(2,4)": 0.620,
        "ICC(3,4)": 0.909,
    }
    # ...which round to the two decimals Shrout & Fleiss published.
    assert {name: round(value, 2) for name, value in computed.items()} == {
        "ICC(1,4)": 0.44,
        "ICC(2,4)": 0.62,
        "ICC(3,4)": 0.91,
    }


@pytest.mark.parametrize(
    ("metric", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_worked_example(metric: AlphaMetric, published: float) -> None:
    result = krippendorff_alpha(units_of(KRIPPENDORFF_2011), metric=metric)

    assert round(result.value, 3) == published
    # Unit 12 has a single value: not pairable, so 11 units and n = 40 values count.
    assert (result.units, result.pairable_values) == (11, 40)


@pytest.mark.parametrize(("metric", "published"), [("nominal", 0.691), ("interval", 0.811)])
def test_wikipedia_worked_example(metric: AlphaMetric, published: float) -> None:
    result = krippendorff_alpha(units_of(WIKIPEDIA_ALPHA), metric=metric)

    assert round(result.value, 3) == published


def test_altman_radiologists_kappa_and_linear_weighted_kappa() -> None:
    # Stata [R] kappa on rate.dta: 63.53 % agreement, 30.82 % expected, kappa 0.4728;
    # wgt(w) linear weights: 86.67 %, 69.11 %, kappa 0.5684.
    unweighted = kappa_from_table(ALTMAN_RADIOLOGISTS)
    linear = kappa_from_table(ALTMAN_RADIOLOGISTS, weighting="linear")

    assert round(unweighted.value, 3) == 0.473
    assert round(unweighted.value, 4) == 0.4728
    assert (round(unweighted.observed_agreement, 4), round(unweighted.expected_agreement, 4)) == (
        0.6353,
        0.3082,
    )
    assert round(linear.value, 3) == 0.568
    assert round(linear.value, 4) == 0.5684
    assert (round(linear.observed_agreement, 4), round(linear.expected_agreement, 4)) == (
        0.8667,
        0.6911,
    )
    assert unweighted.units == 85


def test_kundel_polansky_mammograms_kappa_and_linear_weighted_kappa() -> None:
    # vcd::Kappa(Mammograms) as printed in vcdExtra's docs: 0.3713 and, with its default
    # equal-spacing (linear) weights, 0.5964.
    assert round(kappa_from_table(KUNDEL_POLANSKY).value, 3) == 0.371
    assert round(kappa_from_table(KUNDEL_POLANSKY, weighting="linear").value, 3) == 0.596


@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_kappa_from_ratings_equals_kappa_from_their_table(weighting: KappaWeighting) -> None:
    levels = [1, 2, 3, 4]
    first, second = expand_table(ALTMAN_RADIOLOGISTS, levels)

    from_ratings = cohen_kappa(first, second, levels=levels, weighting=weighting)

    assert from_ratings == kappa_from_table(ALTMAN_RADIOLOGISTS, weighting=weighting)


def test_an_unused_level_in_the_middle_of_the_scale_changes_weighted_kappa() -> None:
    # irr::kappa2(anxiety[, 2:3], "equal") = 0.1459075 and "squared" = 0.2520325 (R output
    # recorded in statsmodels' test_inter_rater.py): irr keeps only the levels that occur,
    # and nobody used level 5.
    levels_used = [1, 2, 3, 4, 6]
    linear = cohen_kappa(ANXIETY_RATER_2, ANXIETY_RATER_3, levels=levels_used, weighting="linear")
    quadratic = cohen_kappa(
        ANXIETY_RATER_2, ANXIETY_RATER_3, levels=levels_used, weighting="quadratic"
    )
    assert linear.value == pytest.approx(0.1459075, abs=5e-8)
    assert quadratic.value == pytest.approx(0.2520325, abs=5e-8)

    whole_scale = [1, 2, 3, 4, 5, 6]
    on_the_scale = cohen_kappa(
        ANXIETY_RATER_2, ANXIETY_RATER_3, levels=whole_scale, weighting="linear"
    )
    assert on_the_scale.value != pytest.approx(linear.value, abs=1e-3)
    reference = cohen_kappa_score(
        ANXIETY_RATER_2, ANXIETY_RATER_3, labels=whole_scale, weights="linear"
    )
    assert on_the_scale.value == pytest.approx(reference, abs=1e-12)


# Independent implementations on random ratings


def random_ratings(rng: random.Random, *, missing: bool) -> list[list[int | None]]:
    """A units x raters matrix of levels 1-5, with some ratings missing if asked."""
    units, raters = rng.randint(2, 25), rng.randint(2, 5)
    share_missing = rng.uniform(0.0, 0.5) if missing else 0.0
    top = rng.choice([3, 5])  # sometimes leave the upper levels unused
    return [
        [None if rng.random() < share_missing else rng.randint(1, top) for _ in range(raters)]
        for _ in range(units)
    ]


def reference_alpha(ratings: RatingMatrix, metric: AlphaMetric) -> float:
    by_rater = [[math.nan if level is None else level for level in unit] for unit in ratings]
    reliability_data = [list(rater) for rater in zip(*by_rater, strict=True)]
    value: float = krippendorff.alpha(
        reliability_data=reliability_data, level_of_measurement=metric
    )
    return value


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_the_krippendorff_package(metric: AlphaMetric) -> None:
    rng = random.Random(f"alpha-{metric}")
    compared = 0
    for _ in range(300):
        ratings = random_ratings(rng, missing=True)
        try:
            result = krippendorff_alpha(ratings, metric=metric)
        except ValueError:
            continue  # degenerate draws are tested on their own below
        assert result.value == pytest.approx(reference_alpha(ratings, metric), abs=1e-9)
        compared += 1
    assert compared > 250


@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_kappa_matches_scikit_learn(weighting: KappaWeighting) -> None:
    rng = random.Random(f"kappa-{weighting}")
    levels = [1, 2, 3, 4, 5]
    compared = 0
    for _ in range(300):
        size = rng.randint(2, 40)
        used = rng.sample(levels, rng.randint(1, 5))  # unused levels, even mid-scale
        first = [rng.choice(used) for _ in range(size)]
        second = [level if rng.random() < 0.5 else rng.choice(used) for level in first]
        if len(set(first) | set(second)) == 1:
            continue  # chance agreement is perfect: kappa is undefined (tested below)
        result = cohen_kappa(first, second, levels=levels, weighting=weighting)
        sklearn_weights = None if weighting == "unweighted" else weighting
        reference = cohen_kappa_score(first, second, labels=levels, weights=sklearn_weights)
        assert result.value == pytest.approx(reference, abs=1e-9)
        compared += 1
    assert compared > 200


# pingouin 0.7 calls DataFrame.dropna(inplace=True), which pandas 3.1 deprecates.
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.dropna:DeprecationWarning")
def test_intraclass_correlations_match_pingouin() -> None:
    rng = random.Random("icc")
    for _ in range(100):
        subjects, raters = rng.randint(2, 20), rng.randint(2, 5)
        if rng.random() < 0.5:
            scores: list[list[float]] = [
                [rng.randint(1, 5) for _ in range(raters)] for _ in range(subjects)
            ]
        else:
            scores = [[rng.gauss(3, 1) for _ in range(raters)] for _ in range(subjects)]
        long = pd.DataFrame(
            [(s, r, score) for s, row in enumerate(scores) for r, score in enumerate(row)],
            columns=["subject", "rater", "score"],
        )
        # Its average-rater forms divide by BMS, which some draws make 0; those are not ours.
        with np.errstate(divide="ignore", invalid="ignore"):
            table = pingouin.intraclass_corr(
                data=long, targets="subject", raters="rater", ratings="score"
            )
        # Rows 0-2 are ICC(1,1), ICC(2,1) = ICC(A,1) and ICC(3,1) = ICC(C,1).
        expected = table["ICC"].tolist()[:3]
        computed = [icc_1_1(scores), icc_2_1(scores), icc_3_1(scores)]
        assert computed == pytest.approx(expected, abs=1e-9)


@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.dropna:DeprecationWarning")
@pytest.mark.parametrize("seed", range(6))
def test_average_rater_intraclass_correlations_match_pingouin(seed: int) -> None:
    rng = random.Random(f"icc-k-{seed}")
    subjects, raters = rng.randint(5, 30), rng.randint(3, 8)
    if seed % 2:
        scores: list[list[float]] = [
            [rng.randint(1, 5) for _ in range(raters)] for _ in range(subjects)
        ]
    else:
        scores = [[rng.gauss(3, 1) for _ in range(raters)] for _ in range(subjects)]
    long = pd.DataFrame(
        [(s, r, score) for s, row in enumerate(scores) for r, score in enumerate(row)],
        columns=["subject", "rater", "score"],
    )
    table = pingouin.intraclass_corr(data=long, targets="subject", raters="rater", ratings="score")
    # pingouin 0.7 names them ICC(1,k), ICC(A,k) = ICC(2,k) and ICC(C,k) = ICC(3,k).
    expected = table.set_index("Type").loc[["ICC(1,k)", "ICC(A,k)", "ICC(C,k)"], "ICC"].tolist()

    computed = [icc_1_k(scores), icc_2_k(scores), icc_3_k(scores)]

    assert computed == pytest.approx(expected, abs=1e-9)


# Raw agreement and gold standard


def test_pairwise_agreement_counts_every_pair_of_raters_within_a_unit() -> None:
    ratings: list[list[int | None]] = [[3, 3], [2, 4], [1, 2, 2], [5, None], [None, None]]

    result = pairwise_agreement(ratings)

    # Pairs: (3,3) (2,4) (1,2) (1,2) (2,2); the last two units have no pair.
    assert result.pairs == 5
    assert result.exact == pytest.approx(2 / 5)
    assert result.adjacent == pytest.approx(4 / 5)
    assert pairwise_agreement(ratings, tolerance=2).adjacent == 1.0


def test_deviation_from_gold() -> None:
    gold = {"rec-1": 3, "rec-2": 4, "rec-3": 2, "rec-4": 5}
    coach = {"rec-1": 4, "rec-2": 4, "rec-3": 4, "rec-4": None, "rec-9": 1}

    result = deviation_from_gold(coach, gold)

    assert result.units == 3
    assert result.mean_signed_difference == pytest.approx(1.0)  # (1 + 0 + 2) / 3
    assert result.mean_absolute_difference == pytest.approx(1.0)
    assert result.exact_agreement == pytest.approx(1 / 3)


def test_deviations_from_gold_leave_out_raters_without_gold_units() -> None:
    gold = {"rec-1": 3, "rec-2": 4}
    ratings = {"coach": {"rec-1": 2, "rec-2": 3}, "coach2": {"rec-7": 3}}

    result = deviations_from_gold(ratings, gold)

    assert list(result) == ["coach"]
    assert result["coach"].mean_signed_difference == pytest.approx(-1.0)


def test_icc_2_1_counts_a_lenient_rater_and_icc_3_1_does_not() -> None:
    scores = [[1, 2], [2, 3], [3, 4], [4, 5]]  # the second rater is always one level up

    assert icc_3_1(scores) == pytest.approx(1.0)
    assert icc_2_1(scores) < 0.9


# Degenerate input


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pairwise_agreement([[1, None], [2]]), "at least 1 units"),
        (lambda: pairwise_agreement([[1, 2]], tolerance=-1), "tolerance"),
        (lambda: krippendorff_alpha([[1, 2], [3, None]]), "at least 2 units"),
        (lambda: krippendorff_alpha([[1, 2], [2, 1]], metric="cardinal"), "metric"),  # type: ignore[arg-type]
        (lambda: krippendorff_alpha([[1, -2], [2, 1]], metric="ratio"), "0 or more"),
        (lambda: cohen_kappa([1, 2], [1], levels=[1, 2]), "scored 2 and 1 units"),
        (lambda: cohen_kappa([1, 2], [1, 3], levels=[1, 2]), "level 3 is not on the scale"),
        (lambda: cohen_kappa([1, 2], [1, 2], levels=[2, 1]), "ascending"),
        (lambda: cohen_kappa([1, 2], [1, 2], levels=[1, 1, 2]), "distinct"),
        (lambda: cohen_kappa([1, 1], [1, 1], levels=[1]), "at least 2 levels"),
        (lambda: cohen_kappa([1, None], [1, 2], levels=[1, 2]), "at least 2 units"),
        (lambda: kappa_from_table([[1, 2]]), "square"),
        (lambda: icc_2_1([[1, 2]]), "at least 2 units"),
        (lambda: icc_2_1([[1], [2]]), "at least 2 raters"),
        (lambda: icc_2_1([[1, 2], [3]]), "rectangular"),
        (lambda: icc_2_1([[1, 2], [3, math.nan]]), "complete and finite"),
        (lambda: icc_2_1([[1, 2], [3, None]]), "complete and finite"),  # type: ignore[list-item]
        (lambda: icc_2_k([[1, 2], [3]]), "rectangular"),
        (lambda: deviation_from_gold({"a": 1}, {"b": 1}), "none of the units"),
    ],
)
def test_degenerate_input_is_refused(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    "call",
    [
        lambda: krippendorff_alpha([[4, 4], [4, 4, None], [None, 1]]),
        lambda: cohen_kappa([3, 3, 3], [3, 3, 3], levels=[1, 2, 3, 4, 5], weighting="linear"),
        lambda: icc_3_1([[2, 2], [2, 2], [2, 2]]),
        lambda: icc_2_1([[1, 2], [2, 1]]),  # 2 x 2 with no subject or rater effect
        lambda: icc_1_k([[1, 2], [2, 1], [1, 2]]),  # every subject has the same mean: BMS 0
        lambda: icc_3_k([[1, 2], [2, 1], [1, 2]]),
        lambda: krippendorff_alpha([[4, 4], [4, 4, None]], metric="ratio"),
    ],
)
def test_no_variation_means_the_coefficient_is_undefined(call: object) -> None:
    with pytest.raises(UndefinedAgreementError, match="undefined"):
        call()  # type: ignore[operator]


def test_one_constant_rater_gives_a_defined_kappa_of_zero() -> None:
    result = cohen_kappa([2, 2, 2, 2], [1, 2, 3, 2], levels=[1, 2, 3])

    assert result.value == 0.0
