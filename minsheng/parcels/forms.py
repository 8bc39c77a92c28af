"""Forms of the parcel pages: import a network, edit a capacity, cancel trips, site stations."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.orgs.models import Unit
from minsheng.parcels.instance import InstanceError, parse

MAX_UPLOAD = 20 * 1024 * 1024


class ImportForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("网络名称"), max_length=80, required=False)
    office: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=gettext_lazy("物流办（所属单位）"), queryset=Unit.objects.none()
    )
    file = forms.FileField(label=gettext_lazy("算例文件（JSON，格式见文档）"))

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]

    def clean_file(self) -> dict[str, Any]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 20 MB"))
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError(_("不是有效的 JSON：%(e)s") % {"e": error}) from error
        try:
            parse(data)
        except InstanceError as error:
            raise forms.ValidationError(str(error)) from error
        return dict(data)


class CapacityForm(forms.Form):
    station = forms.CharField(label=gettext_lazy("驿站编号"), max_length=40)
    capacity = forms.IntegerField(
        label=gettext_lazy("日处理能力（件）"), min_value=0, max_value=1_000_000
    )


class SpareForm(forms.Form):
    trip = forms.CharField(label=gettext_lazy("班次编号"), max_length=40)
    spare = forms.IntegerField(label=gettext_lazy("货舱余量（件）"), min_value=0, max_value=100_000)


class CancelForm(forms.Form):
    trips = forms.MultipleChoiceField(label=gettext_lazy("取消的班次"), choices=(), required=False)
    fresh = forms.BooleanField(
        label=gettext_lazy("按网络当前的能力与余量重排（已修改驿站能力或班次余量时）"),
        required=False,
    )
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=200, required=False)

    def __init__(self, *args: Any, trips: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trips"].choices = trips  # type: ignore[attr-defined]


class NotLoadedForm(forms.Form):
    trip = forms.ChoiceField(label=gettext_lazy("未装车的班次"), choices=())
    text = forms.CharField(label=gettext_lazy("情况说明"), max_length=500, required=False)

    def __init__(self, *args: Any, trips: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trip"].choices = trips  # type: ignore[attr-defined]


class SiteForm(forms.Form):
    p = forms.IntegerField(label=gettext_lazy("驿站数 p"), min_value=1, max_value=500)
    capacity = forms.IntegerField(
        label=gettext_lazy("每站日处理能力（空：不限）"), min_value=1, required=False
    )


class ProducerForm(forms.Form):
    village = forms.CharField(label=gettext_lazy("村编号"), max_length=40)
    name = forms.CharField(label=gettext_lazy("生产者"), max_length=80)
    produce = forms.CharField(label=gettext_lazy("农产品"), max_length=80)
    value = forms.DecimalField(
        label=gettext_lazy("每件货值（元）"), min_value=0, max_digits=9, decimal_places=2
    )


class HarvestForm(forms.Form):
    producer = forms.IntegerField(label=gettext_lazy("生产者"), widget=forms.HiddenInput)
    day = forms.DateField(label=gettext_lazy("采收日"))
    parcels = forms.IntegerField(label=gettext_lazy("待收件数"), min_value=0, max_value=100_000)


class DayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("日期"), required=False)
