"""民生实事与排查整治: a programme above the loop (docs/extending.md, docs/projects.md)."""

from django.utils.translation import gettext_lazy as _

from minsheng.lib.extensions import (
    CategorySpec,
    MenuEntry,
    Panel,
    ProgrammeConfig,
    ResidentLink,
    WorkerStep,
)

HERE = "minsheng.projects"
STAFF = frozenset({"dispatcher", "supervisor", "handler", "leader", "admin"})

MILESTONE_CATEGORY = CategorySpec(
    code="PJ-MILESTONE",
    name="民生实事节点逾期督办",
    group_code="PJ",
    group_name="民生实事与排查整治",
    policy="general",
    request_types=("suggestion", "help"),
    description="民生实事项目的节点逾期，由系统向牵头单位发起的督办工单。",
)
HAZARD_CATEGORY = CategorySpec(
    code="PJ-HAZARD",
    name="排查整治隐患整改",
    group_code="PJ",
    group_name="民生实事与排查整治",
    policy="general",
    request_types=("help",),
    description="入户排查发现的隐患，交整改单位整改，复查合格后办结。",
)


class ProjectsConfig(ProgrammeConfig):
    name = HERE
    label = "projects"
    verbose_name = "民生实事与排查整治"
    order = 40
    # Two trees of staff pages, /projects/ and /campaigns/, from one URLconf.
    staff_urls = ("", f"{HERE}.urls")
    resident_urls = ("projects/", f"{HERE}.resident_urls")
    api_router = f"{HERE}.api.router"
    api_scopes = (("projects", "民生实事与排查整治"),)
    menu = (
        MenuEntry("projects:index", _("民生实事"), roles=STAFF),
        MenuEntry("projects:campaigns", _("排查整治"), roles=STAFF),
    )
    resident_links = (
        ResidentLink("projects_m:index", _("民生实事"), _("提议、附议、看进度、评项目")),
    )
    panels = (Panel(_("民生实事与排查整治"), "projects/panel.html", f"{HERE}.queries.panel"),)
    worker_steps = (WorkerStep("projects-chase", f"{HERE}.records.chase_due", every_seconds=600),)
    categories = (MILESTONE_CATEGORY, HAZARD_CATEGORY)
    demo = f"{HERE}.demo.load"
