"""Login throttling (chống dò mật khẩu) kept in the database, shared by every worker.

Failures are counted three ways: per (account, address), per account and per address. Past a
threshold each failure closes the door for 2^(n - threshold) seconds, up to a cap: a delay, never a
lock, so the right password works again once it has passed. The pair counter has the lowest
threshold, so five wrong tries from one address slow that address on that account, not the
account's owner elsewhere; the account and address counters catch attacks spread over many
addresses or many accounts. A success clears the pair and the account counters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from storage import auth_state
from storage.db import Database, utcnow

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ThrottleRules:
    thresholds: dict[str, int] = field(
        default_factory=lambda: {"pair": 5, "account": 20, "address": 30}
    )
    cap: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=24)

    def delay(self, scope: str, failures: int) -> timedelta | None:
        over = failures - self.thresholds[scope]
        if over < 0:
            return None
        return min(timedelta(seconds=2 ** min(over, 30)), self.cap)


def _keys(username: str, address: str) -> dict[str, str]:
    return {"pair": f"{address} {username}"[:300], "account": username[:300], "address": address}


class LoginThrottle:
    def __init__(self, db: Database, clock: Clock = utcnow, rules: ThrottleRules | None = None):
        self.db, self.clock, self.rules = db, clock, rules or ThrottleRules()

    def wait(self, username: str, address: str) -> int:
        """Seconds before this name may be tried from this address again (0: now)."""
        now, longest = self.clock(), 0.0
        with self.db.engine.connect() as conn:
            for scope, key in _keys(username, address).items():
                row = auth_state.attempts(conn, scope, key)
                if row and row.blocked_until and row.blocked_until > now:
                    longest = max(longest, (row.blocked_until - now).total_seconds())
        return int(longest) + (1 if longest % 1 else 0)

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        with self.db.write() as session:
            for scope, key in _keys(username, address).items():
                n = auth_state.count_failure(
                    session, scope, key, now, now - self.rules.forget_after
                )
                delay = self.rules.delay(scope, n)
                if delay is not None:
                    auth_state.block_until(session, scope, key, now + delay)

    def succeeded(self, username: str, address: str) -> None:
        keys = _keys(username, address)
        with self.db.write() as session:
            for scope in ("pair", "account"):
                auth_state.clear_attempts(session, scope, keys[scope])
