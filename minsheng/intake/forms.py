"""The agent's intake form (受理登记)."""

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.citizens.masking import normalise_phone
from minsheng.knowledge.models import Article
from minsheng.lib.forms import latitude_field, longitude_field
from minsheng.orgs.models import Unit
from minsheng.taxonomy.forms import catalogue_leaves, leaf_choices
from minsheng.taxonomy.models import REQUEST_TYPE_ERRORS, Category, RequestType
from minsheng.tickets.actions import MAX_TEXT
from minsheng.tickets.models import Channel, Urgency

PHONE_ERROR = _("请输入正确的电话号码")
# Emergencies the centre does not handle itself: the agent reads the note and refers the caller.
REFERRALS = {
    "110": (_("110 公安报警"), _("正在发生的违法犯罪、打架斗殴、交通事故")),
    "119": (_("119 消防救援"), _("火灾、有人被困、燃气或危化品泄漏")),
    "120": (_("120 医疗急救"), _("急病、受伤、有人昏迷")),
}
REFERRAL_SCRIPT = _(
    "您反映的情况需要%(service)s立即处置，请马上拨打 %(number)s（或由我为您转接）。"
    "我们也已登记为紧急诉求，会跟进处理。"
)
STAFF_CHANNELS = [Channel.HOTLINE, Channel.OFFLINE, Channel.GRID]


def _required(label: Any) -> dict[str, Any]:
    return {"required": format_lazy(_("请填写{label}。"), label=label)}


class IntakeForm(forms.Form):
    phone = forms.CharField(
        label=_("来电号码"),
        max_length=30,
        error_messages=_required(_("来电号码")),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "autofocus": True}),
    )
    name = forms.CharField(
        label=_("称呼"),
        max_length=50,
        required=False,
        error_messages={"max_length": _("称呼不能超过 50 字。")},
    )
    channel = forms.ChoiceField(
        label=_("渠道"),
        required=False,
        initial=Channel.HOTLINE,
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        error_messages={"invalid_choice": _("渠道不正确。")},
    )
    request_type = forms.ChoiceField(
        label=_("诉求类型"),
        choices=[("", _("——请选择——")), *RequestType.choices],
        error_messages=REQUEST_TYPE_ERRORS,
    )
    category = forms.ChoiceField(
        label=_("分类"),
        error_messages={
            "required": _("请选择分类。"),
            "invalid_choice": _("请选择派单目录中的具体小类。"),
        },
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        error_messages={"required": _("请选择紧急程度。"), "invalid_choice": _("紧急程度不正确。")},
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=100,
        required=False,
        help_text=_("留空则取诉求内容的前 30 字。"),
        error_messages={"max_length": _("标题不能超过 100 字。")},
    )
    description = forms.CharField(
        label=_("诉求内容"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            **_required(_("诉求内容")),
            "max_length": format_lazy(_("诉求内容不能超过 {limit} 字。"), limit=MAX_TEXT),
        },
    )
    address = forms.CharField(
        label=_("地址"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("地址不能超过 200 字。")},
    )
    place = forms.ChoiceField(
        label=_("所在区域"),
        required=False,
        error_messages={"invalid_choice": _("所在区域不正确。")},
    )
    lat = latitude_field()
    lon = longitude_field()
    answer = forms.CharField(
        label=_("直接答复"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("仅咨询类：在电话中已答复的，填写答复内容即直接办结；否则留空，交派单。"),
        error_messages={
            "max_length": format_lazy(_("答复内容不能超过 {limit} 字。"), limit=MAX_TEXT)
        },
    )

    article = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("知识库条目不存在或已停用。")},
    )
    emergency = forms.BooleanField(
        label=_("紧急转警"),
        required=False,
        help_text=_("危及生命财产安全、须由 110/119/120 立即处置的，勾选并向来电人读出转警提示。"),
    )
    referral = forms.ChoiceField(
        label=_("转警类别"),
        required=False,
        widget=forms.RadioSelect,
        choices=[(number, label) for number, (label, _cases) in REFERRALS.items()],
        error_messages={"invalid_choice": _("转警类别不正确。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        leaves = catalogue_leaves()
        self.leaves = {str(c.pk): c for c in leaves}
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", gettext("——请选择——")),
            *leaf_choices(leaves),
        ]
        self.places = {
            str(u.pk): u
            for u in Unit.objects.filter(
                is_active=True,
                kind__in=[Unit.Kind.DISTRICT, Unit.Kind.STREET, Unit.Kind.TOWNSHIP],
            ).order_by("path")
        }
        self.fields["place"].choices = [  # type: ignore[attr-defined]
            ("", gettext("——不确定——")),
            *place_choices(self.places.values()),
        ]

    def clean_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data["phone"])
        if not phone:
            raise forms.ValidationError(PHONE_ERROR)
        return phone

    def clean_channel(self) -> str:
        return self.cleaned_data.get("channel") or Channel.HOTLINE

    def clean_category(self) -> Category:
        return self.leaves[self.cleaned_data["category"]]

    def clean_place(self) -> Unit | None:
        value = self.cleaned_data.get("place")
        return self.places[value] if value else None

    def clean_article(self) -> Article | None:
        pk = self.cleaned_data.get("article")
        if pk is None:
            return None
        article = Article.objects.filter(pk=pk, is_active=True).first()
        if article is None:
            raise forms.ValidationError(gettext("知识库条目不存在或已停用。"))
        return article

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._use_article(data)
        self._refer_emergency(data)
        category, request_type = data.get("category"), data.get("request_type")
        if category is not None and request_type and not category.allows(request_type):
            self.add_error(
                "category",
                gettext("“%(category)s”不受理%(request_type)s类诉求。")
                % {"category": category.name, "request_type": RequestType(request_type).label},
            )
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lat", gettext("经纬度须同时填写，或都不填。"))
        if (data.get("answer") or "").strip() and request_type != RequestType.CONSULT:
            self.add_error(
                "answer", gettext("只有咨询类诉求可以直接答复；其他诉求请留空，交派单员派单。")
            )
        return data

    def _use_article(self, data: dict[str, Any]) -> None:
        """An answer from the knowledge base names its article, so the ticket shows the source."""
        article = data.get("article")
        if article is None:
            return
        answer = (data.get("answer") or "").strip() or article.body
        note = gettext("（依据知识库第 %(pk)s 条《%(title)s》答复）") % {
            "pk": article.pk,
            "title": article.title,
        }
        if len(answer) + len(note) + 2 > MAX_TEXT:
            self.add_error("answer", gettext("答复内容过长，请删减后再提交。"))
            return
        data["answer"] = f"{answer}\n\n{note}"

    def _refer_emergency(self, data: dict[str, Any]) -> None:
        """紧急转警: urgent, never closed on the call, and the referral written on the ticket."""
        if not data.get("emergency"):
            return
        number = data.get("referral")
        if not number:
            self.add_error("referral", gettext("请选择转警类别（110、119 或 120）。"))
            return
        if (data.get("answer") or "").strip():
            self.add_error("answer", gettext("紧急转警的诉求须交派单处置，不能直接办结。"))
        data["urgency"] = Urgency.URGENT
        note = gettext("【紧急转警】已告知来电人拨打 %(number)s（%(service)s）。") % {
            "number": number,
            # the service's name without its number, said once already (not 119（119 消防救援）)
            "service": str(REFERRALS[number][0]).replace(number, "", 1).strip(),
        }
        description = data.get("description") or ""
        if description and len(description) + len(note) + 2 > MAX_TEXT:
            self.add_error("description", gettext("诉求内容过长，请删减后再提交。"))
        elif description:
            data["description"] = f"{description}\n\n{note}"


class ImportForm(forms.Form):
    """An offline sheet to import, and the mapping for a foreign format."""

    file = forms.FileField(
        label=_("文件（CSV 或 XLSX）"),
        error_messages={"required": _("请选择要导入的文件。"), "empty": _("文件是空的。")},
    )
    mapping = forms.ChoiceField(
        label=_("格式"), required=False, error_messages={"invalid_choice": _("格式不正确。")}
    )

    def __init__(self, *args: Any, mappings: Any = (), **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.mappings = {str(m.pk): m for m in mappings}
        self.fields["mapping"].choices = [  # type: ignore[attr-defined]
            ("", gettext("标准模板")),
            *((pk, m.name) for pk, m in self.mappings.items()),
        ]

    def clean_mapping(self) -> Any:
        value = self.cleaned_data.get("mapping")
        return self.mappings[value] if value else None


def place_choices(units: Any) -> list[tuple[str, Any]]:
    """Districts as option groups, each with the district itself and its streets/townships."""
    groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for unit in units:
        if unit.kind == Unit.Kind.DISTRICT:
            groups[unit.path] = (
                unit.name,
                [(str(unit.pk), gettext("%(name)s（全区）") % {"name": unit.name})],
            )
    for unit in units:
        if unit.kind == Unit.Kind.DISTRICT:
            continue
        parent = unit.path[: -len(unit.code) - 1]
        if parent in groups:
            groups[parent][1].append((str(unit.pk), unit.name))
    return list(groups.values())
