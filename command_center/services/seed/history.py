"""A year of cases: each case's trail planned step by step by the workflow, cut at `now`,
and written out as case and event rows."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from command_center.domain.calendar import TimeLimit, WorkCalendar
from command_center.domain.catalogue import Catalogue, Category
from command_center.domain.deadlines import handling_deadline
from command_center.domain.workflow import (
    PAUSED_STATES,
    Action,
    CaseState,
    Role,
    Transition,
)
from command_center.services.seed.cameras import _Cameras
from command_center.services.seed.geography import DISTRICT_NAMES, _Cell, _Geography
from command_center.services.seed.organisation import _Organisation
from command_center.services.seed.report import SeedError
from command_center.services.seed.trail import (
    _V,
    COMPONENT_FAULTS,
    DENY_NOTES,
    EXTENSION_AMOUNTS,
    EXTENSION_NOTES,
    FEEDBACK_NOTES,
    JUDICIAL,
    P_EXTENSION,
    P_GRANT,
    P_JUDICIAL,
    P_OVERDUE,
    P_REJECT,
    P_REWORK,
    P_SUSPEND,
    P_WRONG_UNIT,
    RECENT_BOOST,
    RECENT_DAYS,
    REJECT_NOTES,
    REPORT_NOTES,
    REWORK_NOTES,
    SUSPEND_NOTES,
    _Trail,
    _trail_steps,
)
from command_center.services.seed.year import _categories_for, _locations, _times_and_sources


def _department_choice(cat: Category, n: int) -> int:
    """Which of a unit type's departments takes a category (order as in DEPARTMENTS)."""
    name = cat.name
    if cat.responsible_unit_type == "utilities" and n >= 3:
        if "燃气" in name or "输油" in name:
            return 2  # 燃气公司
        if "热" in name:
            return 1  # 热力公司
        return 0  # 自来水公司
    if cat.responsible_unit_type == "power_telecom" and n >= 2:
        power = ("电力", "变压器", "高压线", "立杆")
        return 0 if any(w in name for w in power) else 1  # 供电公司 / 通信
    return 0


class _History:
    """A year of cases up to `now`: each case's whole life is planned, then cut at `now`.

    Cutting at `now` is what leaves today's open cases in every open state, some overdue.
    """

    def __init__(
        self,
        geo: _Geography,
        org: _Organisation,
        cameras: _Cameras,
        catalogue: Catalogue,
        calendar: WorkCalendar,
        now: datetime,
        n: int,
        rng: np.random.Generator,
        rnd: random.Random,
        id_base: int,
    ) -> None:
        self.geo, self.org, self.cameras = geo, org, cameras
        self.calendar, self.now, self.n = calendar, now, n
        self.rng, self.rnd, self.id_base = rng, rnd, id_base
        self.categories = [c for c in catalogue]
        if not self.categories:
            raise SeedError("the catalogue is empty: no categories to file cases under")
        self.case_rows: list[dict[str, Any]] = []
        self.event_rows: list[dict[str, Any]] = []
        # Squads handle cases at different speeds (some are late more often).
        self.squad_lateness = {sid: float(rng.uniform(0.45, 1.7)) for sid in org.squads}
        self.chiefs = org.people[Role.SHIFT_CHIEF]

    # ---- the run ----

    def chunks(
        self, size: int, first: int | None = None
    ) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        """Plan the year, `size` cases at a time (`first` for the first chunk, so a writer
        waiting for it starts sooner): (case rows, their event rows) per chunk."""
        times, sources = _times_and_sources(self.calendar, self.now, self.n, self.rng)
        cat_idx = _categories_for(self.categories, times, self.rng)
        cells, lons, lats = _locations(
            self.geo, self.cameras, self.categories, cat_idx, sources, self.rng
        )
        day_seq: Counter[str] = Counter()
        bounds = [0, *range(first or size, self.n, size), self.n]
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            if lo >= hi:
                continue
            case_start = len(self.case_rows)
            self.event_rows = []
            for i in range(lo, hi):
                day = times[i].strftime("%Y%m%d")
                day_seq[day] += 1
                self._case(
                    i,
                    f"{day}{day_seq[day]:05d}",
                    times[i],
                    sources[i],
                    self.categories[cat_idx[i]],
                    int(cells[i]),
                    float(lons[i]),
                    float(lats[i]),
                )
            yield self.case_rows[case_start:], self.event_rows

    # ---- one case ----

    def _route(self, cat: Category, cell: _Cell) -> int:
        """The squad a case belongs to (street team, 专业大队 or a department's crew)."""
        rnd = self.rnd
        if cat.responsible_unit_type == "enforcement":
            for sid, codes in self.org.specialist:
                if cat.code in codes and rnd.random() < 0.6:
                    return sid
            return self.org.rgrid_squad[cell.rgrid]
        units = self.org.units_by_type.get(cat.responsible_unit_type)
        if not units:
            return self.org.rgrid_squad[cell.rgrid]
        unit = units[_department_choice(cat, len(units))]
        crews = self.org.squads_by_unit[unit]
        local = [s for s in crews if self.org.squads[s].district == cell.district]
        anywhere = [s for s in crews if self.org.squads[s].district is None]
        pool = local + anywhere if local or anywhere else crews
        return rnd.choice(pool)

    def _chief(self, at: datetime) -> int:
        """The shift chief on duty: four chiefs in 24-hour shifts from 08:00."""
        return self.chiefs[(at - timedelta(hours=8)).toordinal() % len(self.chiefs)]

    def _minutes(self, median: float, sigma: float = 0.8, cap: float = 60 * 24 * 60) -> timedelta:
        return timedelta(minutes=min(cap, median * math.exp(sigma * self.rnd.gauss(0.0, 1.0))))

    def _daytime(self, t: datetime) -> datetime:
        """Field work (patrols, repairs) happens 07:00–20:00: move a night time to morning."""
        if 7 <= t.hour < 20:
            return t
        base = t.replace(hour=7, minute=0, second=0, microsecond=0)
        if t.hour >= 20:
            base += timedelta(days=1)
        return base + timedelta(minutes=self.rnd.uniform(0, 50))

    def _case(
        self,
        i: int,
        case_no: str,
        t: datetime,
        source: str,
        cat: Category,
        cell_index: int,
        lon: float,
        lat: float,
    ) -> None:
        rnd, org = self.rnd, self.org
        cell = self.geo.cells[cell_index]
        inspector = org.rgrid_inspector[cell.rgrid]
        tr = _Trail()
        notes = REPORT_NOTES[source]
        note = rnd.choice(notes) if notes else ""
        if source == "inspector":
            tr.step(Action.REPORT, Role.INSPECTOR, inspector, t)
        else:
            tr.step(Action.REPORT, Role.INTAKE, rnd.choice(org.people[Role.INTAKE]), t, note)
        limit = cat.time_limit
        urgent = cat.urgent
        recent = RECENT_BOOST if self.now - t < timedelta(days=RECENT_DAYS) else 1.0
        dispatched_at: datetime | None = None
        extension = 0.0
        deadline: datetime | None = None
        squad_id: int | None = None

        if rnd.random() < P_REJECT[source]:
            at = t + self._minutes(25)
            tr.step(Action.REJECT, Role.SHIFT_CHIEF, self._chief(at), at, rnd.choice(REJECT_NOTES))
        else:
            at = tr.step(Action.REGISTER, Role.SHIFT_CHIEF, self._chief(t), t + self._minutes(20))
            squad_id = self._route(cat, cell)
            squad = org.squads[squad_id]
            dispatcher = rnd.choice(org.people[Role.DISPATCHER])
            at += self._minutes(4 if urgent else 18)
            if rnd.random() < P_WRONG_UNIT:
                wrong = rnd.choice([s for s in org.squads.values() if s.unit_id != squad.unit_id])
                at = tr.step(
                    Action.DISPATCH,
                    Role.DISPATCHER,
                    dispatcher,
                    at,
                    data={"unit_id": wrong.unit_id, "squad_id": wrong.id},
                )
                dispatched_at = at
                at += self._minutes(50)
                at = tr.step(
                    Action.TRANSFER_UNIT,
                    Role.DISPATCHER,
                    dispatcher,
                    at,
                    f"非本单位职责，转派至{org.unit_names[squad.unit_id]}",
                    {
                        "from_unit_id": wrong.unit_id,
                        "from_squad_id": wrong.id,
                        "unit_id": squad.unit_id,
                        "squad_id": squad_id,
                    },
                )
            else:
                at = tr.step(
                    Action.DISPATCH,
                    Role.DISPATCHER,
                    dispatcher,
                    at,
                    data={"unit_id": squad.unit_id, "squad_id": squad_id},
                )
                dispatched_at = at
            member = rnd.choice(squad.members)
            at += self._minutes(6 if urgent else 40)
            if not urgent:
                at = self._daytime(at)
            at = tr.step(Action.ACCEPT, Role.SQUAD, member, at)
            deadline = self._deadline(dispatched_at, limit, extension, tr.steps)
            assert deadline is not None
            accepted_steps = len(tr.steps)
            ended = False

            if rnd.random() < P_EXTENSION * recent:
                span = max((deadline - at).total_seconds(), 600.0)
                at = tr.step(
                    Action.REQUEST_EXTENSION,
                    Role.SQUAD,
                    member,
                    at + timedelta(seconds=span * rnd.uniform(0.3, 0.9)),
                    rnd.choice(EXTENSION_NOTES),
                    {
                        "amount": float(rnd.choice(EXTENSION_AMOUNTS[limit.unit])),
                        "unit": limit.unit.value,
                    },
                )
                amount = tr.steps[-1].data["amount"]
                at = self._daytime(at + self._minutes(240, 1.0))  # the approver's desk
                decider = rnd.choice(org.people[Role.DISPATCHER])
                if rnd.random() < P_GRANT:
                    at = tr.step(
                        Action.GRANT_EXTENSION,
                        Role.DISPATCHER,
                        decider,
                        at,
                        data={"amount": amount, "unit": limit.unit.value},
                    )
                    extension += amount
                else:
                    at = tr.step(
                        Action.DENY_EXTENSION, Role.DISPATCHER, decider, at, rnd.choice(DENY_NOTES)
                    )

            if rnd.random() < P_SUSPEND:
                at += self._minutes(90)
                who = (
                    (Role.SUPERVISOR, rnd.choice(org.people[Role.SUPERVISOR]))
                    if rnd.random() < 0.3
                    else (Role.SHIFT_CHIEF, self._chief(at))
                )
                at = tr.step(Action.SUSPEND, who[0], who[1], at, rnd.choice(SUSPEND_NOTES))
                at += timedelta(days=min(200.0, 12.0 * math.exp(0.9 * rnd.gauss(0, 1))))
                at = self._daytime(at)
                if cat.responsible_unit_type == "enforcement" and rnd.random() < 0.08:
                    body, why = rnd.choice(JUDICIAL)
                    tr.step(
                        Action.TRANSFER_JUDICIAL,
                        Role.SHIFT_CHIEF,
                        self._chief(at),
                        at,
                        why,
                        {"body": body},
                    )
                    ended = True
                else:
                    at = tr.step(
                        Action.RESUME, Role.SHIFT_CHIEF, self._chief(at), at, "条件具备，解除挂账"
                    )

            if (
                not ended
                and cat.responsible_unit_type == "enforcement"
                and rnd.random() < P_JUDICIAL
            ):
                at += self._minutes(300, 1.0)
                body, why = rnd.choice(JUDICIAL[:2])
                who = (
                    (Role.SUPERVISOR, rnd.choice(org.people[Role.SUPERVISOR]))
                    if rnd.random() < 0.3
                    else (Role.SHIFT_CHIEF, self._chief(at))
                )
                tr.step(Action.TRANSFER_JUDICIAL, who[0], who[1], at, why, {"body": body})
                ended = True

            if not ended:
                if len(tr.steps) > accepted_steps:  # paused or extended: the clock moved
                    deadline = self._deadline(dispatched_at, limit, extension, tr.steps)
                    assert deadline is not None
                at = self._handle(at, deadline, urgent, squad_id)
                at = tr.step(Action.FEEDBACK, Role.SQUAD, member, at, rnd.choice(FEEDBACK_NOTES))
                at = self._daytime(at + self._minutes(360, 1.0))  # next patrol
                if rnd.random() < P_REWORK * recent:
                    at = tr.step(
                        Action.RETURN_FOR_REWORK,
                        Role.INSPECTOR,
                        inspector,
                        at,
                        rnd.choice(REWORK_NOTES),
                    )
                    if rnd.random() < 0.5:
                        at = tr.step(
                            Action.ACCEPT,
                            Role.SQUAD,
                            member,
                            self._daytime(at + self._minutes(120)),
                        )
                    at = self._daytime(at + self._minutes(600, 1.0))
                    at = tr.step(Action.FEEDBACK, Role.SQUAD, member, at, "返工完毕")
                    at = self._daytime(at + self._minutes(360, 1.0))  # next patrol
                at = tr.step(Action.VERIFY, Role.INSPECTOR, inspector, at, "现场核查已整改")
                at += self._minutes(60, 0.9)
                tr.step(Action.CLOSE, Role.SHIFT_CHIEF, self._chief(at), at)

        self._record(i, case_no, tr, t, source, cat, cell, lon, lat, deadline)

    def _deadline(
        self,
        dispatched_at: datetime,
        limit: TimeLimit,
        extension: float,
        steps: Sequence[Transition],
    ) -> datetime | None:
        """The handling deadline from the trail, as the case service computes it. Without a
        pause in the trail that is plain `calendar.add` (what `handling_deadline` reduces to),
        taken directly because it is a third of the planning time."""
        if not any(s.to_state in PAUSED_STATES for s in steps):
            return self.calendar.add(dispatched_at, TimeLimit(limit.amount + extension, limit.unit))
        return handling_deadline(
            self.calendar, dispatched_at, limit, extension, _trail_steps(steps)
        )

    def _handle(self, start: datetime, deadline: datetime, urgent: bool, squad_id: int) -> datetime:
        """When the squad feeds back: mostly within the limit, a share late (a long tail)."""
        rnd = self.rnd
        if rnd.random() < P_OVERDUE * self.squad_lateness[squad_id]:
            late = max(deadline, start) + self._minutes(16 * 60, 1.3, cap=60 * 24 * 90)
            return late if urgent else self._daytime(late)
        span = (deadline - start).total_seconds()
        if span <= 120:
            return start + timedelta(seconds=60)
        h = start + timedelta(seconds=span * rnd.betavariate(2.2, 1.6) * 0.97)
        if not urgent:
            moved = self._daytime(h)
            if moved <= deadline:
                h = moved
        return h

    def _record(
        self,
        i: int,
        case_no: str,
        tr: _Trail,
        reported_at: datetime,
        source: str,
        cat: Category,
        cell: _Cell,
        lon: float,
        lat: float,
        deadline: datetime | None,
    ) -> None:
        """The case row and its event rows as the trail stands at `now`."""
        now = self.now
        steps = tr.steps
        cut = len(steps)
        while steps[cut - 1].at > now:
            cut -= 1
        kept = steps[:cut]
        truncated = cut < len(steps)
        case_id = self.id_base + i + 1
        state = kept[-1].to_state
        registered = dispatched = handled = verified = closed = None
        unit_id = squad_id = None
        resume_state = transferred_to = None
        rework = ext_count = suspends = 0
        ext_amount = 0.0
        for s in kept:
            a = s.action
            if a is Action.REGISTER:
                registered = s.at
            elif a is Action.DISPATCH:
                dispatched = s.at
                unit_id, squad_id = s.data["unit_id"], s.data["squad_id"]
            elif a is Action.TRANSFER_UNIT:
                unit_id, squad_id = s.data["unit_id"], s.data["squad_id"]
            elif a is Action.FEEDBACK:
                handled = s.at
            elif a is Action.RETURN_FOR_REWORK:
                rework += 1
                handled = None
            elif a is Action.VERIFY:
                verified = s.at
            elif a is Action.CLOSE:
                closed = s.at
            elif a is Action.GRANT_EXTENSION:
                ext_count += 1
                ext_amount += s.data["amount"]
            elif a is Action.SUSPEND:
                suspends += 1
            elif a is Action.TRANSFER_JUDICIAL:
                transferred_to = s.data["body"]
            if s.to_state in PAUSED_STATES and s.from_state not in PAUSED_STATES:
                resume_state = _V[s.from_state] if s.from_state else None
        if state not in PAUSED_STATES:
            resume_state = None
        due: datetime | None = None
        if (
            dispatched is not None
            and state not in PAUSED_STATES
            and state is not CaseState.TRANSFERRED
        ):
            due = (
                deadline
                if not truncated
                else self._deadline(dispatched, cat.time_limit, ext_amount, kept)
            )
        district = DISTRICT_NAMES[cell.district]
        street = self.geo.streets[cell.street]
        community = self.geo.communities[cell.community]
        if cat.kind.value == "component":
            fault = (
                "不亮"
                if "灯" in cat.name and self.rnd.random() < 0.6
                else self.rnd.choice(COMPONENT_FAULTS)
            )
            description = f"{cat.name}{fault}"
        else:
            description = cat.name
        self.case_rows.append(
            {
                "id": case_id,
                "case_no": case_no,
                "kind": cat.kind.value,
                "category_code": cat.code,
                "source": source,
                "description": description,
                "address": f"{district}{street.name}{community.name}（网格{cell.code[-3:]}号）",
                "lon": lon,
                "lat": lat,
                "district_code": cell.district,
                "grid_code": cell.code,
                "state": _V[state],
                "resume_state": resume_state,
                "urgent": cat.urgent,
                "reporter_id": kept[0].actor_id,
                "unit_id": unit_id,
                "squad_id": squad_id,
                "time_limit": cat.time_limit.amount,
                "time_unit": cat.time_limit.unit.value,
                "reported_at": reported_at,
                "registered_at": registered,
                "dispatched_at": dispatched,
                "handled_at": handled,
                "verified_at": verified,
                "closed_at": closed,
                "deadline_at": due,
                "extension_amount": ext_amount,
                "rework_count": rework,
                "extension_count": ext_count,
                "suspend_count": suspends,
                "transferred_to": transferred_to,
                "updated_at": kept[-1].at,
                "version": len(kept),
            }
        )
        for s in kept:
            self.event_rows.append(
                {
                    "case_id": case_id,
                    "action": _V[s.action],
                    "from_state": _V[s.from_state] if s.from_state else None,
                    "to_state": _V[s.to_state],
                    "actor_id": s.actor_id,
                    "actor_role": _V[s.role],
                    "at": s.at,
                    "note": s.note,
                    "data": s.data or None,
                }
            )
