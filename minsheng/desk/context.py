"""Template context for staff pages: the navigation a user's roles open to them."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from minsheng.accounts.models import User
from minsheng.desk import worklists
from minsheng.lib.extensions import declared, resolve
from minsheng.notifications.queries import unread_count
from minsheng.orgs.access import role_label, standing_of


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    active: bool = False
    count: int = 0
    children: tuple["NavItem", ...] = ()  # a drop-down under the item (the work lists)


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu, built only if the template shows it: fragments and partial pages that do not
    read `nav_items` cost no query for its links and counts."""
    user = getattr(request, "user", None)
    # htmx fragments do not show the menu: they skip its links and counts altogether.
    if user is None or not user.is_authenticated or request.headers.get("HX-Request"):
        return {}
    return {
        "nav_items": SimpleLazyObject(lambda: _items(request, user)),
        "user_role_label": SimpleLazyObject(lambda: role_label(user)),
    }


def _items(request: HttpRequest, user: User) -> list[NavItem]:
    standing = standing_of(user)
    items: list[tuple[str, str]] = []
    counts: dict[str, int] = {}
    if standing.centre_roles & {"agent", "dispatcher"}:
        items.append((reverse("intake:new"), _("受理登记")))
        items.append((reverse("intake:import"), _("批量导入")))
    if standing.is_centre:
        items.append((reverse("knowledge:index"), _("知识库")))
    if "dispatcher" in standing.centre_roles or standing.is_admin:
        items.append((reverse("desk:queue"), _("派单队列")))
        items.append((reverse("dispatch:rules"), _("派单规则")))
    if standing.unit_paths:
        items.append((reverse("desk:inbox"), _("本单位工单")))
    if standing.is_centre:
        items.append((reverse("desk:all"), _("全部工单")))
    lists = worklists.available(user)
    children: dict[str, tuple[NavItem, ...]] = {}
    if lists:
        url = reverse("desk:worklists")
        items.append((url, _("工作清单")))
        found = worklists.counts(user, lists)
        counts[url] = sum(found.values())
        labels = {w.key: str(w.label) for w in lists}
        children[url] = tuple(
            NavItem(reverse("desk:worklist", args=[w.key]), str(w.label), count=found.get(w.key, 0))
            for w in lists
        ) + tuple(  # the user's saved filters (常用筛选), after the lists
            NavItem(
                f"{reverse('desk:worklist', args=[f.list_key])}?{f.query}",
                f"☆ {f.name}（{labels[f.list_key]}）",
                count=n,
            )
            for f, n in worklists.saved_counts(user)
        )
    if standing.centre_roles & {"agent", "supervisor"} or standing.is_admin:
        items.append((reverse("feedback:visits"), _("回访任务")))
    for _config, entry in declared("menu"):
        if (not entry.roles or entry.roles & standing.all_roles) and (
            entry.visible is None or resolve(entry.visible)(user)
        ):
            url = reverse(entry.url_name)
            items.append((url, str(entry.label)))
            if entry.count:
                counts[url] = resolve(entry.count)(user)
    items.append((reverse("analytics:dashboard"), _("统计分析")))
    items.append((reverse("assessment:ranking"), _("考核排名")))
    notices = reverse("notifications:list")
    items.append((notices, _("消息提醒")))
    counts[notices] = unread_count(user)
    if standing.is_admin:
        items.append((reverse("sla:calendar"), _("工作日历")))
        items.append((reverse("admin:index"), _("系统管理")))
    path = request.path
    return [
        NavItem(url, label, path.startswith(url), counts.get(url, 0), children.get(url, ()))
        for url, label in items
    ]


def resident_links(request: HttpRequest) -> dict[str, object]:
    """The programmes' links for the residents' pages (/m/), as their apps declare them."""
    if not request.path.startswith("/m/"):
        return {}
    links = [
        (reverse(link.url_name), link.label, link.hint) for _c, link in declared("resident_links")
    ]
    return {"resident_links": links}
