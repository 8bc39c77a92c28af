"""Forms of bundled services: the one combined form is built from the bundle's fields."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.orgs.models import Unit
from minsheng.services.models import Authorisation, Bundle, Field


class ApplyForm(forms.Form):
    """The bundle's one form: who applies, then every question once."""

    name = forms.CharField(label=_("申请人姓名"), max_length=40, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    proxy_code = forms.CharField(
        label=_("代办授权码"), max_length=16, required=False, help_text=_("为亲友代办时填写")
    )
    proxy_phone = forms.CharField(label=_("代办人手机号"), max_length=20, required=False)

    def __init__(self, *args: Any, bundle: Bundle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in bundle.fields.all():
            name = f"f_{f.key}"
            if f.kind == Field.Kind.CHOICE:
                options = [("", "—")] + [(c, c) for c in f.choices.split("、") if c]
                self.fields[name] = forms.ChoiceField(
                    label=f.label, choices=options, required=False
                )
            elif f.kind == Field.Kind.DATE:
                self.fields[name] = forms.CharField(
                    label=f.label, required=False, widget=forms.DateInput(attrs={"type": "date"})
                )
            else:
                self.fields[name] = forms.CharField(label=f.label, required=False, max_length=200)
            self.fields[name].widget.attrs["data-required"] = "1" if f.required else "0"

    def answers(self) -> dict[str, str]:
        return {
            name[2:]: str(value or "")
            for name, value in self.cleaned_data.items()
            if name.startswith("f_")
        }


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("办理结果"), max_length=200, required=False)


class RejectForm(forms.Form):
    material = forms.ChoiceField(label=_("需补正的材料"), choices=())
    reason = forms.CharField(label=_("补正要求"), max_length=300)

    def __init__(self, *args: Any, materials: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = [(m, m) for m in materials]  # type: ignore[attr-defined]


class FixForm(forms.Form):
    note = forms.CharField(
        label=_("补正说明"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    proxy_phone = forms.CharField(
        label=_("代办人手机号（代办时填写）"), max_length=20, required=False
    )
    photo = forms.FileField(label=_("材料照片（可选）"), required=False)


class BookForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)


class AuthoriseForm(forms.Form):
    principal_name = forms.CharField(label=_("委托人（老人）姓名"), max_length=40)
    principal_phone = forms.CharField(label=_("委托人手机号"), max_length=20)
    proxy_name = forms.CharField(label=_("代办人姓名"), max_length=40)
    proxy_phone = forms.CharField(label=_("代办人手机号"), max_length=20)
    relation = forms.CharField(label=_("与委托人的关系"), max_length=20)
    bundles = forms.ModelMultipleChoiceField(
        label=_("可代办的事项"),
        queryset=Bundle.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    valid_until = forms.DateField(
        label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.ChoiceField(
        label=_("授权凭证"), choices=Authorisation.Evidence.choices, widget=forms.RadioSelect
    )
    photo = forms.FileField(label=_("签字授权书照片"), required=False)


class ConfirmForm(forms.Form):
    code = forms.CharField(label=_("委托人收到的短信验证码"), max_length=6)


class SlotsForm(forms.Form):
    window = forms.ModelChoiceField(label=_("受理窗口"), queryset=Unit.objects.none())
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    times = forms.CharField(
        label=_("开始时间"), help_text=_("如 09:00 09:30 14:00"), max_length=200
    )
    minutes = forms.IntegerField(label=_("时长（分钟）"), min_value=10, max_value=60, initial=20)

    def __init__(self, *args: Any, windows: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]
        self.fields["day"].initial = timezone.localdate()

    def clean_times(self) -> list[Any]:
        from datetime import time

        found = []
        for part in self.cleaned_data["times"].replace("，", " ").replace(",", " ").split():
            try:
                hour, minute = part.split(":")
                found.append(time(int(hour), int(minute)))
            except ValueError:
                raise forms.ValidationError(_("时间请按 09:30 的格式填写。")) from None
        if not found:
            raise forms.ValidationError(_("请至少填写一个时间。"))
        return found


class TransferForm(forms.Form):
    peer = forms.IntegerField(widget=forms.HiddenInput)
