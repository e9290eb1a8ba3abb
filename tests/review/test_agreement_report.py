"""The agreement endpoint: which submitted observations it gathers and how it hands them
to the statistics (whose maths is tested in test_agreement.py)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Recording, Rubric
from app.models.base import utcnow
from app.review import agreement
from tests.factories import make_observation, make_programme, make_rubric_version
from tests.review.scoring_cast import CRITERIA, Cast, make_cast

# Levels per recording and rater (None: N/A); raters submitted in this order.
RATINGS: list[dict[str, dict[str, int | None]]] = [
    {"coach": {"A1": 5, "A2": 4, "A3": 3}, "second_rater": {"A1": 4, "A2": 4, "A3": 3}},
    {"coach": {"A1": 3, "A2": 2, "A3": 5}, "second_rater": {"A1": 3, "A2": 3, "A3": 5}},
    {
        "coach": {"A1": 2, "A2": 5, "A3": None},
        "second_rater": {"A1": 2, "A2": 5, "A3": 4},
        "coach2": {"A1": 1, "A2": 5, "A3": 4},
    },
    {"coach": {"A1": 4, "A2": 4, "A3": 4}},  # rated once: no pairs
]


@pytest.fixture
def cast(db: Session, client: TestClient) -> Cast:
    return make_cast(db, client)


def _double_coded(cast: Cast, gold_rater: str | None = None) -> list[Recording]:
    recordings = []
    moment = utcnow() - timedelta(days=30)
    for by_rater in RATINGS:
        recording = cast.new_recording()
        for rater, levels in by_rater.items():
            moment += timedelta(minutes=1)
            make_observation(
                cast.db,
                recording,
                cast.people[rater],
                cast.version,
                levels,
                submitted_at=moment,
                rater_role="primary" if rater == "coach" else "second",
                is_gold_standard=rater == gold_rater and len(recordings) < 2,
            )
        recordings.append(recording)
    return recordings


def _report(cast: Cast, who: str = "lead", **params: Any) -> Any:
    params = {"rubric_id": str(cast.version.rubric_id), **params}
    return cast.client.get(f"{cast.org_base}/agreement", params=params, headers=cast.auth(who))


def test_overall_agreement_over_the_double_coded_recordings(cast: Cast) -> None:
    _double_coded(cast)
    response = _report(cast)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["recordings"], report["observations"]) == (4, 8)
    assert report["scale_levels"] == [1, 2, 3, 4, 5]
    overall = report["overall"]
    assert overall["units"] == 9 and overall["raters"] == 3
    # 13 rating pairs, 9 on the same level, all within one level (counted by hand).
    assert overall["exact_agreement"]["value"] == pytest.approx(9 / 13)
    assert overall["adjacent_agreement"]["value"] == pytest.approx(1.0)
    units = [[5, 4], [4, 4], [3, 3], [3, 3], [2, 3], [5, 5], [2, 2, 1], [5, 5, 5], [4, 4], [4]]
    for metric in ("nominal", "ordinal", "interval", "ratio"):
        alpha = agreement.krippendorff_alpha(units, metric=metric).value
        assert overall[f"krippendorff_alpha_{metric}"]["value"] == pytest.approx(alpha)
    # Every rating counts, the third of a unit too: not the first two only.
    rated = [unit for unit in units if len(unit) >= 2]
    every_rating = agreement.icc_1_1_unequal(rated)
    assert overall["icc_1_1"]["value"] == pytest.approx(every_rating)
    assert every_rating != pytest.approx(agreement.icc_1_1([unit[:2] for unit in rated]))
    # Units have two or three ratings: Fleiss' kappa needs as many for each, and says so.
    assert overall["fleiss_kappa"]["value"] is None
    assert "same number of raters" in overall["fleiss_kappa"]["reason"]


def _pair(block: dict[str, Any], cast: Cast, a: str, b: str) -> dict[str, Any]:
    wanted = {cast.id(a), cast.id(b)}
    for pair in block["rater_pairs"]:
        if {pair["rater_a_user_id"], pair["rater_b_user_id"]} == wanted:
            return dict(pair)
    raise AssertionError(f"no pair {a}, {b}")


def test_kappa_and_icc_per_pair_of_raters(cast: Cast) -> None:
    _double_coded(cast)
    overall = _report(cast).json()["overall"]
    pair = _pair(overall, cast, "coach", "second_rater")
    coach = [5, 4, 3, 3, 2, 5, 2, 5]
    second = [4, 4, 3, 3, 3, 5, 2, 5]
    assert pair["units"] == 8
    for weighting in ("unweighted", "linear", "quadratic"):
        expected = agreement.cohen_kappa(coach, second, levels=[1, 2, 3, 4, 5], weighting=weighting)
        assert pair[f"kappa_{weighting}"]["value"] == pytest.approx(expected.value)
    scores = [[float(x), float(y)] for x, y in zip(coach, second, strict=True)]
    assert pair["icc_2_1"]["value"] == pytest.approx(agreement.icc_2_1(scores))
    small = _pair(overall, cast, "coach", "coach2")
    assert small["units"] == 2
    assert small["exact_agreement"]["value"] == pytest.approx(0.5)


def test_per_criterion_agreement(cast: Cast) -> None:
    _double_coded(cast)
    criteria = _report(cast).json()["criteria"]
    assert [c["code"] for c in criteria] == ["A1", "A2", "A3"]
    a2 = criteria[1]
    assert a2["title"] == "Criterion A2" and a2["units"] == 3
    assert a2["exact_agreement"]["value"] == pytest.approx(4 / 5)
    a3 = criteria[2]
    # A3: (3, 3), (5, 5) and (4, 4) once the coach's N/A is left out.
    assert a3["exact_agreement"]["value"] == 1.0
    coach_pair = _pair(a3, cast, "second_rater", "coach2")
    assert coach_pair["units"] == 1
    assert coach_pair["kappa_linear"]["value"] is None
    assert "at least 2 units" in coach_pair["kappa_linear"]["reason"]


def test_deviation_from_gold_standard(cast: Cast) -> None:
    _double_coded(cast, gold_rater="second_rater")
    deviations = _report(cast).json()["gold_standard_deviations"]
    assert [d["rater_user_id"] for d in deviations] == [cast.id("coach")]
    coach = deviations[0]
    assert coach["units"] == 6
    assert coach["mean_signed_difference"] == pytest.approx(0)
    assert coach["mean_absolute_difference"] == pytest.approx(2 / 6)
    assert coach["exact_agreement"] == pytest.approx(4 / 6)


def test_narrowed_to_recordings_or_a_period(cast: Cast) -> None:
    recordings = _double_coded(cast)
    chosen = _report(cast, recording_id=[str(recordings[0].id), str(recordings[1].id)]).json()
    assert chosen["recordings"] == 2 and chosen["overall"]["units"] == 6
    january = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)  # 23:30 UTC is still the 15th in London
    recordings[2].recorded_at = january
    cast.db.add(recordings[2])
    cast.db.commit()
    period = _report(cast, **{"from": "2026-01-01", "to": "2026-01-15"}).json()
    assert period["recordings"] == 1 and period["overall"]["units"] == 3
    assert period["period_from"] == "2026-01-01"
    before = _report(cast, **{"from": "2026-01-01", "to": "2026-01-14"}).json()
    assert before["recordings"] == 0
    assert before["overall"]["exact_agreement"]["value"] is None
    assert before["overall"]["exact_agreement"]["reason"]
    backwards = _report(cast, **{"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 422


def test_drafts_are_not_gathered(cast: Cast) -> None:
    recording = cast.new_recording()
    make_observation(cast.db, recording, cast.people["coach"], cast.version, {"A1": 3})
    make_observation(cast.db, recording, cast.people["coach2"], cast.version, {"A1": 3})
    report = _report(cast).json()
    assert report["observations"] == 0 and report["overall"]["units"] == 0


def test_versions_with_different_scales_must_be_chosen(cast: Cast, db: Session) -> None:
    _double_coded(cast)
    rubric = db.get(Rubric, cast.version.rubric_id)
    other = make_rubric_version(
        db, cast.organisation, cast.programme, *CRITERIA, levels=(0, 1, 2, 3), rubric=rubric
    )
    make_observation(
        db,
        cast.new_recording(),
        cast.people["coach"],
        other,
        {"A1": 0, "A2": 0, "A3": 0},
        submitted_at=utcnow(),
    )
    mixed = _report(cast)
    assert mixed.status_code == 409 and mixed.json()["error"]["code"] == "mixed_scales"
    chosen = _report(cast, rubric_version_id=str(cast.version.id))
    assert chosen.status_code == 200 and chosen.json()["observations"] == 8
    elsewhere = make_rubric_version(db, cast.organisation, cast.programme, *CRITERIA)
    wrong = _report(cast, rubric_version_id=str(elsewhere.id))
    assert wrong.status_code == 422


def test_only_leads_see_agreement(cast: Cast) -> None:
    _double_coded(cast)
    for who in ("coach", "second_rater", "supervisor", "owner"):
        assert _report(cast, who).status_code == 403, who
    assert _report(cast, "outsider").status_code == 404
    foreign = make_rubric_version(
        cast.db, cast.elsewhere, make_programme(cast.db, cast.elsewhere), *CRITERIA
    )
    response = cast.client.get(
        f"{cast.org_base}/agreement",
        params={"rubric_id": str(foreign.rubric_id)},
        headers=cast.auth("lead"),
    )
    assert response.status_code == 404
