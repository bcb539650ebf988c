"""Run a server with a background worker beside it, and stop both together.

    manage.py run_with_worker -- manage.py runserver 127.0.0.1:8000

``make run`` uses it so a fresh machine needs nothing but the project: imports are
jobs, and a job needs a worker (``manage.py db_worker``). It also queues the hourly
housekeeping job (expired uploads, abandoned imports). The worker runs in its own
process group, so the whole group (the autoreloader's child included) is stopped
when the server ends, however it ends.
"""

import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand, CommandError

from pilot_products.jobs.housekeeping import housekeeping


class Command(BaseCommand):
    help = "Run a command (the web server) with db_worker processes beside it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers", type=int, default=1, help="Worker processes (default 1)."
        )
        parser.add_argument(
            "--housekeeping-every",
            type=float,
            default=3600,
            help="Queue the housekeeping job this often, in seconds (0: never).",
        )
        parser.add_argument("command", nargs="+", help="The server command to run.")

    def handle(self, *args, workers, housekeeping_every, command, **options):
        if workers < 1:
            raise CommandError("--workers must be 1 or more.")
        if command[0].endswith(".py"):
            command = [sys.executable, *command]
        # In DEBUG the worker reloads on code changes, as runserver does.
        worker = [sys.executable, "manage.py", "db_worker", "--interval", "0.5"]
        children = [
            subprocess.Popen(worker, start_new_session=True) for _ in range(workers)
        ]
        server = subprocess.Popen(command)
        # The terminal's Ctrl+C reaches the server (same process group); a SIGTERM
        # sent to this process alone is passed on.
        signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        try:
            code = self._wait(server, housekeeping_every)
        except KeyboardInterrupt:
            code = server.wait()
        finally:
            for child in children:
                _stop_group(child)
        sys.exit(code)

    def _wait(self, server: subprocess.Popen, every: float) -> int:
        """Wait for the server, queueing the housekeeping job every ``every`` s."""
        while True:
            if every > 0:
                housekeeping.enqueue()
            try:
                return server.wait(timeout=every if every > 0 else None)
            except subprocess.TimeoutExpired:
                continue


def _stop_group(child: subprocess.Popen) -> None:
    """Ask the worker's group to stop (a running job finishes its claim or is
    interrupted); kill it if it takes longer than a few seconds."""
    try:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
