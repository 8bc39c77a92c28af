"""Forms of the staff screens: list filters and one small form per ticket action."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.orgs.forms import UnitField, UnitsField
from minsheng.orgs.models import Unit
from minsheng.taxonomy.forms import catalogue_leaves, leaf_choices
from minsheng.taxonomy.models import Category
from minsheng.tickets import queries
from minsheng.tickets.models import Satisfaction, Status, Ticket
from minsheng.tickets.workflow import MAX_TEXT, Action

Choices = list[tuple[Any, Any]]


def textarea(label: Any, *, required: bool = True, limit: int = MAX_TEXT, rows: int = 3) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": format_lazy(_("请填写{label}。"), label=label),
            "max_length": format_lazy(_("{label}不能超过 {limit} 字。"), label=label, limit=limit),
        },
    )


class ActionForm(forms.Form):
    """Base of the action forms: they know the ticket, the user, and the unit list if needed."""

    needs_units = False

    def __init__(
        self, *args: Any, ticket: Ticket, user: Any, units: Sequence[Unit] = (), **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)
        self.ticket, self.user = ticket, user

    action = ""


class DispatchForm(ActionForm):
    action = Action.DISPATCH
    needs_units = True
    unit = UnitField(label=_("承办单位"))
    cohandlers = UnitsField(
        label=_("协办单位"), required=False, help_text=_("按住 Ctrl 可多选；不需要协办请留空。")
    )
    category = forms.ChoiceField(
        label=_("改正分类"),
        required=False,
        error_messages={"invalid_choice": _("请选择派单目录中的具体小类。")},
    )
    note = textarea(_("派单说明"), required=False)

    def __init__(self, *args: Any, units: Sequence[Unit] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].set_units(units)  # type: ignore[attr-defined]
        self.fields["cohandlers"].set_units(units)  # type: ignore[attr-defined]
        leaves = catalogue_leaves()
        self.leaves = {str(c.pk): c for c in leaves}
        self.fields["category"].choices = [("", gettext("——不改——")), *leaf_choices(leaves)]

    def clean_category(self) -> Category | None:
        value = self.cleaned_data.get("category")
        return self.leaves[value] if value else None


class AddCohandlerForm(ActionForm):
    action = Action.ADD_COHANDLER
    needs_units = True
    unit = UnitField(label=_("协办单位"))
    note = textarea(_("说明"), required=False, rows=2)

    def __init__(self, *args: Any, units: Sequence[Unit] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].set_units(units)  # type: ignore[attr-defined]


class AcceptForm(ActionForm):
    action = Action.ACCEPT


class ReturnForm(ActionForm):
    action = Action.RETURN
    reason = textarea(_("退单理由"))


class RejectReturnForm(ActionForm):
    action = Action.REJECT_RETURN
    note = textarea(_("驳回理由"))


class RequestExtensionForm(ActionForm):
    action = Action.REQUEST_EXTENSION
    until = forms.DateTimeField(
        label=_("申请延至"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("请填写申请延至的时间。"),
            "invalid": _("请填写正确的日期和时间。"),
        },
    )
    reason = textarea(_("延期理由"), limit=1000)


class ApproveExtensionForm(ActionForm):
    action = Action.APPROVE_EXTENSION
    note = textarea(_("审批意见"), required=False, rows=2)


class RefuseExtensionForm(ActionForm):
    action = Action.REFUSE_EXTENSION
    note = textarea(_("驳回理由"), rows=2)


class PauseForm(ActionForm):
    action = Action.PAUSE
    reason = textarea(_("暂停理由"), rows=2)


class ResumeForm(ActionForm):
    action = Action.RESUME


class ReplyForm(ActionForm):
    action = Action.REPLY
    text = textarea(_("答复内容"), rows=5)


class CloseForm(ActionForm):
    action = Action.CLOSE
    note = textarea(_("说明"), required=False, rows=2)


class ReopenForm(ActionForm):
    action = Action.REOPEN
    note = textarea(_("重办意见"))


class MergeForm(ActionForm):
    action = Action.MERGE
    into = forms.CharField(
        label=_("并入工单编号"),
        max_length=24,
        error_messages={
            "required": _("请填写要并入的工单编号。"),
            "max_length": _("工单编号不能超过 24 个字符。"),
        },
    )
    note = textarea(_("说明"), required=False, rows=2)

    def clean_into(self) -> Ticket:
        number = self.cleaned_data["into"].strip().upper()
        target = queries.visible_to(self.user).filter(number=number).first()
        if target is None:
            raise forms.ValidationError(gettext("找不到工单 %(number)s。") % {"number": number})
        return target


class DeclineForm(ActionForm):
    action = Action.DECLINE
    referral = textarea(_("告知内容（引导群众的去处）"))


class AnswerForm(ActionForm):
    action = Action.ANSWER
    text = textarea(_("答复内容"), rows=5)


class NoteForm(ActionForm):
    action = Action.NOTE
    text = textarea(_("备注内容"), rows=2)


class AttachForm(ActionForm):
    action = Action.ATTACH
    file = forms.FileField(
        label=_("附件"),
        help_text=_("JPEG、PNG、GIF、WebP 图片或 PDF，不超过 10 MB。"),
        error_messages={
            "required": _("请选择要上传的文件。"),
            "empty": _("上传的文件是空的。"),
            "invalid": _("上传的文件无法读取。"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )


class CohandlerAcceptForm(ActionForm):
    action = Action.COHANDLER_ACCEPT


class CohandlerReplyForm(ActionForm):
    action = Action.COHANDLER_REPLY
    text = textarea(_("协办意见"), rows=3)


class LeaderApproveExtensionForm(ActionForm):
    action = Action.LEADER_APPROVE_EXTENSION
    note = textarea(_("审核意见"), required=False, rows=2)


class LeaderRefuseExtensionForm(ActionForm):
    action = Action.LEADER_REFUSE_EXTENSION
    note = textarea(_("驳回理由"), rows=2)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        DispatchForm,
        AddCohandlerForm,
        AcceptForm,
        ReturnForm,
        RejectReturnForm,
        RequestExtensionForm,
        ApproveExtensionForm,
        RefuseExtensionForm,
        PauseForm,
        ResumeForm,
        ReplyForm,
        CloseForm,
        ReopenForm,
        MergeForm,
        DeclineForm,
        AnswerForm,
        NoteForm,
        AttachForm,
        CohandlerAcceptForm,
        CohandlerReplyForm,
        LeaderApproveExtensionForm,
        LeaderRefuseExtensionForm,
    )
}


class VisitForm(forms.Form):
    """The phone return visit; posted to feedback's view, rendered on the ticket page."""

    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    resolved = forms.ChoiceField(
        label=_("问题是否解决"),
        choices=[("yes", _("已解决")), ("no", _("未解决"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价意见"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "id_visit_%s")
        super().__init__(*args, **kwargs)


INBOX_TABS = [
    ("", _("全部")),
    (Status.DISPATCHED, _("待签收")),
    (Status.ACCEPTED, _("办理中")),
    (Status.RETURNED, _("已退单")),
    (Status.REPLIED, _("已答复")),
]


class SearchForm(forms.Form):
    """The filters of the all-tickets list; every field optional, bad values are reported."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("工单编号、电话或内容")}),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *Status.choices],
        error_messages={"invalid_choice": _("状态不正确。")},
    )
    group = forms.TypedChoiceField(
        label=_("分类大类"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("分类大类不正确。")},
    )
    district = forms.TypedChoiceField(
        label=_("区"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("区不正确。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        groups = Category.objects.filter(parent__isnull=True).order_by("sort_order", "code")
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            ("", gettext("全部大类")),
            *((str(g.pk), g.name) for g in groups),
        ]
        self.districts = {
            u.pk: u for u in Unit.objects.filter(kind=Unit.Kind.DISTRICT).order_by("path")
        }
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", gettext("全部区")),
            *((str(pk), u.name) for pk, u in self.districts.items()),
        ]
