"""基层治理网络: a programme above the loop (docs/extending.md, docs/community.md)."""

from django.utils.translation import gettext_lazy as _

from minsheng.lib.extensions import (
    CategorySpec,
    MenuEntry,
    Panel,
    ProgrammeConfig,
    ResidentLink,
    WorkerStep,
)

HERE = "minsheng.community"
STAFF = frozenset({"dispatcher", "supervisor", "handler", "leader", "admin"})
GROUP = ("CM", "基层治理网络")

BUILDING = CategorySpec(
    "CM-BUILDING", "楼院小事（三长上报）", *GROUP, policy="general",
    request_types=("help", "report", "complaint"), handler_hint="community",
    description="网格长、楼栋长、单元长从手机上报的楼院问题，按五方联动逐级办理。",
)  # fmt: skip
STATION = CategorySpec(
    "CM-STATION", "驿站说事", *GROUP, policy="general",
    request_types=("help", "complaint", "suggestion"), handler_hint="community",
    description="红色驿站、说事站（点、箱）收到的诉求，按五方联动逐级办理。",
)  # fmt: skip
VISIT = CategorySpec(
    "CM-VISIT", "联点访户发现问题", *GROUP, policy="general",
    request_types=("help",), handler_hint="street",
    description="领导干部联点访户时发现的问题，交联系点所在街道办理。",
)  # fmt: skip
MEETING = CategorySpec(
    "CM-MEETING", "院坝协商会议定事项", *GROUP, policy="complex",
    request_types=("suggestion", "help"), handler_hint="community",
    description="院坝协商会议定的事项，交责任单位在时限内办理。",
)  # fmt: skip


class CommunityConfig(ProgrammeConfig):
    name = HERE
    label = "community"
    verbose_name = "基层治理网络"
    order = 50
    staff_urls = ("community/", f"{HERE}.urls")
    resident_urls = ("community/", f"{HERE}.resident_urls")
    api_router = f"{HERE}.api.router"
    api_scopes = (("community", _("基层治理网络：驿站与联点访户")),)
    menu = (MenuEntry("community:index", _("基层治理"), roles=STAFF),)
    resident_links = (
        ResidentLink("community_m:index", _("身边驿站"), _("附近的红色驿站、说事站和协商会")),
    )
    panels = (Panel(_("五方联动"), "community/panel.html", f"{HERE}.queries.panel"),)
    worker_steps = (
        WorkerStep("community-climb", f"{HERE}.linkage.climb_due", every_seconds=60),
        WorkerStep("community-remind", f"{HERE}.network.remind_visits", every_seconds=3600),
    )
    categories = (BUILDING, STATION, VISIT, MEETING)
    demo = f"{HERE}.demo.load"

    def ready(self) -> None:
        from minsheng.community import linkage
        from minsheng.tickets.signals import event_recorded

        event_recorded.connect(linkage.on_ticket_event, dispatch_uid="community")
