"""The veterans' pages: who sees what, masked numbers, imports and the resident's form."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.citizens.models import Reveal
from minsheng.veterans import casework
from minsheng.veterans.models import Beneficiary, FamilyRequest, MartyrRecord

pytestmark = pytest.mark.django_db
ID = "350102193401011234"


def _person(county: str = "350102") -> Beneficiary:
    return Beneficiary.objects.create(
        name="王秀英", id_number=ID, kind="disabled", county_code=county, allowance=1200
    )


def test_a_street_handler_sees_nothing_here(client: Any, street_handler: Any, bureaus: Any) -> None:
    client.force_login(street_handler)
    for name in (
        "veterans:index",
        "veterans:records",
        "veterans:requests",
        "veterans:beneficiaries",
    ):
        assert client.get(reverse(name)).status_code == 404
    # and the menu does not offer a link that would answer 404
    assert reverse("veterans:index") not in client.get("/inbox/").content.decode()


def test_the_centre_sees_requests_but_never_beneficiaries(
    client: Any, agent: Any, bureaus: Any
) -> None:
    _person()
    client.force_login(agent)
    assert client.get(reverse("veterans:requests")).status_code == 200
    assert client.get(reverse("veterans:beneficiaries")).status_code == 404


def test_a_county_bureau_sees_only_its_countys_beneficiaries_and_masked(
    client: Any, gulou_officer: Any, bureaus: Any
) -> None:
    mine, other = _person(), _person("350104")
    client.force_login(gulou_officer)
    page = client.get(reverse("veterans:beneficiaries")).content.decode()
    assert "350102********1234" in page
    assert ID not in page
    assert client.post(reverse("veterans:reveal", args=[other.pk])).status_code == 404
    shown = client.post(reverse("veterans:reveal", args=[mine.pk])).content.decode()
    assert ID in shown
    assert Reveal.objects.filter(user=gulou_officer, kind="id_number").count() == 1


def test_an_import_with_errors_lists_them_and_writes_nothing(client: Any, officer: Any) -> None:
    client.force_login(officer)
    upload = SimpleUploadedFile("r.csv", "name,birth_year\n钟德胜,19x\n".encode())
    page = client.post(reverse("veterans:import_records"), {"file": upload}).content.decode()
    assert "第 2 行：出生年份“19x”不是四位年份" in page
    assert MartyrRecord.objects.count() == 0


def test_a_family_registers_on_the_resident_page(client: Any, bureaus: Any, martyrs: Any) -> None:
    form = {
        "ancestor_names": "钟得胜",
        "native_place": "江西于都",
        "requester_name": "钟小明",
        "relation": "孙子",
        "phone": "13905910001",
    }
    page = client.post(reverse("veterans_m:new"), form).content.decode()
    request = FamilyRequest.objects.get()
    assert request.ticket is not None
    assert request.ticket.number in page
    assert request.candidates.first().record == martyrs[0]


def test_an_agent_links_the_calls_ticket_to_the_request(
    client: Any, agent: Any, bureaus: Any, martyrs: Any
) -> None:
    client.force_login(agent)
    form = {
        "ancestor_names": "刘福林",
        "requester_name": "刘女士",
        "relation": "侄孙女",
        "phone": "13905910002",
        "ticket_number": "FZ000",
    }
    page = client.post(reverse("veterans:new_request"), form).content.decode()
    assert "找不到该工单" in page
    form["ticket_number"] = ""
    response = client.post(reverse("veterans:new_request"), form)
    request = FamilyRequest.objects.get()
    assert response.url == reverse("veterans:request", args=[request.pk])
    assert request.channel == "hotline"
    detail = client.get(response.url).content.decode()
    assert "刘福林" in detail
    assert "红安县" in detail


def test_the_agent_cannot_act_on_candidates(
    client: Any, agent: Any, bureaus: Any, martyrs: Any
) -> None:
    request = casework.register_request(
        {
            "ancestor_names": "刘福林",
            "requester_name": "刘",
            "relation": "孙",
            "phone": "13905910002",
        },
        channel="hotline",
        by=casework.SYSTEM,
    )
    client.force_login(agent)
    candidate = request.candidates.first()
    assert client.post(reverse("veterans:act", args=[candidate.pk, "verify"])).status_code == 404


def test_a_photo_is_kept_with_the_record_and_other_files_refused(
    client: Any, officer: Any, martyrs: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    url = reverse("veterans:attach", args=[martyrs[0].pk])
    client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00"), "title": "x"})
    assert martyrs[0].files.count() == 0
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    client.post(url, {"file": SimpleUploadedFile("p.png", png), "title": "烈士证"})
    assert martyrs[0].files.get().title == "烈士证"
    assert "烈士证" in client.get(reverse("veterans:record", args=[martyrs[0].pk])).content.decode()
