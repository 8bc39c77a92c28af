"""一件事一次办: a programme above the loop (docs/extending.md, docs/services.md)."""

from django.utils.translation import gettext_lazy as _

from minsheng.lib.extensions import (
    CategorySpec,
    MenuEntry,
    Panel,
    ProgrammeConfig,
    ResidentLink,
    WorkerStep,
)

HERE = "minsheng.services"
STAFF = frozenset({"handler", "leader", "dispatcher", "supervisor", "agent", "admin"})

ITEM_CATEGORY = CategorySpec(
    code="SV-ITEM",
    name="一件事一次办事项办理",
    group_code="SV",
    group_name="政务服务",
    policy="general",
    request_types=("help",),
    description="“一件事一次办”联办申请中由本部门办理的一个事项；在一件事页面审核办结或退回补正。",
)
# Items whose legal limit is longer than the general policy's 7 working days (食品经营许可 10,
# 养老保险待遇核定 20): the loop's clock runs on the complex policy's 15 (docs/services.md).
ITEM_LONG_CATEGORY = CategorySpec(
    code="SV-ITEM-LONG",
    name="一件事一次办事项办理（长时限）",
    group_code="SV",
    group_name="政务服务",
    policy="complex",
    request_types=("help",),
    description="法定时限超过 7 个工作日的一件事事项；在一件事页面审核办结或退回补正。",
)
GENERAL_WORKDAYS = 7  # the general policy's limit, as seeded
TRANSFER_CATEGORY = CategorySpec(
    code="SV-TRANSFER",
    name="跨省通办转入",
    group_code="SV",
    group_name="政务服务",
    policy="general",
    request_types=("help",),
    description="其他地区政务服务系统经 Open311 转来的办事申请（跨省通办）。",
)


class ServicesConfig(ProgrammeConfig):
    name = HERE
    label = "services"
    verbose_name = "一件事一次办"
    order = 60
    staff_urls = ("services/", f"{HERE}.urls")
    resident_urls = ("services/", f"{HERE}.resident_urls")
    menu = (
        MenuEntry("services:index", _("一件事"), roles=STAFF, count=f"{HERE}.queries.open_count"),
    )
    resident_links = (
        ResidentLink("services_m:index", _("一件事一次办"), _("一张表申请，多个部门并联办理")),
    )
    panels = (Panel(_("一件事一次办"), "services/panel.html", f"{HERE}.queries.panel"),)
    worker_steps = (
        WorkerStep("services-transfers", f"{HERE}.transfers.poll_due", every_seconds=300),
    )
    categories = (ITEM_CATEGORY, ITEM_LONG_CATEGORY, TRANSFER_CATEGORY)
    demo = f"{HERE}.demo.load"

    def ready(self) -> None:
        from minsheng.services import write
        from minsheng.tickets.signals import event_recorded

        event_recorded.connect(write.on_ticket_event, dispatch_uid="services")
