"""The interval the ack bench gives its p99 ratios: how far the rounds it ran move them."""

from __future__ import annotations

import pytest

from bench.report import percentile, ratio_interval


def test_rounds_alike_on_both_sides_give_a_ratio_that_cannot_move() -> None:
    rounds = [[0.010 * (i + 1) for i in range(100)] for _ in range(8)]
    slower = [[value * 1.5 for value in burst] for burst in rounds]
    assert ratio_interval(slower, rounds, 0.99) == pytest.approx((1.5, 1.5))


def test_one_slow_round_widens_the_interval_around_the_pooled_ratio() -> None:
    reference = [[0.050 + 0.0001 * i for i in range(100)] for _ in range(8)]
    mine = [list(burst) for burst in reference]
    mine[3] = [value * 2 for value in mine[3]]  # one burst hit by something else on the box
    pooled = percentile([v for b in mine for v in b], 0.99) / percentile(
        [v for b in reference for v in b], 0.99
    )
    low, high = ratio_interval(mine, reference, 0.99)
    # Drawn without the slow round the ratio is 1; drawn with it, near 2.
    assert low == pytest.approx(1.0)
    assert high == pytest.approx(2.0, rel=0.02)
    assert low < pooled <= high


def test_the_interval_is_the_same_for_the_same_figures() -> None:
    mine = [[0.01 * ((i * 37 + r) % 100 + 1) for i in range(50)] for r in range(6)]
    theirs = [[0.01 * ((i * 11 + r) % 90 + 1) for i in range(50)] for r in range(6)]
    assert ratio_interval(mine, theirs, 0.99) == ratio_interval(mine, theirs, 0.99)


def test_rounds_that_do_not_pair_are_refused() -> None:
    with pytest.raises(ValueError, match="per round"):
        ratio_interval([[1.0]], [[1.0], [1.0]], 0.99)
