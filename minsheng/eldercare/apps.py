"""独居老人水电表预警: a programme above the loop (docs/extending.md, docs/eldercare.md)."""

from django.utils.translation import gettext_lazy as _

from minsheng.lib.extensions import (
    CategorySpec,
    MenuEntry,
    Panel,
    ProgrammeConfig,
    ResidentLink,
    WorkerService,
    WorkerStep,
)

HERE = "minsheng.eldercare"
WELFARE = CategorySpec(
    code="EC-WELFARE",
    name="独居老人用水用电异常",
    group_code="EC",
    group_name="关爱预警",
    policy="emergency",
    request_types=("help",),
    handler_hint="community",
    description="独居老人水电表预警：社区或网格员上门查看，答复中写明上门结果。",
)
METER = CategorySpec(
    code="EC-METER",
    name="关爱水电表故障或漏水",
    group_code="EC",
    group_name="关爱预警",
    policy="utility",
    request_types=("help",),
    handler_hint="utility",
    description="关爱水电表长时间未上报读数，或持续有流量疑似漏水：供水、供电企业上门检修。",
)
STAFF_ROLES = frozenset({"handler", "leader", "dispatcher", "supervisor", "admin"})


class EldercareConfig(ProgrammeConfig):
    name = HERE
    label = "eldercare"
    verbose_name = "独居老人水电表预警"
    order = 10
    staff_urls = ("eldercare/", f"{HERE}.urls")
    resident_urls = ("eldercare/", f"{HERE}.resident_urls")
    api_router = f"{HERE}.api.router"
    api_scopes = (("meters", _("水电表读数与关爱预警")),)
    menu = (
        MenuEntry(
            "eldercare:index", _("独居老人"), roles=STAFF_ROLES, count=f"{HERE}.queries.open_count"
        ),
    )
    resident_links = (
        ResidentLink("eldercare_m:absence", _("老人外出登记"), _("家属登记老人外出，暂停用水预警")),
    )
    panels = (Panel(_("独居老人水电表预警"), "eldercare/panel.html", f"{HERE}.queries.panel"),)
    worker_steps = (
        WorkerStep("eldercare-judge", f"{HERE}.alarms.judge_due", every_seconds=1),
        WorkerStep("eldercare-ladder", f"{HERE}.alarms.climb_due", every_seconds=5),
        WorkerStep("eldercare-silence", f"{HERE}.alarms.find_silent", every_seconds=60),
        WorkerStep("eldercare-retention", f"{HERE}.readings.prune", every_seconds=3600),
    )
    worker_services = (
        WorkerService("eldercare-mqtt", f"{HERE}.mqtt.subscribe", f"{HERE}.mqtt.enabled"),
        WorkerService("eldercare-simulator", f"{HERE}.mqtt.simulate", f"{HERE}.mqtt.simulating"),
    )
    categories = (WELFARE, METER)
    demo = f"{HERE}.demo.load"

    def ready(self) -> None:
        from minsheng.eldercare import alarms
        from minsheng.tickets.signals import event_recorded

        event_recorded.connect(alarms.on_ticket_event, dispatch_uid="eldercare")
