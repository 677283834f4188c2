"""The cache is for speed only: with Redis gone a read is a miss, a write is dropped, the
outage is logged once, and nothing waits on it."""

import logging
import time

import pytest
from django.core.cache import caches

from shop import cache as shop_cache
from shop.breaker import Breaker


@pytest.fixture
def cache_at(settings):
    def point(url: str):
        settings.CACHES = {
            "default": {
                "BACKEND": "shop.cache.ResilientRedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        shop_cache.breaker.reset()
        return caches["default"]

    yield point
    shop_cache.breaker.reset()


def test_with_redis_unreachable_reads_miss_and_writes_are_dropped(cache_at, caplog):
    cache = cache_at("redis://127.0.0.1:1/0")  # nothing listens on port 1
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="shop.breaker"):
        assert cache.get("piece:1", "fallback") == "fallback"
        cache.set("piece:1", "a value")
        assert cache.add("piece:2", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.delete("piece:1") is False
        assert cache.get_or_set("piece:3", "computed") == "computed"
        assert cache.incr("hits", 5) == 5
    assert time.monotonic() - started < 1
    outages = [r for r in caplog.records if "Redis cache unreachable" in r.getMessage()]
    assert len(outages) == 1  # once, not once per call


def test_with_redis_there_it_is_an_ordinary_cache(cache_at, settings):
    if not settings.REDIS_URL:
        pytest.skip("no Redis configured: the local cache is in memory")
    cache = cache_at(settings.REDIS_URL)
    cache.set("test-cache-story", {"a": 1}, 30)
    assert cache.get("test-cache-story") == {"a": 1}
    cache.delete("test-cache-story")


def test_the_breaker_skips_for_a_while_then_lets_one_call_try(caplog):
    breaker = Breaker("Thing", retry_after=0.2)
    assert not breaker.is_open
    with caplog.at_level(logging.WARNING, logger="shop.breaker"):
        breaker.trip(ConnectionError("refused"))
        breaker.trip(ConnectionError("refused"))
    assert breaker.is_open
    assert [r.getMessage() for r in caplog.records] == [
        "Thing unreachable (ConnectionError: refused); carrying on without it for 0.2s"
    ]
    time.sleep(0.25)
    assert not breaker.is_open
