"""Staff pages of the knowledge base: search, read, write. Centre staff only."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.knowledge import authoring, queries
from minsheng.knowledge.forms import ArticleForm, SearchForm
from minsheng.knowledge.models import Article


def _require_editor(request: Request) -> None:
    if not authoring.may_edit(request.user):
        raise PermissionDenied("只有热线中心的工作人员可以使用知识库。")


@login_required
@require_GET
def index(request: Request) -> HttpResponse:
    """Search the knowledge base, inactive articles included."""
    _require_editor(request)
    form = SearchForm(request.GET or None)
    query, category = form.terms()
    articles = queries.search(query, category=category, active_only=False, limit=100)
    return render(request, "knowledge/index.html", {"form": form, "articles": articles})


@login_required
@require_GET
def detail(request: Request, pk: int) -> HttpResponse:
    """One article and its revisions."""
    _require_editor(request)
    article = get_object_or_404(Article.objects.select_related("category", "updated_by"), pk=pk)
    revisions = article.revisions.select_related("saved_by", "category")
    return render(request, "knowledge/detail.html", {"article": article, "revisions": revisions})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: Request, pk: int | None = None) -> HttpResponse:
    """Write a new article, or a new version of one."""
    _require_editor(request)
    article = get_object_or_404(Article, pk=pk) if pk is not None else None
    initial: dict[str, Any] = {"is_active": True}
    if article is not None:
        initial = {
            "title": article.title,
            "body": article.body,
            "keywords": article.keywords,
            "category": article.category_id or "",
            "is_active": article.is_active,
        }
    form = ArticleForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = authoring.write(article, by=request.user, **form.cleaned_data)
        except authoring.ArticleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存（第 %(n)s 版）。") % {"n": saved.version})
            return redirect("knowledge:detail", pk=saved.pk)
    return render(request, "knowledge/edit.html", {"form": form, "article": article})
