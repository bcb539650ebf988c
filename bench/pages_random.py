"""Benchmark the catalogue pages with random parameters and no page cache, on PostgreSQL.

Usage (from the project root; ``make bench BENCH=pages`` seeds and runs both sizes):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yiwu_bench_pages_100k \\
        .venv/bin/python bench/pages_random.py --rounds 3 --duration 5

Starts gunicorn (2 sync workers, DEBUG off, ``CATALOGUE_PAGE_CACHE_SECONDS=0`` unless
``--page-cache``) and drives it with ``wrk`` at 8 connections. Every request of a page
draws its parameters (word, product, wholesaler, page number, price, category,
country) at random from a list made here, so no render can be reused. The pages and
the bare view take turns for several rounds (interleaved), so background load hits
all alike; the table shows the medians of the rounds. Then, in one process, a sample
of each page's requests runs under Django's query capture: queries per request, and
the slowest statement run again under ``EXPLAIN ANALYZE``.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages_bench import free_port, server_env, start_server, stop_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PATHS_PER_PAGE = 400
#: What buyers type: everyday Chinese words, pinyin, English words, one typo.
CHINESE_WORDS = [
    "玩具", "积木", "香皂", "牙刷", "纸巾", "童车", "吸尘器", "电饭煲", "婴儿车",
    "剃须刀", "洗发水", "拼图", "微波炉", "餐具", "玩偶", "咖啡机", "wanju", "xcq",
]  # fmt: skip
ENGLISH_WORDS = [
    "toys", "puzzle", "shampoo", "stroller", "toaster", "vacuum", "kettle", "sakura",
    "hair dryer", "toothbrushes", "klarwerk", "vaccum", "blocks", "soap", "9503",
]  # fmt: skip
LUA = """
paths = {%(paths)s}
request = function()
  return wrk.format(nil, paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT {\\"rps\\": %%.1f, \\"p50\\": %%.2f, \\"p95\\": %%.2f, "
    .. "\\"requests\\": %%d, \\"errors\\": %%d}\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.requests, errors))
end
"""
SAMPLE_CODE = """
import django, json; django.setup()
from pilot_products.models import CbecCategory, Listing, PilotProduct, Wholesaler
print(json.dumps({
    "products": list(PilotProduct.objects.approved().values_list("code", flat=True)),
    "wholesalers": list(Wholesaler.objects.active().values_list("pk", flat=True)[:2000]),
    "categories": list(CbecCategory.objects.values_list("code", flat=True)),
    "countries": sorted(set(Listing.objects.values_list("country_of_origin", flat=True)[:5000])),
    "listings": Listing.objects.count(),
    "public": Listing.objects.filter(is_public=True).count(),
}))
"""


def catalogue_sample() -> dict:
    output = subprocess.check_output(
        [sys.executable, "-c", SAMPLE_CODE], cwd=ROOT, env=server_env(), text=True
    )
    return json.loads(output)


def page_paths(sample: dict, rng: random.Random) -> dict[str, list[str]]:
    """Random request paths of every page measured, and of the bare view."""
    from urllib.parse import urlencode

    def many(make) -> list[str]:
        return [make() for _ in range(PATHS_PER_PAGE)]

    def browse(**params) -> str:
        return "/catalogue/?" + urlencode(params)

    price = lambda: rng.choice([20, 50, 80, 120, 200, 500, 1000])  # noqa: E731
    return {
        "home": many(lambda: f"/?v={rng.randrange(10**6)}"),
        "browse, no filter": many(lambda: browse(v=rng.randrange(10**6))),
        "search, Chinese / pinyin word": many(
            lambda: browse(q=rng.choice(CHINESE_WORDS), v=rng.randrange(10**6))
        ),
        "search, English word": many(
            lambda: browse(q=rng.choice(ENGLISH_WORDS), v=rng.randrange(10**6))
        ),
        "page 40-50": many(lambda: browse(page=rng.randrange(40, 51))),
        "sorted by price": many(
            lambda: browse(
                sort=rng.choice(["price", "-price", "moq"]), price_max=price()
            )
        ),
        "category + country + price range": many(
            lambda: browse(
                category=rng.choice(sample["categories"]),
                country=rng.choice(sample["countries"]),
                price_min=rng.choice([1, 5, 10]),
                price_max=price(),
            )
        ),
        "pilot product page": many(
            lambda: (
                f"/catalogue/products/{rng.choice(sample['products'])}/"
                f"?page={rng.randrange(1, 4)}"
            )
        ),
        "wholesaler page": many(
            lambda: f"/catalogue/wholesalers/{rng.choice(sample['wholesalers'])}/"
        ),
        "bare view (ceiling)": many(lambda: f"/bench/ping/?v={rng.randrange(10**6)}"),
    }


def run_wrk(base: str, paths: list[str], duration: int, connections: int) -> dict:
    quoted = ", ".join(json.dumps(path) for path in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"paths": quoted})
    try:
        output = subprocess.check_output(
            ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
            + ["-s", script.name, base],
            text=True,
        )
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def profile(paths: dict[str, list[str]], per_page: int) -> dict:
    """Queries per request and the slowest statement's EXPLAIN ANALYZE, per page."""
    samples = {label: urls[:per_page] for label, urls in paths.items()}
    output = subprocess.check_output(
        [sys.executable, str(Path(__file__).with_name("pages_profile.py"))],
        input=json.dumps(samples),
        cwd=ROOT,
        env=server_env(),
        text=True,
    )
    return json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--profile-requests", type=int, default=10)
    parser.add_argument("--page-cache", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        raise SystemExit("Set DATABASE_URL to the seeded PostgreSQL database.")
    if not args.page_cache:
        os.environ["CATALOGUE_PAGE_CACHE_SECONDS"] = "0"

    sample = catalogue_sample()
    paths = page_paths(sample, random.Random(args.seed))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    rounds: dict[str, list[dict]] = {label: [] for label in paths}
    try:
        for urls in paths.values():
            run_wrk(base, urls, 1, 2)  # warm up: workers, jieba, cached option lists
        for _round in range(args.rounds):
            for label, urls in paths.items():
                rounds[label].append(
                    run_wrk(base, urls, args.duration, args.connections)
                )
    finally:
        stop_server(server)
    profiled = profile(paths, args.profile_requests)

    ceiling = statistics.median(r["rps"] for r in rounds["bare view (ceiling)"])
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[:3]
    print(
        f"{sample['listings']:,} listings ({sample['public']:,} public); wrk, "
        f"{args.connections} connections, {args.rounds} interleaved rounds of "
        f"{args.duration} s (medians), gunicorn 2 sync workers, DEBUG off, page cache "
        f"{'on' if args.page_cache else 'off'}; load average after: {' '.join(load)}"
    )
    print(
        "| page | req/s | share of bare view | p50 ms | p95 ms | errors "
        "| queries/request | slowest statement (EXPLAIN ANALYZE ms) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, results in rounds.items():
        rps = statistics.median(r["rps"] for r in results)
        p50 = statistics.median(r["p50"] for r in results)
        p95 = statistics.median(r["p95"] for r in results)
        errors = sum(r["errors"] for r in results)
        facts = profiled.get(label, {})
        print(
            f"| {label} | {rps:.1f} | {rps / ceiling:.1%} | {p50:.1f} | {p95:.1f} | "
            f"{errors} | {facts.get('queries', '-')} | {facts.get('slowest_ms', '-')} |"
        )
    print("\nSlowest statement of each page (first 300 characters):")
    for label, facts in profiled.items():
        print(f"- {label}: {facts.get('slowest_sql', '')[:300]}")


if __name__ == "__main__":
    main()
