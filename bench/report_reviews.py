"""Recordings, their consent, observations with scores, double coding and comments for
the reports benchmark's organisation, from a seeded random generator.

A practitioner's skill starts somewhere between developing and proficient, grows over the
year for most, and drops in the last three months for some (what drift looks like); a
criterion is harder or easier for everyone. Coaches differ in how fast they first comment
and then score. Every time is before now: an observation is placed in the year first, and
its recording's upload and session before it.
"""

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from math import lcm
from typing import Any, Protocol

from app.models import (
    Comment,
    ConsentRecord,
    Observation,
    ObservationScore,
    Recording,
    SecondRaterAssignment,
)
from app.rubric.scoring import ScoringFormula, score
from bench.report_people import People, Rows

SCALE = (1, 2, 3, 4, 5)
# What `fidelity` below computes in integers: the lowest level is 0 %.
FORMULA = ScoringFormula.normalised
DOUBLE_CODED_SHARE = 0.08
GOLD_SHARE = 0.25
PENDING_SECOND_RATINGS = 200
RECENT = timedelta(days=14)
DRIFT_SHARE = 0.08
DRIFT_DAYS = 90


class Criterion(Protocol):
    """What scoring needs of a criterion (app/rubric/scoring.py), its id and difficulty."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def code(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def min_level(self) -> int | None: ...
    @property
    def na_allowed(self) -> bool: ...
    @property
    def difficulty(self) -> float: ...


@dataclass(frozen=True)
class RubricInUse:
    programme_id: uuid.UUID
    version_id: uuid.UUID
    threshold: float
    criteria: list[Criterion]


@dataclass
class Reviews:
    """The rows, per table, and what the harness needs from them."""

    recordings: Rows = field(default_factory=list)
    consents: Rows = field(default_factory=list)
    observations: Rows = field(default_factory=list)
    levels: dict[uuid.UUID, tuple[int | None, ...]] = field(default_factory=dict)
    """Each observation's levels, in criterion order (None: N/A)."""
    second_raters: Rows = field(default_factory=list)
    comments: Rows = field(default_factory=list)
    replies: Rows = field(default_factory=list)
    counted_submissions: list[datetime] = field(default_factory=list)

    def tables(self, org: uuid.UUID, rubric: RubricInUse) -> list[tuple[Any, Any]]:
        """Rows per table in the order foreign keys need, each table's in the order the app
        would have written them (by time), so that rows sit on disk as they would after a
        year of use; scores as a generator."""
        for rows, written in (
            (self.recordings, "created_at"),
            (self.consents, "obtained_at"),
            (self.observations, "created_at"),
            (self.second_raters, "created_at"),
            (self.comments, "created_at"),
            (self.replies, "created_at"),
        ):
            rows.sort(key=lambda row: row[written])
        return [
            (Recording, self.recordings),
            (ConsentRecord, self.consents),
            (Observation, self.observations),
            (ObservationScore, self._scores(org, rubric)),
            (SecondRaterAssignment, self.second_raters),
            (Comment, self.comments),
            (Comment, self.replies),
        ]

    def _scores(self, org: uuid.UUID, rubric: RubricInUse) -> Iterator[dict[str, Any]]:
        """Written with their observation (the app writes both in one transaction)."""
        for observation in self.observations:
            observation_id = observation["id"]
            levels = self.levels[observation_id]
            for criterion, level in zip(rubric.criteria, levels, strict=True):
                yield {
                    "id": uuid.uuid4(),
                    "organisation_id": org,
                    "observation_id": observation_id,
                    "criterion_id": criterion.id,
                    "level": level,
                    "not_applicable": level is None,
                }


@dataclass(frozen=True)
class Practitioner:
    user_id: uuid.UUID
    coaches: list[uuid.UUID]
    start_skill: float
    yearly_growth: float
    drifts: bool


class ReviewMaker:
    def __init__(
        self,
        org: uuid.UUID,
        people: People,
        rubric: RubricInUse,
        year_starts_at: datetime,
        now: datetime,
        generator: random.Random,
    ) -> None:
        self.org, self.people, self.rubric = org, people, rubric
        self.starts_at, self.now, self.random = year_starts_at, now, generator
        self.coach_days = {coach: generator.uniform(1.5, 8.0) for coach in people.coaches}
        self.made = Reviews()
        # Weights over their common denominator: 1.5 and 1 become 3 and 2.
        weights = [Fraction(repr(criterion.weight)) for criterion in rubric.criteria]
        common = lcm(*(weight.denominator for weight in weights))
        self.integer_weights = [int(weight * common) for weight in weights]
        self.scored = 0

    def make(self, per_practitioner: int) -> Reviews:
        """`per_practitioner` scored recordings each, then the double coding."""
        primaries = []
        for n, user_id in enumerate(self.people.practitioners):
            practitioner = Practitioner(
                user_id,
                self.people.coaches_of[n],
                self.random.gauss(3.7, 0.35),
                self.random.gauss(0.3, 0.25),
                self.random.random() < DRIFT_SHARE,
            )
            primaries += [self._reviewed(practitioner) for _ in range(per_practitioner)]
        self._double_code(primaries)
        return self.made

    def _reviewed(self, practitioner: Practitioner) -> dict[str, Any]:
        span = (self.now - timedelta(hours=1) - self.starts_at).total_seconds()
        submitted = self.starts_at + timedelta(seconds=self.random.uniform(0, span))
        main = practitioner.coaches[0]
        coach = main if self.random.random() < 0.8 else self.random.choice(practitioner.coaches)
        wait = timedelta(days=min(30.0, 0.2 + self.random.expovariate(1 / self.coach_days[coach])))
        uploaded = submitted - wait
        recording_id = self._recording(practitioner.user_id, uploaded, submitted)
        self._comments(recording_id, coach, practitioner.user_id, uploaded, submitted)
        levels = self._levels(practitioner, submitted)
        observation = self._observation(
            recording_id, practitioner.user_id, coach, submitted, levels
        )
        self.made.counted_submissions.append(submitted)
        return observation

    def _recording(self, owner: uuid.UUID, uploaded: datetime, submitted: datetime) -> uuid.UUID:
        recording_id = uuid.uuid4()
        recorded = uploaded - timedelta(hours=self.random.uniform(1, 48))
        self.made.recordings.append(
            {
                "id": recording_id,
                "organisation_id": self.org,
                "owner_user_id": owner,
                "programme_id": self.rubric.programme_id,
                "title": "Home visit",
                "recorded_at": recorded,
                "status": "ready",
                "declared_type": "video/mp4",
                "size_bytes": self.random.randint(200, 900) * 1_000_000,
                "media_type": "video/mp4",
                "duration_seconds": self.random.uniform(1200, 3600),
                "storage_key": f"recordings/{self.org}/{recording_id}/original",
                "created_at": uploaded - timedelta(minutes=10),
                "uploaded_at": uploaded,
                "processed_at": uploaded + timedelta(minutes=2),
                "last_reviewed_at": submitted,
            }
        )
        self.made.consents.append(
            {
                "id": uuid.uuid4(),
                "organisation_id": self.org,
                "recording_id": recording_id,
                "obtained_by_user_id": owner,
                "obtained_at": recorded,
                "method": "written",
                "scope": "coaching",
            }
        )
        return recording_id

    def _comments(
        self,
        recording_id: uuid.UUID,
        coach: uuid.UUID,
        practitioner: uuid.UUID,
        uploaded: datetime,
        submitted: datetime,
    ) -> None:
        """1-4 comments by the coach between the upload and the observation; the first
        answered by the practitioner a third of the time."""
        wait = submitted - uploaded
        first = uploaded + wait * self.random.uniform(0.1, 0.8)
        times = [first] + [first + (submitted - first) * self.random.random() for _ in range(3)]
        roots = []
        for at in sorted(times[: self.random.randint(1, 4)]):
            roots.append(self._comment(recording_id, coach, at, parent=None))
        if self.random.random() < 1 / 3:
            reply_at = min(self.now, first + timedelta(hours=self.random.uniform(1, 48)))
            self.made.replies.append(
                self._comment(recording_id, practitioner, reply_at, parent=roots[0]["id"])
            )
        self.made.comments += roots

    def _comment(
        self, recording_id: uuid.UUID, author: uuid.UUID, at: datetime, parent: uuid.UUID | None
    ) -> dict[str, Any]:
        start_ms = self.random.randint(0, 1_800_000) if parent is None else None
        code = f"C{self.random.randint(1, 10):02d}" if parent is None else None
        return {
            "id": uuid.uuid4(),
            "organisation_id": self.org,
            "recording_id": recording_id,
            "parent_id": parent,
            "author_user_id": author,
            "start_ms": start_ms,
            "end_ms": None if start_ms is None else start_ms + 15_000,
            "criterion_code": code,
            "body": "Look at how the parent responds here.",
            "created_at": at,
        }

    def _levels(self, practitioner: Practitioner, at: datetime) -> tuple[int | None, ...]:
        years = (at - self.starts_at).total_seconds() / (365 * 86400)
        skill = practitioner.start_skill + practitioner.yearly_growth * years
        left = (self.now - at).days
        if practitioner.drifts and left < DRIFT_DAYS:
            skill -= 0.9 * (DRIFT_DAYS - left) / DRIFT_DAYS
        levels: list[int | None] = []
        for criterion in self.rubric.criteria:
            if criterion.na_allowed and self.random.random() < 0.05:
                levels.append(None)
                continue
            level = round(skill - criterion.difficulty + self.random.gauss(0, 0.6))
            levels.append(min(max(level, SCALE[0]), SCALE[-1]))
        return tuple(levels)

    def _observation(
        self,
        recording_id: uuid.UUID,
        practitioner: uuid.UUID,
        rater: uuid.UUID,
        submitted: datetime,
        levels: tuple[int | None, ...],
        *,
        second: bool = False,
        gold: bool = False,
    ) -> dict[str, Any]:
        percent, meets = self.fidelity(levels)
        observation_id = uuid.uuid4()
        self.made.levels[observation_id] = levels
        row = {
            "id": observation_id,
            "organisation_id": self.org,
            "recording_id": recording_id,
            "rubric_version_id": self.rubric.version_id,
            "programme_id": self.rubric.programme_id,
            "practitioner_user_id": practitioner,
            "rater_user_id": rater,
            "rater_role": "second" if second else "primary",
            "status": "submitted",
            "is_gold_standard": gold,
            "weighted_percent": percent,
            "meets_fidelity": meets,
            "created_at": submitted - timedelta(minutes=50),
            "updated_at": submitted,
            "submitted_at": submitted,
        }
        self.made.observations.append(row)
        return row

    def fidelity(self, levels: tuple[int | None, ...]) -> tuple[float | None, bool]:
        """The fidelity rule of app/rubric/scoring.py in integers (its Fractions cost ~1 ms
        an observation), checked against it on every 100th observation."""
        earned = total = 0
        below = False
        for criterion, weight, level in zip(
            self.rubric.criteria, self.integer_weights, levels, strict=True
        ):
            if level is None:
                continue
            earned += weight * (level - SCALE[0])
            total += weight * (SCALE[-1] - SCALE[0])
            below = below or (criterion.min_level is not None and level < criterion.min_level)
        if total == 0:
            found: tuple[float | None, bool] = (None, False)
        else:
            threshold = Fraction(repr(self.rubric.threshold))
            meets = 100 * earned * threshold.denominator >= threshold.numerator * total
            found = (100 * earned / total, meets and not below)
        self.scored += 1
        if self.scored % 100 == 1:
            codes = [criterion.code for criterion in self.rubric.criteria]
            exact = score(
                self.rubric.criteria,
                scale_levels=SCALE,
                levels=dict(zip(codes, levels, strict=True)),
                fidelity_threshold_percent=self.rubric.threshold,
                formula=FORMULA,
            )
            assert found == (exact.weighted_percent, exact.meets_fidelity), (found, exact)
        return found

    def _double_code(self, primaries: list[dict[str, Any]]) -> None:
        """A sample scored again by a second rater (a lead's as gold standard), and some
        recent recordings whose second rating is still to do."""
        older = [row for row in primaries if row["submitted_at"] < self.now - RECENT]
        recent = [row for row in primaries if row["submitted_at"] >= self.now - RECENT]
        chosen = self.random.sample(older, int(len(primaries) * DOUBLE_CODED_SHARE))
        for n, primary in enumerate(chosen):
            gold = n < len(chosen) * GOLD_SHARE
            rater = self._second_rater(primary, lead=gold)
            submitted = min(
                self.now - timedelta(minutes=1),
                primary["submitted_at"] + timedelta(days=self.random.uniform(0.5, 10)),
            )
            levels = self._second_opinion(self.made.levels[primary["id"]])
            self._observation(
                primary["recording_id"],
                primary["practitioner_user_id"],
                rater,
                submitted,
                levels,
                second=True,
                gold=gold,
            )
            self._assign_second(primary, rater)
        for primary in self.random.sample(recent, min(len(recent), PENDING_SECOND_RATINGS)):
            self._assign_second(primary, self._second_rater(primary, lead=False))

    def _second_rater(self, primary: dict[str, Any], *, lead: bool) -> uuid.UUID:
        if lead:
            return self.random.choice(self.people.leads)
        own = {primary["rater_user_id"]}
        return self.random.choice([c for c in self.people.coaches if c not in own])

    def _second_opinion(self, levels: tuple[int | None, ...]) -> tuple[int | None, ...]:
        """Mostly the same level, sometimes one off, rarely two."""
        found: list[int | None] = []
        for level in levels:
            if level is None:
                found.append(None)
                continue
            step = self.random.choices((0, 1, 2), weights=(70, 25, 5))[0]
            moved = level + step * self.random.choice((-1, 1))
            found.append(min(max(moved, SCALE[0]), SCALE[-1]))
        return tuple(found)

    def _assign_second(self, primary: dict[str, Any], rater: uuid.UUID) -> None:
        self.made.second_raters.append(
            {
                "id": uuid.uuid4(),
                "created_at": primary["created_at"],
                "organisation_id": self.org,
                "recording_id": primary["recording_id"],
                "rater_user_id": rater,
                "assigned_by_user_id": self.people.leads[0],
                "source": "lead",
            }
        )
