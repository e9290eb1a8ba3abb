"""Signed access tokens (JWT, HS256 via joserfc, authlib's JOSE library) and random secrets."""

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from functools import lru_cache

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from app.models.base import utcnow

ISSUER = "tandem"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """Secrets are high-entropy random strings, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(secret.encode()).hexdigest()


@lru_cache(maxsize=8)  # every request reads a token: derive each key once per secret
def signing_key(secret_key: str, purpose: str = "") -> OctKey:
    """An HS256 key derived from the secret key; each `purpose` (the media links') gets a
    key of its own, so a token signed for one use can never pass for another."""
    return OctKey.import_key(hashlib.sha256((purpose + secret_key).encode()).digest())


def issue_access_token(
    *, secret_key: str, user_id: uuid.UUID, session_id: uuid.UUID, lifetime: timedelta
) -> tuple[str, datetime]:
    now = utcnow()
    expires_at = now + lifetime
    claims = {
        "iss": ISSUER,
        "sub": str(user_id),
        "sid": str(session_id),
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
    }
    return jwt.encode({"alg": "HS256"}, claims, signing_key(secret_key)), expires_at


_CLAIMS = jwt.JWTClaimsRegistry(iss={"essential": True, "value": ISSUER}, exp={"essential": True})


def read_access_token(token: str, *, secret_key: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The (user id, session id) a valid, unexpired token names, or None."""
    try:
        decoded = jwt.decode(token, signing_key(secret_key), algorithms=["HS256"])
        _CLAIMS.validate(decoded.claims)
        return uuid.UUID(decoded.claims["sub"]), uuid.UUID(decoded.claims["sid"])
    except (JoseError, ValueError, KeyError, TypeError):
        return None
