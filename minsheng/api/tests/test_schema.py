"""The API against its own OpenAPI schema: schemathesis generates requests, valid and invalid,
for every operation; no answer may be a 5xx, and every status and body must be the declared one.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from minsheng.accounts import keys

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    # Django's test client does the same: a request's end must not close the connection that
    # holds the test's transaction (schemathesis calls the WSGI handler directly).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db: Any) -> str:
    _, raw = keys.issue("schemathesis", scopes=["api"])
    return f"Bearer {raw}"


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_every_operation_answers_only_as_its_schema_says(
    case: Any, bearer: str, dispatched: Any, street_handler: Any
) -> None:
    # Steer half the cases towards real data, so the handlers behind 400/404/422 run too:
    # a real ticket number, a known category, an Idempotency-Key.
    steer = len(repr(case.body)) % 2 == 0
    if steer and "number" in (case.path_parameters or {}):
        case.path_parameters["number"] = dispatched.number
    if steer and isinstance(case.body, dict) and "category" in case.body:
        case.body["category"] = "CG-NOISE"
    headers = {"Authorization": bearer}
    if steer and case.method == "POST":
        headers["Idempotency-Key"] = f"st-{abs(hash(repr(case.body)))}"
    case.call_and_validate(headers=headers, checks=CHECKS)
