"""The rules of the access matrix: for each named class of route, what every actor gets.

An expectation is an exact status, or ALLOWED: the request reached its handler (anything
but 401, 403, 404 and 5xx; a read answers 2xx, a write with the deliberately invalid
body `{}` answers 422). The rules follow the issue on recording access; where the issue
is silent, the table in test_matrix.py says so next to the row.
"""

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

ACTORS: Final = (
    "owner",
    "other_practitioner",
    "coach",
    "other_coach",
    "rater_blind",
    "rater_done",
    "supervisor",
    "other_supervisor",
    "lead",
    "guest",
    "expert",
    "foreign_lead",
    "anonymous",
)
MEMBERS: Final = frozenset(ACTORS) - {"foreign_lead", "anonymous"}
READS: Final = frozenset({"GET", "HEAD"})


class Allowed:
    """The request reached the handler (see the module docstring)."""

    def __repr__(self) -> str:
        return "ALLOWED"


ALLOWED: Final = Allowed()
Expected = int | Allowed
Rule = Mapping[str, Expected]


def as_expected(expected: Expected, method: str, status: int) -> bool:
    """Whether an answer is what the rule expects."""
    if not isinstance(expected, Allowed):
        return status == expected
    if status >= 500 or status in (401, 403, 404):
        return False
    return method not in READS or 200 <= status < 300


def members(allowed: Iterable[str], forbidden: Iterable[str] = ()) -> Rule:
    """`allowed` reach the handler and `forbidden` get 403; every other member gets 404,
    as does another organisation, and nobody gets in without signing in (401)."""
    rule: dict[str, Expected] = {actor: 404 for actor in ACTORS}
    rule.update({actor: 403 for actor in forbidden})
    rule.update({actor: ALLOWED for actor in allowed})
    rule["anonymous"] = 401
    return MappingProxyType(rule)


def public(status: int) -> Rule:
    """No sign-in needed: everyone gets the same answer (what the route answers `{}` today)."""
    rule: dict[str, Expected] = {actor: status for actor in ACTORS}
    return MappingProxyType(rule)


AUTHENTICATED: Final = members(set(ACTORS) - {"anonymous"})
ORG_MEMBER: Final = members(MEMBERS)
LEAD_ONLY: Final = members({"lead"}, forbidden=MEMBERS - {"lead"})
UPLOADER_ONLY: Final = members({"owner"})

# The recording and everything about it: hidden (404) from other_practitioner,
# other_coach and other_supervisor; a part its viewer may not see is a 403.
# "guest" is a coach the lead granted access; "expert" a guest reviewer (role guest) with
# an unexpired grant: the media, poster and conversation, and nothing else.
EXPERT: Final = "expert"
REVIEWERS: Final = frozenset({"owner", "coach", "rater_blind", "rater_done", "guest", EXPERT})
SEES_RECORDING: Final = REVIEWERS | {"supervisor", "lead"}

RECORDING_DETAILS: Final = members(SEES_RECORDING)
MEDIA: Final = members(REVIEWERS, forbidden={"supervisor", "lead"})
LEAD_MANAGED: Final = members({"lead"}, forbidden=SEES_RECORDING - {"lead"})
CONSENT_WITHDRAWAL: Final = members({"owner", "lead"}, forbidden=SEES_RECORDING - {"owner", "lead"})

# Comments: rater_blind takes part but sees nobody else's comment until they submit.
CONVERSATION: Final = members(REVIEWERS, forbidden={"supervisor", "lead"})
THREAD: Final = members(REVIEWERS - {"rater_blind"}, forbidden={"supervisor", "lead"})
COMMENT_AUTHOR: Final = members(
    {"coach"}, forbidden={"owner", "rater_done", "guest", EXPERT, "supervisor", "lead"}
)

# Reflections: the owner, and the owner's coaches once shared; nobody else knows of one.
REFLECTION_READ: Final = members({"owner", "coach"})
REFLECTION_WRITE: Final = members({"owner"}, forbidden={"coach"})
OWNER_WRITES: Final = members({"owner"}, forbidden=SEES_RECORDING - {"owner"})

# Observations (the coach's submitted primary one unless a row says otherwise).
SCORERS: Final = frozenset({"coach", "rater_blind", "rater_done"})
# Guest reviewers watch and comment; observations are not theirs (403: they see the recording).
OBSERVATION_LIST: Final = members(
    SEES_RECORDING - {"supervisor", EXPERT}, forbidden={"supervisor", EXPERT}
)
OBSERVATION_CREATE: Final = members(SCORERS, forbidden=SEES_RECORDING - SCORERS)
OBSERVATION_SEEN_BY: Final = frozenset({"owner", "coach", "rater_done", "guest", "lead"})
OBSERVATION_READ: Final = members(OBSERVATION_SEEN_BY)
OBSERVATION_RATER: Final = members({"coach"}, forbidden=OBSERVATION_SEEN_BY - {"coach"})
GOLD_STANDARD: Final = members({"lead"}, forbidden=OBSERVATION_SEEN_BY - {"lead"})
# rater_done's observation is for agreement: not shown to the owner.
SECOND_OBSERVATION: Final = members(OBSERVATION_SEEN_BY - {"owner"})
# A draft is its rater's alone.
DRAFT_OBSERVATION: Final = members({"rater_blind"})

# Objectives (the owner's).
OBJECTIVE_READ: Final = members({"owner", "coach", "supervisor", "lead"})
OBJECTIVE_WRITE: Final = members({"owner", "coach", "lead"}, forbidden={"supervisor"})

# After the relationship changes (test_matrix.py), these people relate to the recording
# exactly as other_supervisor does.
CHANGED: Final = frozenset({"coach", "rater_blind", "rater_done", "guest"})


ORGANISATION_PATH: Final = "/api/v1/organisations/{organisation_id}"


def for_guests(path: str, rule: Rule) -> Rule:
    """A guest reviewer knows the organisation but nothing in it: every route under it
    answers them 403, whatever it answers other members (a booking, a coach's diary or
    someone's time included). Elsewhere the rule as written."""
    if not path.startswith(ORGANISATION_PATH):
        return rule
    return MappingProxyType({**rule, EXPERT: 403})


def after_changes(rule: Rule, actor: str) -> Expected:
    return rule["other_supervisor" if actor in CHANGED else actor]


def as_written(rule: Rule, actor: str) -> Expected:
    return rule[actor]
