"""The fidelity rule against hand-computed examples, in both of a rubric's scoring formulas."""

from dataclasses import dataclass

import pytest

from app.rubric.scoring import ScoringFormula, score

NORMALISED = ScoringFormula.normalised
OF_MAXIMUM = ScoringFormula.percent_of_maximum


@dataclass
class Criterion:
    code: str
    weight: float
    min_level: int | None = None
    na_allowed: bool = False


ONE_TO_FIVE = [1, 2, 3, 4, 5]
CRITERIA = [
    Criterion("A", 1, min_level=3),
    Criterion("B", 2),
    Criterion("C", 1, min_level=2, na_allowed=True),
]


def test_na_counts_in_neither_sum() -> None:
    # A: 1 * (5-1)/4 = 1; B: 2 * (4-1)/4 = 1.5; C is N/A. 2.5 / 3 = 83.33 %.
    result = score(
        CRITERIA,
        scale_levels=ONE_TO_FIVE,
        levels={"A": 5, "B": 4, "C": None},
        fidelity_threshold_percent=80,
        formula=NORMALISED,
    )
    assert result.weighted_percent == pytest.approx(250 / 3)
    assert result.meets_fidelity is True
    assert result.below_minimum == ()


def test_a_criterion_under_its_minimum_fails_fidelity_whatever_the_percent() -> None:
    # A: 1 * 1/4 = 0.25; B: 2 * 4/4 = 2; C: 1 * 4/4 = 1. 3.25 / 4 = 81.25 %, but A < 3.
    result = score(
        CRITERIA,
        scale_levels=ONE_TO_FIVE,
        levels={"A": 2, "B": 5, "C": 5},
        fidelity_threshold_percent=80,
        formula=NORMALISED,
    )
    assert result.weighted_percent == pytest.approx(81.25)
    assert result.meets_fidelity is False
    assert result.below_minimum == ("A",)


def test_below_threshold_fails() -> None:
    # Scale 0-3. A: 1 * 3/3; B: 2 * 1/3; C: 1 * 2/3. (1 + 2/3 + 2/3) / 4 = 58.33 %.
    result = score(
        CRITERIA,
        scale_levels=[0, 1, 2, 3],
        levels={"A": 3, "B": 1, "C": 2},
        fidelity_threshold_percent=60,
        formula=NORMALISED,
    )
    assert result.weighted_percent == pytest.approx(175 / 3)
    assert result.meets_fidelity is False
    assert result.below_minimum == ()


def test_a_score_exactly_on_the_threshold_meets_it() -> None:
    # Scale 0-1, weights 0.1, 0.2, 0.3: (0.1 + 0.2) / 0.6 is exactly 50 %.
    criteria = [Criterion("X", 0.1), Criterion("Y", 0.2), Criterion("Z", 0.3)]
    result = score(
        criteria,
        scale_levels=[0, 1],
        levels={"X": 1, "Y": 1, "Z": 0},
        fidelity_threshold_percent=50,
        formula=NORMALISED,
    )
    assert result.weighted_percent == 50.0
    assert result.meets_fidelity is True


def test_all_na_has_no_percent_and_does_not_meet_fidelity() -> None:
    criteria = [Criterion("A", 1, na_allowed=True)]
    result = score(
        criteria,
        scale_levels=ONE_TO_FIVE,
        levels={"A": None},
        fidelity_threshold_percent=0,
        formula=OF_MAXIMUM,
    )
    assert result.weighted_percent is None
    assert result.meets_fidelity is False


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ({"A": 3, "B": None, "C": 3}, "B may not be marked N/A"),
        ({"A": 3, "B": 6, "C": 3}, "level 6 is not on the scale"),
        ({"A": 3, "B": 3}, "missing ['C']"),
        ({"A": 3, "B": 3, "C": 3, "D": 1}, "unknown ['D']"),
    ],
)
def test_levels_that_do_not_fit_the_rubric_are_refused(
    levels: dict[str, int | None], message: str
) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        score(
            CRITERIA,
            scale_levels=ONE_TO_FIVE,
            levels=levels,
            fidelity_threshold_percent=80,
            formula=OF_MAXIMUM,
        )


def test_percent_of_maximum_is_points_over_the_top_points() -> None:
    # A: 1 * 4; B: 2 * 3; C is N/A. (4 + 6) / (1 * 5 + 2 * 5) = 10 / 15 = 66.67 %.
    result = score(
        CRITERIA,
        scale_levels=ONE_TO_FIVE,
        levels={"A": 4, "B": 3, "C": None},
        fidelity_threshold_percent=60,
        formula=OF_MAXIMUM,
    )
    assert result.weighted_percent == pytest.approx(200 / 3)
    assert result.meets_fidelity is True


@pytest.mark.parametrize(
    ("formula", "percent", "meets"), [(OF_MAXIMUM, 80, True), (NORMALISED, 75, False)]
)
def test_proficient_everywhere_meets_eighty_percent_only_as_percent_of_maximum(
    formula: ScoringFormula, percent: float, meets: bool
) -> None:
    # "Proficient", 4 of 5, on every criterion: what programme staff expect to meet 80 %.
    result = score(
        CRITERIA,
        scale_levels=ONE_TO_FIVE,
        levels={"A": 4, "B": 4, "C": 4},
        fidelity_threshold_percent=80,
        formula=formula,
    )
    assert result.weighted_percent == pytest.approx(percent)
    assert result.meets_fidelity is meets


def test_the_formulas_agree_on_a_scale_from_zero() -> None:
    levels = {"A": 3, "B": 1, "C": 2}
    results = [
        score(
            CRITERIA,
            scale_levels=[0, 1, 2, 3],
            levels=levels,
            fidelity_threshold_percent=60,
            formula=formula,
        )
        for formula in ScoringFormula
    ]
    assert results[0] == results[1]
    assert results[0].weighted_percent == pytest.approx(175 / 3)


def test_the_bottom_of_the_scale_still_earns_points_of_maximum() -> None:
    # Everything at 1 of 5: 20 % of the maximum points, but nothing in the normalised form.
    levels = {"A": 1, "B": 1, "C": 1}
    by_formula = {
        formula: score(
            CRITERIA,
            scale_levels=ONE_TO_FIVE,
            levels=levels,
            fidelity_threshold_percent=0,
            formula=formula,
        ).weighted_percent
        for formula in ScoringFormula
    }
    assert by_formula == {OF_MAXIMUM: pytest.approx(20), NORMALISED: 0}
