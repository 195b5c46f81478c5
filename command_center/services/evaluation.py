"""Monthly evaluation (综合评价) read from the case history, and the weights a deployment uses.

Squads and handling units: the cases *registered* in the month (CST) and assigned to them,
as they stand at `as_of` (overdue is judged at `as_of`), turned into `CaseFacts` and scored
by `domain.evaluation.score`. A case counts for the squad/unit it is assigned to now (after
a 转派, the new one). Grid workers: the cases they *reported* in the month and the checks
(verify / return for rework, taken as inspector) they took in the month, each check timed
against the latest feedback before it. Last month is computed the same way for the trend.

The weights are a deployment's choice, kept in a small JSON file in the user config folder
(`WeightsStore`), not in the database.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Hashable
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from command_center.domain.calendar import CST
from command_center.domain.evaluation import (
    DEFAULT_WEIGHTS,
    GridWorkerFacts,
    RankedScore,
    Weights,
    WeightsError,
    check_on_time,
    grid_worker_scores,
    rank,
    score,
)
from command_center.domain.indicators import CaseFacts, compute_indicators
from command_center.domain.workflow import Action, CaseState, Role
from command_center.services.changes import ServiceError
from command_center.store.engine import Store
from command_center.store.models import Case, CaseEvent, Person, PersonRole, Squad, Unit

Kind = Literal["squad", "unit", "grid_worker"]
KINDS: tuple[Kind, ...] = ("squad", "unit", "grid_worker")
WEIGHTS_FILE = "evaluation_weights.json"
"""The weights file's name in the user config folder (the app passes the full path)."""

_CHECKS = (Action.VERIFY.value, Action.RETURN_FOR_REWORK.value)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) in China Standard Time."""
    if not 1 <= month <= 12:
        raise ServiceError(f"no month {month}")
    start = datetime(year, month, 1, tzinfo=CST)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=CST)
    return start, end


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def monthly_scores(
    store: Store,
    year: int,
    month: int,
    *,
    kind: Kind,
    weights: Weights = DEFAULT_WEIGHTS,
    as_of: datetime,
) -> list[RankedScore]:
    """The month's ranking of squads, units or grid workers, with last month's trend."""
    if kind not in KINDS:
        raise ServiceError(f"unknown kind {kind!r}; one of: {', '.join(KINDS)}")
    last = previous_month(year, month)
    with store.read() as s:
        if kind == "grid_worker":
            names = _grid_workers(s)
            now = grid_worker_scores(_grid_worker_facts(s, *month_bounds(year, month), names))
            before = grid_worker_scores(_grid_worker_facts(s, *month_bounds(*last), names))
        else:
            names = _names(s, kind)
            now = _case_scores(s, kind, *month_bounds(year, month), weights, as_of, names)
            before = _case_scores(s, kind, *month_bounds(*last), weights, as_of, names)
    return rank(now, before, names)


# -- squads and units -----------------------------------------------------------------------
def _names(s: Session, kind: Kind) -> dict[Hashable, str]:
    if kind == "squad":
        return dict(s.execute(select(Squad.id, Squad.name)).all())
    # Handling units: teams and departments, and any other unit that was given a case.
    assigned = select(Case.unit_id).where(Case.unit_id.is_not(None)).distinct()
    rows = s.execute(
        select(Unit.id, Unit.name).where(
            Unit.kind.in_(("team", "department")) | Unit.id.in_(assigned)
        )
    ).all()
    return dict(rows)


def _case_scores(
    s: Session,
    kind: Kind,
    start: datetime,
    end: datetime,
    weights: Weights,
    as_of: datetime,
    names: dict[Hashable, str],
) -> dict[Hashable, float | None]:
    column = Case.squad_id if kind == "squad" else Case.unit_id
    rows = s.execute(
        select(
            column,
            Case.state,
            Case.registered_at,
            Case.dispatched_at,
            Case.handled_at,
            Case.deadline_at,
            Case.closed_at,
            Case.rework_count,
            Case.extension_count,
            Case.suspend_count,
        ).where(Case.registered_at >= start, Case.registered_at < end, column.is_not(None))
    )
    facts: dict[Hashable, list[CaseFacts]] = {}
    for owner, state, registered, dispatched, handled, deadline, closed, rw, ext, sus in rows:
        facts.setdefault(owner, []).append(
            CaseFacts(
                state=CaseState(state),
                registered_at=registered,
                dispatched_at=dispatched,
                handled_at=handled,
                handle_deadline=deadline,
                closed_at=closed,
                close_deadline=None,
                reworked=rw > 0,
                extended=ext > 0,
                suspended=sus > 0,
            )
        )
    for owner in facts:
        names.setdefault(owner, f"#{owner}")
    return {key: score(compute_indicators(facts.get(key, ()), as_of), weights) for key in names}


# -- grid workers ---------------------------------------------------------------------------
def _grid_workers(s: Session) -> dict[Hashable, str]:
    """Active people holding the inspector (监督员 / 网格员) role."""
    rows = s.execute(
        select(Person.id, Person.name)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == Role.INSPECTOR.value, Person.active.is_(True))
    ).all()
    return dict(rows)


def _grid_worker_facts(
    s: Session, start: datetime, end: datetime, workers: dict[Hashable, str]
) -> dict[Hashable, GridWorkerFacts]:
    reports: dict[Hashable, dict[str, int]] = {}
    for reporter, state, n in s.execute(
        select(Case.reporter_id, Case.state, func.count())
        .where(Case.reported_at >= start, Case.reported_at < end, Case.reporter_id.is_not(None))
        .group_by(Case.reporter_id, Case.state)
    ):
        reports.setdefault(reporter, {})[state] = n

    in_month = (
        CaseEvent.action.in_(_CHECKS),
        CaseEvent.actor_role == Role.INSPECTOR.value,
        CaseEvent.at >= start,
        CaseEvent.at < end,
        CaseEvent.actor_id.is_not(None),
    )
    checked_cases = select(CaseEvent.case_id).where(*in_month)
    trail = s.execute(
        select(
            CaseEvent.case_id,
            CaseEvent.action,
            CaseEvent.actor_id,
            CaseEvent.at,
            CaseEvent.actor_role,
        )
        .where(
            CaseEvent.case_id.in_(checked_cases),
            CaseEvent.action.in_((Action.FEEDBACK.value, *_CHECKS)),
        )
        .order_by(CaseEvent.case_id, CaseEvent.id)
    )
    checks: dict[Hashable, list[int]] = {}  # worker → [checks, on time]
    feedback_at: dict[int, datetime] = {}  # case → its latest feedback so far
    for case_id, action, actor_id, at, role in trail:
        if action == Action.FEEDBACK.value:
            feedback_at[case_id] = at
            continue
        if role != Role.INSPECTOR.value or actor_id is None or not start <= at < end:
            continue
        tally = checks.setdefault(actor_id, [0, 0])
        tally[0] += 1
        given = feedback_at.get(case_id)
        if given is not None and check_on_time(given, at):
            tally[1] += 1

    out: dict[Hashable, GridWorkerFacts] = {}
    for worker in workers:
        by_state = reports.get(worker, {})
        total = sum(by_state.values())
        rejected = by_state.get(CaseState.NOT_REGISTERED.value, 0)
        pending = by_state.get(CaseState.REPORTED.value, 0)
        n_checks, on_time = checks.get(worker, [0, 0])
        out[worker] = GridWorkerFacts(
            reports=total,
            valid_reports=total - rejected - pending,
            rejected_reports=rejected,
            checks=n_checks,
            checks_on_time=on_time,
        )
    return out


# -- the deployment's weights ---------------------------------------------------------------
class WeightsFileError(ServiceError):
    """The weights file exists but cannot be used; the message names the file and why."""


class WeightsStore:
    """The evaluation weights in a JSON file; the district's defaults when it is absent."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> Weights:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return DEFAULT_WEIGHTS
        except OSError as exc:
            raise WeightsFileError(f"cannot read the weights file {self.path}: {exc}") from exc
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise WeightsFileError(
                f"the weights file {self.path} is not valid JSON (line {exc.lineno}): {exc.msg}"
            ) from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("weights"), dict):
            raise WeightsFileError(f'the weights file {self.path} must hold {{"weights": {{…}}}}')
        try:
            return Weights.from_dict(raw["weights"])
        except WeightsError as exc:
            raise WeightsFileError(f"the weights file {self.path}: {exc}") from exc

    def save(self, weights: Weights) -> None:
        """Write atomically (a temporary file renamed over the old one)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _write_json(self.path, {"version": 1, "weights": weights.as_dict()})


def _write_json(path: Path, data: object) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
