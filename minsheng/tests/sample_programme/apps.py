"""A programme that exists only in tests: it declares one of every extension point."""

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

HERE = "minsheng.tests.sample_programme"
CATEGORY = CategorySpec(
    code="SAMPLE-01",
    name="样例事项",
    group_code="SAMPLE",
    group_name="样例项目",
    policy="emergency",
    request_types=("help",),
)


class SampleProgrammeConfig(ProgrammeConfig):
    name = HERE
    label = "sample_programme"
    verbose_name = "样例项目"
    staff_urls = ("sample/", f"{HERE}.urls")
    resident_urls = ("sample/", f"{HERE}.resident_urls")
    api_router = f"{HERE}.api.router"
    api_scopes = (("sample", "样例"),)
    menu = (
        MenuEntry(
            "sample:index",
            _("样例项目"),
            roles=frozenset({"dispatcher"}),
            count=f"{HERE}.hooks.count",
        ),
        MenuEntry("sample:index", _("样例管理"), roles=frozenset({"admin"})),
        MenuEntry(
            "sample:index",
            _("样例抽查"),
            roles=frozenset({"dispatcher", "handler"}),
            visible=f"{HERE}.hooks.sees_checks",
        ),
    )
    resident_links = (ResidentLink("sample_m:index", _("样例服务"), _("演示用")),)
    panels = (Panel(_("样例面板"), "sample_programme/panel.html", f"{HERE}.hooks.panel"),)
    worker_steps = (WorkerStep("sample-step", f"{HERE}.hooks.step", every_seconds=0),)
    worker_services = (
        WorkerService("sample-service", f"{HERE}.hooks.service", f"{HERE}.hooks.enabled"),
    )
    categories = (CATEGORY,)
    demo = f"{HERE}.hooks.demo"

    def ready(self) -> None:
        from minsheng.tests.sample_programme import hooks
        from minsheng.tickets.signals import event_recorded

        event_recorded.connect(hooks.on_event, dispatch_uid="sample-programme")
