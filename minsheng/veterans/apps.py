"""退役军人事务: a programme above the loop (docs/extending.md, docs/veterans.md)."""

from django.utils.translation import gettext_lazy as _

from minsheng.lib.extensions import (
    CategorySpec,
    MenuEntry,
    ProgrammeConfig,
    ResidentLink,
    WorkerStep,
)

HERE = "minsheng.veterans"
SEARCH_CATEGORY = CategorySpec(
    code="VT-XQ",
    name="烈士寻亲",
    group_code="VT",
    group_name="退役军人事务",
    policy="complex",
    request_types=("help",),
    description="烈士寻亲登记、核实、确认、告知家属和祭扫安排，每一步由退役军人事务局办理。",
)
CHECK_CATEGORY = CategorySpec(
    code="VT-HC",
    name="优抚对象数据核查",
    group_code="VT",
    group_name="退役军人事务",
    policy="general",
    request_types=("report",),
    description="优抚对象名册与死亡、户籍、账户登记及烈士记录比对发现的问题。",
)
STAFF_ROLES = frozenset({"agent", "dispatcher", "supervisor", "handler", "leader", "admin"})


class VeteransConfig(ProgrammeConfig):
    name = HERE
    label = "veterans"
    verbose_name = "退役军人事务"
    order = 70
    staff_urls = ("veterans/", f"{HERE}.urls")
    resident_urls = ("veterans/", f"{HERE}.resident_urls")
    menu = (
        MenuEntry(
            "veterans:index",
            _("退役军人事务"),
            roles=STAFF_ROLES,
            count=f"{HERE}.queries.badge",
            visible=f"{HERE}.queries.sees_pages",
        ),
    )
    resident_links = (
        ResidentLink("veterans_m:new", _("烈士寻亲登记"), _("为牺牲的亲人寻找烈士记录")),
    )
    worker_steps = (
        WorkerStep("veterans-checks", f"{HERE}.casework.run_checks_due", every_seconds=86400),
    )
    categories = (SEARCH_CATEGORY, CHECK_CATEGORY)
    demo = f"{HERE}.demo.load"
