"""Argon2 password hashing (pwdlib) and the password policy."""

from pwdlib import PasswordHash

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHash.recommended()
# Verified when the account is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("tandem-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)
