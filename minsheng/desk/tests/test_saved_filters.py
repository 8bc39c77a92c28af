"""Filters on the work lists, and the filters each person saves under a name (常用筛选): in the
list's header and in the menu with their counts, never seen by anyone else."""

from typing import Any

import pytest
from django.urls import reverse

from minsheng.desk import saved, worklists
from minsheng.desk.models import SavedFilter
from minsheng.tickets.models import Ticket


@pytest.fixture
def two_new(make_ticket: Any) -> tuple[Ticket, Ticket]:
    noise = make_ticket(title="夜间施工噪音")
    gas = make_ticket(title="楼道燃气味", urgency="urgent")
    return noise, gas


def _list(client: Any, key: str, query: str = "") -> str:
    url = reverse("desk:worklist", args=[key])
    return client.get(f"{url}?{query}" if query else url).content.decode()


def test_a_filter_narrows_the_list_and_its_export(
    client: Any, dispatcher: Any, two_new: tuple[Ticket, Ticket]
) -> None:
    noise, gas = two_new
    client.force_login(dispatcher)
    page = _list(client, "dispatch", "urgent=1")
    assert gas.number in page
    assert noise.number not in page
    page = _list(client, "dispatch", "q=燃气")
    assert gas.number in page
    assert noise.number not in page
    export = client.get(reverse("desk:export", args=["dispatch"]) + "?urgent=1")
    assert export.status_code == 200
    page = _list(client, "dispatch", "group=abc")  # a bad value is reported, the list is whole
    assert "分类大类不正确" in page
    assert noise.number in page


def test_a_saved_filter_is_in_the_header_and_the_menu_with_its_count_and_only_for_its_owner(
    client: Any, dispatcher: Any, supervisor: Any, two_new: tuple[Ticket, Ticket]
) -> None:
    client.force_login(dispatcher)
    response = client.post(
        reverse("desk:save_filter", args=["dispatch"]), {"name": "紧急件", "query": "urgent=1"}
    )
    assert response.status_code == 302
    assert response.url == reverse("desk:worklist", args=["dispatch"]) + "?urgent=1"
    mine = SavedFilter.objects.get(user=dispatcher)
    assert (mine.list_key, mine.name, mine.query) == ("dispatch", "紧急件", "urgent=1")
    page = _list(client, "dispatch")
    header = page.split('id="saved-filters"')[1].split("</p>")[0]
    assert "紧急件" in header
    assert "?urgent=1" in header
    menu = page.split('class="subnav"')[1].split("</ul>")[0]
    assert "☆ 紧急件（待派单）" in menu
    assert {f.name: n for f, n in worklists.saved_counts(dispatcher)} == {"紧急件": 1}
    # the same name again replaces the filter
    client.post(
        reverse("desk:save_filter", args=["dispatch"]), {"name": "紧急件", "query": "q=施工"}
    )
    assert SavedFilter.objects.get(user=dispatcher).query == "q=%E6%96%BD%E5%B7%A5"

    client.force_login(supervisor)  # another person sees none of it, and cannot delete it
    page = client.get(reverse("desk:worklist", args=["extensions"])).content.decode()
    assert "☆ 紧急件" not in page
    assert 'id="saved-filters"' not in page
    client.post(reverse("desk:delete_filter", args=["extensions", mine.pk]))
    assert SavedFilter.objects.filter(pk=mine.pk).exists()

    client.force_login(dispatcher)
    client.post(reverse("desk:delete_filter", args=["dispatch", mine.pk]))
    assert not SavedFilter.objects.filter(pk=mine.pk).exists()


def test_bad_saves_write_nothing_and_say_why(client: Any, dispatcher: Any, agent: Any) -> None:
    client.force_login(dispatcher)
    url = reverse("desk:save_filter", args=["dispatch"])
    client.post(url, {"name": "", "query": "urgent=1"})
    client.post(url, {"name": "全部", "query": ""})
    client.post(url, {"name": "坏的", "query": "district=abc"})
    assert not SavedFilter.objects.exists()
    page = _list(client, "dispatch")
    assert "筛选未保存" in page
    client.force_login(agent)  # not the agent's list
    assert client.post(url, {"name": "x", "query": "urgent=1"}).status_code == 403
    assert not SavedFilter.objects.exists()


def test_one_person_keeps_at_most_twenty_filters_per_list(dispatcher: Any) -> None:
    for n in range(saved.PER_LIST):
        saved.save(dispatcher, "dispatch", f"筛选{n}", f"q={n}")
    with pytest.raises(saved.FilterError, match="最多保存 20 个"):
        saved.save(dispatcher, "dispatch", "再一个", "q=x")
    assert SavedFilter.objects.filter(user=dispatcher).count() == saved.PER_LIST
