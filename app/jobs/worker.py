"""A worker: schedules the periodic jobs, then runs waiting jobs one at a time."""

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.config import Settings
from app.jobs import queue
from app.jobs.kinds import HANDLERS, JobContext, lease_of, periodic_due
from app.logs import request_id_of
from app.models.base import utcnow
from app.storage import get_storage

logger = logging.getLogger("tandem.jobs")


class UnknownJobKind(Exception):
    """A job queued by a newer version of the app than this worker's."""


class Worker:
    def __init__(self, context: JobContext) -> None:
        self.context = context
        # Unique per worker, readable in the table: host, process, and which of its threads.
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def run_one(self, *, dedupe_key: str | None = None) -> bool:
        """Claim and run one waiting job (the one with this key, if given); False when
        there was none to take."""
        engine = self.context.engine
        lease = lease_of(self.context.settings)
        job = queue.claim(engine, worker=self.name, lease=lease, dedupe_key=dedupe_key)
        if job is None:
            return False
        with request_id_of(job.payload.get(queue.REQUEST_ID_KEY)):
            try:
                handler = HANDLERS.get(job.kind)
                if handler is None:
                    raise UnknownJobKind(job.kind)
                handler(self.context, job.payload)
            except Exception as error:
                logger.exception("job %s (%s) failed on attempt %s", job.id, job.kind, job.attempts)
                queue.fail(engine, job, error, worker=self.name)
            else:
                queue.finish(engine, job, worker=self.name)
                logger.info("job %s (%s) done", job.id, job.kind)
        return True

    def schedule(self) -> None:
        now = utcnow()
        with Session(self.context.engine) as db:
            for due in periodic_due(now, self.context.settings):
                queue.enqueue(db, due.kind, dedupe_key=due.dedupe_key, run_after=due.run_after)
            db.commit()

    def drain(self) -> int:
        """Schedule, then run jobs until none is waiting; how many ran."""
        self.schedule()
        ran = 0
        while self.run_one():
            ran += 1
        return ran

    def run(self, stop: threading.Event) -> None:
        """Until `stop` is set: a job finished is followed at once by the next; an empty
        queue or an unreachable database waits the poll interval."""
        poll = self.context.settings.worker_poll_seconds
        while not stop.is_set():
            try:
                self.drain()
            except OperationalError:
                logger.warning("the job queue's database is unreachable; trying again")
            stop.wait(poll)


def run_after_response(context: JobContext, dedupe_key: str) -> None:
    """A web process runs the job its request just queued, unless a worker took it."""
    Worker(context).run_one(dedupe_key=dedupe_key)


@contextmanager
def embedded_worker(engine: Engine, settings: Settings) -> Iterator[None]:
    """Under `make run` (TANDEM_EMBEDDED_WORKER), the whole queue runs in a thread of the
    web process, so one process is the whole service; stopped with the app."""
    if not settings.embedded_worker:
        yield
        return
    worker = Worker(JobContext(engine, get_storage(settings), settings))
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), name="tandem-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
