"""Calibration exercises through the API: set-up and its refusals, blind scoring, closing,
and results equal to published reference values and to independent implementations."""

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest
from fastapi.testclient import TestClient
from sklearn.metrics import cohen_kappa_score  # type: ignore[import-untyped]
from sqlmodel import Session, func, select
from statsmodels.stats import inter_rater  # type: ignore[import-untyped]

from app.models import (
    CalibrationExercise,
    ConsentRecord,
    Observation,
    Organisation,
    Programme,
    Recording,
    Role,
    RubricVersion,
    User,
)
from app.models.base import utcnow
from app.models.rubric import RubricStatus
from tests.factories import (
    assign,
    make_observation,
    make_organisation,
    make_programme,
    make_ready_recording,
    make_rubric_version,
    make_user,
    token_for,
)
from tests.review.test_agreement import KRIPPENDORFF_2011, SHROUT_FLEISS
from tests.review.test_agreement_more import WIKIPEDIA_FLEISS, ratings_behind

API = "/api/v1"


@dataclass
class Scene:
    client: TestClient
    db: Session
    organisation: Organisation
    programme: Programme
    recording: Recording
    lead: User
    practitioner: User
    own_coach: User
    raters: list[User]
    _headers: dict[uuid.UUID, dict[str, str]] = field(default_factory=dict)

    def auth(self, user: User) -> dict[str, str]:
        if user.id not in self._headers:
            self._headers[user.id] = token_for(self.client, user)
        return self._headers[user.id]

    def rubric(self, criteria: int, levels: tuple[int, ...]) -> RubricVersion:
        return make_rubric_version(
            self.db,
            self.organisation,
            self.programme,
            *({"code": f"C{n}", "na_allowed": True} for n in range(1, criteria + 1)),
            levels=levels,
        )

    def create(self, version: RubricVersion, **overrides: Any) -> Any:
        body = {
            "title": "Spring calibration",
            "recording_id": str(self.recording.id),
            "rubric_version_id": str(version.id),
            "rater_user_ids": [str(rater.id) for rater in self.raters],
            **overrides,
        }
        return self.client.post(
            f"{API}/organisations/{self.organisation.id}/calibration-exercises",
            json=body,
            headers=self.auth(self.lead),
        )

    def score(self, exercise_id: str, rater: User, levels: list[int | None]) -> Any:
        """Begin, save and submit one rater's scores (None: not applicable)."""
        begun = self.client.post(
            f"{API}/calibration-exercises/{exercise_id}/observation", headers=self.auth(rater)
        )
        assert begun.status_code == 200, begun.text
        observation_id = begun.json()["id"]
        scores = [
            {"code": f"C{n}", "level": level, "not_applicable": level is None}
            for n, level in enumerate(levels, start=1)
        ]
        saved = self.client.patch(
            f"{API}/observations/{observation_id}",
            json={"scores": scores},
            headers=self.auth(rater),
        )
        assert saved.status_code == 200, saved.text
        return self.client.post(
            f"{API}/observations/{observation_id}/submit", headers=self.auth(rater)
        )

    def results(self, exercise_id: str, reader: User) -> Any:
        return self.client.get(
            f"{API}/calibration-exercises/{exercise_id}/results", headers=self.auth(reader)
        )


def _scene(db: Session, client: TestClient, *, raters: int, scope: str) -> Scene:
    organisation = make_organisation(db)
    programme = make_programme(db, organisation)
    lead = make_user(db, organisation, Role.lead)
    practitioner = make_user(db, organisation, Role.practitioner)
    own_coach = make_user(db, organisation, Role.coach)
    assign(db, organisation, own_coach, practitioner)
    recording = make_ready_recording(db, organisation, practitioner, programme=programme)
    db.add(
        ConsentRecord(
            organisation_id=organisation.id,
            recording_id=recording.id,
            obtained_by_user_id=practitioner.id,
            obtained_at=utcnow(),
            method="written",
            scope=scope,
        )
    )
    db.commit()
    people = [make_user(db, organisation, Role.coach) for _ in range(raters)]
    return Scene(
        client, db, organisation, programme, recording, lead, practitioner, own_coach, people
    )


@pytest.fixture
def scene(db: Session, client: TestClient) -> Scene:
    return _scene(db, client, raters=3, scope="coaching_and_training")


def _run(scene: Scene, version: RubricVersion, by_rater: list[list[int | None]]) -> dict[str, Any]:
    """Every rater scores (column r of by_rater's rows is rater r); the results as the lead
    reads them, with the raters' ids in column order."""
    created = scene.create(version)
    assert created.status_code == 201, created.text
    exercise_id = created.json()["id"]
    for column, rater in enumerate(scene.raters):
        submitted = scene.score(exercise_id, rater, [row[column] for row in by_rater])
        assert submitted.status_code == 200, submitted.text
    results = scene.results(exercise_id, scene.lead)
    assert results.status_code == 200, results.text
    return results.json()


ICC_FORMS = ("icc_1_1", "icc_2_1", "icc_3_1", "icc_1_k", "icc_2_k", "icc_3_k")
# pingouin 0.7 calls DataFrame.dropna(inplace=True), which pandas 3.1 deprecates.
PINGOUIN_WARNING = "ignore:The inplace keyword in DataFrame.dropna:DeprecationWarning"


def _pingouin_iccs(rows: list[list[int | None]]) -> dict[str, float]:
    """pingouin's six ICCs, in its row order: (1,1), (A,1), (C,1), (1,k), (A,k), (C,k)."""
    data = pd.DataFrame(
        [(t, j, level) for t, row in enumerate(rows) for j, level in enumerate(row)],
        columns=["target", "judge", "level"],
    )
    table = pingouin.intraclass_corr(data, targets="target", raters="judge", ratings="level")
    return {name: round(value, 3) for name, value in zip(ICC_FORMS, table["ICC"], strict=True)}


def _value(statistic: dict[str, Any]) -> float:
    assert statistic["value"] is not None, statistic["reason"]
    return round(statistic["value"], 3)


# Reference values through the API


@pytest.mark.filterwarnings(PINGOUIN_WARNING)
def test_shrout_and_fleiss_six_targets_four_judges(db: Session, client: TestClient) -> None:
    scene = _scene(db, client, raters=4, scope="coaching_and_training")
    version = scene.rubric(criteria=6, levels=tuple(range(1, 11)))

    overall = _run(scene, version, SHROUT_FLEISS)["overall"]

    published = {"icc_1_1": 0.17, "icc_2_1": 0.29, "icc_3_1": 0.71}
    published |= {"icc_1_k": 0.44, "icc_2_k": 0.62, "icc_3_k": 0.91}
    assert {name: round(overall[name]["value"], 2) for name in published} == published
    assert {name: _value(overall[name]) for name in ICC_FORMS} == _pingouin_iccs(
        [list(row) for row in SHROUT_FLEISS]
    )
    assert (overall["units"], overall["complete_units"], overall["raters"]) == (6, 6, 4)


def test_krippendorff_2011_four_observers_twelve_units_with_missing_values(
    db: Session, client: TestClient
) -> None:
    scene = _scene(db, client, raters=4, scope="coaching_and_training")
    version = scene.rubric(criteria=12, levels=(1, 2, 3, 4, 5))
    units = [list(unit) for unit in zip(*KRIPPENDORFF_2011, strict=True)]

    overall = _run(scene, version, units)["overall"]

    assert {
        metric: _value(overall[f"krippendorff_alpha_{metric}"])
        for metric in ("nominal", "ordinal", "interval", "ratio")
    } == {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}
    # Unit 12 has one rating only: eleven are pairable, eight (2 to 9) scored by all four.
    assert (overall["units"], overall["complete_units"]) == (11, 8)


def test_fleiss_worked_example_fourteen_raters(db: Session, client: TestClient) -> None:
    scene = _scene(db, client, raters=14, scope="coaching_and_training")
    version = scene.rubric(criteria=10, levels=(1, 2, 3, 4, 5))
    units = ratings_behind(WIKIPEDIA_FLEISS, [1, 2, 3, 4, 5])

    overall = _run(scene, version, units)["overall"]

    assert _value(overall["fleiss_kappa"]) == 0.210


@pytest.mark.filterwarnings(PINGOUIN_WARNING)
def test_six_raters_equal_independent_implementations(db: Session, client: TestClient) -> None:
    scene = _scene(db, client, raters=6, scope="coaching_and_training")
    version = scene.rubric(criteria=10, levels=(1, 2, 3, 4, 5))
    chance = random.Random(20261202)
    truth = [chance.randint(1, 5) for _ in range(10)]
    units: list[list[int | None]] = [
        [min(5, max(1, level + chance.choice((-1, 0, 0, 1)))) for _ in range(6)] for level in truth
    ]
    units[3][2] = None  # one N/A: alpha and kappa use it, the complete-matrix figures not

    results = _run(scene, version, units)
    overall = results["overall"]

    raters = [str(rater.id) for rater in scene.raters]
    complete = [row for row in units if None not in row]
    counts, _ = inter_rater.aggregate_raters(np.array(complete))
    assert _value(overall["fleiss_kappa"]) == round(inter_rater.fleiss_kappa(counts), 3)
    reliability = np.array(
        [[np.nan if level is None else level for level in row] for row in units], dtype=float
    ).T
    for metric in ("nominal", "ordinal", "interval", "ratio"):
        expected = krippendorff.alpha(reliability_data=reliability, level_of_measurement=metric)
        assert _value(overall[f"krippendorff_alpha_{metric}"]) == round(expected, 3), metric
    assert {name: _value(overall[name]) for name in ICC_FORMS} == _pingouin_iccs(complete)
    assert len(overall["rater_pairs"]) == 15
    for pair in overall["rater_pairs"]:
        a, b = raters.index(pair["rater_a_user_id"]), raters.index(pair["rater_b_user_id"])
        both = [(row[a], row[b]) for row in units if row[a] is not None and row[b] is not None]
        first, second = [x for x, _ in both], [y for _, y in both]
        for weighting, sklearn_weights in (
            ("unweighted", None),
            ("linear", "linear"),
            ("quadratic", "quadratic"),
        ):
            expected = cohen_kappa_score(
                first, second, labels=[1, 2, 3, 4, 5], weights=sklearn_weights
            )
            assert _value(pair[f"kappa_{weighting}"]) == round(expected, 3), weighting
        assert pair["units"] == len(both)
        assert _value(pair["exact_agreement"]) == round(sum(x == y for x, y in both) / len(both), 3)


# Set-up and its refusals


def _exercises(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(CalibrationExercise)).one()


def test_refusals_name_the_field_and_write_nothing(db: Session, client: TestClient) -> None:
    scene = _scene(db, client, raters=2, scope="coaching")
    version = scene.rubric(criteria=2, levels=(1, 2, 3))
    elsewhere = make_organisation(db)
    stranger = make_user(db, elsewhere, Role.coach)

    no_training = scene.create(version)
    assert no_training.status_code == 409
    assert no_training.json()["error"]["code"] == "consent_excludes_training"
    assert no_training.json()["error"]["fields"][0]["field"] == "recording_id"

    consent = db.exec(
        select(ConsentRecord).where(ConsentRecord.recording_id == scene.recording.id)
    ).one()
    consent.scope = "coaching_and_training"
    db.add(consent)
    db.commit()
    outsider = scene.create(version, rater_user_ids=[str(scene.raters[0].id), str(stranger.id)])
    practitioner = scene.create(
        version, rater_user_ids=[str(scene.raters[0].id), str(scene.practitioner.id)]
    )
    one_rater = scene.create(version, rater_user_ids=[str(scene.raters[0].id)] * 2)
    for refused, code in ((outsider, "invalid_rater"), (practitioner, "invalid_rater")):
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == code
        assert refused.json()["error"]["fields"][0]["field"] == "rater_user_ids"
    assert one_rater.status_code == 422
    assert one_rater.json()["error"]["fields"][0]["field"] == "rater_user_ids"

    other_recording = make_ready_recording(db, scene.organisation, scene.practitioner)
    gold_elsewhere = make_observation(
        db, other_recording, scene.own_coach, version, {"C1": 2, "C2": 2}, submitted_at=utcnow()
    )
    wrong_gold = scene.create(version, gold_observation_id=str(gold_elsewhere.id))
    assert wrong_gold.status_code == 422
    assert wrong_gold.json()["error"]["fields"][0]["field"] == "gold_observation_id"

    version.status = RubricStatus.retired
    db.add(version)
    db.commit()
    retired = scene.create(version)
    assert retired.status_code == 409
    assert retired.json()["error"]["fields"][0]["field"] == "rubric_version_id"

    coach_tries = client.post(
        f"{API}/organisations/{scene.organisation.id}/calibration-exercises",
        json={
            "title": "x",
            "recording_id": str(scene.recording.id),
            "rubric_version_id": str(version.id),
            "rater_user_ids": [str(r.id) for r in scene.raters],
        },
        headers=scene.auth(scene.raters[0]),
    )
    assert coach_tries.status_code == 403
    assert _exercises(db) == 0


# Blind scoring, closing and who reads what


def test_raters_score_blind_and_the_last_submission_closes(scene: Scene) -> None:
    version = scene.rubric(criteria=3, levels=(1, 2, 3, 4, 5))
    gold = make_observation(
        scene.db,
        scene.recording,
        scene.own_coach,
        version,
        {"C1": 4, "C2": 3, "C3": 5},
        submitted_at=utcnow(),
        is_gold_standard=True,
    )
    created = scene.create(version, gold_observation_id=str(gold.id))
    exercise_id = created.json()["id"]
    first, second, third = scene.raters

    assert scene.score(exercise_id, first, [4, 3, 4]).status_code == 200
    # Submitted, but still blind while the exercise is open: not even the gold shows.
    seen = scene.client.get(
        f"{API}/recordings/{scene.recording.id}/observations", headers=scene.auth(first)
    ).json()
    assert [row["rater_user_id"] for row in seen] == [str(first.id)]
    assert scene.results(exercise_id, scene.lead).json()["error"]["code"] == "calibration_open"
    progress = scene.client.get(
        f"{API}/calibration-exercises/{exercise_id}", headers=scene.auth(first)
    ).json()
    assert {r["user_id"]: r["submitted"] for r in progress["raters"]} == {
        str(first.id): True,
        str(second.id): False,
        str(third.id): False,
    }

    assert scene.score(exercise_id, second, [5, 3, 5]).status_code == 200
    assert scene.score(exercise_id, third, [3, 2, 5]).status_code == 200

    closed = scene.client.get(
        f"{API}/calibration-exercises/{exercise_id}", headers=scene.auth(scene.lead)
    ).json()
    assert closed["status"] == "closed"
    as_lead = scene.results(exercise_id, scene.lead).json()
    deviations = {row["rater_user_id"]: row for row in as_lead["gold_standard_deviations"]}
    assert deviations[str(first.id)]["mean_signed_difference"] == pytest.approx(-1 / 3)
    assert deviations[str(second.id)]["mean_absolute_difference"] == pytest.approx(1 / 3)
    assert deviations[str(third.id)]["exact_agreement"] == pytest.approx(1 / 3)
    assert [c["gold_level"] for c in as_lead["criteria"]] == [4, 3, 5]
    # C2: levels 3, 3, 2 give pairs (3,3) (3,2) (3,2): one exact, all three adjacent.
    c2 = as_lead["criteria"][1]
    assert (c2["exact_agreement"]["value"], c2["adjacent_agreement"]["value"]) == (
        pytest.approx(1 / 3),
        1.0,
    )

    as_rater = scene.results(exercise_id, first).json()
    assert [row["rater_user_id"] for row in as_rater["gold_standard_deviations"]] == [str(first.id)]
    assert {level["rater_user_id"] for c in as_rater["criteria"] for level in c["levels"]} == {
        str(first.id)
    }
    assert as_rater["overall"] == {
        **as_lead["overall"],
        "rater_pairs": [
            pair
            for pair in as_lead["overall"]["rater_pairs"]
            if str(first.id) in (pair["rater_a_user_id"], pair["rater_b_user_id"])
        ],
    }


def test_calibration_scores_are_not_feedback_and_do_not_count(scene: Scene) -> None:
    version = scene.rubric(criteria=2, levels=(1, 2, 3))
    exercise_id = scene.create(version).json()["id"]
    for rater in scene.raters:
        assert scene.score(exercise_id, rater, [3, 3]).status_code == 200

    for reader in (scene.practitioner, scene.own_coach):
        listed = scene.client.get(
            f"{API}/recordings/{scene.recording.id}/observations", headers=scene.auth(reader)
        ).json()
        assert listed == []
    scene.db.expire_all()
    counted = scene.db.exec(
        select(func.count()).where(
            Observation.recording_id == scene.recording.id, Observation.counts_for_fidelity
        )
    ).one()
    assert counted == 0


def test_calibration_scores_stay_out_of_fidelity_where_second_ratings_are_feedback(
    scene: Scene,
) -> None:
    # The programme's setting makes second raters' scores feedback; calibration raters are
    # no second raters: the practitioner whose session is the master recording (and their
    # coach) must not read the raters' scores as their own fidelity, open or closed.
    settings = (
        f"{API}/organisations/{scene.organisation.id}/programmes/{scene.programme.id}"
        "/review-settings"
    )
    changed = scene.client.patch(
        settings, json={"second_ratings_are_feedback": True}, headers=scene.auth(scene.lead)
    )
    assert changed.status_code == 200, changed.text
    version = scene.rubric(criteria=2, levels=(1, 2, 3))
    exercise_id = scene.create(version).json()["id"]
    first, *others = scene.raters
    assert scene.score(exercise_id, first, [1, 1]).status_code == 200
    fidelity = f"{API}/organisations/{scene.organisation.id}/fidelity"
    for reader in (scene.practitioner, scene.own_coach):
        assert scene.client.get(fidelity, headers=scene.auth(reader)).json() == []
    for rater in others:
        assert scene.score(exercise_id, rater, [1, 1]).status_code == 200
    for reader in (scene.practitioner, scene.own_coach):
        assert scene.client.get(fidelity, headers=scene.auth(reader)).json() == []


def test_closing_needs_two_submissions_and_then_stops_scoring(scene: Scene) -> None:
    version = scene.rubric(criteria=2, levels=(1, 2, 3))
    exercise_id = scene.create(version).json()["id"]
    first, second, third = scene.raters
    close = f"{API}/calibration-exercises/{exercise_id}/close"

    assert scene.score(exercise_id, first, [1, 2]).status_code == 200
    too_early = scene.client.post(close, headers=scene.auth(scene.lead))
    assert too_early.status_code == 409
    assert too_early.json()["error"]["code"] == "too_few_ratings"
    assert scene.client.post(close, headers=scene.auth(first)).status_code == 403

    begun = scene.client.post(
        f"{API}/calibration-exercises/{exercise_id}/observation", headers=scene.auth(third)
    ).json()
    assert scene.score(exercise_id, second, [2, 2]).status_code == 200
    closed = scene.client.post(close, headers=scene.auth(scene.lead))
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"

    late = scene.client.post(f"{API}/observations/{begun['id']}/submit", headers=scene.auth(third))
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "calibration_closed"
    results = scene.results(exercise_id, scene.lead).json()
    assert results["submitted_raters"] == 2


def test_a_rubric_version_retired_meanwhile_refuses_submission(scene: Scene) -> None:
    version = scene.rubric(criteria=2, levels=(1, 2, 3))
    exercise_id = scene.create(version).json()["id"]
    rater = scene.raters[0]
    begun = scene.client.post(
        f"{API}/calibration-exercises/{exercise_id}/observation", headers=scene.auth(rater)
    ).json()
    scores = [{"code": "C1", "level": 1}, {"code": "C2", "level": 2}]
    scene.client.patch(
        f"{API}/observations/{begun['id']}", json={"scores": scores}, headers=scene.auth(rater)
    )
    version.status = RubricStatus.retired
    scene.db.add(version)
    scene.db.commit()

    refused = scene.client.post(
        f"{API}/observations/{begun['id']}/submit", headers=scene.auth(rater)
    )
    late_rater = scene.client.post(
        f"{API}/calibration-exercises/{exercise_id}/observation",
        headers=scene.auth(scene.raters[1]),
    )

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "rubric_version_not_published"
    assert late_rater.status_code == 409


def test_a_withdrawn_master_recording_loses_its_title_for_the_raters(scene: Scene) -> None:
    version = scene.rubric(criteria=2, levels=(1, 2, 3))
    exercise_id = scene.create(version).json()["id"]
    rater = scene.raters[0]
    url = f"{API}/calibration-exercises/{exercise_id}"
    listing = f"{API}/organisations/{scene.organisation.id}/calibration-exercises"
    assert scene.client.get(url, headers=scene.auth(rater)).json()["recording_title"] == (
        scene.recording.title
    )
    withdrawn = scene.client.post(
        f"{API}/recordings/{scene.recording.id}/consent/withdraw",
        json={},
        headers=scene.auth(scene.practitioner),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    # The recording is gone for the rater (its title may name the family), here as well.
    recording = f"{API}/recordings/{scene.recording.id}"
    assert scene.client.get(recording, headers=scene.auth(rater)).status_code == 404
    assert scene.client.get(url, headers=scene.auth(rater)).json()["recording_title"] is None
    [listed] = scene.client.get(listing, headers=scene.auth(rater)).json()
    assert listed["recording_title"] is None
    # The lead keeps the tombstone, title and all.
    as_lead = scene.client.get(url, headers=scene.auth(scene.lead)).json()
    assert as_lead["recording_title"] == scene.recording.title


def test_who_sees_an_exercise(scene: Scene, db: Session) -> None:
    version = scene.rubric(criteria=2, levels=(1, 2, 3))
    exercise_id = scene.create(version).json()["id"]
    listing = f"{API}/organisations/{scene.organisation.id}/calibration-exercises"
    outsider = make_user(db, make_organisation(db), Role.lead, Role.coach)
    supervisor = make_user(db, scene.organisation, Role.supervisor)

    for reader in (scene.lead, scene.raters[0]):
        listed = scene.client.get(listing, headers=scene.auth(reader)).json()
        assert [row["id"] for row in listed] == [exercise_id]
    for reader in (scene.own_coach, supervisor, scene.practitioner):
        assert scene.client.get(listing, headers=scene.auth(reader)).json() == []
        single = scene.client.get(
            f"{API}/calibration-exercises/{exercise_id}", headers=scene.auth(reader)
        )
        assert single.status_code == 404
    foreign = scene.client.get(
        f"{API}/calibration-exercises/{exercise_id}", headers=scene.auth(outsider)
    )
    assert foreign.status_code == 404
    # A rater may watch the master recording while they score it.
    assert (
        scene.client.get(
            f"{API}/recordings/{scene.recording.id}", headers=scene.auth(scene.raters[0])
        ).status_code
        == 200
    )


def test_a_lead_who_rates_sees_no_observation_of_the_recording_before_scoring(
    scene: Scene, db: Session
) -> None:
    version = scene.rubric(criteria=2, levels=(1, 2, 3))
    gold = make_observation(
        db, scene.recording, scene.own_coach, version, {"C1": 3, "C2": 2}, submitted_at=utcnow()
    )
    rating_lead = make_user(db, scene.organisation, Role.lead)
    scene.raters = [rating_lead, scene.raters[0]]
    exercise_id = scene.create(version, gold_observation_id=str(gold.id)).json()["id"]
    observations = f"{API}/recordings/{scene.recording.id}/observations"

    # Leads see every submitted observation, but not one of a recording they rate blind,
    # even before they begin: the gold would tell them the answers.
    assert scene.client.get(observations, headers=scene.auth(rating_lead)).json() == []
    assert (
        scene.client.get(
            f"{API}/observations/{gold.id}", headers=scene.auth(rating_lead)
        ).status_code
        == 404
    )
    assert [
        o["id"] for o in scene.client.get(observations, headers=scene.auth(scene.lead)).json()
    ] == [str(gold.id)]

    for rater, levels in ((rating_lead, [3, 2]), (scene.raters[1], [2, 2])):
        assert scene.score(exercise_id, rater, levels).status_code == 200
    seen = scene.client.get(observations, headers=scene.auth(rating_lead)).json()
    assert str(gold.id) in {o["id"] for o in seen}
