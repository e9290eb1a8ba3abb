"""Work done apart from the request that asked for it, from a queue in the database.

A job is written in the same transaction as the change that needs it (a recording whose
last byte arrived gets its `process_recording` job as it enters processing), so work is
never lost when a process dies after answering. Workers claim jobs one at a time with a
lease (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's single writer does
the same), so no job runs twice at once; a worker killed mid-job lets go when its lease
ends and the job runs again, which every handler tolerates (each claims its own rows).

Who runs them:
- the web process, right after answering, for the job its request just queued
  (`TANDEM_WORK_AFTER_RESPONSE`, on by default: the uploader's recording is ready in
  seconds on a single machine);
- `python -m app worker`, apart from the web processes, for everything else and for
  whatever a web process left: the periodic purge (hourly) and digests (daily) too;
- under `make run`, a worker thread inside the one process (`TANDEM_EMBEDDED_WORKER`).

Written here rather than taken from a library: the well-kept PostgreSQL queues
(procrastinate, pgqueuer) do not run on SQLite, which `make run` and the tests use, and the
claim is one UPDATE.
"""
