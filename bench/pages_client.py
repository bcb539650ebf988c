"""A threaded HTTP/1.1 keep-alive client: ``pages_client.py URL SECONDS CONNECTIONS``.

Prints one JSON object with requests per second and latency percentiles in ms.
"""

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> None:
    url, seconds, connections = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[list[float]] = [[] for _index in range(connections)]
    errors = [0] * connections
    stop_at = time.monotonic() + seconds

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        sent = 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            sent += 1
            # A URL ending in "=" asks for a new value on every request (cache misses).
            target = f"{path}{index}{sent}" if path.endswith("=") else path
            try:
                connection.request("GET", target)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[index] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except OSError:
                errors[index] += 1
                connection.close()
                connection = http.client.HTTPConnection(
                    parts.hostname, parts.port, timeout=10
                )
            latencies[index].append((time.perf_counter() - started) * 1000)

    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    everything = [value for values in latencies for value in values]
    print(
        json.dumps(
            {
                "rps": len(everything) / elapsed,
                "p50": percentile(everything, 0.50),
                "p95": percentile(everything, 0.95),
                "p99": percentile(everything, 0.99),
                "requests": len(everything),
                "errors": sum(errors),
            }
        )
    )


if __name__ == "__main__":
    main()
