"""Monthly evaluation (综合评价, GB/T 30428.4): scores, bands, ranking and the interview list.

Squads and handling units are scored on the indicators of `domain.indicators` with editable
weights (the district's 30/20/20/20/10 by default):

    score = 处置率×w_handle + 按期处置率×w_on_time + (1−返工率)×w_rework
            + (1−超期待处置率)×w_overdue + (1−延期率)×w_extension        (weights sum to 100)

A population with nothing due to handle has no score (None): inventing 0 or 100 would rank
it unfairly.

Grid workers (监督员 / 网格员) are scored on what domain.md says they are measured on —
reports, valid reports, on-time checks — with fixed weights:

    score = valid-report rate×40 + on-time check rate×40 + volume factor×20

- valid-report rate = reports registered (立案) / reports decided (registered + 不予立案);
  reports still awaiting a decision count in neither.
- on-time check rate = checks (核查: verify or send back for rework) taken within
  `CHECK_LIMIT` of the feedback they check / all checks.
- volume factor = min(1, reports / median reports of the workers compared); 1 for everyone
  when the median is 0 (nobody can be measured against nobody).
- A rate without a denominator is left out and the remaining weights are scaled up to 100
  (a worker who checked nothing this month is scored on reports alone); a worker with neither
  reports nor checks has no score (None).

Bands: green from `GREEN_FROM` (90) up, amber from `AMBER_FROM` (75) up to below 90, red
below 75. Ranking is by score, highest first; equal scores share a rank (1, 2, 2, 4) and are
listed by name, then key; entries without a score follow, unranked. The interview list (约谈)
is the union of the red band and the bottom `worst` ranks (末位约谈, at most half of those
ranked), worst first.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum

from command_center.domain.indicators import Indicators

GREEN_FROM = 90.0
"""A score from here up is green (good)."""
AMBER_FROM = 75.0
"""A score from here up to below `GREEN_FROM` is amber (watch); below it, red (interview)."""

CHECK_LIMIT = timedelta(hours=2)
"""A check (核查) is on time when taken within this many natural hours of the feedback."""

GRID_WORKER_WEIGHTS: Mapping[str, float] = {
    "valid_reports": 40.0,
    "on_time_checks": 40.0,
    "volume": 20.0,
}
"""The fixed weights of the grid-worker score."""

_TIE_DIGITS = 6  # scores equal to 6 decimals are a tie (float sums differ in the 15th digit)


class WeightsError(ValueError):
    """Weights that cannot score: negative, not finite, or not summing to 100."""


@dataclass(frozen=True)
class Weights:
    """The five weights of the squad/unit score; non-negative and summing to 100."""

    handle: float = 30.0  # 处置率
    on_time_handle: float = 20.0  # 按期处置率
    rework: float = 20.0  # 1 − 返工率
    overdue: float = 20.0  # 1 − 超期待处置率
    extension: float = 10.0  # 1 − 延期率

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise WeightsError(f"weight {f.name!r} must be a number, not {value!r}")
            if not math.isfinite(value) or value < 0:
                raise WeightsError(f"weight {f.name!r} must be a non-negative number, not {value}")
        total = self.total()
        if not math.isclose(total, 100.0, abs_tol=1e-6):
            raise WeightsError(f"the weights must sum to 100, not {total:g}")

    def total(self) -> float:
        return sum(getattr(self, f.name) for f in fields(self))

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, raw: Mapping[str, object]) -> Weights:
        """Weights from a mapping with exactly the five names (e.g. a JSON file)."""
        names = {f.name for f in fields(cls)}
        missing, unknown = names - set(raw), set(raw) - names
        if missing or unknown:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(sorted(missing)))
            if unknown:
                parts.append("unknown " + ", ".join(sorted(str(u) for u in unknown)))
            raise WeightsError(
                "weights need handle, on_time_handle, rework, overdue and "
                "extension: " + "; ".join(parts)
            )
        return cls(**raw)  # type: ignore[arg-type]


DEFAULT_WEIGHTS = Weights()


def score(ind: Indicators, weights: Weights = DEFAULT_WEIGHTS) -> float | None:
    """The squad/unit score out of 100, or None when nothing was due to handle.

    With the default weights this is `indicators.unit_score`.
    """
    if ind.due_to_handle == 0:
        return None
    # due_to_handle > 0 implies due_to_close > 0, so no rate below is None.
    assert ind.handle_rate is not None and ind.on_time_handle_rate is not None
    assert ind.rework_rate is not None and ind.overdue_pending_rate is not None
    assert ind.extension_rate is not None
    return (
        ind.handle_rate * weights.handle
        + ind.on_time_handle_rate * weights.on_time_handle
        + (1 - ind.rework_rate) * weights.rework
        + (1 - ind.overdue_pending_rate) * weights.overdue
        + (1 - ind.extension_rate) * weights.extension
    )


# -- grid workers ---------------------------------------------------------------------------
@dataclass(frozen=True)
class GridWorkerFacts:
    """One grid worker's month: reports made and checks taken."""

    reports: int  # cases they reported
    valid_reports: int  # of which registered (立案)
    rejected_reports: int  # of which not registered (不予立案)
    checks: int  # verify / return-for-rework steps they took
    checks_on_time: int  # of which within CHECK_LIMIT of the feedback

    def __post_init__(self) -> None:
        if (
            min(
                self.reports,
                self.valid_reports,
                self.rejected_reports,
                self.checks,
                self.checks_on_time,
            )
            < 0
        ):
            raise ValueError(f"negative counts: {self!r}")
        if self.valid_reports + self.rejected_reports > self.reports:
            raise ValueError(f"more decided reports than reports: {self!r}")
        if self.checks_on_time > self.checks:
            raise ValueError(f"more on-time checks than checks: {self!r}")

    @property
    def valid_rate(self) -> float | None:
        decided = self.valid_reports + self.rejected_reports
        return self.valid_reports / decided if decided else None

    @property
    def on_time_check_rate(self) -> float | None:
        return self.checks_on_time / self.checks if self.checks else None


def check_on_time(feedback_at: datetime, checked_at: datetime) -> bool:
    """Whether a check taken at `checked_at` of a feedback given at `feedback_at` was on time."""
    return checked_at - feedback_at <= CHECK_LIMIT


def grid_worker_score(facts: GridWorkerFacts, median_reports: float) -> float | None:
    """One worker's score (see the module docstring) against the median of their peers."""
    if facts.reports == 0 and facts.checks == 0:
        return None
    volume = 1.0 if median_reports <= 0 else min(1.0, facts.reports / median_reports)
    parts = [
        (facts.valid_rate, GRID_WORKER_WEIGHTS["valid_reports"]),
        (facts.on_time_check_rate, GRID_WORKER_WEIGHTS["on_time_checks"]),
        (volume, GRID_WORKER_WEIGHTS["volume"]),
    ]
    defined = [(rate, w) for rate, w in parts if rate is not None]
    weight = sum(w for _, w in defined)
    return sum(rate * w for rate, w in defined) * 100.0 / weight


def grid_worker_scores(facts: Mapping[Hashable, GridWorkerFacts]) -> dict[Hashable, float | None]:
    """Every worker's score; the volume median is over all the workers given."""
    median = statistics.median(f.reports for f in facts.values()) if facts else 0.0
    return {key: grid_worker_score(f, median) for key, f in facts.items()}


# -- bands and ranking ----------------------------------------------------------------------
class Band(StrEnum):
    """Traffic-light band of a score."""

    GREEN = "green"  # ≥ GREEN_FROM
    AMBER = "amber"  # ≥ AMBER_FROM
    RED = "red"  # below AMBER_FROM


def band_of(value: float) -> Band:
    if value >= GREEN_FROM:
        return Band.GREEN
    if value >= AMBER_FROM:
        return Band.AMBER
    return Band.RED


@dataclass(frozen=True)
class RankedScore:
    """One row of the ranking. `rank`, `band` and `score` are None for an entry without a
    score; `trend` is score − previous when both exist."""

    key: Hashable
    name: str
    score: float | None
    previous: float | None
    trend: float | None
    band: Band | None
    rank: int | None


def rank(
    scores_this_month: Mapping[Hashable, float | None],
    scores_last_month: Mapping[Hashable, float | None],
    names: Mapping[Hashable, str] | None = None,
) -> list[RankedScore]:
    """This month's entries ranked (see the module docstring for ties and unscored entries)."""
    names = names or {}

    def name(key: Hashable) -> str:
        return names.get(key, str(key))

    scored = sorted(
        ((k, v) for k, v in scores_this_month.items() if v is not None),
        key=lambda kv: (-round(kv[1], _TIE_DIGITS), name(kv[0]), str(kv[0])),
    )
    unscored = sorted(
        (k for k, v in scores_this_month.items() if v is None), key=lambda k: (name(k), str(k))
    )
    out: list[RankedScore] = []
    position, last, last_rank = 0, None, 0
    for key, value in scored:
        position += 1
        tied = round(value, _TIE_DIGITS)
        if tied != last:
            last, last_rank = tied, position
        previous = scores_last_month.get(key)
        out.append(
            RankedScore(
                key,
                name(key),
                value,
                previous,
                None if previous is None else value - previous,
                band_of(value),
                last_rank,
            )
        )
    for key in unscored:
        out.append(RankedScore(key, name(key), None, scores_last_month.get(key), None, None, None))
    return out


def interview_list(
    ranked: Sequence[RankedScore], *, worst: int = 3, below: float = AMBER_FROM
) -> list[RankedScore]:
    """Who is called in for an interview (约谈), worst first.

    Every scored entry below `below` (the red band by default), and the bottom `worst` ranks
    (末位约谈) but never more than half of those ranked, so that a small group is not called
    in as a whole; an entry tied with the last of the bottom is included too, as an equal
    score cannot be told apart. Entries without a score are never listed.
    """
    if worst < 0:
        raise ValueError(f"worst must be 0 or more, not {worst}")
    scored = [r for r in ranked if r.score is not None and r.rank is not None]
    by_rank = sorted(scored, key=lambda r: r.rank or 0)
    bottom_ranks: set[int] = set()
    bottom = min(worst, len(by_rank) // 2)
    if bottom:
        cut = by_rank[-bottom].rank
        bottom_ranks = {
            r.rank for r in by_rank if r.rank is not None and cut is not None and r.rank >= cut
        }
    chosen = [
        r for r in by_rank if (r.score is not None and r.score < below) or r.rank in bottom_ranks
    ]
    return sorted(chosen, key=lambda r: (-(r.rank or 0), r.name, str(r.key)))
