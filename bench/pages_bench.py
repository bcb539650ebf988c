"""Benchmark the catalogue pages against a minimal Django view, on PostgreSQL.

Usage (from the project root, database seeded with
``seed_demo --wholesalers 2000 --listings 100000``):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yiwu_bench5 \
        .venv/bin/python bench/pages_bench.py --rounds 5 --duration 5

Starts gunicorn (2 sync workers) on loopback with DEBUG off, then drives it from a
second process: ``wrk`` when it is installed, otherwise a small threaded Python client.
Measures, in one run, requests per second and p50/p95 latency of (a) the catalogue
browse page with two filters and a sort, (b) a pilot product page with 50+ offers and
(c) a minimal text view (the ceiling), each at 8 concurrent connections.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BROWSE = "/catalogue/?country=JP&price_max=200&sort=price"
#: Every request of this target asks for another price limit, so each one misses the
#: page cache: the cost of a first visit to a filter combination.
UNCACHED_BROWSE = "/catalogue/?country=JP&sort=price&price_max="
VARY_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. (100 + counter) .. "." .. math.random(0, 99))
end
"""
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT {\\"rps\\": %.1f, \\"p50\\": %.2f, \\"p95\\": %.2f, \\"p99\\": %.2f, "
    .. "\\"requests\\": %d, \\"errors\\": %d}\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, errors))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.pages_settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def product_with_most_offers() -> tuple[str, int]:
    """Return the code and offer count of the pilot product with the most offers."""
    code = (
        "import django; django.setup();"
        "from django.db.models import Count;"
        "from pilot_products.models import Listing;"
        "row = (Listing.objects.visible_to_buyers().values('pilot_product__code')"
        ".annotate(n=Count('pk')).order_by('-n').first());"
        "print(row['pilot_product__code'], row['n'])"
    )
    output = subprocess.check_output(
        [sys.executable, "-c", code], cwd=ROOT, env=server_env(), text=True
    )
    product, offers = output.split()
    return product, int(offers)


def start_server(port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "yiwu_catalog.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/ping/", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def check_page(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200, url
        return len(response.read())


def run_wrk(url: str, duration: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT + (VARY_SCRIPT if url.endswith("=") else ""))
    try:
        output = subprocess.check_output(
            [
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "5s",
                "-s",
                script.name,
                url,
            ],
            text=True,
        )
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def run_python_client(url: str, duration: int, connections: int) -> dict:
    """Fallback load generator: a threaded client in its own process."""
    client = Path(__file__).with_name("pages_client.py")
    output = subprocess.check_output(
        [sys.executable, str(client), url, str(duration), str(connections)], text=True
    )
    return json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds per page and round"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="the pages take turns this many times, so background load hits all alike",
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        raise SystemExit("Set DATABASE_URL to the seeded PostgreSQL database.")

    product, offers = product_with_most_offers()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    targets = [
        ("(a) catalogue, 2 filters + sort", f"{base}{BROWSE}"),
        (
            f"(b) pilot product {product} ({offers} offers)",
            f"{base}/catalogue/products/{product}/",
        ),
        (
            "(d) catalogue, every request a new filter (cache misses)",
            f"{base}{UNCACHED_BROWSE}",
        ),
        ("(c) minimal text view (ceiling)", f"{base}/bench/ping/"),
    ]
    use_wrk = shutil.which("wrk") and not args.python_client
    load = run_wrk if use_wrk else run_python_client
    server = start_server(port)
    try:
        for _label, url in targets:
            check_page(url + ("1" if url.endswith("=") else ""))
            load(url, 2, args.connections)  # warm up workers and caches
        rounds = {label: [] for label, _url in targets}
        for _round in range(args.rounds):
            for label, url in targets:
                rounds[label].append(load(url, args.duration, args.connections))
    finally:
        stop_server(server)

    summary = {
        label: {
            key: statistics.median(result[key] for result in results)
            for key in ("rps", "p50", "p95", "p99")
        }
        | {
            "worst_p95": max(result["p95"] for result in results),
            "errors": sum(result["errors"] for result in results),
        }
        for label, results in rounds.items()
    }
    ceiling = summary[targets[-1][0]]["rps"]
    print(
        f"load generator: {'wrk' if use_wrk else 'python threads'}, "
        f"{args.connections} connections, {args.rounds} rounds of {args.duration} s "
        "per page (medians of the rounds), gunicorn 2 sync workers, DEBUG off, "
        f"page cache {os.environ.get('CATALOGUE_PAGE_CACHE_SECONDS', '30')} s"
    )
    print(
        "| page | req/s | p50 ms | p95 ms | worst p95 ms | errors | share of ceiling |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, figures in summary.items():
        print(
            f"| {label} | {figures['rps']:.0f} | {figures['p50']:.1f} | "
            f"{figures['p95']:.1f} | {figures['worst_p95']:.1f} | "
            f"{figures['errors']} | {figures['rps'] / ceiling:.0%} |"
        )


if __name__ == "__main__":
    main()
