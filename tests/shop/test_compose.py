"""The production shape: every compose service runs something that exists here."""

import importlib
import shlex

import pytest
import yaml
from celery import Celery

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _argv(service: dict) -> list[str]:
    command = service["command"]
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] == ["sh", "-c"]:
        argv = shlex.split(argv[2].split("&&")[-1])
    return argv


def _celery_app(argv: list[str]) -> Celery:
    module = argv[argv.index("-A") + 1]
    return importlib.import_module(module).celery_app


def test_it_has_the_five_services_each_with_a_healthcheck(compose):
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
    assert {"media", "pgdata", "redisdata"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]


def test_web_runs_gunicorn_on_the_real_wsgi_application(compose):
    argv = _argv(compose["services"]["web"])
    assert argv[0] == "gunicorn"
    module, attr = argv[1].split(":")
    assert callable(getattr(importlib.import_module(module), attr))
    assert "migrate" in compose["services"]["web"]["command"]


def test_worker_and_beat_run_the_project_celery_app(compose):
    for name, sub in (("worker", "worker"), ("beat", "beat")):
        argv = _argv(compose["services"][name])
        assert argv[0] == "celery" and sub in argv
        app = _celery_app(argv)
        assert app.main == "shop"
    beat_tasks = [
        entry["task"] for entry in _celery_app(["-A", "shop"]).conf.beat_schedule.values()
    ]
    assert "shop.notifications.tasks.outbox_resend_pending" in beat_tasks
    _celery_app(["-A", "shop"]).loader.import_default_modules()
    for task in beat_tasks:
        assert task in _celery_app(["-A", "shop"]).tasks


def test_the_app_services_use_the_compose_database_and_redis(compose):
    env = compose["services"]["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["DEBUG"] == "false"
    for name in ("web", "worker", "beat"):
        assert compose["services"][name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_dockerfile_serves_collected_static_files_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "collectstatic" in dockerfile
    assert "shop.wsgi:application" in dockerfile
    assert "USER atelier" in dockerfile


def test_web_believes_forwarded_addresses_only_from_its_proxies(compose):
    from shop.client_ip import parse_networks

    env = compose["services"]["web"]["environment"]
    default = env["TRUSTED_PROXIES"].split(":-", 1)[1].rstrip("}")
    assert parse_networks(default.split(","))
    # Reached through the proxy on the host, not straight from the world.
    assert compose["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]
