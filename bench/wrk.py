"""Run wrk (the Debian package, /usr/bin/wrk) with bench/wrk.lua and read what it measured."""

import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("wrk.lua")
# On a 2-core machine one wrk thread keeps 3 sync workers busy; two connections a worker.
THREADS = 1
CONNECTIONS = 6
MARK = "BENCH-JSON "


class WrkError(RuntimeError):
    pass


@dataclass(frozen=True)
class Run:
    """One wrk run: throughput and latency (milliseconds) from wrk's own distribution."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    errors: dict
    bodies_sent: int = 0
    wrapped: int = 0

    @property
    def failed(self) -> int:
        """Answers that were not a success (status ≥ 400), timeouts and broken sockets."""
        return sum(self.errors.values())

    def as_dict(self) -> dict:
        return asdict(self)


def wrk_path() -> str | None:
    return shutil.which("wrk") or ("/usr/bin/wrk" if os.access("/usr/bin/wrk", os.X_OK) else None)


def parse(output: str) -> Run:
    """The BENCH-JSON line wrk.lua's done() prints, as a Run."""
    for line in output.splitlines():
        if line.startswith(MARK):
            data = json.loads(line[len(MARK) :])
            break
    else:
        raise WrkError(f"wrk printed no {MARK.strip()} line:\n{output[-2000:]}")
    seconds = data["duration_us"] / 1e6
    latency = {k: v / 1000 for k, v in data["latency_us"].items()}
    return Run(
        requests=data["requests"],
        seconds=round(seconds, 3),
        rps=round(data["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=round(latency["p50"], 2),
        p90_ms=round(latency["p90"], 2),
        p99_ms=round(latency["p99"], 2),
        mean_ms=round(latency["mean"], 2),
        max_ms=round(latency["max"], 2),
        errors=data["errors"],
        bodies_sent=data["bodies_sent"],
        wrapped=data["wrapped"],
    )


def run(
    url: str,
    *,
    seconds: float,
    headers: dict[str, str] | None = None,
    connections: int = CONNECTIONS,
    threads: int = THREADS,
    delay_ms: float = 0,
    bodies: Path | None = None,
) -> Run:
    """Load `url` for `seconds`; with `delay_ms` each connection pauses after each answer;
    with `bodies` it POSTs the file's signed requests in turn (see wrk.lua)."""
    binary = wrk_path()
    if binary is None:
        raise WrkError("wrk is not installed (Debian: apt-get install wrk)")
    command = [
        binary,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(int(round(seconds)), 1)}s",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    env = {
        **os.environ,
        "BENCH_DELAY_MS": str(int(round(delay_ms))) if delay_ms else "0",
        "BENCH_BODIES": str(bodies or ""),
        "BENCH_THREADS": str(threads),
    }
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=seconds + 60, check=False
    )
    if done.returncode != 0:
        raise WrkError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    return parse(done.stdout)
