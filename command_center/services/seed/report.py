"""What a seed gives back: its report, or the error that says why nothing was written."""

from __future__ import annotations

from dataclasses import dataclass, field

from command_center.services.changes import ServiceError


class SeedError(ServiceError):
    """The demo city cannot be seeded here; nothing was written."""


@dataclass(frozen=True)
class SeedReport:
    """What a seed wrote: rows per table, case states, and the seconds it took (per stage)."""

    counts: dict[str, int]  # rows written per table
    states: dict[str, int]
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())
