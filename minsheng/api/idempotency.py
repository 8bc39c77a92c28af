"""The API's write module: run a POST at most once per Idempotency-Key, and replay its answer.

The record is inserted in the transaction of the change itself, so either both commit or
neither does. Concurrent duplicates meet at the unique (key, Idempotency-Key) index: the first
commits, the others fail on the insert, roll back everything they did, and replay the first.

`Grouped` POSTs (new tickets) that arrive together in one process share a transaction
(`lib.groupcommit`); a batch that fails is retried request by request through `respond`.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from minsheng.accounts.models import ApiKey
from minsheng.api import canonical
from minsheng.api.errors import ApiError
from minsheng.api.models import IdempotencyRecord
from minsheng.lib import rows
from minsheng.lib.groupcommit import BatchFailed, GroupCommit

REPLAYED_HEADER = "Idempotent-Replayed"
Result = tuple[int, dict[str, Any]]
Perform = Callable[[], Result]
Item = TypeVar("Item")


def respond(
    request: HttpRequest, *, api_key: ApiKey, key: str | None, perform: Perform
) -> HttpResponse:
    """Run `perform` (which returns status and body) once for this key; replay it afterwards.

    Only successes are recorded: a request that fails writes nothing, so the caller may fix the
    cause and retry with the same key.
    """
    digest = _digest(request, key)
    assert key is not None  # checked by _digest
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


@dataclass(frozen=True)
class _Pending(Generic[Item]):
    api_key: ApiKey
    key: str
    digest: str
    item: Item


@dataclass(frozen=True)
class _Written:
    status: int = 0
    content: str = ""
    earlier: IdempotencyRecord | None = None  # the key was used before: replay that


class Grouped(Generic[Item]):
    """One kind of POST whose writes are grouped: `prepare()` checks a request in its own
    thread (ApiError if refused) and returns an item; `perform_many(items)` writes the items
    of a batch and returns each one's status and body."""

    def __init__(self, perform_many: Callable[[list[Item]], Sequence[Result]], *, limit: int):
        self._perform_many = perform_many
        self._group: GroupCommit[_Pending[Item], _Written | None] = GroupCommit(
            self._write, limit=limit
        )

    def respond(
        self,
        request: HttpRequest,
        *,
        api_key: ApiKey,
        key: str | None,
        prepare: Callable[[], Item],
        perform: Perform,
    ) -> HttpResponse:
        """As `respond`, with `perform` the same request written alone."""
        digest = _digest(request, key)
        assert key is not None  # checked by _digest
        try:
            item = prepare()
            written = self._group.run(_Pending(api_key, key, digest, item))
        except (ApiError, BatchFailed):
            written = None  # alone, the earlier answer to this key (if any) is replayed first
        if written is None:
            return respond(request, api_key=api_key, key=key, perform=perform)
        if written.earlier is not None:
            return _replay(written.earlier, digest)
        return HttpResponse(written.content, status=written.status, content_type="application/json")

    def _write(self, batch: list[_Pending[Item]]) -> list[_Written | None]:
        written: list[_Written | None] = [None] * len(batch)
        with transaction.atomic():
            earlier = _recorded_many([(p.api_key.pk, p.key) for p in batch])
            fresh, seen = [], set()
            for i, p in enumerate(batch):
                ident = (p.api_key.pk, p.key)
                if ident in earlier:
                    written[i] = _Written(earlier=earlier[ident])
                elif ident not in seen:  # a second use in this batch goes alone, afterwards
                    seen.add(ident)
                    fresh.append(i)
            results = self._perform_many([batch[i].item for i in fresh]) if fresh else []
            records = []
            for i, (status, body) in zip(fresh, results, strict=True):
                p, content = batch[i], json.dumps(body, ensure_ascii=False)
                written[i] = _Written(status, content)
                records.append(
                    IdempotencyRecord(
                        api_key=p.api_key,
                        key=p.key,
                        request_hash=p.digest,
                        status=status,
                        response_json=content,
                    )
                )
            # In key order, as every process inserts: concurrent batches never deadlock here.
            records.sort(key=lambda r: (r.api_key_id, r.key))
            rows.insert_many(records, match=["api_key_id", "key"])
        return written


def _digest(request: HttpRequest, key: str | None) -> str:
    if not key:
        raise ApiError(
            400, "idempotency_key_missing", "每个 POST 请求都须带 Idempotency-Key 请求头。"
        )
    if not canonical.valid_key(key):
        raise ApiError(
            400, "idempotency_key_invalid", "Idempotency-Key 须为 1–255 个可见 ASCII 字符。"
        )
    return canonical.request_hash(request.method or "POST", request.path, request.body)


# Plain SQL (lib.rows): every POST asks this first, and it is nearly always "no".
_RECORDED = (
    f'SELECT {rows.columns(IdempotencyRecord)} FROM "api_idempotencyrecord" '  # noqa: S608
    'WHERE "api_key_id" = %s AND "key" = %s'
)


def _recorded(api_key: ApiKey, key: str) -> IdempotencyRecord | None:
    return rows.fetch(IdempotencyRecord, _RECORDED, [api_key.pk, key])


def _recorded_many(idents: list[tuple[int, str]]) -> dict[tuple[int, str], IdempotencyRecord]:
    where = " OR ".join(['("api_key_id" = %s AND "key" = %s)'] * len(idents))
    sql = f'SELECT {rows.columns(IdempotencyRecord)} FROM "api_idempotencyrecord" WHERE {where}'  # noqa: S608
    found = rows.fetch_all(IdempotencyRecord, sql, [v for ident in idents for v in ident])
    return {(r.api_key_id, r.key): r for r in found}


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
