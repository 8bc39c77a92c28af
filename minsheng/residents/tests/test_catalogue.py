"""Category search and the guess for "不知道选哪个", without a database."""

from minsheng.residents.catalogue import Leaf, guess, search

LEAVES = [
    Leaf(1, "CG03", "施工噪音", "城市管理", ("夜间施工", "工地"), ("complaint", "report")),
    Leaf(2, "CG07", "路灯故障", "城市管理", ("路灯", "不亮"), ("complaint", "help")),
    Leaf(3, "GY01", "停水", "公用事业", ("停水", "没水"), ("help", "complaint", "consult")),
    Leaf(4, "ZX01", "政策咨询", "咨询建议", (), ("consult",)),
    Leaf(5, "ZX02", "意见建议", "咨询建议", (), ("suggestion",)),
]


def test_search_matches_names_groups_and_keywords() -> None:
    assert [leaf.pk for leaf in search(LEAVES, "工地")] == [1]
    assert [leaf.pk for leaf in search(LEAVES, "公用")] == [3]
    assert [leaf.pk for leaf in search(LEAVES, "路灯")] == [2]


def test_search_needs_every_word_and_ignores_full_width_forms() -> None:
    assert [leaf.pk for leaf in search(LEAVES, "城市管理　路灯")] == [2]
    assert search(LEAVES, "路灯 停水") == []


def test_the_guess_follows_the_keywords_in_the_description() -> None:
    leaf = guess("楼下工地夜间施工太吵", "complaint", LEAVES)

    assert leaf is not None
    assert leaf.code == "CG03"


def test_the_guess_only_offers_leaves_that_accept_the_request_type() -> None:
    leaf = guess("楼下工地夜间施工，想问问允许几点施工", "consult", LEAVES)

    assert leaf is not None
    assert leaf.code == "ZX01"


def test_without_any_keyword_the_guess_falls_back_to_a_general_leaf() -> None:
    leaf = guess("希望多开一条公交线路", "suggestion", LEAVES)

    assert leaf is not None
    assert leaf.code == "ZX02"


def test_without_a_general_leaf_the_guess_is_the_first_that_accepts_the_type() -> None:
    leaf = guess("说不清楚", "complaint", LEAVES)

    assert leaf is not None
    assert leaf.code == "CG03"


def test_no_guess_when_no_leaf_accepts_the_type() -> None:
    assert guess("谢谢你们", "praise", LEAVES) is None
