"""Knowledge base's write module: every save of an article appends a revision, in one go."""

import re

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.knowledge.models import Article, ArticleRevision
from minsheng.orgs.access import standing_of
from minsheng.taxonomy.models import Category

_KEYWORD_SPLIT = re.compile(r"[|,，、;；\s]+")


class ArticleError(Exception):
    """The article cannot be saved; the message is for the user."""


def may_edit(user: User) -> bool:
    """Centre staff (agents, dispatchers, supervisors) and administrators keep the articles."""
    standing = standing_of(user)
    return bool(standing.centre_roles) or standing.is_admin or bool(user.is_staff)


def normalise_keywords(raw: str) -> str:
    """`停水, 供水｜水费` -> `停水|供水|水费`: one separator, no blanks, no repeats."""
    words = [w for w in _KEYWORD_SPLIT.split((raw or "").replace("｜", "|")) if w]
    return "|".join(dict.fromkeys(words))


def _text(value: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ArticleError(f"请填写{label}。")
    if len(value) > limit:
        raise ArticleError(f"{label}不能超过 {limit} 字（现有 {len(value)} 字）。")
    return value


@transaction.atomic
def write(
    article: Article | None,
    *,
    title: str,
    body: str,
    by: User,
    category: Category | None = None,
    keywords: str = "",
    is_active: bool = True,
) -> Article:
    """Create an article (article=None) or save a new version of one; keep the revision."""
    if not may_edit(by):
        raise ArticleError("只有热线中心的工作人员可以编辑知识库。")
    title = _text(title, "标题", 100)
    body = _text(body, "答复内容", 4000)
    keywords = normalise_keywords(keywords)
    if len(keywords) > 200:
        raise ArticleError("关键词合计不能超过 200 字。")
    if category is not None and not category.is_active:
        raise ArticleError("请选择在用的分类。")
    now = timezone.now()
    if article is None or article.pk is None:
        article = article or Article()
        article.created_at = now
    else:
        # Re-read under a row lock so two editors saving at once get consecutive versions.
        article.version = Article.objects.select_for_update().get(pk=article.pk).version
    article.title, article.body, article.category = title, body, category
    article.keywords, article.is_active = keywords, is_active
    article.updated_at, article.updated_by = now, by
    article.version += 1
    article.save()
    ArticleRevision.objects.create(
        article=article,
        version=article.version,
        title=title,
        body=body,
        category=category,
        keywords=keywords,
        is_active=is_active,
        saved_at=now,
        saved_by=by,
    )
    return article
