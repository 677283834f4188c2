"""The load benchmark (`make bench`): each page's throughput as a share of a bare Django view
served by the same server in the same minute.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier_bench \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/15 make bench

1. Seeds BENCH_DATABASE_URL (500 makers, 10,000 pieces, 500 commissions with 27-entry
   timelines; bulk inserts, under a minute) and `<its name>_1k` (1,000 pieces, for the
   search's scaling check). A database seeded before at the same size is reused; one
   seeded otherwise is dropped and seeded again. Both databases are the benchmark's own.
2. Serves the shop with gunicorn (3 sync workers) and production settings on a loopback
   port (bench/server.py); every request says `X-Forwarded-Proto: https`, as from a TLS
   proxy. BENCH_REDIS_URL is its cache and broker (no worker runs: the webhook's tasks
   wait in the queue).
3. Loads each endpoint with wrk for BENCH_SECONDS (15), right after its baseline (`bare`,
   or `bare-auth` for logged-in pages), for BENCH_ROUNDS (3) rounds; `ratio` is the median
   over rounds of the endpoint's req/s over its baseline's in that round; catalog_search
   is loaded a second time, on a second server over the 1,000-piece database, right after
   the first. Then: each endpoint paced at half its peak rate (`p99_half_ms`); its queries
   per request (Django's test client against the same database and cache, warm); and the
   cold path (`cold_p50_ms`: the cache emptied before each of 11 requests, one connection).
4. Prints the table and the targets, and writes bench/results.json.
"""

import html.parser
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import results, seed, server, webhook, wrk  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
SMALL_PIECES, LARGE_PIECES = 1_000, 10_000
COLD_REQUESTS = 11
WARM_SECONDS = 2


def fail(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr)
    sys.exit(2)


# --- Services and databases -----------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def check_services(database_url: str, redis_url: str) -> None:
    """One clear line and exit 2 when something the benchmark needs is missing."""
    if not database_url:
        fail(
            "BENCH_DATABASE_URL is not set: give the benchmark a PostgreSQL database of its "
            "own, e.g. postgres://postgres@127.0.0.1:5432/atelier_bench (its contents are "
            "replaced)."
        )
    if urlsplit(database_url).scheme not in ("postgres", "postgresql"):
        fail(f"BENCH_DATABASE_URL must be a PostgreSQL URL (postgres://…), not {database_url}.")
    if not redis_url:
        fail("BENCH_REDIS_URL is not set: e.g. redis://127.0.0.1:6379/15 (it is flushed).")
    if urlsplit(redis_url).scheme not in ("redis", "rediss"):
        fail(f"BENCH_REDIS_URL must be a Redis URL (redis://…), not {redis_url}.")
    import psycopg
    import redis

    try:
        psycopg.connect(_with_database(database_url, "postgres"), connect_timeout=3).close()
    except psycopg.Error as e:
        fail(f"cannot reach PostgreSQL at {database_url}: {str(e).strip().splitlines()[0]}")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError as e:
        fail(f"cannot reach Redis at {redis_url}: {e}")
    if wrk.wrk_path() is None:
        fail("wrk is not installed: apt-get install wrk (Debian's package).")


def prepare_database(url: str, pieces: int, env: dict[str, str]) -> None:
    """Create, or reuse if seeded at this size, or drop and seed again; then migrate and
    seed (bench/seed.py, in a process of its own)."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            with psycopg.connect(url) as db, db.cursor() as cursor:
                reuse = seed.seeded(cursor, pieces)
                cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                empty = cursor.fetchone()[0] == 0
            if not reuse and not empty:
                print(f"{name}: seeded otherwise (size or seed version): dropping it")
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    seed_env = {**env, "DATABASE_URL": url}
    seed_env.pop("REDIS_URL")  # seeding renders its few photos in-process
    print(f"{name}: ", end="", flush=True)
    subprocess.run(
        [sys.executable, "-m", "bench.seed", str(pieces)], cwd=ROOT, env=seed_env, check=True
    )


def empty_cache(redis_url: str) -> None:
    """Every cache key gone; the broker's own keys (queue bindings) kept."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = [k for k in client.scan_iter(count=1000) if not k.startswith((b"_kombu.", b"unacked"))]
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


# --- Endpoints ------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    path: str
    logged_in: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    webhook: bool = False


class _PollFinder(html.parser.HTMLParser):
    """The URL the open commission page polls: the element htmx fetches `every` few seconds."""

    def __init__(self):
        super().__init__()
        self.found: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            self.found is None
            and "every" in (attrs.get("hx-trigger") or "")
            and attrs.get("hx-get")
        ):
            self.found = attrs["hx-get"]


def endpoints(srv: server.Server, cookie: str) -> list[Endpoint]:
    """The issue's endpoints on the seeded shop (Django is set up on its database)."""
    from django.urls import reverse

    from commissions.models import Commission
    from makers.models import Maker

    maker = Maker.objects.get(slug="load-maker-1")
    piece = maker.pieces.published().select_related("category").order_by("id").first()
    commission = Commission.objects.get(buyer__email=seed.BUYER_EMAIL, maker=maker)
    catalog = reverse("makers:catalog")
    found = [
        Endpoint("home", reverse("home")),
        Endpoint("catalog", catalog),
        Endpoint(
            "catalog_filtered",
            f"{catalog}?category={piece.category.slug}&price_min=10&price_max=900&open=on",
        ),
        Endpoint("catalog_search", f"{catalog}?q={seed.SEARCH_WORD}"),
        Endpoint("catalog_page20", f"{catalog}?sort=price&page=20"),
        Endpoint("piece", piece.get_absolute_url()),
        Endpoint("maker", maker.get_absolute_url()),
        Endpoint("makers", reverse("makers:makers")),
        Endpoint("timeline", commission.get_absolute_url(), logged_in=True),
    ]
    page = server.get(srv, commission.get_absolute_url(), headers={"Cookie": cookie})
    finder = _PollFinder()
    finder.feed(page.text)
    if finder.found is None:
        fail(
            f"the commission page {commission.get_absolute_url()} polls nothing (no hx-trigger every)"
        )
    found.append(Endpoint("poll", finder.found, logged_in=True, headers={"HX-Request": "true"}))
    found.append(Endpoint("webhook", reverse("payments:webhook"), webhook=True))
    # The commission's shared journey (a public page, read against the bare view).
    from commissions.story.models import Journey

    journey, _ = Journey.objects.get_or_create(
        token="bench-journey-of-the-load-buyers-commission-1",  # noqa: S106 - a bench page
        commission=commission,
    )
    found.append(Endpoint("journey", journey.get_absolute_url()))
    return found


# --- Measuring ------------------------------------------------------------------------------


@dataclass
class Bench:
    srv: server.Server
    cookie: str
    secret: str
    seconds: float
    scratch: Path
    stamp: str = field(default_factory=lambda: f"{int(time.time())}{secrets.token_hex(2)}")
    batches: int = 0
    webhook_rps: float = 500.0

    def headers(self, endpoint: Endpoint | None = None, *, logged_in: bool = False) -> dict:
        headers = dict(server.PROXY_HEADERS)
        if logged_in or (endpoint and endpoint.logged_in):
            headers["Cookie"] = self.cookie
        if endpoint:
            headers.update(endpoint.headers)
        return headers

    def bodies(self, seconds: float = 0, count: int | None = None) -> Path:
        """A fresh file of signed events: `count`, or enough for `seconds` at twice the
        highest rate seen."""
        self.batches += 1
        count = count or max(2_000, int(self.webhook_rps * seconds * 2))
        return webhook.write_bodies(
            self.scratch / "events.txt",
            count=count,
            secret=self.secret,
            run=f"{self.stamp}b{self.batches}",
        )

    def load(self, endpoint: Endpoint, seconds: float | None = None, **kwargs) -> wrk.Run:
        seconds = seconds or self.seconds
        if endpoint.webhook:
            kwargs["bodies"] = self.bodies(seconds)
        run = wrk.run(
            self.srv.base + endpoint.path, seconds=seconds, headers=self.headers(endpoint), **kwargs
        )
        if endpoint.webhook:
            self.webhook_rps = max(self.webhook_rps, run.rps)
            if run.wrapped:
                print(f"  warning: the webhook ran out of distinct events ({run.wrapped}×)")
        return run

    def baseline(self, name: str, seconds: float | None = None) -> wrk.Run:
        path = "/bench/bare-auth/" if name == "bare-auth" else "/bench/bare/"
        return self.load(Endpoint(name, path, logged_in=name == "bare-auth"), seconds)

    def check(self, endpoint: Endpoint) -> server.Answer:
        """One request: the endpoint answers as it should before it is loaded."""
        body, headers = None, self.headers(endpoint)
        if endpoint.webhook:
            sig, body = webhook.read_bodies(self.bodies(count=1))[0]
            headers |= {"Content-Type": "application/json", "Stripe-Signature": sig}
        answer = server.request(
            self.srv,
            "POST" if endpoint.webhook else "GET",
            endpoint.path,
            headers=headers,
            body=body,
        )
        if answer.status not in (200, 204):
            fail(f"{endpoint.name} ({endpoint.path}) answered {answer.status}: {answer.text[:300]}")
        return answer

    def cold_p50(self, endpoint: Endpoint, redis_url: str) -> float:
        """The median of single requests, each after the cache was emptied."""
        times = []
        for _ in range(COLD_REQUESTS):
            empty_cache(redis_url)
            body, headers = None, self.headers(endpoint)
            if endpoint.webhook:
                sig, body = webhook.read_bodies(self.bodies(count=1))[0]
                headers |= {"Content-Type": "application/json", "Stripe-Signature": sig}
            answer = server.request(
                self.srv,
                "POST" if endpoint.webhook else "GET",
                endpoint.path,
                headers=headers,
                body=body,
            )
            if answer.status not in (200, 204):
                fail(f"{endpoint.name} answered {answer.status} on the cold path")
            times.append(answer.seconds * 1000)
        return round(statistics.median(times), 2)


def count_queries(endpoint: Endpoint, bench: Bench) -> int:
    """SQL statements of one warm request, through Django's test client in this process
    (same settings, database and cache as the server)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    headers = {k: v for k, v in bench.headers(endpoint).items() if k != "Cookie"}
    if endpoint.logged_in:
        name, value = bench.cookie.split("=", 1)
        client.cookies[name] = value
    with CaptureQueriesContext(connection) as queries:
        if endpoint.webhook:
            sig, body = webhook.read_bodies(bench.bodies(count=1))[0]
            response = client.post(
                endpoint.path,
                body,
                content_type="application/json",
                headers={**headers, "Stripe-Signature": sig},
            )
        else:
            response = client.get(endpoint.path, headers=headers)
    if response.status_code not in (200, 204):
        fail(f"{endpoint.name} answered {response.status_code} to the query count")
    return len(queries)


def machine() -> dict:
    kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {"cores": os.cpu_count(), "memory_gb": round(kb / 1024 / 1024, 1)}


def _env_number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        fail(f"{name}={raw!r} is not a whole number.")
    if value < 1:
        fail(f"{name} must be at least 1.")
    return value


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="atelier-bench-"))
    try:
        measure(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(scratch: Path) -> None:
    database_url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    redis_url = os.environ.get("BENCH_REDIS_URL", "").strip()
    seconds = _env_number("BENCH_SECONDS", 15)
    rounds = _env_number("BENCH_ROUNDS", 3)
    check_services(database_url, redis_url)
    small_url = _with_database(database_url, urlsplit(database_url).path.lstrip("/") + "_1k")
    started = time.monotonic()

    env = server.production_env(database_url=database_url, redis_url=redis_url, scratch=scratch)
    prepare_database(database_url, LARGE_PIECES, env)
    prepare_database(small_url, SMALL_PIECES, env)
    server.collectstatic(env)
    empty_cache(redis_url)

    os.environ.update(env)
    import django

    django.setup()
    from makers.models import Piece

    published = Piece.objects.published()
    matching = published.filter(search_text__icontains=seed.SEARCH_WORD).count()
    print(f"{published.count():,} pieces; the search for {seed.SEARCH_WORD!r} matches {matching:,}")

    # The 1,000-piece shop runs beside it (its own cache keys), idle but for the search,
    # which is loaded right after the large shop's in each round.
    small_env = {**env, "DATABASE_URL": small_url, "CACHE_KEY_PREFIX": "bench-1k"}
    with (
        server.Server(env, scratch / "gunicorn.log") as srv,
        server.Server(small_env, scratch / "gunicorn-1k.log") as small_srv,
    ):
        cookie = server.log_in(srv, "/accounts/login/", seed.BUYER_EMAIL, seed.PASSWORD)
        bench = Bench(srv, cookie, env["STRIPE_WEBHOOK_SECRET"], seconds, scratch)
        small = Bench(small_srv, "", env["STRIPE_WEBHOOK_SECRET"], seconds, scratch)
        names = endpoints(srv, cookie)
        only = {n.strip() for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()}
        if only:  # a quick look at a few endpoints; results.json is left as it is
            names = [e for e in names if e.name in only] or fail(f"no endpoint in {only}")
        search = next((e for e in names if e.name == "catalog_search"), None)
        answers = {}
        for endpoint in names:
            answer = bench.check(endpoint)
            answers[endpoint.name] = {"status": answer.status, "bytes": len(answer.body)}
            print(
                f"{endpoint.name:<17} {answer.status}, {len(answer.body):,} bytes: {endpoint.path}"
            )
        if search:
            small.check(search)
        print(f"warming up ({WARM_SECONDS} s each)…", flush=True)
        for baseline in ("bare", "bare-auth"):
            bench.baseline(baseline, WARM_SECONDS)
        for endpoint in names:
            bench.load(endpoint, WARM_SECONDS)
        if search:
            small.load(search, WARM_SECONDS)

        pairs: dict[str, list[tuple[wrk.Run, wrk.Run]]] = {e.name: [] for e in names}
        baselines: dict[str, list[wrk.Run]] = {"bare": [], "bare-auth": []}
        sizes: list[tuple[wrk.Run, wrk.Run]] = []
        for r in range(rounds):
            for endpoint in names:
                name = results.baseline_of(endpoint.name)
                base = bench.baseline(name)
                run = bench.load(endpoint)
                baselines[name].append(base)
                pairs[endpoint.name].append((base, run))
                print(
                    f"round {r + 1}/{rounds}  {endpoint.name:<17} {run.rps:8.1f} rps  "
                    f"({name} {base.rps:.1f})  ratio {run.rps / base.rps:.3f}  "
                    f"p50 {run.p50_ms:.1f} ms  p99 {run.p99_ms:.1f} ms",
                    flush=True,
                )
                if endpoint is search:
                    at_small = small.load(search)
                    sizes.append((run, at_small))
                    print(
                        f"round {r + 1}/{rounds}  {'  at 1,000 pieces':<17} "
                        f"{at_small.rps:8.1f} rps  p50 {at_small.p50_ms:.1f} ms",
                        flush=True,
                    )

        entries = {}
        for endpoint in names:
            peak = results.median(e.rps for _, e in pairs[endpoint.name])
            delay = results.half_rate_delay_ms(peak, wrk.CONNECTIONS, server.WORKERS)
            half = bench.load(endpoint, delay_ms=delay)
            queries = count_queries(endpoint, bench)
            entries[endpoint.name] = (half, queries)
            print(
                f"{endpoint.name:<17} at half its peak ({half.rps:.1f} rps): p99 "
                f"{half.p99_ms:.1f} ms; {queries} queries",
                flush=True,
            )
        cold = {}
        for endpoint in names:
            cold[endpoint.name] = bench.cold_p50(endpoint, redis_url)
        built = {
            e.name: results.endpoint_entry(
                e.name,
                pairs[e.name],
                queries=entries[e.name][1],
                cold_p50_ms=cold[e.name],
                half=entries[e.name][0],
                extra={"path": e.path, **answers[e.name]},
            )
            for e in names
        }
    scaling = results.scaling_entry(sizes, pieces=(SMALL_PIECES, LARGE_PIECES)) if sizes else None
    done = results.build(
        date=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        machine=machine(),
        pieces=published.count(),
        baselines=baselines,
        endpoints=built,
        scaling=scaling,
        settings={
            "seconds": seconds,
            "rounds": rounds,
            "gunicorn_workers": server.WORKERS,
            "wrk_threads": wrk.THREADS,
            "wrk_connections": wrk.CONNECTIONS,
            "search_word": seed.SEARCH_WORD,
            "cold_requests": COLD_REQUESTS,
            "minutes": round((time.monotonic() - started) / 60, 1),
        },
    )
    print()
    print(results.table(done))
    if only:
        print("\nBENCH_ONLY: bench/results.json left as it was")
        return
    results.write(done, RESULTS)
    print(f"\nwritten to {RESULTS.relative_to(ROOT)} in {done['settings']['minutes']} minutes")


if __name__ == "__main__":
    main()
