"""The pure rules of place recognition for routing: words against point, alternatives."""

from minsheng.triage.gazetteer import Location
from minsheng.triage.places import MIN_CONFIDENCE, match_of, reconcile

CANGSHAN = "3501/350104/"
DONGSHENG = "3501/350104/350104002/"
LINPU = "3501/350104/350104002/350104002001/"
CHENGMEN = "3501/350104/350104101/"


def test_either_alone_wins() -> None:
    assert reconcile(CHENGMEN, "") == (CHENGMEN, True)
    assert reconcile("", DONGSHENG) == (DONGSHENG, True)


def test_on_one_branch_the_deeper_wins_whichever_it_came_from() -> None:
    assert reconcile(LINPU, DONGSHENG) == (LINPU, True)
    assert reconcile(CANGSHAN, DONGSHENG) == (DONGSHENG, True)


def test_on_two_branches_the_unit_holding_both_is_kept_and_they_disagree() -> None:
    assert reconcile(CHENGMEN, LINPU) == (CANGSHAN, False)
    assert reconcile("3501/350103/350103012/", CHENGMEN) == ("3501/", False)


def test_a_name_in_two_units_is_ambiguous_and_never_routes() -> None:
    location = Location(
        community="新村社区",
        code="350102001009",
        unit="350102001009",
        confidence=0.51,
        alternatives=["350102001009", "350102002009"],
    )
    found = match_of(location, {c: c for c in location.alternatives})
    assert found is not None
    assert found.ambiguous
    assert not found.usable
    assert found.unit == ""


def test_alternatives_in_one_unit_are_one_place() -> None:
    # A national row and the deployment's unit of one township, both under 城门镇.
    location = Location(street="城门镇", code="350104101", unit="350104101", confidence=0.9)
    location.alternatives = ["350104101", "X-350104101"]
    found = match_of(location, {"350104101": "350104101", "X-350104101": "350104101"})
    assert found is not None
    assert found.usable
    assert found.unit == "350104101"


def test_nothing_named_is_none_and_a_weak_reading_is_only_a_hint() -> None:
    assert match_of(Location(), {}) is None
    weak = match_of(Location(code="350102001", unit="350102001", confidence=0.6), {})
    assert weak is not None
    assert weak.confidence < MIN_CONFIDENCE
    assert not weak.usable
