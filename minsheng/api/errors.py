"""The API's errors: one shape for every status, with a message in Chinese for people."""

from typing import Any


class ApiError(Exception):
    """Stop the request with this status and message; nothing has been written."""

    def __init__(
        self, status: int, code: str, message: str, *, errors: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.http_status, self.code, self.message = status, code, message
        self.errors = errors or []

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "errors": self.errors}
