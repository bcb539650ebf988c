"""Run queued background jobs inside the test, through the worker's own code.

Tests of the web flow use it between the request that queues a job and the page
that shows its result: the job runs in the test's transaction (so its writes roll
back with the test) through the same task function and the same worker code as
``manage.py db_worker`` (tests/test_import_worker.py runs the real process).
"""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

WORKER_ID = "tests"


def run_queued_jobs() -> int:
    """Run every queued job, oldest first; a job that raised fails the test."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=WORKER_ID,
        excluded_queue_names=[],
    )
    ran = 0
    while (queued := DBTaskResult.objects.ready().first()) is not None:
        queued.claim(WORKER_ID)
        worker.run_task(queued)
        queued.refresh_from_db()
        assert not queued.traceback, queued.traceback
        ran += 1
    return ran


def queued_jobs() -> int:
    return DBTaskResult.objects.ready().count()
