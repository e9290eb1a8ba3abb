"""Short-lived links to stored media, the app's own counterpart of an S3 presigned URL.

A player reads one recording in many Range requests: one per seek, and more as it
buffers. Checking the sign-in and the access rules afresh for each cost every seek a few
milliseconds of CPU and a database round trip before its first byte, and ten people
seeking at once queued behind each other (bench/range_reads.py). So, as on S3, the
media route decides who may watch once, audits the viewing, and redirects to a link
that names the stored object, signed and expiring; browsers follow the redirect once and
send the rest of the viewing's requests to the link, which needs no database at all.

Like a presigned URL, a link works for whoever holds it until it expires, however access
changes meanwhile; that is why it lives minutes (TANDEM_PRESIGNED_URL_SECONDS, at most a
quarter of an hour), why it never outlives a grant with an end that the viewer watches
by (a guest's), and why the player asks the media route again when one runs out.
Erasing the media (consent withdrawn, recording deleted) ends every link at once.
"""

from dataclasses import dataclass
from datetime import datetime

from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError

from app.auth.tokens import signing_key
from app.errors import Forbidden, NotFound

PREFIX = "/api/v1/media/"
# Neither the access tokens' key nor their audience: neither kind can pass for the other.
PURPOSE = "media-links:"
AUDIENCE = "tandem-media"


@dataclass(frozen=True)
class MediaLink:
    key: str  # the stored object
    content_type: str
    filename: str
    etag: str | None  # the media's sha256, when known


def link_to(media: MediaLink, *, secret_key: str, expires_at: datetime) -> str:
    claims = {
        "aud": AUDIENCE,
        "exp": int(expires_at.timestamp()),
        "key": media.key,
        "type": media.content_type,
        "name": media.filename,
        "etag": media.etag,
    }
    return PREFIX + jwt.encode({"alg": "HS256"}, claims, signing_key(secret_key, PURPOSE))


_CLAIMS = jwt.JWTClaimsRegistry(aud={"essential": True, "value": AUDIENCE}, exp={"essential": True})


def read_link(token: str, *, secret_key: str) -> MediaLink:
    """The media a link names. A link that was never ours (or was altered) is not found;
    one that was, but has expired, is refused with its own code, so a player knows to ask
    the media route for a fresh one."""
    try:
        claims = jwt.decode(token, signing_key(secret_key, PURPOSE), algorithms=["HS256"]).claims
        _CLAIMS.validate(claims)
        media = MediaLink(
            key=claims["key"],
            content_type=claims["type"],
            filename=claims["name"],
            etag=claims["etag"],
        )
    except ExpiredTokenError:
        raise Forbidden(
            "This media link has expired: open the recording again.", code="link_expired"
        ) from None
    except (JoseError, ValueError, KeyError, TypeError):
        raise NotFound("There is no such media link.") from None
    return media
