"""A circuit breaker for the parts Redis provides: after a failure, stop asking for a while.

Redis is for speed and queues, never for correctness (DESIGN.md). When it is gone, each
call that tries it costs a connection attempt, and a Redis that accepts connections but
never answers costs a whole socket timeout. So the first failure opens the breaker: for
the next `retry_after` seconds callers skip Redis at once, then one call tries again.
"""

import logging
import threading
import time

log = logging.getLogger(__name__)


class Breaker:
    def __init__(self, name: str, *, retry_after: float) -> None:
        self.name = name
        self.retry_after = retry_after
        self._open_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self, error: BaseException) -> None:
        """Record a failure; logs once per opening, not once per call."""
        with self._lock:
            was_open = self.is_open
            self._open_until = time.monotonic() + self.retry_after
        if not was_open:
            log.warning(
                "%s unreachable (%s: %s); carrying on without it for %ss",
                self.name,
                type(error).__name__,
                error,
                self.retry_after,
            )

    def reset(self) -> None:
        self._open_until = 0.0
