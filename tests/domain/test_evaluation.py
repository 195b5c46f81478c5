"""Monthly evaluation: scores against hand-computed indicators, weights, bands, ranking and
the interview list."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from command_center.domain.calendar import CST
from command_center.domain.evaluation import (
    AMBER_FROM,
    GREEN_FROM,
    Band,
    GridWorkerFacts,
    Weights,
    WeightsError,
    band_of,
    check_on_time,
    grid_worker_score,
    grid_worker_scores,
    interview_list,
    rank,
    score,
)
from command_center.domain.indicators import Indicators, unit_score


def indicators(
    *, due: int, handled: int, on_time: int, reworked: int, overdue: int, extended: int
) -> Indicators:
    """Indicators of a population where every registered case was dispatched."""
    return Indicators(
        due_to_close=due,
        closed=0,
        closed_on_time=0,
        reworked=reworked,
        suspended=0,
        transferred=0,
        due_to_handle=due,
        handled=handled,
        handled_on_time=on_time,
        overdue_pending=overdue,
        extended=extended,
        close_rate=0.0,
        on_time_close_rate=0.0,
        rework_rate=reworked / due,
        handle_rate=handled / due,
        on_time_handle_rate=on_time / due,
        overdue_pending_rate=overdue / due,
        extension_rate=extended / due,
        mean_close_hours=None,
        median_close_hours=None,
    )


# 10 due; 8 handled (0.8), 6 on time (0.6), 1 reworked (0.1), 1 overdue (0.1), 2 extended (0.2)
TEN = indicators(due=10, handled=8, on_time=6, reworked=1, overdue=1, extended=2)


def test_score_with_the_district_weights() -> None:
    # 0.8×30 + 0.6×20 + (1−0.1)×20 + (1−0.1)×20 + (1−0.2)×10 = 24 + 12 + 18 + 18 + 8 = 80
    assert score(TEN) == pytest.approx(80.0)
    assert score(TEN) == pytest.approx(unit_score(TEN))  # the same formula generalised


def test_score_with_edited_weights() -> None:
    w = Weights(handle=40, on_time_handle=20, rework=10, overdue=20, extension=10)
    # 0.8×40 + 0.6×20 + 0.9×10 + 0.9×20 + 0.8×10 = 32 + 12 + 9 + 18 + 8 = 79
    assert score(TEN, w) == pytest.approx(79.0)
    only_handling = Weights(handle=100, on_time_handle=0, rework=0, overdue=0, extension=0)
    assert score(TEN, only_handling) == pytest.approx(80.0)  # 0.8×100


def test_nothing_due_has_no_score() -> None:
    nothing = replace(
        TEN,
        due_to_handle=0,
        handled=0,
        handled_on_time=0,
        overdue_pending=0,
        extended=0,
        handle_rate=None,
        on_time_handle_rate=None,
        overdue_pending_rate=None,
        extension_rate=None,
    )
    assert score(nothing) is None


def test_default_weights_are_the_districts() -> None:
    assert Weights().as_dict() == {
        "handle": 30.0,
        "on_time_handle": 20.0,
        "rework": 20.0,
        "overdue": 20.0,
        "extension": 10.0,
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"handle": -5, "on_time_handle": 25}, "non-negative"),
        ({"handle": 31}, "sum to 100, not 101"),
        ({"extension": float("nan")}, "non-negative"),
        ({"handle": True}, "must be a number"),
        ({"handle": "30"}, "must be a number"),
    ],
)
def test_bad_weights_are_refused_with_a_clear_error(raw, message) -> None:
    with pytest.raises(WeightsError, match=message):
        Weights(**raw)


def test_weights_from_a_mapping_name_what_is_missing_or_unknown() -> None:
    assert Weights.from_dict(Weights().as_dict()) == Weights()
    with pytest.raises(WeightsError, match="missing extension; unknown speed"):
        Weights.from_dict(
            {"handle": 30, "on_time_handle": 20, "rework": 20, "overdue": 20, "speed": 10}
        )


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (100.0, Band.GREEN),
        (GREEN_FROM, Band.GREEN),
        (89.999, Band.AMBER),
        (AMBER_FROM, Band.AMBER),
        (74.999, Band.RED),
        (0.0, Band.RED),
    ],
)
def test_bands_at_the_boundaries(value, band) -> None:
    assert (GREEN_FROM, AMBER_FROM) == (90.0, 75.0)
    assert band_of(value) is band


# -- grid workers -----------------------------------------------------------------------------
WORKERS = {
    "A": GridWorkerFacts(
        reports=10, valid_reports=8, rejected_reports=2, checks=5, checks_on_time=4
    ),
    "B": GridWorkerFacts(
        reports=4, valid_reports=4, rejected_reports=0, checks=0, checks_on_time=0
    ),
    "C": GridWorkerFacts(
        reports=6, valid_reports=3, rejected_reports=1, checks=2, checks_on_time=2
    ),  # 2 reports still awaiting a decision
    "D": GridWorkerFacts(
        reports=0, valid_reports=0, rejected_reports=0, checks=0, checks_on_time=0
    ),
}


def test_grid_worker_scores_by_hand() -> None:
    scores = grid_worker_scores(WORKERS)
    # median reports of 10, 4, 6, 0 = (4 + 6) / 2 = 5
    # A: valid 8/10 = 0.8×40 = 32; on time 4/5 = 0.8×40 = 32; volume min(1, 10/5) = 1×20 = 20
    assert scores["A"] == pytest.approx(84.0)
    # B: valid 4/4 ×40 = 40; no checks: left out; volume 4/5 ×20 = 16 → 56 of 60 → 93.33…
    assert scores["B"] == pytest.approx(56 / 60 * 100)
    # C: valid 3/(3+1) = 0.75×40 = 30 (2 pending count in neither); 2/2 ×40 = 40; 6/5 → 1×20
    assert scores["C"] == pytest.approx(90.0)
    # D: neither reports nor checks
    assert scores["D"] is None


def test_grid_worker_volume_against_a_median_of_zero_counts_as_full() -> None:
    checks_only = GridWorkerFacts(0, 0, 0, checks=4, checks_on_time=3)
    # no reports decided: left out; 3/4 ×40 = 30; volume 1 (median 0) ×20 = 20 → 50 of 60
    assert grid_worker_score(checks_only, 0) == pytest.approx(50 / 60 * 100)
    # against a median of 4 its volume is 0: 30 of 60 → 50
    assert grid_worker_score(checks_only, 4) == pytest.approx(50.0)


def test_grid_worker_facts_refuse_impossible_counts() -> None:
    with pytest.raises(ValueError, match="more decided reports"):
        GridWorkerFacts(reports=1, valid_reports=1, rejected_reports=1, checks=0, checks_on_time=0)
    with pytest.raises(ValueError, match="more on-time checks"):
        GridWorkerFacts(reports=0, valid_reports=0, rejected_reports=0, checks=1, checks_on_time=2)


def test_a_check_within_two_hours_of_the_feedback_is_on_time() -> None:
    fed_back = datetime(2026, 11, 2, 10, 0, tzinfo=CST)
    assert check_on_time(fed_back, fed_back + timedelta(hours=2))
    assert not check_on_time(fed_back, fed_back + timedelta(hours=2, seconds=1))


# -- ranking and interviews -------------------------------------------------------------------
NAMES = {1: "Bravo", 2: "Delta", 3: "Alpha", 4: "Charlie", 5: "Echo"}
THIS = {1: 80.0, 2: 92.0, 3: 80.0, 4: None, 5: 70.0}
LAST = {1: 85.0, 2: 92.0, 4: 60.0, 5: None}


def test_rank_orders_by_score_with_shared_ranks_and_trend() -> None:
    ranked = rank(THIS, LAST, NAMES)
    assert [(r.name, r.rank, r.band) for r in ranked] == [
        ("Delta", 1, Band.GREEN),
        ("Alpha", 2, Band.AMBER),  # tied at 80: by name
        ("Bravo", 2, Band.AMBER),
        ("Echo", 4, Band.RED),  # competition ranking: 1, 2, 2, 4
        ("Charlie", None, None),  # nothing due: listed last, unranked
    ]
    trends = {r.name: r.trend for r in ranked}
    assert trends == {"Delta": 0.0, "Alpha": None, "Bravo": -5.0, "Echo": None, "Charlie": None}
    assert ranked[4].previous == 60.0


def test_rank_is_deterministic_whatever_the_input_order() -> None:
    shuffled = dict(reversed(list(THIS.items())))
    assert rank(shuffled, LAST, NAMES) == rank(THIS, LAST, NAMES)


def test_scores_equal_but_for_float_noise_tie() -> None:
    noisy = 80.0 + 1e-12  # the float noise of a weighted sum of rates
    assert noisy != 80.0
    ranked = rank({"x": noisy, "y": 80.0}, {})
    assert [r.rank for r in ranked] == [1, 1]


def test_interview_list_is_the_red_band_and_the_bottom_three() -> None:
    ranked = rank(THIS, LAST, NAMES)
    # bottom three, at most half of the 4 ranked = 2: the 2nd from the bottom is Bravo at
    # rank 2, tied with Alpha → ranks ≥ 2
    assert [r.name for r in interview_list(ranked)] == ["Echo", "Alpha", "Bravo"]
    assert [r.name for r in interview_list(ranked, worst=1)] == ["Echo"]
    # only the red band
    assert [r.name for r in interview_list(ranked, worst=0)] == ["Echo"]
    # a stricter threshold takes in the amber ones too
    assert [r.name for r in interview_list(ranked, worst=0, below=85)] == ["Echo", "Alpha", "Bravo"]


def test_interview_list_when_all_are_green_takes_only_the_bottom() -> None:
    ranked = rank({"a": 99.0, "b": 95.0, "c": 91.0, "d": 98.0}, {})
    assert [r.key for r in interview_list(ranked, worst=1)] == ["c"]
    assert interview_list(ranked, worst=0) == []
    with pytest.raises(ValueError):
        interview_list(ranked, worst=-1)


def test_a_small_group_is_not_called_in_as_a_whole() -> None:
    # two ranked, both green: the bottom three is capped at half of them → only the last
    ranked = rank({"a": 95.0, "b": 92.0}, {})
    assert [r.key for r in interview_list(ranked)] == ["b"]
    assert interview_list(rank({"a": 95.0}, {})) == []  # one alone, green: nobody
    assert [r.key for r in interview_list(rank({"a": 60.0}, {}))] == ["a"]  # red: always
