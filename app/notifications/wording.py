"""What each kind of notification says, with nothing of what it is about: the same words
serve the list, the email digest and Web Push, which must carry no personal content."""

from app.models import NotificationKind

_SUMMARIES = {
    NotificationKind.feedback_submitted: "New feedback",
    NotificationKind.comment: "New comment",
    NotificationKind.reflection_shared: "Reflection shared with you",
    NotificationKind.reflection_reply: "New reply to a reflection",
    NotificationKind.objective_updated: "Learning objective updated",
    NotificationKind.upload_rejected: "Upload rejected",
}

_PUSH_BODIES = {
    NotificationKind.feedback_submitted: "You have new feedback in Tandem.",
    NotificationKind.comment: "You have a new comment in Tandem.",
    NotificationKind.reflection_shared: "A reflection was shared with you in Tandem.",
    NotificationKind.reflection_reply: "You have a new reply in Tandem.",
    NotificationKind.objective_updated: "A learning objective was updated in Tandem.",
    NotificationKind.upload_rejected: "An upload could not be accepted in Tandem.",
}


def summary(kind: NotificationKind) -> str:
    return _SUMMARIES[kind]


def push_body(kinds: set[NotificationKind]) -> str:
    """One kind: what happened; several at once: that there are several."""
    if len(kinds) == 1:
        return _PUSH_BODIES[next(iter(kinds))]
    return "You have new notifications in Tandem."
