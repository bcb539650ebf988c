"""Print the plan and time of every statement a catalogue search runs, on PostgreSQL.

Usage: ``DATABASE_URL=... .venv/bin/python bench/search_plans.py [word ...]``
(default: a rare word, a common word, a pinyin word, an English typo). Each search
page is requested in-process with the page cache off; each of its statements runs
again under ``EXPLAIN (ANALYZE, BUFFERS)`` twice (the second, warm run is shown).
``--plans`` prints the plans of statements over ``--over`` ms.
"""

import argparse
import os
import re
import sys
from urllib.parse import urlencode

os.environ.setdefault("CATALOGUE_PAGE_CACHE_SECONDS", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwu_catalog.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

EXECUTION_TIME = re.compile(r"Execution Time: ([0-9.]+) ms")
WORDS = ["klarwerk", "玩具", "wanju", "vaccum"]


def explain(sql: str) -> tuple[float, str]:
    with connection.cursor() as cursor:
        for _run in range(2):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    return float(EXECUTION_TIME.search(plan).group(1)), plan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("words", nargs="*", default=WORDS)
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--over", type=float, default=1.0)
    options = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1")
    for word in options.words:
        path = "/catalogue/?" + urlencode({"q": word, "page": options.page})
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        print(
            f"== {word!r} page {options.page}: status {response.status_code}, "
            f"{len(captured.captured_queries)} queries"
        )
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT"):
                continue
            ms, plan = explain(sql)
            print(f"  {ms:8.1f} ms  {sql[:110]}")
            if options.plans and ms >= options.over:
                print("\n".join("      " + line for line in plan.splitlines()))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
