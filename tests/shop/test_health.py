"""Liveness and readiness: the web is not restarted for a Redis blip, and a load balancer
stops sending traffic only when the database is gone. Neither check names an engine."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_the_web_is_live_without_asking_anything_else(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_it_is_ready_when_the_database_and_redis_answer(client, db, settings):
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["checks"]["database"] == "ok"
    if settings.REDIS_URL:
        assert body["checks"]["redis"] == "ok"
    else:
        assert "redis" not in body["checks"]


def test_redis_down_is_degraded_but_still_ready_and_live(client, db, settings):
    settings.REDIS_URL = CLOSED_PORT
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "redis": "down"}}
    assert client.get("/healthz/live").status_code == 200


def test_no_check_names_the_engine_its_version_or_the_error(client, db, settings):
    settings.REDIS_URL = CLOSED_PORT
    for url in ("/healthz/live", "/healthz/ready"):
        text = client.get(url).content.decode().lower()
        for word in ("postgres", "sqlite", "redis 7", "version", "error", "refused", "engine"):
            assert word not in text, (url, word)


def _subprocess_get(*urls: str) -> list[str]:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='shop.settings'; django.setup();"
        "from django.test import Client; c = Client(HTTP_HOST='localhost');"
        f"[print(r.status_code, r.content.decode()) for r in (c.get(u) for u in {list(urls)!r})]"
    )
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:1/nothing"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_with_the_database_down_it_is_not_ready_yet_still_live():
    ready, live = _subprocess_get("/healthz/ready", "/healthz/live")
    assert ready.startswith("503 ") and '"database": "down"' in ready
    assert "postgres" not in ready.lower()
    assert live.startswith("200 ")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_they_only_answer_get(client, db, method):
    for url in ("/healthz/live", "/healthz/ready"):
        assert getattr(client, method)(url).status_code == 405


def test_readiness_checks_reuse_one_redis_connection(client, db, settings):
    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:1/0"
    from shop.health import _redis_client

    first = client.get("/healthz/ready").json()["checks"]["redis"]
    for _ in range(5):
        assert client.get("/healthz/ready").json()["checks"]["redis"] == first
    # One client per process and one connection, however many checks.
    pool = _redis_client(settings.REDIS_URL).connection_pool
    assert pool._created_connections == 1
