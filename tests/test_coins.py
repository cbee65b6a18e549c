"""Coin change agents: greedy, dynamic programming, the canonical check, the book's API."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gymlab.agents.coins import (
    Algorithm,
    check_canonical,
    fewest_coins_table,
    greedy_change,
    optimal_change,
    validate_amount,
    validate_coins,
)
from gymlab.envs.coin_change import UNPAYABLE
from gymlab.envs.errors import GymlabError

# -- independent references: written differently from the code under test ----------------------


def brute_force_fewest(coins, amount):
    """Fewest coins by breadth-first search over coin counts: sums reachable with k coins."""
    reachable, k = {0}, 0
    while reachable:
        if amount in reachable:
            return k
        reachable = {s + c for s in reachable for c in coins if s + c <= amount}
        k += 1
    return None


def brute_force_greedy(coins, amount):
    """Greedy by repeated subtraction of the largest coin that fits (None when it gets stuck)."""
    count = 0
    while amount > 0:
        fitting = [c for c in coins if c <= amount]
        if not fitting:
            return None
        amount -= max(fitting)
        count += 1
    return count


def brute_force_smallest_counterexample(coins, limit):
    for amount in range(1, limit):
        best = brute_force_fewest(coins, amount)
        if best is not None and brute_force_greedy(coins, amount) != best:
            return amount
    return None


coin_systems = st.sets(st.integers(1, 30), min_size=1, max_size=5)
systems_with_one = coin_systems.map(lambda s: s | {1})


# -- known facts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coins", "smallest"), [({1, 3, 4}, 6), ({1, 7, 10}, 14), ({10, 60, 100}, 120), ({2, 3}, 4)]
)
def test_known_smallest_counterexamples(coins, smallest):
    result = check_canonical(coins)
    assert not result.canonical
    assert result.counterexample == smallest
    assert result.optimal.count < (result.greedy.count or float("inf"))


@pytest.mark.parametrize("coins", [{1, 5, 10, 25}, {10, 50, 100, 500}, {1, 2, 5, 10, 20, 50, 100, 200}, {7}])
def test_known_canonical_systems(coins):
    result = check_canonical(coins)
    assert result.canonical and result.counterexample is None


def test_counterexample_carries_both_answers():
    data = check_canonical([1, 7, 10]).to_dict()
    assert data["coins"] == [1, 7, 10] and data["canonical"] is False
    example = data["counterexample"]
    assert example["amount"] == 14
    assert example["greedy"] == {"count": 5, "counts": {"10": 1, "7": 0, "1": 4}, "remainder": 0}
    assert example["optimal"] == {"count": 2, "counts": {"10": 0, "7": 2, "1": 0}, "remainder": 0}


def test_greedy_reports_when_it_cannot_pay():
    change = greedy_change({2, 3}, 4)
    assert not change.paid and change.count is None and change.remainder == 1
    assert change.counts == {3: 1, 2: 0}
    assert optimal_change({2, 3}, 4).counts == {3: 0, 2: 2}


def test_optimal_reports_no_way_to_pay():
    change = optimal_change({4, 6}, 7)
    assert not change.paid and change.count is None and change.remainder == 7
    assert "no combination" in change.describe()


def test_optimal_change_example():
    assert optimal_change([1, 3, 4], 6).coins_handed_out() == [3, 3]
    assert greedy_change([1, 3, 4], 6).coins_handed_out() == [4, 1, 1]
    assert optimal_change([1, 3, 4], 0).count == 0


def test_dp_table_marks_unpayable_amounts():
    fewest, last_coin = fewest_coins_table([3, 5], 8)
    assert fewest.tolist() == [0, UNPAYABLE, UNPAYABLE, 1, UNPAYABLE, 1, 2, UNPAYABLE, 2]
    assert last_coin[8] in (3, 5)


# -- the book's API -----------------------------------------------------------------------------


def test_book_algorithm_example():
    assert Algorithm(4290, coin_types={10, 50, 100, 500}).calculate() == [8, 2, 1, 4]


def test_book_not_ideal_case():
    assert Algorithm(120, {10, 60, 100}).calculate() == [1, 0, 2]


def test_book_algorithm_leaves_callers_set_alone():
    coin_types = {10, 50, 100, 500}
    Algorithm(4290, coin_types).calculate()
    assert coin_types == {10, 50, 100, 500}


def test_book_algorithm_accepts_any_coin_system():
    assert Algorithm(6, [1, 3, 4]).calculate() == [1, 0, 2]
    assert Algorithm(0, (2, 5)).calculate() == [0, 0]
    with pytest.raises(GymlabError, match="greedy cannot pay 4"):
        Algorithm(4, {2, 3}).calculate()


# -- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coins", "message"),
    [
        ([], "empty"),
        ([1, 0], "coin 0 is not positive"),
        ([1, -5], "coin -5 is not positive"),
        ([1, 2.5], "not a whole number"),
        ([1, "3"], "not a whole number"),
        ([1, True], "not a whole number"),
        ([1, 3, 3], "coin 3 appears more than once"),
        ("1,3", "list of positive whole numbers"),
        (5, "list of positive whole numbers"),
    ],
)
def test_bad_coin_systems(coins, message):
    with pytest.raises(GymlabError, match=message):
        validate_coins(coins)


def test_coins_are_normalised_and_input_untouched():
    given_coins = [4, 1, 3.0]
    assert validate_coins(given_coins) == (1, 3, 4)
    assert given_coins == [4, 1, 3.0]


@pytest.mark.parametrize(
    ("amount", "message"), [(-1, "negative"), (2.5, "not a whole number"), ("7", "whole")]
)
def test_bad_amounts(amount, message):
    with pytest.raises(GymlabError, match=message):
        validate_amount(amount)
    with pytest.raises(GymlabError):
        greedy_change([1, 2], amount)
    with pytest.raises(GymlabError):
        Algorithm(amount, {1, 2})


def test_error_messages_are_one_line():
    for bad in ([], [0], [1, 1], [1.5]):
        with pytest.raises(GymlabError) as error:
            validate_coins(bad)
        assert "\n" not in str(error.value)


# -- properties ------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(coins=coin_systems, amount=st.integers(0, 300))
def test_optimal_never_worse_than_greedy_and_both_add_up(coins, amount):
    greedy, optimal = greedy_change(coins, amount), optimal_change(coins, amount)
    assert sum(c * n for c, n in greedy.counts.items()) + greedy.remainder == amount
    if optimal.paid:
        assert sum(c * n for c, n in optimal.counts.items()) == amount
    if greedy.paid:
        assert optimal.paid and optimal.count <= greedy.count
    assert optimal.count == brute_force_fewest(coins, amount)
    assert greedy.count == brute_force_greedy(coins, amount)


@settings(max_examples=150, deadline=None)
@given(coins=coin_systems)
def test_canonical_check_agrees_with_brute_force(coins):
    limit = 3 * sum(sorted(coins)[-2:]) + 10  # well past the Kozen–Zaks bound
    expected = brute_force_smallest_counterexample(coins, limit)
    result = check_canonical(coins)
    assert result.counterexample == expected
    assert result.canonical == (expected is None)


@settings(max_examples=100, deadline=None)
@given(coins=systems_with_one)
def test_canonical_systems_agree_with_dp_below_the_bound_and_beyond(coins):
    result = check_canonical(coins)
    if not result.canonical:
        return
    fewest, _ = fewest_coins_table(coins, 3 * result.bound)
    for amount in range(3 * result.bound + 1):
        assert greedy_change(coins, amount).count == fewest[amount]
