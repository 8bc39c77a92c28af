"""The return visit's form: how the resident rates the handling, on the phone or on /m/."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.tickets.models import Satisfaction

COMMENT_LIMIT = 500


class RatingForm(forms.Form):
    """The return visit (回访): satisfaction, whether it was solved, an optional comment."""

    satisfaction = forms.ChoiceField(
        label=_("您对办理结果是否满意"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择满意、基本满意或不满意。"),
            "invalid_choice": _("请选择满意、基本满意或不满意。"),
        },
    )
    resolved = forms.TypedChoiceField(
        label=_("问题是否解决"),
        choices=[("yes", _("是，已解决")), ("no", _("否，没有解决"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择问题是否解决。"),
            "invalid_choice": _("请选择问题是否解决。"),
        },
    )
    comment = forms.CharField(
        label=_("您的意见（可不填）"),
        required=False,
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _(
                "意见最多 %(limit_value)d 字，现在有 %(show_value)d 字，请删减后再提交。"
            ),
        },
    )
