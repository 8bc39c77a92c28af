from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from minsheng.api.auth import ScopedKey
from minsheng.api.schemas import ErrorOut

router = Router(auth=ScopedKey("sample"), tags=["样例"])


class PingOut(Schema):
    key: str


@router.get("/sample/ping", response={200: PingOut, 401: ErrorOut}, operation_id="sample_ping")
def ping(request: HttpRequest) -> dict[str, Any]:
    return {"key": request.auth.key.name}  # type: ignore[attr-defined]
