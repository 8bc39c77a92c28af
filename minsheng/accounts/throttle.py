"""Login throttling: wrong passwords lock the account name and the address out, with back-off.

Five wrong passwords for one account name (from anywhere), or twenty from one address (over
many names), lock it for a minute, then two, four … at most an hour; the right password does
not open a locked account. Counts live in the shared cache, so every web node sees them.
"""

from django.core.cache import cache

PER_NAME = 5
PER_ADDRESS = 20
FIRST_LOCK_SECONDS = 60
LONGEST_LOCK_SECONDS = 60 * 60
# Failures are forgotten after this long without another.
MEMORY_SECONDS = 24 * 60 * 60


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    return [
        (f"login:name:{username.strip().lower()[:150]}", PER_NAME),
        (f"login:address:{address[:64]}", PER_ADDRESS),
    ]


def lock_seconds(failures: int, limit: int) -> int:
    """How long `failures` wrong passwords against a `limit` lock out (0: not locked)."""
    if failures < limit:
        return 0
    return min(FIRST_LOCK_SECONDS * 2 ** (failures - limit), LONGEST_LOCK_SECONDS)


def locked_for(username: str, address: str, *, now: float) -> int:
    """Seconds the name or the address must still wait before another try (0: may try)."""
    waits = [0]
    for key, limit in _keys(username, address):
        failures, last = cache.get(key) or (0, 0.0)
        waits.append(int(last + lock_seconds(failures, limit) - now))
    return max(waits)


def failed(username: str, address: str, *, now: float) -> None:
    for key, _limit in _keys(username, address):
        failures, _last = cache.get(key) or (0, 0.0)
        cache.set(key, (failures + 1, now), MEMORY_SECONDS)


def succeeded(username: str) -> None:
    cache.delete(f"login:name:{username.strip().lower()[:150]}")
