"""A real third-party client against a live server: the `georeport` package from PyPI.

georeport reads (services, service definition, requests, one request, in JSON and XML) but has no
POST and no discovery, so those two go through `requests`, the HTTP library georeport itself uses.
"""

from typing import Any

import pytest
import requests
from georeport import GeoReport

from minsheng.open311.tests.conftest import INSIDE_GUDONG


@pytest.fixture
def live(
    transactional_db: Any, live_server: Any, api_key: str, noise_questions: list[Any], outlined: Any
) -> tuple[str, str]:
    """The live endpoint and an Open311 key for it."""
    return f"{live_server.url}/open311/v2", api_key


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_georeport_client_discovers_lists_files_and_reads_back(
    live: tuple[str, str], fmt: str
) -> None:
    root, key = live
    discovery = requests.get(f"{root}/discovery.json", timeout=10).json()
    assert discovery["endpoints"][0]["url"] == root
    client = GeoReport(discovery["endpoints"][0]["url"], jurisdiction="3501", output_format=fmt)

    services = client.get_service_list()
    noise = next(s for s in services if s["service_code"] == "CG-NOISE")
    assert noise["metadata"] in (True, "true")
    definition = client.get_service_definition("CG-NOISE")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    assert attributes[0]["code"] == "period"

    posted = requests.post(
        f"{root}/requests.{fmt}",
        data={
            "api_key": key,
            "jurisdiction_id": "3501",
            "service_code": "CG-NOISE",
            **INSIDE_GUDONG,
            "description": "广场舞音响每晚十点后还很响。",
            "attribute[period]": "night",
            "phone": "13600002222",
        },
        timeout=10,
    )
    assert posted.status_code == 200, posted.text
    if fmt == "json":
        number = posted.json()[0]["service_request_id"]
    else:
        number = posted.text.split("<service_request_id>")[1].split("<")[0]

    request = client.get_service_request(number)
    assert request["service_request_id"] == number
    assert request["status"] == "open"
    assert request["service_code"] == "CG-NOISE"
    assert request["description"] == "广场舞音响每晚十点后还很响。"
    listed = client.get_service_requests(service_request_id=number)
    if fmt == "xml":
        listed = [listed]  # xmltodict gives a single <request> as a dict
    assert [r["service_request_id"] for r in listed] == [number]
    if fmt == "json":  # georeport cannot read an empty XML list (<service_requests/>)
        assert client.get_service_requests(service_code="CG-NOISE", status="closed") == []
