"""The dispatch rule pages: the ordered list, the rule form, "test a rule", the change history.

For administrators and the centre's dispatchers; everyone else gets 403.
"""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.dispatch import queries, routing, rules
from minsheng.dispatch.forms import RuleForm, SampleForm
from minsheng.dispatch.models import DispatchRule
from minsheng.orgs.access import standing_of


def _require_editor(request: Request) -> None:
    standing = standing_of(request.user)
    if not (standing.is_admin or "dispatcher" in standing.centre_roles):
        raise PermissionDenied(_("只有系统管理员或派单员可以管理派单规则。"))


@login_required
@require_GET
def rule_list(request: Request) -> HttpResponse:
    """Every rule in the order it is tried, in words."""
    _require_editor(request)
    rows = list(queries.ordered_rules())
    specs = {s.id: s for s in queries.specs(DispatchRule.objects.all())}
    items = []
    for position, rule in enumerate(rows, start=1):
        conditions, actions = rules.describe(specs[rule.pk])
        items.append(
            {"rule": rule, "position": position, "conditions": conditions, "actions": actions}
        )
    return render(request, "dispatch/rules.html", {"items": items, "count": len(items)})


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: Request, pk: int | None = None) -> HttpResponse:
    """Create or change a rule; bad input shows the errors and writes nothing."""
    _require_editor(request)
    rule = get_object_or_404(DispatchRule, pk=pk) if pk is not None else None
    if request.method == "POST":
        form = RuleForm(request.POST, rule_id=pk)
        if form.is_valid():
            try:
                saved = routing.save_rule(rule, form.cleaned_data, by=request.user)
            except routing.RuleError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已保存规则“%(name)s”。") % {"name": saved.name})
                return redirect("dispatch:rules")
    else:
        form = RuleForm(initial=_initial(rule), rule_id=pk)
    return render(request, "dispatch/rule_form.html", {"form": form, "rule": rule})


def _initial(rule: DispatchRule | None) -> dict[str, Any]:
    if rule is None:
        return {"is_active": True}
    data = queries.rule_data(rule)
    for key in ("categories", "places", "cohandlers"):
        data[key] = [str(obj.pk) for obj in data[key]]
    for key in ("unit", "fallback_unit", "policy"):
        data[key] = str(data[key].pk) if data[key] is not None else ""
    data["weekdays"] = [str(d) for d in data["weekdays"]]
    data["polygon"] = json.dumps(data["polygon"], ensure_ascii=False) if data["polygon"] else ""
    return data


@login_required
@require_POST
def rule_move(request: Request, pk: int, direction: str) -> HttpResponse:
    """Move a rule one place up or down."""
    _require_editor(request)
    rule = get_object_or_404(DispatchRule, pk=pk)
    try:
        routing.move_rule(rule, up=direction == "up", by=request.user)
    except routing.RuleError as error:
        messages.error(request, str(error))
    return redirect("dispatch:rules")


@login_required
@require_GET
def rule_test(request: Request) -> HttpResponse:
    """Which rule would route a sample request, why, and what every earlier rule failed on."""
    _require_editor(request)
    bound = bool(request.GET)
    form = SampleForm(request.GET if bound else None)
    decision = None
    if bound and form.is_valid():
        data = form.cleaned_data
        sample = queries.sample(
            category=data["category"],
            request_type=data["request_type"],
            place=data.get("place"),
            text=data.get("text") or "",
            at=data.get("at") or timezone.now(),
            lon=data.get("lon"),
            lat=data.get("lat"),
        )
        decision = queries.rulebook().explain(sample)
    return render(request, "dispatch/test.html", {"form": form, "decision": decision})


@login_required
@require_GET
def rule_history(request: Request) -> HttpResponse:
    """The latest changes to the rules: who, when, before and after."""
    _require_editor(request)
    changes = []
    for change in queries.history():
        before, after = change.before or {}, change.after or {}
        fields = [
            {"field": key, "before": before.get(key), "after": after.get(key)}
            for key in dict.fromkeys([*before, *after])
            if before.get(key) != after.get(key) and (before.get(key) or after.get(key))
        ]
        changes.append({"change": change, "fields": fields})
    return render(request, "dispatch/history.html", {"changes": changes})
