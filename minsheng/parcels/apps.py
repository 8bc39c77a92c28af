"""客货邮融合: a programme above the loop (docs/extending.md)."""

from django.utils.translation import gettext_lazy as _

from minsheng.lib.extensions import CategorySpec, MenuEntry, ProgrammeConfig

HERE = "minsheng.parcels"
INCIDENT_CATEGORY = CategorySpec(
    code="PC-EXCEPTION",
    name="客货邮物流异常",
    group_code="PC",
    group_name="客货邮融合",
    policy="general",
    handler_hint="县物流办",
    description="驿站超能力、班次未装车、包裹连续两日延后",
)


class ParcelsConfig(ProgrammeConfig):
    name = HERE
    label = "parcels"
    verbose_name = "客货邮融合"
    order = 30
    staff_urls = ("parcels/", f"{HERE}.urls")
    menu = (
        MenuEntry("parcels:index", _("客货邮"), roles=frozenset({"handler", "leader", "admin"})),
    )
    categories = (INCIDENT_CATEGORY,)
    demo = f"{HERE}.demo.load"
