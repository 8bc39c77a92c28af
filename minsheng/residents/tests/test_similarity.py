"""Duplicate detection by character bigrams, without a database."""

from minsheng.residents import similarity


def test_bigrams_ignore_punctuation_and_spaces() -> None:
    assert similarity.bigrams("夜间 施工，噪音！") == {"夜间", "间施", "施工", "工噪", "噪音"}


def test_a_single_character_is_its_own_bigram() -> None:
    assert similarity.bigrams("灯") == {"灯"}
    assert similarity.bigrams("") == set()


def test_jaccard_of_identical_sets_is_one_and_of_disjoint_sets_is_zero() -> None:
    assert similarity.jaccard({"ab", "bc"}, {"ab", "bc"}) == 1.0
    assert similarity.jaccard({"ab"}, {"cd"}) == 0.0
    assert similarity.jaccard(set(), set()) == 0.0


def test_two_residents_describing_the_same_night_works_are_similar() -> None:
    mine = "东街工地每天晚上十一点以后还在施工，噪音太大了，吵得睡不着"
    theirs = "东街社区旁工地每天夜里十一点后还在施工，噪音很大，影响休息。"

    found = similarity.most_similar(mine, [("A", theirs)])

    assert [key for key, _ in found] == ["A"]


def test_a_different_problem_in_the_same_street_is_not_similar() -> None:
    mine = "东街工地每天晚上十一点以后还在施工，噪音太大了，吵得睡不着"
    others = [("B", "东街口路灯坏了好几天，晚上很黑，老人走路不安全"), ("C", "小区停水一整天")]

    assert similarity.most_similar(mine, others) == []


def test_the_most_similar_come_first_and_the_list_is_limited() -> None:
    mine = "停水一整天了"
    others = [("far", "小区停水"), ("near", "停水一整天"), ("same", "停水一整天了")]

    found = similarity.most_similar(mine, others, limit=2)

    assert [key for key, _ in found] == ["same", "near"]


def test_phone_numbers_in_another_residents_words_are_hidden() -> None:
    masked = similarity.mask_numbers("请打13812345678联系，门牌88号")

    assert masked == "请打138********联系，门牌88号"
