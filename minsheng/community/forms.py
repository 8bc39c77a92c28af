"""Forms of the community network's pages (zh-Hans labels)."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.community.models import Building, Pairing, Stairwell
from minsheng.orgs.models import Unit


class ReportForm(forms.Form):
    building = forms.ModelChoiceField(queryset=Building.objects.none(), label=_("楼栋"))
    stairwell = forms.IntegerField(label=_("单元号"), required=False, min_value=1, max_value=50)
    room = forms.CharField(label=_("房号"), required=False, max_length=20)
    text = forms.CharField(
        label=_("问题描述"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, buildings: QuerySet[Building], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        building, number = data.get("building"), data.get("stairwell")
        data["stairwell_obj"] = None
        if building is not None and number:
            found = Stairwell.objects.filter(building=building, number=number).first()
            if found is None:
                self.add_error("stairwell", _("该楼栋没有这个单元。"))
            data["stairwell_obj"] = found
        return data


class CodeForm(forms.Form):
    code = forms.CharField(label=_("短信验证码"), max_length=6, min_length=6)


class StewardForm(forms.Form):
    solved = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=(("1", _("已解决")), ("0", _("解决不了，上交网格员"))),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("处理情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class CannotForm(forms.Form):
    reason = forms.CharField(label=_("无法解决的原因"), max_length=300)


class VisitForm(forms.Form):
    pairing = forms.ModelChoiceField(queryset=Pairing.objects.none(), label=_("结对住户"))
    visited_on = forms.DateField(
        label=_("走访日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    people_met = forms.CharField(label=_("见到的人"), max_length=200)
    notes = forms.CharField(
        label=_("走访情况"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    problems = forms.CharField(
        label=_("发现的问题（每行一个，每个问题生成一张工单）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = forms.ImageField(label=_("照片"), required=False)

    def __init__(self, *args: Any, pairings: QuerySet[Pairing], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pairing"].queryset = pairings  # type: ignore[attr-defined]
        self.fields["visited_on"].initial = timezone.localdate()


class SlipForm(forms.Form):
    is_request = forms.TypedChoiceField(
        label=_("类型"),
        choices=(("1", _("诉求（生成工单）")), ("0", _("来访登记"))),
        coerce=lambda v: v == "1",
    )
    text = forms.CharField(
        label=_("内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    name = forms.CharField(label=_("姓名"), required=False, max_length=60)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)


class MeetingForm(forms.Form):
    community = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("社区"))
    topic = forms.CharField(label=_("议题"), max_length=200)
    place = forms.CharField(label=_("地点"), max_length=200)
    held_at = forms.DateTimeField(
        label=_("时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    convenor = forms.CharField(label=_("召集人"), max_length=60)
    participants = forms.CharField(
        label=_("参会人员"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agenda = forms.CharField(
        label=_("议程"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, communities: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]


class OutcomeForm(forms.Form):
    """The minutes and up to three resolutions."""

    minutes = forms.CharField(
        label=_("会议纪要"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, owners: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in (1, 2, 3):
            self.fields[f"text{i}"] = forms.CharField(
                label=_("议定事项") + f" {i}", required=False, max_length=500
            )
            self.fields[f"owner{i}"] = forms.ModelChoiceField(
                queryset=owners, label=_("责任单位"), required=False
            )
            self.fields[f"deadline{i}"] = forms.DateField(
                label=_("完成时限"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rows: list[tuple[str, Unit, date]] = []
        for i in (1, 2, 3):
            text, owner, deadline = (
                data.get(f"text{i}"),
                data.get(f"owner{i}"),
                data.get(f"deadline{i}"),
            )
            if not text:
                continue
            if owner is None or deadline is None:
                self.add_error(f"text{i}", _("每个议定事项须有责任单位和完成时限。"))
                continue
            rows.append((text, owner, deadline))
        data["rows"] = rows
        return data


class InviteForm(forms.Form):
    people = forms.CharField(
        label=_("邀请居民（每行“姓名,手机号”）"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_people(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["people"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) != 2:
                raise forms.ValidationError(_("每行写“姓名,手机号”。"))
            rows.append((parts[0], parts[1]))
        if len(rows) > 500:
            raise forms.ValidationError(_("一次最多邀请 500 人。"))
        return rows


class SignInForm(forms.Form):
    phone = forms.CharField(label=_("手机号"), max_length=20)
    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    code = forms.CharField(label=_("签到码（会上公布）"), max_length=6, min_length=6)
