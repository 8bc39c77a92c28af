"""The residents' forms: the three steps of filing (what, where, who), and proving a ticket
is one's own (number and the phone's last four digits)."""

import re
import unicodedata
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.citizens.masking import normalise_phone
from minsheng.residents import catalogue, photos, places
from minsheng.residents import queries as resident_queries
from minsheng.taxonomy.models import REQUEST_TYPE_ERRORS, RequestType
from minsheng.tickets import queries
from minsheng.tickets.actions import MAX_TEXT
from minsheng.tickets.models import Ticket

UNKNOWN = "unknown"  # "不知道选哪个"
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
MARKUP_ERROR = _("请只填写文字，不能包含网页代码（如 <script>）。")
PHONE_ERROR = _("请输入正确的手机号码。")


def _plain_text(value: str) -> str:
    if _MARKUP.search(value or ""):
        raise forms.ValidationError(MARKUP_ERROR)
    return value


class WhatForm(forms.Form):
    """Step 1: the category (or "don't know"), the kind of request, the words, a photo."""

    category = forms.ChoiceField(
        label=_("问题分类"),
        error_messages={
            "required": _("请选择问题分类；不清楚可以选“不知道选哪个”。"),
            "invalid_choice": _("请在列表中选择问题分类。"),
        },
    )
    request_type = forms.ChoiceField(
        label=_("您想要"),
        choices=RequestType.choices,
        widget=forms.RadioSelect,
        error_messages=REQUEST_TYPE_ERRORS,
    )
    description = forms.CharField(
        label=_("问题描述"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT}),
        help_text=_("请写清楚什么时间、什么地方、发生了什么。"),
        error_messages={
            "required": _("请描述您遇到的问题。"),
            "max_length": _("问题描述不能超过 %(limit_value)d 字（现有 %(show_value)d 字）。"),
        },
    )
    photo = forms.FileField(
        label=_("现场照片（可选）"),
        required=False,
        help_text=_("JPEG、PNG 或 WebP 格式，不超过 10 MB；照片中的位置信息会被删除。"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"empty": _("照片是空文件，请重新选择。")},
    )
    remove_photo = forms.BooleanField(label=_("删除已上传的照片"), required=False)

    def __init__(self, *args: Any, leaves: list[catalogue.Leaf], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leaves = leaves
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [
            (UNKNOWN, _("不知道选哪个")),
            *((str(leaf.pk), leaf.name) for leaf in leaves),
        ]

    def clean_description(self) -> str:
        return _plain_text(self.cleaned_data["description"])

    def clean_photo(self) -> photos.Photo | None:
        upload: UploadedFile | None = self.cleaned_data.get("photo")
        if not upload:
            return None
        if upload.size and upload.size > photos.MAX_BYTES:
            raise forms.ValidationError(_("照片不能超过 10 MB。"))
        try:
            return photos.clean(upload.read())
        except photos.PhotoError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        choice, kind = data.get("category"), data.get("request_type")
        if not choice or not kind:
            return data
        if choice == UNKNOWN:
            leaf = catalogue.guess(data.get("description", ""), kind, self.leaves)
            if leaf is None:
                self.add_error("request_type", _("这类诉求暂时无法在手机上提交，请拨打 12345。"))
                return data
        else:
            leaf = next(leaf for leaf in self.leaves if str(leaf.pk) == choice)
            if not leaf.allows(kind):
                label = RequestType(kind).label
                self.add_error(
                    "category",
                    _("“%(name)s”不受理%(kind)s类诉求，请换一个分类或诉求类型。")
                    % {"name": leaf.name, "kind": label},
                )
                return data
        data["leaf"] = leaf
        data["guessed"] = choice == UNKNOWN
        return data


class WhereForm(forms.Form):
    """Step 2: an address in words, or a point tapped on the map (and the street, if known)."""

    address = forms.CharField(
        label=_("详细地址"),
        max_length=200,
        required=False,
        help_text=_("如：鼓楼区东街88号东门口"),
        error_messages={"max_length": _("地址不能超过 200 字。")},
    )
    street = forms.ChoiceField(label=_("所在街道（乡镇）"), required=False)
    lon = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("坐标不正确，请在地图上重新选择位置。")},
    )
    lat = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("坐标不正确，请在地图上重新选择位置。")},
    )
    confirm_place = forms.BooleanField(
        label=_("两者都没错，按我填写的情况提交（工作人员会核实位置）"), required=False
    )

    def __init__(
        self, *args: Any, streets: list[Any], areas: list[places.Area], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.conflict = ""  # the typed address and the tapped point disagree
        self.areas = areas
        self.streets = {str(s.pk): s for s in streets}
        street = self.fields["street"]
        assert isinstance(street, forms.ChoiceField)
        street.choices = [
            ("", _("不清楚")),
            *((str(s.pk), f"{s.parent.name if s.parent else ''} {s.name}") for s in streets),
        ]
        self.fields["street"].error_messages["invalid_choice"] = _("请在列表中选择街道。")

    def clean_address(self) -> str:
        return places.normalise_address(_plain_text(self.cleaned_data["address"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if self.errors:
            return data
        lon, lat, address = data.get("lon"), data.get("lat"), data.get("address", "")
        street = self.streets.get(data.get("street") or "")
        data.update(place_pk=street.pk if street else None, lon=None, lat=None)
        if (lon is None) != (lat is None):
            raise forms.ValidationError(_("坐标不正确，请在地图上重新选择位置。"))
        if lon is not None and lat is not None:
            if not self.areas:
                raise forms.ValidationError(_("暂不支持地图选点，请填写地址。"))
            try:
                found = places.locate(lon, lat, self.areas)
            except places.OutsideError as error:
                raise forms.ValidationError(str(error)) from error
            data.update(place_pk=found[-1].pk, lon=round(lon, 6), lat=round(lat, 6))
            if not address:
                address = "".join(a.name for a in found) + "（地图选点）"
            else:
                # Words and point together: the door reconciles them, as on every channel,
                # rather than the tap silently overriding the address.
                data["place_pk"] = None
                self.conflict = resident_queries.place_conflict(address, lon, lat)
                if self.conflict and not data.get("confirm_place"):
                    raise forms.ValidationError(
                        gettext(
                            "%(conflict)s，两者不一致。请改正地址或在地图上重新选点；"
                            "如两者都没错，请勾选下方的确认后继续。"
                        )
                        % {"conflict": self.conflict}
                    )
        if not address and data["lon"] is None:
            raise forms.ValidationError(_("请填写地址，或在地图上点选位置。"))
        data["address"] = address
        return data


class WhoForm(forms.Form):
    """Step 3: how to reach the resident."""

    name = forms.CharField(
        label=_("您的称呼（可选）"),
        max_length=50,
        required=False,
        help_text=_("如：张先生"),
        error_messages={"max_length": _("称呼不能超过 50 字。")},
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("用于办理单位联系您、查询进度和评价；对外只显示前三位和后四位。"),
        error_messages={"required": _("请填写手机号码。"), "max_length": PHONE_ERROR},
    )

    def clean_name(self) -> str:
        return _plain_text(self.cleaned_data["name"]).strip()

    def clean_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data["phone"])
        if not phone:
            raise forms.ValidationError(PHONE_ERROR)
        return phone


class FollowForm(forms.Form):
    """Following an open request: the phone is optional, for being told of progress."""

    phone = forms.CharField(
        max_length=30, required=False, error_messages={"max_length": PHONE_ERROR}
    )

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if raw and not normalise_phone(raw):
            raise forms.ValidationError(PHONE_ERROR)
        return normalise_phone(raw) if raw else ""


def _plain(value: str) -> str:
    # Phone keyboards in Chinese input mode type full-width letters and digits (ＦＺ１２…).
    return unicodedata.normalize("NFKC", value or "")


def ticket_number(value: str) -> str:
    """A ticket number as typed on a phone, in the form tickets carry (FZ2611270001)."""
    return re.sub(r"\s+", "", _plain(value)).upper()


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
        return ticket_number(self.cleaned_data["number"])

    def clean_last4(self) -> str:
        value = re.sub(r"\s+", "", _plain(self.cleaned_data["last4"]))
        if not re.fullmatch(r"\d{4}", value):
            raise forms.ValidationError(gettext("请输入手机号后四位数字。"))
        return value

    def matching_ticket(self) -> Ticket | None:
        """The ticket with this exact number whose phone ends in these digits, or None."""
        return queries.for_resident(self.cleaned_data["number"], last4=self.cleaned_data["last4"])
