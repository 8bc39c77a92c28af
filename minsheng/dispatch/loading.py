"""The demo city's dispatch rules, derived from the catalogue's handler hints. Idempotent."""

from collections import defaultdict

from django.db import transaction

from minsheng.dispatch import routing
from minsheng.dispatch.models import DispatchRule, Target
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category

FALLBACK_NAME = "兜底：派往所在区"


@transaction.atomic
def load_demo_rules() -> int:
    """One rule per named unit, 直派 to the street, district matters, then the 兜底 fallback.

    Does nothing when rules exist (an administrator's edits are kept); returns rules created.
    """
    if DispatchRule.objects.exists():
        return 0
    by_hint: dict[str, list[Category]] = defaultdict(list)
    for leaf in Category.objects.filter(parent__isnull=False, is_active=True).order_by("code"):
        if leaf.handler_hint:
            by_hint[leaf.handler_hint].append(leaf)
    units = {u.code: u for u in Unit.objects.filter(code__in=list(by_hint), is_active=True)}
    plans = []
    for code in sorted(set(by_hint) - {"street", "district"}):
        if code in units:
            plans.append(
                {
                    "name": f"派往{units[code].name}",
                    "categories": by_hint[code],
                    "target": Target.UNIT,
                    "unit": units[code],
                    "note": "由派单目录的承办建议生成。",
                }
            )
    if by_hint["street"]:
        plans.append(
            {
                "name": "直派：所在街道乡镇",
                "categories": by_hint["street"],
                "target": Target.STREET,
                "note": "属地街道乡镇能办的事项，直接派到诉求所在的街道乡镇。",
            }
        )
    if by_hint["district"]:
        plans.append(
            {
                "name": "区级事项：所在区",
                "categories": by_hint["district"],
                "target": Target.DISTRICT,
                "note": "需区级部门统筹的事项，派到诉求所在的区。",
            }
        )
    plans.append(
        {
            "name": FALLBACK_NAME,
            "target": Target.DISTRICT,
            "note": "以上规则都不适用时，由所在区兜底；地点不明的交派单员人工派单。",
        }
    )
    for plan in plans:
        routing.save_rule(None, plan, by=None)
    return len(plans)
