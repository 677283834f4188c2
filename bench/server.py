"""The shop as production runs it, on loopback: gunicorn with 3 sync workers, DEBUG off,
real (fake-keyed) Stripe payments, whitenoise serving collected static files, and every
request arriving as from a TLS proxy (`X-Forwarded-Proto: https`)."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3
# What a TLS proxy in front of gunicorn adds (settings: SECURE_PROXY_SSL_HEADER); without
# it every page would answer with a redirect to HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def production_env(*, database_url: str, redis_url: str, scratch: Path) -> dict[str, str]:
    """The environment the server (and the harness's own Django) run with."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "STRIPE_", "AXES_")) and key != "CI"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "shop.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PAYMENTS": "stripe",
            "STRIPE_SECRET_KEY": "sk_test_bench_" + secrets.token_hex(12),
            "STRIPE_WEBHOOK_SECRET": "whsec_bench_" + secrets.token_hex(16),
            # Anything that would call Stripe meets a closed loopback port at once.
            "STRIPE_API_BASE": "http://127.0.0.1:9",
            "MEDIA_ROOT": str(scratch / "media"),
            "PRIVATE_MEDIA_ROOT": str(scratch / "private-media"),
            "STATIC_ROOT": str(scratch / "static"),
            "EMAIL_URL": "memory:",
            "LOG_LEVEL": "WARNING",
            "BENCH_BASELINES": "true",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    env: dict[str, str]
    log: Path
    workers: int = WORKERS
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: float = 60) -> "Server":
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "shop.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                "--worker-class=sync",
                f"--error-logfile={self.log}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.log}")
            try:
                if get(self, "/healthz/live").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {wait:.0f}s; see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(
    server: Server,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Answer:
    """One request on a new connection (as wrk's are: sync workers close each one)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        started = time.perf_counter()
        connection.request(method, path, body=body, headers={**PROXY_HEADERS, **(headers or {})})
        response = connection.getresponse()
        data = response.read()
        return Answer(response.status, response.headers, data, time.perf_counter() - started)
    finally:
        connection.close()


def get(server: Server, path: str, **kwargs) -> Answer:
    return request(server, "GET", path, **kwargs)


def _cookies(answer: Answer) -> dict[str, str]:
    jar = SimpleCookie()
    for value in answer.headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def log_in(server: Server, login_path: str, email: str, password: str) -> str:
    """Log in through the real log-in form; returns the Cookie header of the session."""
    import re

    page = get(server, login_path)
    cookies = _cookies(page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    csrf = token.group(1) if token else cookies.get("csrftoken", "")
    answer = request(
        server,
        "POST",
        login_path,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Origin": f"https://127.0.0.1:{server.port}",
            "X-CSRFToken": csrf,
        },
        body=urlencode(
            {"username": email, "password": password, "csrfmiddlewaretoken": csrf}
        ).encode(),
    )
    cookies.update(_cookies(answer))
    if answer.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"logging in as {email} failed: {answer.status} {answer.text[:300]}")
    return f"sessionid={cookies['sessionid']}"
