"""The periodic job: remove expired uploads and export files and orphaned photo
files, and interrupt imports and exports whose worker is gone. ``run_with_worker`` (``make run``, ``make serve``)
queues it every hour; a deployment queues it from a timer with
``manage.py housekeeping --enqueue``."""

from pilot_products.photos.orphans import remove_orphan_photos
from pilot_products.spreadsheets import stored_files

from . import exports, leases
from .tasks_api import task


def housekeeping_now() -> dict[str, int]:
    return {
        "interrupted_imports": leases.reap_abandoned(),
        "interrupted_exports": exports.reap_abandoned(),
        "expired_uploads": stored_files.remove_expired(),
        "orphan_photos": remove_orphan_photos(),
    }


@task()
def housekeeping() -> dict[str, int]:
    return housekeeping_now()
