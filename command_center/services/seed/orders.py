"""What follows the year: supervisors' orders (督办) about late cases, squads' status today."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from command_center.domain.workflow import Role
from command_center.services.seed.organisation import _Organisation


def _build_orders(
    case_rows: list[dict[str, Any]],
    org: _Organisation,
    rnd: random.Random,
    now: datetime,
    id_base: int,
) -> list[dict[str, Any]]:
    """督办: supervisors' orders to the handling units about overdue cases.

    Some about cases overdue now (issued or acknowledged), more about cases that were late
    and have since been handled (done).
    """
    supervisors = org.people[Role.SUPERVISOR]
    open_overdue = [
        r
        for r in case_rows
        if r["state"] in ("dispatched", "in_progress", "rework")
        and r["deadline_at"] is not None
        and r["deadline_at"] < now
        and (now - r["deadline_at"]) > timedelta(hours=1)
    ]
    done = [
        r
        for r in case_rows
        if r["state"] == "closed"
        and r["handled_at"] is not None
        and r["deadline_at"] is not None
        and r["handled_at"] - r["deadline_at"] > timedelta(hours=3)
    ]
    picks = rnd.sample(open_overdue, min(6, len(open_overdue)))
    picks += rnd.sample(done[-400:], min(14, len(done[-400:])))
    orders: list[dict[str, Any]] = []
    for row in sorted(picks, key=lambda r: r["deadline_at"]):
        due_at = row["deadline_at"]
        until = row["handled_at"] if row["state"] == "closed" else now
        issued = _office_hours(due_at + (until - due_at) * rnd.uniform(0.2, 0.5), rnd)
        if not due_at < issued < until:
            continue  # no office hours between the deadline and the fix
        if row["state"] == "closed":
            ack_at = issued + (until - issued) * rnd.uniform(0.1, 0.4)
            status, done_at = "done", until
        else:
            status = rnd.choice(("issued", "acknowledged"))
            ack_at = issued + (until - issued) * 0.3 if status == "acknowledged" else None
            done_at = None
        orders.append(
            {
                "id": id_base + len(orders) + 1,
                "code": f"DB{issued:%Y%m%d}{len(orders) + 1:03d}",
                "title": f"关于案卷{row['case_no']}超期未处置的督办",
                "body": f"案卷{row['case_no']}（{row['description']}，{row['address']}）已超过处置时限，"
                "请立即组织处置并反馈结果。",
                "issued_by": rnd.choice(supervisors),
                "issued_at": issued,
                "unit_id": row["unit_id"],
                "squad_id": row["squad_id"],
                "case_id": row["id"],
                "due_at": issued + timedelta(days=1),
                "status": status,
                "acknowledged_at": ack_at,
                "done_at": done_at,
            }
        )
    return orders


def _office_hours(t: datetime, rnd: random.Random) -> datetime:
    """The first moment from `t` on when a supervisor is at the desk (08:30–17:30)."""
    if t.hour < 8 or (t.hour == 8 and t.minute < 30):
        t = t.replace(hour=8, minute=30, second=0) + timedelta(minutes=rnd.uniform(0, 60))
    elif t.hour >= 17 and not (t.hour == 17 and t.minute < 30):
        t = (t + timedelta(days=1)).replace(hour=8, minute=30, second=0) + timedelta(
            minutes=rnd.uniform(0, 60)
        )
    return t.replace(microsecond=0)


def _set_squad_status(
    org: _Organisation, case_rows: list[dict[str, Any]], rnd: random.Random, now: datetime
) -> None:
    """Squads working on an open case are busy and stand near it; others are available,
    or off duty (most of them at night)."""
    working: dict[int, dict[str, Any]] = {}
    for r in case_rows:
        if r["state"] in ("in_progress", "rework") and r["squad_id"] is not None:
            working[r["squad_id"]] = r
    night = not (7 <= now.hour < 20)
    for row in org.squad_rows:
        case = working.get(row["id"])
        if case is not None:
            row["status"] = "busy"
            row["lon"] = round(case["lon"] + rnd.uniform(-0.0004, 0.0004), 7)
            row["lat"] = round(case["lat"] + rnd.uniform(-0.0003, 0.0003), 7)
        else:
            off = rnd.random() < (0.7 if night else 0.12)
            row["status"] = "off_duty" if off else "available"
            home = org.squads[row["id"]].home
            row["lon"] = round(home[0] + rnd.uniform(-0.0008, 0.0008), 7)
            row["lat"] = round(home[1] + rnd.uniform(-0.0006, 0.0006), 7)
        row["position_at"] = (now - timedelta(seconds=rnd.randint(5, 900))).replace(microsecond=0)
