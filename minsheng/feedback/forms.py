"""Forms of the resident pages: proving a ticket is one's own, and rating how it was handled."""

import re
import unicodedata

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.tickets import queries
from minsheng.tickets.models import Satisfaction, Ticket

COMMENT_LIMIT = 500


def _plain(value: str) -> str:
    # Phone keyboards in Chinese input mode type full-width letters and digits (ＦＺ１２…).
    return unicodedata.normalize("NFKC", value or "")


class TrackForm(forms.Form):
    """A ticket number and the last four digits of the phone it was made from."""

    number = forms.CharField(
        label=_("工单编号"),
        max_length=40,
        error_messages={"required": _("请输入工单编号。"), "max_length": _("工单编号不正确。")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": _("例如 FZ2611270001"),
            }
        ),
        help_text=_("受理时短信或话务员告诉您的编号。"),
    )
    last4 = forms.CharField(
        label=_("手机号后四位"),
        max_length=10,
        error_messages={
            "required": _("请输入手机号后四位。"),
            "max_length": _("请输入手机号后四位数字。"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("反映问题时留下的手机号的最后四位数字。"),
    )

    def clean_number(self) -> str:
        return re.sub(r"\s+", "", _plain(self.cleaned_data["number"])).upper()

    def clean_last4(self) -> str:
        value = re.sub(r"\s+", "", _plain(self.cleaned_data["last4"]))
        if not re.fullmatch(r"\d{4}", value):
            raise forms.ValidationError(gettext("请输入手机号后四位数字。"))
        return value

    def matching_ticket(self) -> Ticket | None:
        """The ticket with this exact number whose phone ends in these digits, or None."""
        return queries.for_resident(self.cleaned_data["number"], last4=self.cleaned_data["last4"])


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
