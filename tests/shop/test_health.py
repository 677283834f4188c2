import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.conftest import ROOT


def test_it_is_healthy_when_the_database_answers(client, db, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["database_engine"] == connection.vendor
    if settings.REDIS_URL:
        assert body["checks"]["redis"] == "ok"
    else:
        assert "redis" not in body["checks"]


def test_it_answers_503_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("down")
    assert response.json()["checks"]["database"] == "ok"


def test_it_answers_503_when_the_database_is_down():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='shop.settings'; django.setup();"
        "from django.test import Client; r = Client(HTTP_HOST='localhost').get('/healthz');"
        "print(r.status_code, r.json()['checks']['database'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:1/nothing"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    status, database = result.stdout.split(" ", 1)
    assert status == "503"
    assert database.startswith("down")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
