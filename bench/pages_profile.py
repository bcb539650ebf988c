"""Run sample requests of each page in-process; report queries and the slowest statement.

Reads ``{page: [path, ...]}`` as JSON on stdin, writes ``{page: {queries, slowest_ms,
slowest_sql}}``: the median number of queries per request, and the statement that
took longest across the page's sample, run again under ``EXPLAIN (ANALYZE)`` (its
"Execution Time"). Used by ``bench/pages_random.py``; the page cache is off.
"""

import json
import re
import statistics
import sys

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

EXECUTION_TIME = re.compile(r"Execution Time: ([0-9.]+) ms")


def explain_ms(sql: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return float(EXECUTION_TIME.search(plan).group(1))


def main() -> None:
    samples = json.load(sys.stdin)
    client = Client(HTTP_HOST="127.0.0.1")
    report = {}
    for label, paths in samples.items():
        counts, slowest = [], (0.0, "")
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            counts.append(len(captured.captured_queries))
            for query in captured.captured_queries:
                # A server-side cursor's DECLARE is timed apart from its FETCHes.
                if query["sql"].startswith("DECLARE"):
                    continue
                if float(query["time"]) > slowest[0]:
                    slowest = (float(query["time"]), query["sql"])
        entry = {"queries": statistics.median(counts) if counts else 0}
        if slowest[1]:
            # Run twice: the first run may read from disk, the second is the steady one.
            explain_ms(slowest[1])
            entry["slowest_ms"] = round(explain_ms(slowest[1]), 1)
            entry["slowest_sql"] = slowest[1]
        report[label] = entry
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
