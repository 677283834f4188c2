"""GET /healthz: is the database reachable, and Redis when one is configured."""

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as e:
        return f"down: {e.__class__.__name__}"
    return "ok"


def _check_redis(url: str) -> str:
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as e:
        return f"down: {e.__class__.__name__}"
    finally:
        client.close()
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis(settings.REDIS_URL)
    healthy = all(status == "ok" for status in checks.values())
    body = {
        "status": "ok" if healthy else "down",
        "checks": checks,
        "database_engine": connection.vendor,
    }
    return JsonResponse(body, status=200 if healthy else 503)
