"""Django's Redis cache, except that Redis is never a reason for a page to fail.

Every call that cannot reach Redis (refused, timed out, gone mid-reply) is logged once by
the breaker and answered as a miss: `get` gives the default, `set` does nothing, `add`
and `delete` say False. Nothing in the shop keeps anything only in the cache (sessions
live in the database), so a miss is always safe.
"""

from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from shop.breaker import Breaker

# Shared by every cache alias in the process: they are the same Redis.
breaker = Breaker("Redis cache", retry_after=10)


def _resilient(method, fallback):
    @wraps(method)
    def call(self, *args, **kwargs):
        if breaker.is_open:
            return fallback(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as e:
            breaker.trip(e)
            return fallback(*args, **kwargs)

    return call


def _default(key, default=None, *args, **kwargs):
    return default


def _incr_default(key, delta=1, *args, **kwargs):
    return delta


class _SharedClients(RedisCacheClient):
    """Django builds a new redis.Redis for every call, and building one costs about as
    much as a cached page's whole round trip; one client per connection pool serves every
    call (a client holds no connection of its own, only the pool)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if pool not in clients:
            clients[pool] = self._client(connection_pool=pool)
        return clients[pool]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClients

    get = _resilient(RedisCache.get, _default)
    get_many = _resilient(RedisCache.get_many, lambda *a, **k: {})
    set = _resilient(RedisCache.set, lambda *a, **k: None)
    set_many = _resilient(RedisCache.set_many, lambda *a, **k: [])
    add = _resilient(RedisCache.add, lambda *a, **k: False)
    touch = _resilient(RedisCache.touch, lambda *a, **k: False)
    delete = _resilient(RedisCache.delete, lambda *a, **k: False)
    delete_many = _resilient(RedisCache.delete_many, lambda *a, **k: None)
    has_key = _resilient(RedisCache.has_key, lambda *a, **k: False)
    incr = _resilient(RedisCache.incr, _incr_default)
    clear = _resilient(RedisCache.clear, lambda *a, **k: False)
