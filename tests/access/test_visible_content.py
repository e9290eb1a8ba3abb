"""What the lists show, not only whether they answer: double coding is blind.

Until rater_blind submits, no route shows them another rater's levels, percents,
verdicts, evidence or comments; rater_done, who has submitted, sees the others'
submitted observations; the supervisor sees the owner's figures. Run on the world of the
access matrix (tests/access/conftest.py); every problem is reported at once.
"""

from collections.abc import Callable
from typing import Any

from tests.access.conftest import World

Look = tuple[str, str, str, Callable[[World, Any], bool]]  # actor, path, what, holds

OBSERVATIONS = "/api/v1/recordings/{recording_id}/observations"
COMMENTS = "/api/v1/recordings/{recording_id}/comments"
FIDELITY = "/api/v1/organisations/{organisation_id}/fidelity"
ALL_OBSERVATIONS = "/api/v1/organisations/{organisation_id}/observations"


def _only_own_observations(world: World, rows: Any) -> bool:
    me = str(world.cast["rater_blind"].id)
    return all(row["rater_user_id"] == me for row in rows)


def _own_draft_included(world: World, rows: Any) -> bool:
    return str(world.scene.blind_draft.id) in {row["id"] for row in rows}


def _no_one_elses_comment(world: World, threads: Any) -> bool:
    me = str(world.cast["rater_blind"].id)
    authors = {thread["author_user_id"] for thread in threads}
    authors |= {reply["author_user_id"] for thread in threads for reply in thread["replies"]}
    return authors <= {me}


def _nothing_of_the_recording(world: World, statuses: Any) -> bool:
    # The owner's figures are made from this recording's observations.
    owner, recording = str(world.cast["owner"].id), str(world.scene.recording.id)
    latest = {row["recording_id"] for status in statuses for row in status["latest"]}
    return recording not in latest and owner not in {s["practitioner_user_id"] for s in statuses}


def _coach_observation_listed(world: World, rows: Any) -> bool:
    return str(world.scene.coach_observation.id) in {row["id"] for row in rows}


def _owner_figures(world: World, statuses: Any) -> bool:
    return str(world.cast["owner"].id) in {s["practitioner_user_id"] for s in statuses}


LOOKS: list[Look] = [
    ("rater_blind", OBSERVATIONS, "their own observations only", _only_own_observations),
    ("rater_blind", OBSERVATIONS, "their own draft", _own_draft_included),
    ("rater_blind", COMMENTS, "no comment by anyone else", _no_one_elses_comment),
    ("rater_blind", FIDELITY, "no figures from the recording", _nothing_of_the_recording),
    ("rater_blind", ALL_OBSERVATIONS, "their own observations only", _only_own_observations),
    ("rater_done", OBSERVATIONS, "the coach's observation", _coach_observation_listed),
    ("supervisor", FIDELITY, "the owner's figures", _owner_figures),
]


def test_lists_show_each_rater_only_what_double_coding_allows(world: World) -> None:
    problems = []
    values = world.path_values()
    for actor, path, what, holds in LOOKS:
        answer = world.client.get(path.format(**values), headers=world.headers(actor))
        if answer.status_code != 200:
            problems.append(f"GET {path} {actor}: expected 200 got {answer.status_code}")
        elif not holds(world, answer.json()):
            problems.append(f"GET {path} {actor}: expected {what}, got {answer.text:.300}")
    assert not problems, "\n".join(problems)
