"""Forms of the veterans' pages: a record, a family's request, an upload, an outcome."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.veterans.models import Finding, MartyrRecord


def _year(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1800, max_value=2100, required=False)


class RecordForm(forms.ModelForm):
    class Meta:
        model = MartyrRecord
        fields = [
            "name",
            "aliases",
            "native_place",
            "birth_year",
            "death_year",
            "unit",
            "death_place",
            "burial_place",
            "source",
            "reliability",
            "notes",
        ]
        help_texts = {"aliases": _("如：字:子明;乳名:狗娃，多个以分号分隔")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        birth, death = data.get("birth_year"), data.get("death_year")
        if birth and death and birth > death:
            raise forms.ValidationError(_("出生年份晚于牺牲年份。"))
        return data


class RequestForm(forms.Form):
    """A family's request, as a resident or an agent fills it in."""

    ancestor_names = forms.CharField(
        label=_("烈士姓名"),
        max_length=120,
        help_text=_("记得的名字都可以写，如乳名、化名，以分号分隔"),
    )
    native_place = forms.CharField(
        label=_("籍贯"), max_length=120, required=False, help_text=_("按家里的说法写，老地名也可以")
    )
    birth_year = _year(_("出生年份"))
    death_year = _year(_("牺牲年份"))
    unit = forms.CharField(label=_("所在部队"), max_length=120, required=False)
    story = forms.CharField(
        label=_("家里流传的经历"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    requester_name = forms.CharField(label=_("您的姓名"), max_length=40)
    relation = forms.CharField(
        label=_("与烈士的关系"), max_length=20, help_text=_("如：孙子、侄女")
    )
    phone = forms.CharField(label=_("联系电话"), max_length=30)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        birth, death = data.get("birth_year"), data.get("death_year")
        if birth and death and birth > death:
            raise forms.ValidationError(_("出生年份晚于牺牲年份。"))
        return data


class HotlineRequestForm(RequestForm):
    ticket_number = forms.CharField(
        label=_("关联 12345 工单号"),
        max_length=20,
        required=False,
        help_text=_("来电已受理为工单时填写；不填则新建工单"),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件（CSV 或 XLSX）"))


class AttachForm(forms.Form):
    file = forms.FileField(label=_("照片或文件（JPEG、PNG、PDF）"))
    title = forms.CharField(label=_("说明"), max_length=120, required=False)


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class SettleForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=Finding.Outcome.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
