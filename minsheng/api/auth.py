"""Who calls the API: a bearer key with the scope an endpoint needs."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from minsheng.api import queries
from minsheng.api.queries import Caller


class ScopedKey(HttpBearer):
    """`Authorization: Bearer <key>` with a key holding `scope`: "api" for the ticket
    endpoints; a programme's router names its own (ScopedKey("meters"))."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        return queries.caller_for_token(token, scope=self.scope)
