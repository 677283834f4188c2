"""Health checks for an orchestrator and a load balancer.

GET /healthz/live: the web process answers (nothing else is asked, so a database or
Redis outage never gets the web restarted). GET /healthz/ready: can it serve? 503 when
the database is down; Redis is reported, but the shop serves without it (sessions in the
database, enqueues left to the sweeps), so Redis down is "degraded", still 200. Neither
names an engine, a version or an error: those go to the log.
"""

import functools
import logging

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as e:
        log.warning("readiness: database down: %r", e)
        return "down"
    return "ok"


@functools.cache
def _redis_client(url: str) -> redis.Redis:
    """One client (and its connection pool) per process: a check reuses a connection
    instead of opening one each time."""
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _check_redis(url: str) -> str:
    try:
        _redis_client(url).ping()
    except (redis.RedisError, OSError) as e:
        log.warning("readiness: Redis down: %r", e)
        return "down"
    return "ok"


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis(settings.REDIS_URL)
    if checks["database"] != "ok":
        status = "down"
    elif any(value != "ok" for value in checks.values()):
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "down" else 200
    )
