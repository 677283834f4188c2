"""Shared fixtures: the people of the shop, a real Celery worker, and service checks.

Under CI=true the suite must run against real PostgreSQL and Redis; if either is missing
it stops at once with a clear message instead of quietly skipping half the tests.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def pytest_configure(config):
    if IN_CI:
        db_url = os.environ.get("DATABASE_URL", "")
        redis_url = os.environ.get("REDIS_URL", "")
        if not db_url.startswith("postgres"):
            raise pytest.UsageError("CI=true needs DATABASE_URL pointing at PostgreSQL.")
        if not redis_url:
            raise pytest.UsageError("CI=true needs REDIS_URL.")
        for url, port, name in ((db_url, 5432, "PostgreSQL"), (redis_url, 6379, "Redis")):
            if not _reachable(url, port):
                raise pytest.UsageError(f"CI=true but {name} is unreachable at {url}.")
    # Tests run tasks in-process unless they ask for the real worker (see `celery_worker`).
    from shop.celery import app

    app.conf.task_always_eager = True


def skip_or_fail(reason: str, how: str) -> None:
    """Outside CI a missing service skips the test with how to get it; in CI it fails."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: nothing may be skipped for this).")
    pytest.skip(f"{reason} — {how}")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploaded and rendered images of a test go to its own folder, not the repository's;
    passwords are hashed the fast way (tests create hundreds of accounts)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test's database starts afresh; so do the pages cached for visitors.
    from shop import page_cache

    page_cache.clear()


# --- People -------------------------------------------------------------------------------


@pytest.fixture
def make_user(db):
    from shop.accounts.models import User

    def make(email: str, **extra) -> User:
        return User.objects.create_user(email=email, password="a-long-test-password", **extra)

    return make


@pytest.fixture
def buyer(make_user):
    return make_user("buyer@example.test", name="Bea Buyer")


@pytest.fixture
def other_buyer(make_user):
    return make_user("other.buyer@example.test", name="Olly Other")


@pytest.fixture
def owner(make_user):
    return make_user("owner@example.test", name="Otto Owner", is_staff=True, is_superuser=True)


@pytest.fixture
def maker(db):
    """A maker's profile; `maker.user` is the person who logs in."""
    from tests.factories import MakerFactory

    return MakerFactory(
        user__email="maker@example.test",
        user__name="Mara Silversmith",
        display_name="Mara Silversmith",
        slug="mara",
        craft="Silversmith",
    )


@pytest.fixture
def other_maker(db):
    from tests.factories import MakerFactory

    return MakerFactory(
        user__email="other.maker@example.test",
        display_name="Tomas Woodworker",
        slug="tomas",
        craft="Woodworker",
    )


# --- A real Celery worker on Redis and PostgreSQL ----------------------------------------


def _test_database_url() -> str:
    from django.db import connection

    base = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(base._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start `celery -A shop worker` as a subprocess on the test database; stop it by pid.

    Yields a dict with the worker's `mail_dir` (its file email backend), `media_root` (its
    MEDIA_ROOT) and `start`/`stop` to restart it (tests that kill a worker start a new one).
    """
    from django.conf import settings

    if not (settings.REDIS_URL and os.environ.get("DATABASE_URL", "").startswith("postgres")):
        skip_or_fail(
            "needs Redis and PostgreSQL for a real Celery worker",
            "set DATABASE_URL=postgres://... and REDIS_URL=redis://..., or run .ci/run",
        )
    if not _reachable(settings.REDIS_URL, 6379):
        skip_or_fail(f"Redis unreachable at {settings.REDIS_URL}", "start redis-server")

    from shop.celery import app

    mail_dir = tmp_path_factory.mktemp("worker-mail")
    log_dir = tmp_path_factory.mktemp("worker-log")
    # Tests that check files the worker writes point their own MEDIA_ROOT here.
    media_root = tmp_path_factory.mktemp("worker-media")
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "EMAIL_URL": f"file://{mail_dir}",
        "MEDIA_ROOT": str(media_root),
        "PRIVATE_MEDIA_ROOT": str(media_root / "private"),
        "DB_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    state: dict = {"proc": None, "mail_dir": mail_dir, "runs": 0}

    def start(concurrency: int = 2, **extra_env: str) -> subprocess.Popen:
        state["runs"] += 1
        log = open(log_dir / f"worker-{state['runs']}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "shop",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "--pool=prefork",
                "--without-mingle",
                "--without-gossip",
                f"--hostname=test{state['runs']}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env={**env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so a kill reaches the pool's children and not pytest.
            start_new_session=True,
        )
        state["proc"], state["log"] = proc, log_dir / f"worker-{state['runs']}.log"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("Celery worker exited:\n" + state["log"].read_text())
            if "ready." in state["log"].read_text():
                return proc
            time.sleep(0.2)
        proc.kill()
        raise RuntimeError("Celery worker did not start:\n" + state["log"].read_text())

    def stop(sig: int | None = None) -> None:
        proc = state["proc"]
        if proc is None or proc.poll() is not None:
            return
        if sig is None:
            proc.terminate()
        else:
            os.killpg(proc.pid, sig)  # the whole worker: parent and pool children
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    app.control.purge()
    start()
    try:
        yield {
            "mail_dir": mail_dir,
            "media_root": media_root,
            "start": start,
            "stop": stop,
            "state": state,
        }
    finally:
        stop()


@pytest.fixture
def on_worker(celery_worker):
    """Within one test: tasks go to Redis and the real worker, not in-process."""
    from shop.celery import app

    app.conf.task_always_eager = False
    yield celery_worker
    app.conf.task_always_eager = True


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    """Poll until predicate() is truthy; return its value or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting after {timeout}s")
        time.sleep(interval)


def worker_idle() -> bool:
    """Nothing waiting in the Redis queue and nothing running or reserved on any worker."""
    from shop.celery import app

    with app.connection_for_write() as conn:
        waiting = conn.default_channel.client.llen(app.conf.task_default_queue)
    inspect = app.control.inspect(timeout=1)
    busy = [*(inspect.active() or {}).values(), *(inspect.reserved() or {}).values()]
    return waiting == 0 and not any(busy)
