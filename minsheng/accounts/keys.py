"""Issuing and checking API keys for other systems. The only code that writes ApiKey."""

import hashlib
import hmac
import secrets

from django.core.cache import caches
from django.utils import timezone

from minsheng.accounts.models import ApiKey
from minsheng.lib.extensions import declared

KEY_PREFIX = "ms_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def known_scopes() -> list[str]:
    """The core's scopes and those the programmes declare (lib.extensions)."""
    declared_scopes = [scope for _c, (scope, _label) in declared("api_scopes")]
    return [*ApiKey.Scope.values, *declared_scopes]


def issue(name: str, *, scopes: list[str]) -> tuple[ApiKey, str]:
    """Create a key for a system; returns the record and the key, which is never shown again."""
    known = known_scopes()
    unknown = set(scopes) - set(known)
    if not scopes or unknown:
        raise ValueError(f"scopes must be some of {', '.join(known)}")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name, prefix=prefix, key_hash=_hash(secret), scopes=sorted(set(scopes))
    )
    return key, f"{KEY_PREFIX}{prefix}_{secret}"


def authenticate(raw: str, *, scope: str) -> ApiKey | None:
    """The active key with this scope that `raw` proves, else None."""
    if not raw or not raw.startswith(KEY_PREFIX) or raw.count("_") < 2:
        return None
    prefix, _, secret = raw[len(KEY_PREFIX) :].partition("_")
    key = ApiKey.objects.filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(secret)):
        return None
    if not key.allows(scope):
        return None
    # Coarse stamp: at most one write per key per minute on a busy channel.
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def remembered(raw: str, *, scope: str, seconds: float = 5) -> ApiKey | None:
    """`authenticate`, remembered per process for `seconds`: a channel posting back to back is
    checked once, and revoking its key takes effect within that time."""
    slot = f"api-key:{scope}:{_hash(raw)}"
    key = caches["process"].get(slot)
    if key is None:
        key = authenticate(raw, scope=scope)
        if key is not None:
            caches["process"].set(slot, key, seconds)
    return key
