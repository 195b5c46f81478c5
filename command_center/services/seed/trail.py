"""A case's trail: its steps as the workflow plans them, how often each branch is taken,
and the notes the steps carry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from command_center.domain.calendar import TimeUnit
from command_center.domain.deadlines import TrailStep
from command_center.domain.workflow import (
    PAUSED_STATES,
    Action,
    CaseState,
    Role,
    Transition,
    plan_transition,
)

# Shares of the trail's branches (per case).
P_REJECT = {"inspector": 0.015, "hotline": 0.07, "public": 0.11, "camera": 0.04, "leader": 0.0}
P_WRONG_UNIT = 0.015
P_EXTENSION = 0.026
P_GRANT = 0.8
P_SUSPEND = 0.011
P_JUDICIAL = 0.002  # enforcement cases only
P_OVERDUE = 0.045
P_REWORK = 0.031
# Cases of the last two days are more often extended or sent back, so that today's board
# shows every open state (a handful each); over the year this changes the shares by ~3 %.
RECENT_DAYS, RECENT_BOOST = 2, 6.0

REPORT_NOTES = {
    "inspector": "",
    "hotline": ("12345市民服务热线转办", "12319城建服务热线"),
    "public": ("微信公众号市民上报",),
    "camera": ("智慧城管视频巡查发现",),
    "leader": ("领导交办",),
}
REJECT_NOTES = (
    "重复上报，已与在办案卷合并",
    "经核实不属于城市管理受理范围，已告知反映人",
    "现场核实问题不存在",
    "上报信息不全，无法定位",
)
REWORK_NOTES = ("现场核查未整改到位", "整改不彻底，仍有残留", "处置照片与现场不符，需重新处置")
EXTENSION_NOTES = (
    "需协调产权单位，申请延期",
    "维修材料采购中，申请延期",
    "涉及多部门联合处置，申请延期",
    "天气原因无法施工，申请延期",
)
DENY_NOTES = ("延期理由不充分，按原时限处置", "可先行临时处置，不予延期")
SUSPEND_NOTES = (
    "涉及产权纠纷，暂无法处置",
    "需列入年度维修计划",
    "冬季不具备施工条件",
    "待专项资金安排",
)
JUDICIAL = (
    ("police", "当事人阻碍执法，移送公安机关"),
    ("court", "当事人拒不履行处罚决定，申请人民法院强制执行"),
    ("procuratorate", "涉嫌违法犯罪线索，移送检察机关"),
)
FEEDBACK_NOTES = ("已处置完毕", "已清理完毕，恢复原状", "已责令当事人整改到位", "已维修完毕")
EXTENSION_AMOUNTS = {
    TimeUnit.WORKING_HOURS: (4, 8, 8),
    TimeUnit.WORKING_DAYS: (2, 3, 5),
    TimeUnit.NATURAL_HOURS: (2, 4, 24),
    TimeUnit.NATURAL_DAYS: (1, 2, 3),
}
COMPONENT_FAULTS = ("破损", "缺失", "松动", "倾斜", "污损")


class _Trail:
    """A case's trail as it is built: every step planned by the workflow itself."""

    __slots__ = ("steps", "state", "resume", "last")

    def __init__(self) -> None:
        self.steps: list[Transition] = []
        self.state: CaseState | None = None
        self.resume: CaseState | None = None
        self.last: datetime | None = None

    def step(
        self,
        action: Action,
        role: Role,
        actor: int,
        at: datetime,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> datetime:
        if self.last is not None and at < self.last + _MIN_GAP:
            at = self.last + _MIN_GAP
        t = plan_transition(
            self.state,
            action,
            role,
            at=at,
            actor_id=actor,
            note=note,
            resume_state=self.resume,
            data=data,
        )
        if t.to_state in PAUSED_STATES and t.from_state not in PAUSED_STATES:
            self.resume = t.from_state
        elif t.from_state in PAUSED_STATES:
            self.resume = None
        self.state = t.to_state
        self.steps.append(t)
        self.last = at
        return at


_MIN_GAP = timedelta(seconds=40)
# Plain-str values of the workflow's enums: the rows hold str, not enum members (psycopg
# would write an Enum's name), and a dict lookup is cheaper than `.value` per row.
_V: dict[Any, str] = {m: str(m.value) for e in (Action, CaseState, Role) for m in e}


def _trail_steps(steps: Sequence[Transition]) -> list[TrailStep]:
    return [TrailStep(s.at, s.from_state, s.to_state) for s in steps]
