"""Every reply validated against the Open311 community's JSON Schemas (from ../shared)."""

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from minsheng.tickets import workflow

SCHEMAS = (
    Path(__file__).resolve().parents[3]
    / ".."
    / "shared"
    / "data"
    / ("open311-georeport-v2-schemas")
)
pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def validator() -> Any:
    if not SCHEMAS.is_dir():
        pytest.skip(f"shared data not found at {SCHEMAS}; cannot validate against the schemas")
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT4))
        for path in SCHEMAS.glob("*.json")
        if path.name != "swagger.json"
    ]
    registry = Registry().with_resources(resources)

    def validate(name: str, instance: Any) -> None:
        schema = json.loads((SCHEMAS / name).read_text())
        Draft4Validator(schema, registry=registry).validate(instance)

    return validate


def test_the_schemas_reject_what_the_spec_forbids(validator: Any) -> None:
    from jsonschema import ValidationError

    with pytest.raises(ValidationError):
        validator("requests.json", [{"service_request_id": 1, "status": "pending"}])


def test_services_match_the_services_schema(
    client: Any, validator: Any, noise_questions: list[Any]
) -> None:
    validator("services.json", client.get("/open311/v2/services.json").json())


def test_service_definitions_match_the_definition_schema(
    client: Any, validator: Any, noise_questions: list[Any]
) -> None:
    for code in ("CG-NOISE", "GY-WATER"):
        validator("service-definition.json", client.get(f"/open311/v2/services/{code}.json").json())


def test_requests_in_every_state_match_the_requests_schema(
    client: Any,
    validator: Any,
    make_ticket: Any,
    dispatched: Any,
    street_handler: Any,
    dispatcher: Any,
    agent: Any,
    catalogue: dict[str, Any],
    good_form: dict[str, Any],
) -> None:
    workflow.accept(dispatched, by=street_handler)
    workflow.reply(dispatched, by=street_handler, text="已处理。")
    workflow.merge(make_ticket(), into=dispatched, by=dispatcher)
    workflow.decline(make_ticket(), by=agent, referral="请向法院起诉。")
    make_ticket(request_type="report")
    response = client.post("/open311/v2/requests.json", good_form)
    assert response.status_code == 200, response.content.decode()

    for params in ({}, {"extensions": "true"}):
        listed = client.get("/open311/v2/requests.json", params).json()
        assert len(listed) == 5
        validator("requests.json", listed)
        for request in listed:
            number = request["service_request_id"]
            validator("requests.json", client.get(f"/open311/v2/requests/{number}.json").json())


def test_a_receipt_and_a_token_match_the_swaggers_definitions(
    client: Any, validator: Any, good_form: dict[str, Any]
) -> None:
    definitions = json.loads((SCHEMAS / "swagger.json").read_text())["definitions"]
    receipts = client.post("/open311/v2/requests.json", good_form).json()
    token = receipts[0]["token"]
    resolved = client.get(f"/open311/v2/tokens/{token}.json").json()

    for receipt in receipts:
        Draft4Validator(definitions["RequestResponse"]).validate(receipt)
    for item in resolved:
        Draft4Validator(definitions["TokenResponse"]).validate(item)
    number = receipts[0]["service_request_id"]
    validator("requests.json", client.get(f"/open311/v2/requests/{number}.json").json())
