"""Ranking records for requests: blocking and per-field reasons (pure)."""

from minsheng.veterans import matching, places
from minsheng.veterans.matching import Query, Record
from minsheng.veterans.synthetic import Generator

RECORDS = [
    Record("1", "钟德胜", ("乳名:石伢子",), "江西省雩都县宽田区", 1912, 1934, "红三军团第四师"),
    Record("2", "钟德生", (), "福建省长汀县", 1910, 1931, "红一军团"),
    Record("3", "刘福林", (), "湖北省黄安县七里坪", 1915, 1936, "红四方面军第三十军"),
    Record("4", "王建国", (), "山东省沂南县", 1920, 1947, "华东野战军"),
]


def _matcher() -> matching.Matcher:
    return matching.Matcher(RECORDS, places=places.default_index())


def test_the_true_record_ranks_first_with_a_reason_per_field() -> None:
    found = _matcher().match([Query("q", ("钟得胜",), "于都县", None, 1934, "红三军团")])["q"]
    assert [c.record for c in found][:2] == ["1", "2"]
    best = found[0]
    reasons = {f.field: f for f in best.fields}
    assert reasons["name"].level == "homophone"
    assert reasons["place"].level == "county"
    assert "雩都县今为于都县" in reasons["place"].reason
    assert reasons["death_year"].level == "same"
    assert reasons["unit"].level == "overlap"
    assert best.score > found[1].score
    assert best.rank == 1


def test_a_family_that_knew_only_the_milk_name_finds_the_record() -> None:
    found = _matcher().match([Query("q", ("石伢子",), "江西于都")])["q"]
    assert found[0].record == "1"
    assert "别名" in found[0].fields[0].reason


def test_a_rejected_record_is_never_proposed_again() -> None:
    query = Query("q", ("钟德胜",), "于都")
    found = _matcher().match([query], exclude=frozenset({("q", "1")}))["q"]
    assert "1" not in [c.record for c in found]


def test_records_that_share_no_name_key_are_never_compared() -> None:
    matcher = _matcher()
    found = matcher.match([Query("q", ("王建国",))])["q"]
    assert [c.record for c in found] == ["4"]
    assert matcher.scored_pairs == 1


def test_on_a_generated_set_the_goals_hold() -> None:
    index = places.default_index()
    records, requests = Generator(index, seed=11).dataset(3000, 200)
    found = matching.Matcher(records, places=index).match([q for q, _ in requests])
    first = sum(found[q.id][0].record == true for q, true in requests if found[q.id])
    within = sum(any(c.record == true for c in found[q.id]) for q, true in requests)
    assert first / len(requests) >= 0.95
    assert within / len(requests) >= 0.98
