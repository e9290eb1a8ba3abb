"""Argon2 password hashing (pwdlib) and the password policy.

The policy: at least 12 characters, and hard to guess by zxcvbn (Dropbox's estimator,
maintained as the `zxcvbn` package), which knows the commonly used passwords of public
breaches, words and names, keyboard patterns, repeats, sequences and dates. The account's
own name and email count for nothing: an attacker who picks this account knows them.
"""

import functools
import re
import threading
from dataclasses import dataclass

from pwdlib import PasswordHash
from zxcvbn import zxcvbn

from app.errors import Unprocessable

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
# zxcvbn's scores run 0-4; 3 means "safely unguessable" (about 10^8 guesses and up).
MIN_STRENGTH_SCORE = 3
# zxcvbn refuses longer input (its matching grows with the square of the length); a
# password strong in its first 72 characters is strong.
STRENGTH_CHECKED_LENGTH = 72
# Pieces of a name or email shorter than this ("jo", "uk") are too common to refuse.
PERSONAL_PIECE_MIN_LENGTH = 3

_hasher = PasswordHash.recommended()
# zxcvbn keeps each call's personal words in a module-level dictionary: one call at a time.
_zxcvbn_lock = threading.Lock()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _dummy_hash())
        return False
    return _hasher.verify(password, password_hash)


@functools.cache
def _dummy_hash() -> str:
    """Verified when the account is unknown, so a wrong email costs as long as a wrong
    password. Made on first use: a quarter of a second of CPU that every process start
    (the web processes, the worker, each command) would otherwise pay."""
    return _hasher.hash("tandem-timing-equaliser")


def check_new_password(password: str, *, email: str, display_name: str) -> None:
    """Refuse (422, naming what is wrong) a password someone chooses for this account."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise _weak(
            "password_too_short",
            f"Your password needs at least {MIN_PASSWORD_LENGTH} characters.",
        )
    personal = personal_words(email=email, display_name=display_name)
    checked = password[:STRENGTH_CHECKED_LENGTH]
    estimate = _estimate(checked, personal)
    if estimate.score < MIN_STRENGTH_SCORE:
        raise _weakness(estimate)
    # zxcvbn alone lets "smithjane1985" through for Jane Smith (a surname, a name, a year):
    # what is left once her own words are taken out must be strong by itself.
    without_personal = _remove_words(checked.lower(), personal)
    if without_personal != checked.lower() and (
        _estimate(without_personal, personal).score < MIN_STRENGTH_SCORE
    ):
        raise _matches_account()


def personal_words(*, email: str, display_name: str) -> list[str]:
    """The account's email and name, whole and in pieces, longest first."""
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    name = display_name.strip().lower()
    words = {email, local, domain, name, *_pieces(local), *_pieces(domain), *_pieces(name)}
    kept = (word for word in words if len(word) >= PERSONAL_PIECE_MIN_LENGTH)
    return sorted(kept, key=lambda word: (-len(word), word))


def _pieces(text: str) -> list[str]:
    return [piece for piece in re.split(r"[\W_]+", text) if piece]


def _remove_words(text: str, words: list[str]) -> str:
    for word in words:  # longest first, so "jane.smith" goes before "jane"
        text = text.replace(word, "")
    return text


@dataclass(frozen=True)
class _Estimate:
    score: int
    dictionaries: frozenset[str]  # where its words come from: "passwords", "user_inputs"...
    warning: str


def _estimate(password: str, personal: list[str]) -> _Estimate:
    with _zxcvbn_lock:
        result = zxcvbn(password, user_inputs=personal)
    return _Estimate(
        score=result["score"],
        dictionaries=frozenset(
            match["dictionary_name"] for match in result["sequence"] if "dictionary_name" in match
        ),
        warning=result["feedback"]["warning"],
    )


def _weakness(estimate: _Estimate) -> Unprocessable:
    if "user_inputs" in estimate.dictionaries:
        return _matches_account()
    if "passwords" in estimate.dictionaries:
        return _weak(
            "password_too_common",
            "This password is on lists of commonly used passwords, which attackers try "
            "first. A few unrelated words make a strong one.",
        )
    # zxcvbn says why when it can: 'Repeats like "aaa" are easy to guess.'
    reason = f": {estimate.warning}" if estimate.warning else "."
    return _weak(
        "password_too_guessable",
        f"This password is too easy to guess{reason} A few unrelated words make a strong one.",
    )


def _matches_account() -> Unprocessable:
    return _weak(
        "password_matches_account",
        "This password is too close to your name or email address. "
        "Choose one that has nothing to do with them.",
    )


def _weak(code: str, message: str) -> Unprocessable:
    return Unprocessable(
        message, code=code, extra={"fields": [{"field": "password", "message": message}]}
    )
