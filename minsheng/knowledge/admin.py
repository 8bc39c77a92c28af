"""The knowledge base in the admin; saves go through `authoring` so every version is kept."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from minsheng.knowledge import authoring
from minsheng.knowledge.models import Article, ArticleRevision


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    extra = 0
    can_delete = False
    fields = ("version", "saved_at", "saved_by", "title", "is_active")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "category", "keywords", "body", "is_active"]

    def clean_category(self) -> Any:
        category = self.cleaned_data.get("category")
        if category is not None and not category.is_active:
            raise forms.ValidationError("请选择在用的分类。")
        return category


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "is_active", "version", "updated_at", "updated_by"]
    list_filter = ["is_active", "category__parent"]
    search_fields = ["title", "keywords", "body"]
    list_select_related = ["category", "updated_by"]
    autocomplete_fields = ["category"]
    form = ArticleAdminForm
    inlines = [RevisionInline]

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        authoring.write(
            obj,
            title=obj.title,
            body=obj.body,
            category=obj.category,
            keywords=obj.keywords,
            is_active=obj.is_active,
            by=request.user,  # type: ignore[arg-type]
        )
