"""The closed loop's use cases: one transaction each, enforcing the workflow and the roles.

Every method takes the `Actor` doing it and, for an existing case, the `expected_version` the
actor saw: if another workstation changed the case since, a `ConflictError` is raised and
nothing is written (optimistic locking; the row's version is also checked by the UPDATE itself,
so two desks acting in the same instant cannot both win).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from command_center.domain.calendar import CST, TimeLimit, TimeUnit, WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.domain.deadlines import TrailStep, handling_deadline
from command_center.domain.workflow import (
    Action,
    CaseState,
    Role,
    WorkflowError,
    plan_transition,
)
from command_center.services import changelog
from command_center.services.changelog import default_workstation
from command_center.services.changes import Changes, ConflictError, NotFound, ServiceError
from command_center.services.locate import GridLocator
from command_center.store.engine import Store
from command_center.store.models import Case, CaseEvent, Person, PersonRole, Squad, Unit

log = logging.getLogger("dispatch")

JUDICIAL_BODIES = {"police": "公安机关", "procuratorate": "检察机关", "court": "人民法院"}
SOURCES = ("inspector", "hotline", "public", "camera", "leader")
CASE_NO_LOCK = 0x43430001  # PostgreSQL advisory-lock namespace for case numbering


@dataclass(frozen=True)
class Actor:
    """Who acts, in which role. `person_id` None is the system itself (e.g. the simulator)."""

    person_id: int | None
    role: Role


class CaseService:
    """The use cases of the closed loop on one store."""

    def __init__(
        self,
        store: Store,
        catalogue: Catalogue,
        calendar: WorkCalendar,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(CST),
        locator: GridLocator | None = None,
        workstation: str | None = None,
    ) -> None:
        self.store = store
        self.catalogue = catalogue
        self.calendar = calendar
        self.clock = clock
        self.locator = locator or GridLocator(store)
        self.workstation = (workstation or default_workstation())[:64]

    # -- intake ---------------------------------------------------------------------------
    def report(
        self,
        actor: Actor,
        *,
        category_code: str,
        lon: float,
        lat: float,
        description: str = "",
        address: str = "",
        source: str = "inspector",
        note: str = "",
    ) -> Changes:
        """上报: a new case at a point, with its category; located on its unit grid."""
        category = self.catalogue.get(category_code)
        if category is None:
            raise ServiceError(f"unknown category code {category_code!r}")
        if source not in SOURCES:
            raise ServiceError(f"unknown source {source!r}; one of: {', '.join(SOURCES)}")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ServiceError(f"position ({lon}, {lat}) is not a longitude/latitude")
        now = self.clock()
        step = plan_transition(
            None, Action.REPORT, actor.role, at=now, actor_id=actor.person_id, note=note
        )
        grid = self.locator.locate(lon, lat)
        for attempt in range(5):
            try:
                with self.store.transaction() as s:
                    self._check_actor(s, actor)
                    case = Case(
                        case_no=_next_case_no(s, now),
                        kind=category.kind.value,
                        category_code=category.code,
                        source=source,
                        description=description,
                        address=address,
                        lon=lon,
                        lat=lat,
                        district_code=grid[:6] if grid else None,
                        grid_code=grid,
                        state=step.to_state.value,
                        urgent=category.urgent,
                        reporter_id=actor.person_id,
                        time_limit=category.time_limit.amount,
                        time_unit=category.time_limit.unit.value,
                        reported_at=now,
                        updated_at=now,
                    )
                    s.add(case)
                    s.flush()
                    event = _record(s, case, step, workstation=self.workstation)
                    changes = Changes.of(cases=case.id, case_events=event.id)
                    changelog.record(s, changes, self.workstation, now)
                    return changes
            except IntegrityError as exc:
                # Two workstations numbered a case in the same instant: take the next number.
                if "case_no" not in str(exc.orig) or attempt == 4:
                    raise
                log.info("case number taken by another workstation; retrying")
        raise AssertionError("unreachable")

    def register(self, actor: Actor, case_id: int, *, expected_version: int | None = None,
                 note: str = "") -> Changes:
        """立案: the shift chief accepts the report as a case."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            case.registered_at = at
        return self._act(actor, case_id, Action.REGISTER, expected_version, note, apply)

    def reject(self, actor: Actor, case_id: int, *, note: str,
               expected_version: int | None = None) -> Changes:
        """不予立案: the report is not a case (duplicate, outside scope, not confirmed)."""
        return self._act(actor, case_id, Action.REJECT, expected_version, note)

    # -- dispatch and handling ------------------------------------------------------------
    def dispatch(self, actor: Actor, case_id: int, *, squad_id: int | None = None,
                 unit_id: int | None = None, expected_version: int | None = None,
                 note: str = "") -> Changes:
        """派遣: send the case to a handling unit (and optionally one of its squads)."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            self._assign(s, case, squad_id, unit_id, data)
            case.dispatched_at = at
            case.deadline_at = self._deadline(s, case, extra_step=None)
        return self._act(actor, case_id, Action.DISPATCH, expected_version, note, apply)

    def accept(self, actor: Actor, case_id: int, *, expected_version: int | None = None,
               note: str = "") -> Changes:
        """接收: the handling unit starts work."""
        return self._act(actor, case_id, Action.ACCEPT, expected_version, note)

    def decline(self, actor: Actor, case_id: int, *, note: str,
                expected_version: int | None = None) -> Changes:
        """退回: the squad refuses the dispatch before starting work (not its area or duty,
        no capacity); the case goes back to the dispatcher's 待派遣 list with the reason, and
        the handling clock starts again at the next dispatch. The trail keeps who declined
        (`data.squad_id`), so the recommendation can leave that squad out."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            data.update(unit_id=case.unit_id, squad_id=case.squad_id)
            case.unit_id = case.squad_id = None
            case.dispatched_at = case.deadline_at = None
        return self._act(actor, case_id, Action.DECLINE, expected_version, note, apply)

    def feedback(self, actor: Actor, case_id: int, *, note: str = "",
                 expected_version: int | None = None) -> Changes:
        """处置反馈: the handling unit reports the work done."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            case.handled_at = at
        return self._act(actor, case_id, Action.FEEDBACK, expected_version, note, apply)

    def verify(self, actor: Actor, case_id: int, *, expected_version: int | None = None,
               note: str = "") -> Changes:
        """核查: an inspector re-checks on site and finds it fixed."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            case.verified_at = at
        return self._act(actor, case_id, Action.VERIFY, expected_version, note, apply)

    def return_for_rework(self, actor: Actor, case_id: int, *, note: str,
                          expected_version: int | None = None) -> Changes:
        """返工: the on-site check failed; the case goes back to the handling unit."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            case.rework_count += 1
            case.handled_at = None
        return self._act(actor, case_id, Action.RETURN_FOR_REWORK, expected_version, note, apply)

    def close(self, actor: Actor, case_id: int, *, expected_version: int | None = None,
              note: str = "") -> Changes:
        """结案: the shift chief closes a verified case."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            case.closed_at = at
        return self._act(actor, case_id, Action.CLOSE, expected_version, note, apply)

    # -- pauses ---------------------------------------------------------------------------
    def request_extension(self, actor: Actor, case_id: int, *, amount: float, note: str,
                          expected_version: int | None = None) -> Changes:
        """申请延期: the clock stops until the request is decided. `amount` is in the case's
        own time unit (e.g. 8 more working hours)."""
        if amount <= 0:
            raise ServiceError("an extension must be a positive amount of time")
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            case.resume_state = case.state  # still the state before this action
            case.deadline_at = None
            data["amount"] = amount
            data["unit"] = case.time_unit
        return self._act(actor, case_id, Action.REQUEST_EXTENSION, expected_version, note, apply)

    def grant_extension(self, actor: Actor, case_id: int, *, amount: float | None = None,
                        expected_version: int | None = None, note: str = "") -> Changes:
        """批准延期: the limit grows by the amount asked (or the amount given here)."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            asked = amount if amount is not None else _requested_amount(s, case)
            if asked <= 0:
                raise ServiceError("an extension must be a positive amount of time")
            case.extension_amount += asked
            case.extension_count += 1
            case.resume_state = None
            data["amount"] = asked
            data["unit"] = case.time_unit
        return self._act(actor, case_id, Action.GRANT_EXTENSION, expected_version, note, apply,
                         recompute_deadline=True)

    def deny_extension(self, actor: Actor, case_id: int, *, note: str,
                       expected_version: int | None = None) -> Changes:
        """驳回延期: the clock runs again on the original limit."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            case.resume_state = None
        return self._act(actor, case_id, Action.DENY_EXTENSION, expected_version, note, apply,
                         recompute_deadline=True)

    def suspend(self, actor: Actor, case_id: int, *, note: str,
                expected_version: int | None = None) -> Changes:
        """挂账: the case cannot be solved now; the clock stops."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            case.resume_state = case.state  # still the state before this action
            case.suspend_count += 1
            case.deadline_at = None
        return self._act(actor, case_id, Action.SUSPEND, expected_version, note, apply)

    def resume(self, actor: Actor, case_id: int, *, expected_version: int | None = None,
               note: str = "") -> Changes:
        """解除挂账: back to where it was, the clock running again."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            case.resume_state = None
        return self._act(actor, case_id, Action.RESUME, expected_version, note, apply,
                         recompute_deadline=True)

    # -- transfers ------------------------------------------------------------------------
    def transfer_unit(self, actor: Actor, case_id: int, *, note: str, squad_id: int | None = None,
                      unit_id: int | None = None, expected_version: int | None = None) -> Changes:
        """转派: the case goes to another handling unit; its clock keeps running."""
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            data["from_unit_id"] = case.unit_id
            data["from_squad_id"] = case.squad_id
            self._assign(s, case, squad_id, unit_id, data)
        return self._act(actor, case_id, Action.TRANSFER_UNIT, expected_version, note, apply)

    def transfer_judicial(self, actor: Actor, case_id: int, *, body: str, note: str,
                          expected_version: int | None = None) -> Changes:
        """移送: hand the case to the police, the procuratorate or a court."""
        if body not in JUDICIAL_BODIES:
            raise ServiceError(f"unknown body {body!r}; one of: {', '.join(JUDICIAL_BODIES)}")
        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            case.transferred_to = body
            case.deadline_at = None
            data["body"] = body
        return self._act(actor, case_id, Action.TRANSFER_JUDICIAL, expected_version, note, apply)

    # -- machinery ------------------------------------------------------------------------
    def _act(
        self,
        actor: Actor,
        case_id: int,
        action: Action,
        expected_version: int | None,
        note: str,
        apply: Callable[[Session, Case, datetime, dict], None] | None = None,
        *,
        recompute_deadline: bool = False,
    ) -> Changes:
        now = self.clock()
        try:
            with self.store.transaction() as s:
                self._check_actor(s, actor)
                case = s.get(Case, case_id)
                if case is None:
                    raise NotFound(f"no case with id {case_id}")
                if expected_version is not None and case.version != expected_version:
                    raise _conflict(case)
                step = plan_transition(
                    CaseState(case.state),
                    action,
                    actor.role,
                    at=now,
                    actor_id=actor.person_id,
                    note=note,
                    resume_state=CaseState(case.resume_state) if case.resume_state else None,
                )
                data: dict[str, Any] = {}
                with s.no_autoflush:  # one UPDATE per action: the version goes up by one
                    if apply is not None:
                        apply(s, case, now, data)
                    case.state = step.to_state.value
                    case.updated_at = now
                    if recompute_deadline and case.dispatched_at is not None:
                        case.deadline_at = self._deadline(s, case, extra_step=step)
                event = _record(s, case, step, data, workstation=self.workstation)
                s.flush()
                log.info("%s case %s: %s → %s by %s", action.value, case.case_no,
                         step.from_state, step.to_state, actor.role.value)
                changes = Changes.of(cases=case.id, case_events=event.id)
                changelog.record(s, changes, self.workstation, now)
                return changes
        except StaleDataError:
            raise ConflictError(
                f"case {case_id} was changed by another workstation at the same moment; "
                "nothing was saved: reload it and try again"
            ) from None
        except OperationalError as exc:
            if "locked" in str(exc.orig).lower():
                raise ConflictError(
                    f"case {case_id} is being changed by another workstation; try again"
                ) from None
            raise

    def _check_actor(self, s: Session, actor: Actor) -> None:
        check_actor(s, actor)

    def _assign(self, s: Session, case: Case, squad_id: int | None, unit_id: int | None,
                data: dict) -> None:
        if squad_id is None and unit_id is None:
            raise ServiceError("dispatch needs a handling unit or squad")
        if squad_id is not None:
            squad = s.get(Squad, squad_id)
            if squad is None:
                raise NotFound(f"no squad with id {squad_id}")
            if unit_id is not None and unit_id != squad.unit_id:
                raise ServiceError(f"squad {squad.name} does not belong to unit {unit_id}")
            unit_id = squad.unit_id
        elif s.get(Unit, unit_id) is None:
            raise NotFound(f"no unit with id {unit_id}")
        case.unit_id, case.squad_id = unit_id, squad_id
        data.update(unit_id=unit_id, squad_id=squad_id)

    def _deadline(self, s: Session, case: Case, extra_step) -> datetime | None:
        if case.time_limit is None or case.time_unit is None or case.dispatched_at is None:
            return None
        trail = [
            TrailStep(at, CaseState(f) if f else None, CaseState(t))
            for at, f, t in s.execute(
                select(CaseEvent.at, CaseEvent.from_state, CaseEvent.to_state)
                .where(CaseEvent.case_id == case.id)
                .order_by(CaseEvent.id)
            )
        ]
        if extra_step is not None:
            trail.append(TrailStep(extra_step.at, extra_step.from_state, extra_step.to_state))
        limit = TimeLimit(case.time_limit, TimeUnit(case.time_unit))
        return handling_deadline(
            self.calendar, case.dispatched_at, limit, case.extension_amount or 0.0, trail
        )


def check_actor(s: Session, actor: Actor) -> None:
    """The person must exist, be active and hold the role they act in; without a person
    only the system itself (admin) may act. Every service that writes checks this."""
    if actor.person_id is None:
        if actor.role is not Role.ADMIN:
            raise WorkflowError("only the system itself (admin) may act without a person")
        return
    person = s.get(Person, actor.person_id)
    if person is None or not person.active:
        raise WorkflowError(f"person {actor.person_id} is unknown or inactive")
    held = s.scalar(
        select(func.count()).select_from(PersonRole).where(
            PersonRole.person_id == actor.person_id, PersonRole.role == actor.role.value
        )
    )
    if not held:
        raise WorkflowError(f"{person.name} does not hold the role {actor.role.value}")


def _record(
    s: Session, case: Case, step, data: dict | None = None, *, workstation: str | None = None
) -> CaseEvent:
    event = CaseEvent(
        workstation=workstation,
        case_id=case.id,
        action=step.action.value,
        from_state=step.from_state.value if step.from_state else None,
        to_state=step.to_state.value,
        actor_id=step.actor_id,
        actor_role=step.role.value,
        at=step.at,
        note=step.note,
        data={**step.data, **(data or {})} or None,
    )
    s.add(event)
    s.flush()
    return event


def _conflict(case: Case) -> ConflictError:
    return ConflictError(
        f"case {case.case_no} was changed by another workstation (now {case.state}, "
        f"version {case.version}); nothing was saved: reload it and try again"
    )


def _requested_amount(s: Session, case: Case) -> float:
    data = s.scalar(
        select(CaseEvent.data)
        .where(CaseEvent.case_id == case.id, CaseEvent.action == Action.REQUEST_EXTENSION.value)
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )
    return float((data or {}).get("amount", 0))


def _next_case_no(s: Session, at: datetime) -> str:
    """Case numbers are the day (CST) and a running number: 2026112700012."""
    day = at.astimezone(CST).strftime("%Y%m%d")
    if s.get_bind().dialect.name == "postgresql":
        # Numbering is serialised per day for the rest of this transaction (SQLite already
        # serialises writers with BEGIN IMMEDIATE); the retry in `report` stays as a fallback.
        s.execute(select(func.pg_advisory_xact_lock(CASE_NO_LOCK, int(day))))
    last = s.scalar(select(func.max(Case.case_no)).where(Case.case_no.like(f"{day}%")))
    seq = int(last[len(day):]) + 1 if last else 1
    return f"{day}{seq:05d}"
