"""The register, the monthly accounts and the department feeds through /api/v1/, with a key of
scope `households`.

All take the CSV text of the command-line files (docs/households.md) and are all-or-nothing:
a file with any bad row answers 422 with one Chinese message per row and writes nothing.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from minsheng.api.auth import ScopedKey
from minsheng.api.schemas import ErrorOut, FieldError
from minsheng.households import importing, write

router = Router(auth=ScopedKey("households"), tags=["防返贫监测"])


class CsvIn(Schema):
    csv: str


class RegisterOut(Schema):
    households: int


class AccountsOut(Schema):
    households: int
    months: int


class FeedOut(Schema):
    rows: int
    flagged: int
    cases: int


def _refused(error: importing.FileRefused) -> Status:
    return Status(
        422,
        {
            "code": "file_refused",
            "message": "文件有错误，未导入任何数据",
            "errors": [FieldError(field=f"row {e.row}", message=e.message) for e in error.errors],
        },
    )


@router.post(
    "/households/register",
    response={200: RegisterOut, 401: ErrorOut, 422: ErrorOut},
    operation_id="households_register",
)
def register(request: HttpRequest, body: CsvIn) -> Any:
    """Create or update households and members from the register CSV."""
    try:
        return {"households": importing.import_register(body.csv, by=_by(request))}
    except importing.FileRefused as error:
        return _refused(error)


@router.post(
    "/households/feeds/{source}",
    response={200: FeedOut, 401: ErrorOut, 422: ErrorOut},
    operation_id="households_feed",
)
def feed(request: HttpRequest, source: str, body: CsvIn) -> Any:
    """One department's push: one risk clue per row, merged per household."""
    try:
        return importing.import_feed(source, body.csv, by=_by(request))
    except importing.FileRefused as error:
        return _refused(error)
    except write.Refused as refused:
        return Status(422, {"code": "refused", "message": str(refused), "errors": []})


@router.post(
    "/households/accounts",
    response={200: AccountsOut, 401: ErrorOut, 422: ErrorOut},
    operation_id="households_accounts",
)
def accounts(request: HttpRequest, body: CsvIn) -> Any:
    """Monthly income and expense accounts, one row per household and month."""
    try:
        return importing.import_accounts(body.csv, by=_by(request))
    except importing.FileRefused as error:
        return _refused(error)


def _by(request: HttpRequest) -> str:
    return f"接口：{request.auth.key.name}"  # type: ignore[attr-defined]
