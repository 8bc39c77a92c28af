"""The API's write module: run a POST at most once per Idempotency-Key, and replay its answer.

The record is inserted in the transaction of the change itself, so either both commit or
neither does. Concurrent duplicates meet at the unique (key, Idempotency-Key) index: the first
commits, the others fail on the insert, roll back everything they did, and replay the first.
"""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from minsheng.accounts.models import ApiKey
from minsheng.api import canonical
from minsheng.api.errors import ApiError
from minsheng.api.models import IdempotencyRecord
from minsheng.lib import rows

REPLAYED_HEADER = "Idempotent-Replayed"
Perform = Callable[[], tuple[int, dict[str, Any]]]


def respond(
    request: HttpRequest, *, api_key: ApiKey, key: str | None, perform: Perform
) -> HttpResponse:
    """Run `perform` (which returns status and body) once for this key; replay it afterwards.

    Only successes are recorded: a request that fails writes nothing, so the caller may fix the
    cause and retry with the same key.
    """
    if not key:
        raise ApiError(
            400, "idempotency_key_missing", "每个 POST 请求都须带 Idempotency-Key 请求头。"
        )
    if not canonical.valid_key(key):
        raise ApiError(
            400, "idempotency_key_invalid", "Idempotency-Key 须为 1–255 个可见 ASCII 字符。"
        )
    digest = canonical.request_hash(request.method or "POST", request.path, request.body)
    try:
        with transaction.atomic():
            record = _recorded(api_key, key)
            if record is not None:
                return _replay(record, digest)
            status, body = perform()
            content = json.dumps(body, ensure_ascii=False)
            rows.insert(
                IdempotencyRecord(
                    api_key=api_key,
                    key=key,
                    request_hash=digest,
                    status=status,
                    response_json=content,
                )
            )
    except IntegrityError:
        # Another request with this key committed first: everything here rolled back.
        record = _recorded(api_key, key)
        if record is None:
            raise ApiError(
                409,
                "conflict_retry",
                "请求与其他操作同时发生，未执行；请用同一 Idempotency-Key 重试。",
            ) from None
        return _replay(record, digest)
    return HttpResponse(content, status=status, content_type="application/json")


# Plain SQL (lib.rows): every POST asks this first, and it is nearly always "no".
_RECORDED = (
    f'SELECT {rows.columns(IdempotencyRecord)} FROM "api_idempotencyrecord" '  # noqa: S608
    'WHERE "api_key_id" = %s AND "key" = %s'
)


def _recorded(api_key: ApiKey, key: str) -> IdempotencyRecord | None:
    return rows.fetch(IdempotencyRecord, _RECORDED, [api_key.pk, key])


def _replay(record: IdempotencyRecord, digest: str) -> HttpResponse:
    if record.request_hash != digest:
        raise ApiError(
            409,
            "idempotency_key_reused",
            "此 Idempotency-Key 已用于另一个内容不同的请求；新的请求请换一个新的键。",
        )
    response = HttpResponse(
        record.response_json, status=record.status, content_type="application/json"
    )
    response[REPLAYED_HEADER] = "true"
    return response


def prune(*, before: datetime) -> int:
    """Forget records older than `before`; a retry after that runs as a new request."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=before).delete()
    return deleted
