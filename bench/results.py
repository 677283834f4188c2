"""The benchmark's arithmetic, its targets (issue 13) and what it prints and writes.

Pure functions over wrk runs (bench/wrk.py's Run), so the test suite checks them on real
wrk output.
"""

import json
import statistics
from collections.abc import Iterable
from pathlib import Path

from bench.wrk import Run

# Which baseline each endpoint is read against: logged-in pages against the bare view that
# loads the session and user, everything else against the bare view.
LOGGED_IN = ("timeline", "poll")
# The least share of its baseline's throughput each endpoint should reach.
RATIO_TARGETS = {
    "home": 0.5,
    "catalog": 0.5,
    "catalog_filtered": 0.5,
    "catalog_page20": 0.5,
    "piece": 0.5,
    "maker": 0.5,
    "makers": 0.5,
    "catalog_search": 0.25,
    "timeline": 0.4,
    "poll": 0.8,
    "webhook": 0.5,
}
P99_HALF_TARGET_MS = 100.0
SEARCH_SLOWDOWN_TARGET = 1.5


def baseline_of(name: str) -> str:
    return "bare-auth" if name in LOGGED_IN else "bare"


def median(values: Iterable[float]) -> float:
    values = list(values)
    if not values:
        raise ValueError("no values")
    return statistics.median(values)


def ratios(pairs: list[tuple[Run, Run]]) -> list[float]:
    """Each round's endpoint throughput over its baseline's, measured just before it."""
    return [endpoint.rps / baseline.rps for baseline, endpoint in pairs]


def half_rate_delay_ms(peak_rps: float, connections: int, workers: int) -> float:
    """The mean wait after each answer that makes `connections` ask for half the peak rate.

    Each connection sends one request per (wait + answer time); at half load an answer
    takes about one worker's share of the peak, workers / peak seconds (at the peak every
    worker is busy).
    """
    cycle = connections / (peak_rps / 2)
    return max((cycle - workers / peak_rps) * 1000, 1.0)


def endpoint_entry(
    name: str,
    pairs: list[tuple[Run, Run]],
    *,
    queries: int | None,
    cold_p50_ms: float | None,
    half: Run | None = None,
    extra: dict | None = None,
) -> dict:
    """One endpoint's figures from its rounds (baseline run, endpoint run)."""
    per_round = ratios(pairs)
    return {
        "rps": round(median(e.rps for _, e in pairs), 1),
        "p50_ms": round(median(e.p50_ms for _, e in pairs), 2),
        "p99_ms": round(median(e.p99_ms for _, e in pairs), 2),
        "queries": queries,
        "baseline": baseline_of(name),
        "ratio": round(median(per_round), 3),
        "ratio_min": round(min(per_round), 3),
        "ratio_max": round(max(per_round), 3),
        "cold_p50_ms": cold_p50_ms,
        "p99_half_ms": half.p99_ms if half else None,
        "rps_half": half.rps if half else None,
        "errors": sum(e.failed for _, e in pairs) + (half.failed if half else 0),
        "rounds": [
            {
                "baseline_rps": b.rps,
                "rps": e.rps,
                "ratio": round(e.rps / b.rps, 4),
                "p50_ms": e.p50_ms,
                "p99_ms": e.p99_ms,
            }
            for b, e in pairs
        ],
        **(extra or {}),
    }


def baseline_entry(runs: list[Run]) -> dict:
    return {
        "rps": round(median(r.rps for r in runs), 1),
        "p50_ms": round(median(r.p50_ms for r in runs), 2),
        "p99_ms": round(median(r.p99_ms for r in runs), 2),
        "runs": len(runs),
        "rps_min": min(r.rps for r in runs),
        "rps_max": max(r.rps for r in runs),
        "errors": sum(r.failed for r in runs),
    }


def scaling_entry(sizes: list[tuple[Run, Run]], *, pieces: tuple[int, int]) -> dict:
    """How much slower catalog_search is at the large size than at the small one: the time
    per request (1/rps) at each, from runs made one right after the other (large, small),
    the median over rounds."""
    slowdown = round(median(small.rps / large.rps for large, small in sizes), 3)
    return {
        "pieces_small": pieces[0],
        "pieces_large": pieces[1],
        "rps_small": round(median(small.rps for _, small in sizes), 1),
        "rps_large": round(median(large.rps for large, _ in sizes), 1),
        "p50_ms_small": round(median(small.p50_ms for _, small in sizes), 2),
        "p50_ms_large": round(median(large.p50_ms for large, _ in sizes), 2),
        "slowdown": slowdown,
        "slowdown_by_round": [round(small.rps / large.rps, 3) for large, small in sizes],
        "target": SEARCH_SLOWDOWN_TARGET,
        "met": slowdown <= SEARCH_SLOWDOWN_TARGET,
    }


def targets(endpoints: dict, scaling: dict | None) -> list[dict]:
    """Every target of the issue, its measured value and whether it is met."""
    found = []
    for name, least in RATIO_TARGETS.items():
        if name in endpoints:
            ratio = endpoints[name]["ratio"]
            found.append(
                {
                    "target": f"{name} ≥ {least} of {baseline_of(name)}",
                    "value": ratio,
                    "met": ratio >= least,
                }
            )
    if scaling is not None:
        found.append(
            {
                "target": f"catalog_search at {scaling['pieces_large']:,} pieces no slower than "
                f"×{SEARCH_SLOWDOWN_TARGET} its time at {scaling['pieces_small']:,}",
                "value": scaling["slowdown"],
                "met": scaling["met"],
            }
        )
    for name, entry in endpoints.items():
        if entry.get("p99_half_ms") is not None:
            found.append(
                {
                    "target": f"{name} p99 < {P99_HALF_TARGET_MS:.0f} ms at half its peak rate",
                    "value": entry["p99_half_ms"],
                    "met": entry["p99_half_ms"] < P99_HALF_TARGET_MS,
                }
            )
    return found


def build(
    *,
    date: str,
    machine: dict,
    pieces: int,
    baselines: dict[str, list[Run]],
    endpoints: dict[str, dict],
    scaling: dict | None,
    settings: dict,
) -> dict:
    return {
        "date": date,
        "machine": machine,
        "pieces": pieces,
        "settings": settings,
        "baselines": {name: baseline_entry(runs) for name, runs in baselines.items()},
        "endpoints": endpoints,
        "scaling": {"catalog_search": scaling} if scaling else {},
        "targets": targets(endpoints, scaling),
    }


def _num(value, spec: str = ".1f") -> str:
    return "–" if value is None else format(value, spec)


def table(results: dict) -> str:
    """The figures as a plain-text table, then the targets."""
    lines = [
        f"{results['date']} · {results['machine']['cores']} cores, "
        f"{results['machine']['memory_gb']} GB · {results['pieces']:,} pieces · "
        f"{results['settings']['seconds']} s × {results['settings']['rounds']} rounds",
        "",
        f"{'baseline':<18}{'rps':>9}{'p50 ms':>9}{'p99 ms':>9}",
    ]
    for name, b in results["baselines"].items():
        lines.append(f"{name:<18}{b['rps']:>9.1f}{b['p50_ms']:>9.2f}{b['p99_ms']:>9.2f}")
    lines += [
        "",
        f"{'endpoint':<18}{'vs':<10}{'ratio':>7}{'min–max':>14}{'rps':>9}{'p50 ms':>9}"
        f"{'p99 ms':>9}{'p99 ½':>8}{'queries':>9}{'cold p50':>10}",
    ]
    for name, e in results["endpoints"].items():
        spread = f"{e['ratio_min']:.3f}–{e['ratio_max']:.3f}"
        lines.append(
            f"{name:<18}{e['baseline']:<10}{e['ratio']:>7.3f}{spread:>14}{e['rps']:>9.1f}"
            f"{e['p50_ms']:>9.2f}{e['p99_ms']:>9.2f}{_num(e['p99_half_ms']):>8}"
            f"{_num(e['queries'], 'd'):>9}{_num(e['cold_p50_ms']):>10}"
            + (f"   {e['errors']} errors" if e.get("errors") else "")
        )
    search = results["scaling"].get("catalog_search")
    if search:
        lines += [
            "",
            f"catalog_search at {search['pieces_small']:,} pieces {search['rps_small']} rps "
            f"(p50 {search['p50_ms_small']} ms), at {search['pieces_large']:,} "
            f"{search['rps_large']} rps (p50 {search['p50_ms_large']} ms): "
            f"×{search['slowdown']} the time (rounds: {search['slowdown_by_round']})",
        ]
    met = [t for t in results["targets"] if t["met"]]
    lines += ["", f"targets met: {len(met)} of {len(results['targets'])}"]
    for t in results["targets"]:
        lines.append(f"  {'met ' if t['met'] else 'MISS'}  {t['target']}: {t['value']}")
    return "\n".join(lines)


def write(results: dict, path: Path) -> None:
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
