"""What makes two POSTs "the same request" for idempotency: method, path and the JSON body
in canonical form (sorted keys, no insignificant whitespace). Pure rules, no database."""

import hashlib
import json
import re
from typing import Any

# Stripe's limit; visible ASCII so the key is safe in headers, logs and the database.
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")


def canonical_json(value: Any) -> str:
    """One spelling for each JSON value: key order and whitespace never matter."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def request_hash(method: str, path: str, body: bytes) -> str:
    """The SHA-256 of the request as idempotency compares it."""
    try:
        document: Any = json.loads(body) if body.strip() else {}
    except ValueError:
        document = body.decode("utf-8", "replace")
    text = canonical_json({"method": method.upper(), "path": path, "body": document})
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def valid_key(key: str | None) -> bool:
    return bool(key) and KEY_PATTERN.match(key or "") is not None
