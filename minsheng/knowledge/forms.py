"""Forms of the knowledge base: the search box and the article editor."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.taxonomy.models import Category


def category_choices() -> tuple[dict[str, Category], list[tuple[str, Any]]]:
    """Active catalogue items, groups first then their leaves, for a select."""
    items = list(
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("parent__sort_order", "sort_order", "code")
    )
    by_pk = {str(c.pk): c for c in items}
    groups = [c for c in items if c.parent_id is None]
    choices: list[tuple[str, Any]] = [("", gettext("——全部分类——"))]
    for group in groups:
        choices.append((str(group.pk), gettext("%(name)s（全部）") % {"name": group.name}))
        choices += [(str(c.pk), f"　{c.name}") for c in items if c.parent_id == group.pk]
    return by_pk, choices


class SearchForm(forms.Form):
    q = forms.CharField(label=_("搜索"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("分类"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.categories, self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]

    def clean_category(self) -> Category | None:
        value = self.cleaned_data.get("category")
        return self.categories[value] if value else None

    def terms(self) -> tuple[str, Category | None]:
        """The query and category; an invalid filter searches everything rather than failing."""
        if self.is_valid():
            return self.cleaned_data["q"], self.cleaned_data["category"]
        return "", None


class ArticleForm(forms.Form):
    title = forms.CharField(
        label=_("标题"),
        max_length=100,
        error_messages={"required": _("请填写标题。"), "max_length": _("标题不能超过 100 字。")},
    )
    category = forms.ChoiceField(
        label=_("分类"), required=False, error_messages={"invalid_choice": _("分类不正确。")}
    )
    keywords = forms.CharField(
        label=_("关键词"),
        max_length=200,
        required=False,
        help_text=_("以 | 或逗号分隔，例如：停水|供水|自来水"),
        error_messages={"max_length": _("关键词合计不能超过 200 字。")},
    )
    body = forms.CharField(
        label=_("答复内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("话务员以此条目答复时，这段文字即为答复内容。"),
        error_messages={
            "required": _("请填写答复内容。"),
            "max_length": _("答复内容不能超过 4000 字。"),
        },
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.categories, choices = category_choices()
        choices[0] = ("", gettext("——不分类——"))
        self.fields["category"].choices = choices  # type: ignore[attr-defined]

    def clean_category(self) -> Category | None:
        value = self.cleaned_data.get("category")
        return self.categories[value] if value else None
