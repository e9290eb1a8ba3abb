"""Who reads which comment and reflection of a recording they take part in.

Comments: everyone who may watch the media (recordings.py), except that a rater who has
not submitted their own observation yet sees only the threads they or the practitioner
started: the other raters' comments carry their judgement, and double coding is blind.

Reflections: private to the practitioner until shared; then also their assigned coaches.
Not second raters (they score independently), not leads or supervisors. For anyone else a
reflection is not even known to exist (404).
"""

import uuid

from app.access.recordings import RecordingAccess
from app.models import Comment, Reflection


def thread_readable(
    *, blind: bool, started_by: uuid.UUID | None, reader: uuid.UUID, practitioner: uuid.UUID
) -> bool:
    """The blind rule for one thread: a blind reader sees only threads they or the
    practitioner started."""
    return not blind or started_by in (reader, practitioner)


def may_read_thread(access: RecordingAccess, root: Comment) -> bool:
    """`root` is the first comment of a thread; replies go with it."""
    return thread_readable(
        blind=access.is_blind,
        started_by=root.author_user_id,
        reader=access.member.user_id,
        practitioner=access.recording.owner_user_id,
    )


def may_read_reflection(access: RecordingAccess, reflection: Reflection) -> bool:
    if access.is_owner:
        return True
    return reflection.shared_at is not None and access.coaches_owner
