"""Who reads which comment and reflection of a recording they take part in.

Comments: everyone who may watch the media (recordings.py), except that a rater who has
not submitted their own observation yet sees only the threads they or the practitioner
started: the other raters' comments carry their judgement, and double coding is blind.

Reflections: private to the practitioner until shared; then also their assigned coaches.
Not second raters (they score independently), not leads or supervisors. For anyone else a
reflection is not even known to exist (404).
"""

from app.access.recordings import RecordingAccess
from app.models import Comment, Reflection


def may_read_thread(access: RecordingAccess, root: Comment) -> bool:
    """`root` is the first comment of a thread; replies go with it."""
    if not access.is_blind:
        return True
    return root.author_user_id in (access.member.user_id, access.recording.owner_user_id)


def may_read_reflection(access: RecordingAccess, reflection: Reflection) -> bool:
    if access.is_owner:
        return True
    return reflection.shared_at is not None and access.coaches_owner
