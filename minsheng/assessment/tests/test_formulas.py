"""The formulas on hand-computed timelines. No database."""

from datetime import datetime, timedelta

import pytest

from minsheng.assessment.formulas import (
    BEIJING,
    CO,
    MAIN,
    Event,
    Fact,
    Standing,
    Weights,
    board_size,
    count,
    facts_from_timeline,
    rank,
    rates,
    score,
)

T0 = datetime(2026, 10, 12, 9, 0, tzinfo=BEIJING)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def dispatch(
    at: float, unit: str, *, accept: float = 4, resolve: float = 120, co: tuple = ()
) -> Event:
    data = {"unit": unit, "accept_by": h(accept).isoformat(), "resolve_by": h(resolve).isoformat()}
    if co:
        data["cohandlers"] = list(co)
    return Event("dispatch", h(at), unit, data)


def ev(action: str, at: float, unit: str | None = "A", **data: object) -> Event:
    return Event(action, h(at), unit, data)


def visit(at: float, satisfaction: str, resolved: bool = True) -> Event:
    return ev("visit", at, satisfaction=satisfaction, resolved=resolved)


def only(facts: list[Fact], unit: str = "A", role: str = MAIN) -> Fact:
    return next(f for f in facts if f.unit == unit and f.role == role)


CLEAN = [ev("receive", -1, None), dispatch(0, "A"), ev("accept", 1), ev("reply", 30),
         visit(40, "satisfied"), ev("close", 40)]  # fmt: skip


def test_a_ticket_handled_well_meets_every_indicator() -> None:
    f = only(facts_from_timeline(CLEAN))
    assert (f.period, f.held, f.accepted_in_time, f.accepted_24h, f.contacted) == (
        "2026-10",
        True,
        True,
        True,
        True,
    )
    assert (f.responded, f.replied_on_time, f.rated, f.resolved, f.satisfaction) == (
        True,
        True,
        True,
        True,
        "satisfied",
    )
    assert (f.returned, f.reopened, f.extended, f.no_rating) == (False, False, False, False)


@pytest.mark.parametrize(
    ("timeline", "expected"),
    [
        # accepted after the 4-hour acceptance deadline, but within 24 hours
        ([dispatch(0, "A"), ev("accept", 5), ev("reply", 30)], (False, True, True, False)),
        # accepted on time; no contact with the resident before the 120-hour deadline
        ([dispatch(0, "A"), ev("accept", 1), ev("reply", 130)], (True, True, False, False)),
        # a pause to wait for the resident is a contact; the reply comes late
        (
            [dispatch(0, "A"), ev("accept", 1), ev("pause", 10), ev("reply", 130)],
            (True, True, True, True),
        ),
        # never accepted
        ([dispatch(0, "A")], (False, False, False, False)),
        # accepted after 30 hours with a 48-hour acceptance deadline: in time, not within 24 h
        (
            [dispatch(0, "A", accept=48), ev("accept", 30), ev("reply", 40)],
            (True, False, True, True),
        ),
    ],
)
def test_response_needs_acceptance_in_time_and_contact_before_the_deadline(
    timeline: list[Event], expected: tuple[bool, bool, bool, bool]
) -> None:
    f = only(facts_from_timeline(timeline))
    assert (f.accepted_in_time, f.accepted_24h, f.contacted, f.responded) == expected


def test_an_approved_extension_moves_the_deadline_the_reply_is_measured_against() -> None:
    new = h(200).isoformat()
    f = only(facts_from_timeline([
        dispatch(0, "A"), ev("accept", 1), ev("request_extension", 50),
        ev("approve_extension", 60, resolve_by=[h(120).isoformat(), new]), ev("reply", 150),
    ]))  # fmt: skip
    assert (f.extended, f.replied_on_time, f.resolve_by) == (True, True, h(200))


def test_a_refused_extension_leaves_the_reply_late() -> None:
    f = only(facts_from_timeline([
        dispatch(0, "A"), ev("accept", 1), ev("request_extension", 50),
        ev("refuse_extension", 60), ev("reply", 150),
    ]))  # fmt: skip
    assert (f.extended, f.replied, f.replied_on_time) == (False, True, False)


def test_a_return_moved_to_another_unit_leaves_the_first_unit_only_its_return() -> None:
    facts = facts_from_timeline([
        dispatch(0, "A"), ev("return", 2), dispatch(3, "B", accept=7, resolve=123),
        ev("accept", 4, "B"), ev("reply", 20, "B"), visit(30, "basically"),
    ])  # fmt: skip
    a, b = only(facts, "A"), only(facts, "B")
    assert (a.held, a.returned, a.rated) == (False, True, False)
    assert (b.held, b.returned, b.responded, b.satisfaction) == (True, False, True, "basically")


def test_a_rejected_return_keeps_the_ticket_and_the_return_with_the_unit() -> None:
    f = only(facts_from_timeline([
        dispatch(0, "A"), ev("return", 2), ev("reject_return", 3, None), ev("accept", 3.5),
        ev("reply", 20),
    ]))  # fmt: skip
    assert (f.held, f.returned, f.accepted_in_time) == (True, True, True)


def test_a_reopen_counts_once_and_the_last_round_decides_the_rating() -> None:
    facts = facts_from_timeline([
        dispatch(0, "A"), ev("accept", 1), ev("reply", 20), visit(30, "unsatisfied", False),
        ev("reopen", 31, accept_by=h(35).isoformat(), resolve_by=h(100).isoformat()),
        ev("accept", 32), ev("reply", 60), visit(70, "satisfied", True),
    ])  # fmt: skip
    f = only(facts)
    assert (f.reopened, f.satisfaction, f.resolved, f.replied_on_time) == (
        True,
        "satisfied",
        True,
        True,
    )


def test_a_late_acceptance_after_a_reopen_spoils_the_response() -> None:
    f = only(facts_from_timeline([
        dispatch(0, "A"), ev("accept", 1), ev("reply", 20), visit(30, "unsatisfied", False),
        ev("reopen", 31, accept_by=h(35).isoformat(), resolve_by=h(100).isoformat()),
        ev("accept", 40), ev("reply", 60),
    ]))  # fmt: skip
    assert (f.accepted_in_time, f.responded, f.rated) == (False, False, False)


def test_a_closure_without_rating_is_no_rating_not_a_rating() -> None:
    f = only(facts_from_timeline([dispatch(0, "A"), ev("accept", 1), ev("reply", 20),
                                  ev("close_unrated", 200, None, no_rating=True)]))  # fmt: skip
    assert (f.no_rating, f.rated, f.satisfaction) == (True, False, "")


def test_a_co_handler_gets_its_own_response_and_the_tickets_outcome() -> None:
    facts = facts_from_timeline([
        dispatch(0, "A", co=("B",)), ev("accept", 1),
        ev("cohandler_accept", 2, "B", cohandler="B"),
        ev("cohandler_reply", 10, "B", cohandler="B", late=False),
        ev("add_cohandler", 11, "C", cohandlers=["C"]),
        ev("cohandler_accept", 40, "C", cohandler="C"),
        ev("cohandler_reply", 50, "C", cohandler="C", late=True),
        ev("reply", 60), visit(70, "basically", True),
    ])  # fmt: skip
    b, c = only(facts, "B", CO), only(facts, "C", CO)
    assert (b.responded, b.accepted_24h, b.satisfaction, b.resolved) == (
        True,
        True,
        "basically",
        True,
    )
    assert (c.responded, c.accepted_24h, c.satisfaction) == (False, False, "basically")
    assert {(f.unit, f.role) for f in facts} == {("A", MAIN), ("B", CO), ("C", CO)}


def test_the_period_is_the_beijing_month_the_unit_got_the_ticket() -> None:
    late_night = datetime(2026, 10, 31, 23, 30, tzinfo=BEIJING)
    event = Event("dispatch", late_night, "A", {"unit": "A"})
    assert only(facts_from_timeline([event])).period == "2026-10"


def test_a_ticket_never_dispatched_has_no_facts() -> None:
    assert facts_from_timeline([ev("receive", 0, None), ev("answer", 1, None)]) == []


# --- counts, rates and the score, on a unit with ten tickets -------------------------------------

AS_OF = h(1000)


def fact(**kw: object) -> Fact:
    return Fact(unit="A", role=kw.pop("role", MAIN), period="2026-10", **kw)  # type: ignore[arg-type]


TEN = (
    [fact(accepted_in_time=True, accepted_24h=True, contacted=True, replied=True,
          replied_on_time=True, rated=True, resolved=True, satisfaction="satisfied")] * 4
    + [fact(accepted_in_time=True, accepted_24h=True, contacted=True, replied=True,
            rated=True, resolved=False, satisfaction="basically", reopened=True)] * 2
    + [fact(accepted_24h=True, replied=True, replied_on_time=True, rated=True,
            satisfaction="unsatisfied", extended=True)]
    + [fact(accepted_in_time=True, contacted=True, replied=True, replied_on_time=True,
            no_rating=True)]
    + [fact(resolve_by=h(2000))]  # still open, deadline ahead: not yet due
    + [fact(returned=True, held=False)]  # returned and moved on
    + [fact(excluded=True, rated=True, satisfaction="unsatisfied")]  # excluded by the centre
    + [fact(role=CO, accepted_in_time=True, contacted=True, rated=True, satisfaction="satisfied")]
)  # fmt: skip


def test_counts_follow_the_definitions() -> None:
    c = count(TEN, as_of=AS_OF)
    assert c == {
        "dispatched": 10, "volume": 9, "excluded": 1, "responded": 7, "accepted_24h": 7,
        "due": 8, "on_time": 6, "rated": 7, "resolved": 4, "satisfied": 4, "basically": 2,
        "no_rating": 1, "returned": 1, "reopened": 2, "extended": 1,
    }  # fmt: skip


def test_co_handled_tickets_count_only_when_the_policy_says_both() -> None:
    assert count(TEN, as_of=AS_OF, roles=(MAIN, CO))["volume"] == 10
    assert count(TEN, as_of=AS_OF, roles=(MAIN, CO))["satisfied"] == 5


def test_rates_and_the_30_35_35_score_by_hand() -> None:
    r = rates(count(TEN, as_of=AS_OF), Weights())
    # response 7/9; resolution 4/7; satisfaction (4 × 1.0 + 2 × 0.8) / 7 = 5.6/7 = 0.8
    assert r["response"] == pytest.approx(7 / 9)
    assert r["resolution"] == pytest.approx(4 / 7)
    assert r["satisfaction"] == pytest.approx(0.8)
    assert (r["accept_24h"], r["on_time"], r["return"]) == (pytest.approx(7 / 9), 0.75, 0.1)
    assert (r["reopen"], r["extension"], r["no_rating"]) == (2 / 9, 1 / 9, 1 / 8)
    # (30 × 7/9 + 35 × 4/7 + 35 × 0.8) / 100 = (23.33 + 20 + 28) / 100
    assert score(r, Weights()) == 71.33


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        (Weights(satisfied=1.0, basically=1.0), 1.0),
        (Weights(satisfied=1.0, basically=0.5), 0.75),
        (Weights(satisfied=0.9, basically=0.0), 0.45),
    ],
)
def test_satisfaction_weights_apply_to_satisfied_and_basically(
    weights: Weights, expected: float
) -> None:
    two = [fact(rated=True, satisfaction="satisfied"), fact(rated=True, satisfaction="basically")]
    c = count(two, as_of=AS_OF)
    assert rates(c, weights)["satisfaction"] == pytest.approx(expected)


def test_a_unit_without_ratings_has_no_satisfaction_and_no_score() -> None:
    r = rates(count([fact(accepted_in_time=True, contacted=True)], as_of=AS_OF), Weights())
    assert (r["response"], r["satisfaction"], r["resolution"]) == (1.0, None, None)
    assert score(r, Weights()) is None


def test_other_weights_change_the_score() -> None:
    r = {"response": 1.0, "resolution": 0.5, "satisfaction": 0.0}
    assert score(r, Weights(response=50, resolution=50, satisfaction=0)) == 75.0
    assert score(r, Weights(response=20, resolution=40, satisfaction=40)) == 40.0


def test_ranking_shares_ties_puts_small_units_last_and_fills_red_and_black_lists() -> None:
    rows = [Standing("a", 90, 10), Standing("b", 80, 10), Standing("c", 80, 10),
            Standing("d", 70, 10), Standing("e", 60, 10), Standing("f", 99, 2),
            Standing("g", None, 10), Standing("h", 50, 10)]  # fmt: skip
    out = rank(rows, min_volume=5, red=1, black=2, red_min=90, black_below=80)
    assert [(r.unit, r.rank, r.board) for r in out] == [
        ("a", 1, "red"),
        ("b", 2, ""),
        ("c", 2, ""),
        ("d", 4, ""),
        ("e", 5, "black"),
        ("h", 6, "black"),
        ("f", None, ""),
        ("g", None, ""),
    ]


def test_red_and_black_lists_never_overlap_in_a_small_group() -> None:
    out = rank([Standing("a", 90, 10), Standing("b", 70, 10)], min_volume=0, red=2, black=2,
               red_min=90, black_below=80)  # fmt: skip
    assert [r.board for r in out] == ["red", "black"]
    alone = rank([Standing("a", 50, 10)], min_volume=0, red=3, black=3)
    assert [r.board for r in alone] == [""]


def test_three_units_are_not_all_red_by_the_size_of_the_group() -> None:
    """The pilot's November: 98.25, 90.26, 57.6 were all red, the black list empty."""
    rows = [Standing("shuibu", 98.25, 40), Standing("mawei", 90.26, 30),
            Standing("gudong", 57.6, 50)]  # fmt: skip
    out = rank(rows, min_volume=5, red=3, black=3, red_min=90, black_below=80)
    assert [(r.unit, r.rank, r.board) for r in out] == [
        ("shuibu", 1, "red"),
        ("mawei", 2, ""),
        ("gudong", 3, "black"),
    ]


def test_a_board_needs_its_score_line_and_may_stay_empty() -> None:
    good = [Standing(u, s, 10) for u, s in (("a", 97), ("b", 95), ("c", 93), ("d", 92))]
    out = rank(good, min_volume=5, red=3, black=3, red_min=90, black_below=80)
    assert [r.board for r in out] == ["red", "", "", ""]  # nobody below 80: no black list
    poor = [Standing(u, s, 10) for u, s in (("a", 70), ("b", 60), ("c", 50), ("d", 40))]
    out = rank(poor, min_volume=5, red=3, black=3, red_min=90, black_below=80)
    assert [r.board for r in out] == ["", "", "", "black"]  # nobody at 90: no red list


@pytest.mark.parametrize(("quota", "ranked", "size"), [
    (3, 0, 0), (3, 1, 0), (3, 2, 1), (3, 3, 1), (3, 6, 2), (3, 9, 3), (3, 30, 3), (0, 30, 0),
])  # fmt: skip
def test_a_board_holds_at_most_a_third_of_the_group(quota: int, ranked: int, size: int) -> None:
    assert board_size(quota, ranked) == size
