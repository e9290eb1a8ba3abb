"""One audit row per viewing of a recording's media, not one per Range request.

A player reads a recording in many Range requests, and every seek is one more. Audited
one by one they buried the trail a lead reads (who watched what, when) under hundreds of
rows per sitting, and cost each seek a write and a commit before its first byte. A
viewing is a person's requests for one recording's media (or its poster) from the
audited one until VIEWING_WINDOW later: the first is audited, with its range and how it
was delivered; the rest belong to it. A longer sitting is a new row every window.

Each process remembers the viewings it audited (`ViewingLog`); a request a process has
not seen the viewing of asks the trail itself, so several processes behind one balancer
still write one row per viewing, barring two first requests racing on two processes
(then two rows: never none).
"""

import threading
import uuid
from collections import OrderedDict
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlmodel import Session, col

from app.models import AuditEvent

VIEWING_WINDOW = timedelta(minutes=30)
# Enough for every viewing one process serves in a window; the oldest are forgotten first.
REMEMBERED_VIEWINGS = 20_000

ViewingKey = tuple[uuid.UUID, uuid.UUID, str]  # who, which recording, which action

_AUDITED_SINCE = (
    select(col(AuditEvent.id))
    .where(
        col(AuditEvent.actor_user_id) == bindparam("user_id"),
        col(AuditEvent.resource_id) == bindparam("resource_id"),
        col(AuditEvent.action) == bindparam("action"),
        col(AuditEvent.created_at) > bindparam("since"),
    )
    .limit(1)
)


class ViewingLog:
    """The viewings this process audited, and when."""

    def __init__(self, capacity: int = REMEMBERED_VIEWINGS) -> None:
        self._capacity = capacity
        self._audited: OrderedDict[ViewingKey, datetime] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, key: ViewingKey, now: datetime) -> bool:
        """True when this request begins a viewing as far as this process knows (and now
        counts as its start); False when it belongs to one audited here already."""
        with self._lock:
            started = self._audited.get(key)
            if started is not None and now - started < VIEWING_WINDOW:
                return False
            self._audited[key] = now
            self._audited.move_to_end(key)
            while len(self._audited) > self._capacity:
                self._audited.popitem(last=False)
            return True

    def forget(self, key: ViewingKey) -> None:
        """The request that claimed the viewing was not served: let the next one audit."""
        with self._lock:
            self._audited.pop(key, None)


def audited_elsewhere(db: Session, key: ViewingKey, now: datetime) -> bool:
    """Whether another process audited this viewing already."""
    user_id, recording_id, action = key
    values = {
        "user_id": user_id,
        "resource_id": str(recording_id),
        "action": action,
        "since": now - VIEWING_WINDOW,
    }
    return db.execute(_AUDITED_SINCE, values).first() is not None
