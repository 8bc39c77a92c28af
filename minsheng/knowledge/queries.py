"""Read side of the knowledge base: search by words and category, title hits first."""

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from minsheng.knowledge.models import Article
from minsheng.taxonomy.models import Category

MAX_WORDS = 5
_SPLIT = re.compile(r"[\s,，。、;；:：!！?？|｜]+")


def words_of(query: str) -> list[str]:
    """The search words of a query: split on spaces and punctuation, at most five, each ≤ 30."""
    words = [w[:30] for w in _SPLIT.split((query or "").strip()) if w]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def search(
    query: str = "", *, category: Category | None = None, active_only: bool = True, limit: int = 20
) -> list[Article]:
    """Articles matching every word (in title, keywords or body) and the category or its group.

    Ranked: a word in the title first, then in the keywords, then body only; newest first within.
    When nothing matches a query typed without spaces ("停水了怎么办"), articles whose keywords
    occur in the query are offered instead.
    """
    articles = Article.objects.select_related("category__parent")
    if active_only:
        articles = articles.filter(is_active=True)
    if category is not None:
        articles = articles.filter(Q(category=category) | Q(category__parent=category))
    words = words_of(query)
    if not words:
        return list(articles.order_by("-updated_at")[:limit])
    found = list(_ranked(_matching(articles, words), words)[:limit])
    if found or len(words) > 1:
        return found
    return _by_keywords_in(articles, words[0], limit)


def _matching(articles: QuerySet[Article], words: list[str]) -> QuerySet[Article]:
    for word in words:
        articles = articles.filter(
            Q(title__icontains=word) | Q(keywords__icontains=word) | Q(body__icontains=word)
        )
    return articles


def _ranked(articles: QuerySet[Article], words: list[str]) -> QuerySet[Article]:
    in_title, in_keywords = Q(pk__in=[]), Q(pk__in=[])
    for word in words:
        in_title |= Q(title__icontains=word)
        in_keywords |= Q(keywords__icontains=word)
    return articles.annotate(
        rank=Case(
            When(in_title, then=Value(0)),
            When(in_keywords, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", "-updated_at", "-pk")


def _by_keywords_in(articles: QuerySet[Article], text: str, limit: int) -> list[Article]:
    hits = [
        pk
        for pk, keywords in articles.exclude(keywords="").values_list("pk", "keywords")
        if any(word and word in text for word in keywords.split("|"))
    ][:limit]
    return list(articles.filter(pk__in=hits).order_by("-updated_at"))
