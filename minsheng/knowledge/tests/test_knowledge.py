"""The knowledge base: search ranking, revisions, the staff pages and who may use them."""

from typing import Any

import pytest
from django.urls import reverse

from minsheng.knowledge import authoring, queries
from minsheng.knowledge.models import Article, ArticleRevision

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(agent: Any, catalogue: dict[str, Any]) -> dict[str, Article]:
    def write(title: str, body: str, keywords: str = "", category: Any = None) -> Article:
        return authoring.write(
            None, title=title, body=body, keywords=keywords, category=category, by=agent
        )

    return {
        "body_only": write(
            "供水服务时间", "遇到停水可拨打水务集团热线。", category=catalogue["water_cut"]
        ),
        "keyword": write("自来水抢修", "抢修一般四小时内到场。", keywords="停水|爆管"),
        "title": write(
            "停水通知查询", "停水通知在水务集团网站公布。", category=catalogue["water_cut"]
        ),
        "other": write("噪音投诉流程", "夜间噪音可向街道反映。", category=catalogue["noise"]),
    }


def test_search_ranks_title_hits_before_keywords_before_body(articles: dict[str, Article]):
    found = queries.search("停水")
    assert [a.title for a in found] == ["停水通知查询", "自来水抢修", "供水服务时间"]


def test_every_word_must_match_and_category_narrows_to_its_group(
    articles: dict[str, Article], catalogue: dict[str, Any]
) -> None:
    assert [a.title for a in queries.search("停水 网站")] == ["停水通知查询"]
    by_leaf = queries.search("", category=catalogue["water_cut"])
    assert {a.title for a in by_leaf} == {"供水服务时间", "停水通知查询"}
    by_group = queries.search("", category=catalogue["noise"].parent)
    assert [a.title for a in by_group] == ["噪音投诉流程"]


def test_a_sentence_without_spaces_finds_articles_by_their_keywords(articles: dict[str, Article]):
    assert [a.title for a in queries.search("家里爆管了怎么办")] == ["自来水抢修"]


def test_inactive_articles_are_not_offered_on_the_console(
    articles: dict[str, Article], agent: Any
) -> None:
    authoring.write(
        articles["title"], title="停水通知查询", body="旧口径", is_active=False, by=agent
    )
    assert "停水通知查询" not in [a.title for a in queries.search("停水")]
    assert "停水通知查询" in [a.title for a in queries.search("停水", active_only=False)]


def test_each_save_keeps_a_revision_and_bumps_the_version(
    articles: dict[str, Article], dispatcher: Any
) -> None:
    article = articles["keyword"]
    authoring.write(
        article,
        title="自来水抢修",
        body="抢修两小时内到场。",
        keywords="停水，爆管 抢修",
        by=dispatcher,
    )
    article.refresh_from_db()
    assert (article.version, article.updated_by, article.keywords) == (
        2,
        dispatcher,
        "停水|爆管|抢修",
    )
    bodies = list(article.revisions.order_by("version").values_list("body", flat=True))
    assert bodies == ["抢修一般四小时内到场。", "抢修两小时内到场。"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": " "}, "请填写标题。"),
        ({"body": ""}, "请填写答复内容。"),
        ({"body": "长" * 4001}, "答复内容不能超过 4000 字"),
    ],
)
def test_an_incomplete_article_is_refused_and_nothing_is_written(
    agent: Any, fields: dict[str, str], message: str
) -> None:
    with pytest.raises(authoring.ArticleError, match=message):
        authoring.write(None, **{"title": "标题", "body": "内容", **fields}, by=agent)
    assert Article.objects.count() == ArticleRevision.objects.count() == 0


def test_a_unit_handler_cannot_write_an_article_even_through_the_write_module(
    street_handler: Any,
) -> None:
    with pytest.raises(authoring.ArticleError, match="只有热线中心的工作人员"):
        authoring.write(None, title="标题", body="内容", by=street_handler)


def test_a_supervisor_writes_and_edits_an_article_on_the_staff_page(
    client: Any, supervisor: Any, catalogue: dict[str, Any]
) -> None:
    client.force_login(supervisor)
    response = client.post(
        reverse("knowledge:new"),
        {
            "title": "公积金提取",
            "body": "携带身份证到公积金中心办理。",
            "category": catalogue["policy"].pk,
            "keywords": "公积金",
            "is_active": "on",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("knowledge:detail", args=[article.pk])
    client.post(
        reverse("knowledge:edit", args=[article.pk]),
        {"title": "公积金提取", "body": "可在线办理。", "keywords": "公积金"},
    )
    article.refresh_from_db()
    assert (article.version, article.body, article.is_active, article.category) == (
        2,
        "可在线办理。",
        False,
        None,
    )
    page = client.get(reverse("knowledge:detail", args=[article.pk])).content.decode()
    assert "修订记录" in page
    assert "赵督办" in page
    listing = client.get(reverse("knowledge:index"), {"q": "公积金"}).content.decode()
    assert "公积金提取" in listing
    assert "已停用" in listing


def test_the_editor_answers_bad_input_in_chinese_and_writes_nothing(
    client: Any, agent: Any
) -> None:
    client.force_login(agent)
    response = client.post(reverse("knowledge:new"), {"title": "", "body": "", "category": "abc"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写标题" in html
    assert "请填写答复内容" in html
    assert "分类不正确" in html
    assert Article.objects.count() == 0


def test_saving_in_the_admin_keeps_a_revision(client: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:knowledge_article_add"),
        {
            "title": "户籍迁入",
            "body": "到派出所户籍窗口办理。",
            "keywords": "户口",
            "is_active": "on",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert (article.version, article.updated_by) == (1, admin_user)
    assert article.revisions.count() == 1


@pytest.mark.parametrize("who", ["street_handler", "street_leader", "water_handler"])
def test_unit_staff_get_403_on_every_knowledge_page(
    client: Any, request: Any, who: str, articles: dict[str, Article]
) -> None:
    client.force_login(request.getfixturevalue(who))
    pk = articles["title"].pk
    for url in (
        reverse("knowledge:index"),
        reverse("knowledge:new"),
        reverse("knowledge:detail", args=[pk]),
        reverse("knowledge:edit", args=[pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("knowledge:edit", args=[pk]), {"title": "x", "body": "y"}).status_code
        == 403
    )
    assert Article.objects.get(pk=pk).version == 1
