"""The PWA's live total (frontend/js/review/fidelity.js, run by Node) and the server's
scoring (app/rubric/scoring.py) are one definition: over thousands of random rubrics and
score sets, in both formulas, they give the same percent and the same verdict. Thresholds
are often set to land exactly on the percent, where floating point would part them."""

import json
import random
import shutil
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from app.rubric.scoring import ScoringFormula, score

FIDELITY_JS = Path(__file__).parents[2] / "frontend" / "js" / "review" / "fidelity.js"
CASES = 3000
# Node reads the cases on stdin and prints liveScore's answer for each.
RUN_LIVE_SCORE = f"""
import {{ liveScore }} from {json.dumps(FIDELITY_JS.as_uri())};
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {{
  const answers = JSON.parse(input).map(({{ version, levels }}) => {{
    const result = liveScore(version, new Map(Object.entries(levels)));
    return {{ percent: result.percent, meets: result.meets, below: result.belowMinimum,
              complete: result.complete, scored: result.scored }};
  }});
  process.stdout.write(JSON.stringify(answers));
}});
"""


@dataclass
class Criterion:
    code: str
    weight: float
    min_level: int | None
    na_allowed: bool


def random_case(rng: random.Random) -> dict[str, Any]:
    lowest = rng.choice([0, 1, 2])
    steps = list(range(lowest, lowest + rng.randint(2, 7)))
    criteria = [
        Criterion(
            code=f"C{n}",
            weight=rng.choice([1, 2, 0.5, 0.1, 0.2, 0.3, 1.25, 2.75, 3.3, 0.05]),
            min_level=rng.choice([None, None, rng.choice(steps)]),
            na_allowed=rng.random() < 0.3,
        )
        for n in range(rng.randint(1, 12))
    ]
    levels: dict[str, int | None] = {
        c.code: None if c.na_allowed and rng.random() < 0.25 else rng.choice(steps)
        for c in criteria
    }
    formula = rng.choice(list(ScoringFormula))
    threshold = rng.choice([50, 60, 75, 80, 85.5, 90])
    exact = score(
        criteria,
        scale_levels=steps,
        levels=levels,
        fidelity_threshold_percent=0,
        formula=formula,
    ).weighted_percent
    if exact is not None and rng.random() < 0.4:
        # On the threshold itself, when it is a decimal a lead could type.
        as_fraction = Fraction(exact).limit_denominator(1000)
        if as_fraction.denominator in (1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100):
            threshold = float(as_fraction)
    return {
        "criteria": criteria,
        "steps": steps,
        "levels": levels,
        "formula": formula,
        "threshold": threshold,
    }


def as_version(case: dict[str, Any]) -> dict[str, Any]:
    """The version as the API gives it to the PWA."""
    return {
        "scale": [{"level": level, "label": f"L{level}"} for level in case["steps"]],
        "fidelity_threshold_percent": case["threshold"],
        "scoring_formula": str(case["formula"]),
        "criteria": [
            {"code": c.code, "weight": c.weight, "min_level": c.min_level} for c in case["criteria"]
        ],
    }


def live_scores(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    assert node is not None, "Node runs the PWA's scoring (installed by `make system-deps`)"
    batch = [
        {
            "version": as_version(case),
            "levels": {
                code: "na" if level is None else level for code, level in case["levels"].items()
            },
        }
        for case in cases
    ]
    finished = subprocess.run(
        [node, "--input-type=module", "-e", RUN_LIVE_SCORE],
        input=json.dumps(batch),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answers: list[dict[str, Any]] = json.loads(finished.stdout)
    return answers


@pytest.mark.parametrize("seed", [1, 2])
def test_the_pwa_scores_every_random_set_as_the_server_does(seed: int) -> None:
    rng = random.Random(seed)
    cases = [random_case(rng) for _ in range(CASES)]
    answers = live_scores(cases)
    on_threshold = 0
    for case, live in zip(cases, answers, strict=True):
        server = score(
            case["criteria"],
            scale_levels=case["steps"],
            levels=case["levels"],
            fidelity_threshold_percent=case["threshold"],
            formula=case["formula"],
        )
        assert live["complete"] is True
        if server.weighted_percent is None:
            assert live["percent"] is None, case
        else:
            assert live["percent"] == pytest.approx(server.weighted_percent, abs=1e-9), case
            on_threshold += server.weighted_percent == case["threshold"]
        assert live["meets"] is server.meets_fidelity, case
        assert tuple(live["below"]) == server.below_minimum, case
    # The hard cases were really there.
    assert on_threshold > CASES // 20


def test_a_partial_score_has_no_verdict_in_the_pwa() -> None:
    """Two of three criteria at the top: 100 % so far, but no "meets" until all are scored."""
    criteria = [Criterion(f"C{n}", 1, None, False) for n in range(3)]
    case = {
        "criteria": criteria,
        "steps": [1, 2, 3, 4, 5],
        "levels": {"C0": 5, "C1": 5},
        "formula": ScoringFormula.percent_of_maximum,
        "threshold": 80,
    }
    [live] = live_scores([case])
    assert (live["percent"], live["scored"], live["complete"], live["meets"]) == (
        100,
        2,
        False,
        False,
    )
