"""防返贫动态监测: a programme above the loop (docs/extending.md, docs/households.md)."""

from django.utils.translation import gettext_lazy as _

from minsheng.lib.extensions import (
    CategorySpec,
    MenuEntry,
    Panel,
    ProgrammeConfig,
    ResidentLink,
    WorkerStep,
)

HERE = "minsheng.households"
STEP_CATEGORY = CategorySpec(
    code="HH-STEP",
    name="防返贫监测认定与消除",
    group_code="HH",
    group_name="防返贫监测",
    policy="general",
    request_types=("help",),
    description="防返贫监测的入户核实、评议公示、审核审批等步骤，由系统按时限派发。",
)


class HouseholdsConfig(ProgrammeConfig):
    name = HERE
    label = "households"
    verbose_name = "防返贫动态监测"
    order = 20
    staff_urls = ("households/", f"{HERE}.urls")
    resident_urls = ("households/", f"{HERE}.resident_urls")
    api_router = f"{HERE}.api.router"
    api_scopes = (("households", "防返贫监测"),)
    menu = (
        MenuEntry(
            "households:index",
            _("防返贫监测"),
            roles=frozenset({"agent", "handler", "leader", "supervisor", "admin"}),
            count=f"{HERE}.queries.count",
        ),
    )
    resident_links = (
        ResidentLink("households_m:report", _("防返贫一键申报"), _("家里遇到困难，可以自己申报")),
    )
    panels = (Panel(_("防返贫监测"), "households/panel.html", f"{HERE}.queries.panel"),)
    worker_steps = (WorkerStep("households-reminders", f"{HERE}.tracking.remind", 1800),)
    categories = (STEP_CATEGORY,)
    demo = f"{HERE}.demo.load"

    def ready(self) -> None:
        from minsheng.households import tracking
        from minsheng.tickets.signals import event_recorded

        event_recorded.connect(tracking.on_ticket_event, dispatch_uid="households")
