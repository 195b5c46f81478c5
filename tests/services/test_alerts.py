"""Desk alerts: a dispatch not accepted in time, deadlines due soon and past."""

from __future__ import annotations

from datetime import timedelta

from command_center.domain.workflow import Role as R
from command_center.services.alerts import desk_alerts


def test_not_accepted_due_soon_and_overdue(org):
    svc, a = org.service, org.actors
    waiting = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515, lat=41.5705).case_id
    svc.register(a[R.SHIFT_CHIEF], waiting)
    svc.dispatch(a[R.DISPATCHER], waiting, squad_id=org.squad_ids[0])
    store = svc.store
    now = org.clock()
    assert desk_alerts(store, now + timedelta(minutes=10)).not_accepted == ()
    late = desk_alerts(store, now + timedelta(minutes=20)).not_accepted
    assert [(i, str(d)) for i, _, d in late] == [(waiting, "0:05:00")]
    svc.accept(a[R.SQUAD], waiting)
    assert desk_alerts(store, now + timedelta(minutes=20)).not_accepted == ()
    with store.read() as s:
        from command_center.store.models import Case

        deadline = s.get(Case, waiting).deadline_at
    soon = desk_alerts(store, deadline - timedelta(minutes=30))
    assert [i for i, _ in soon.due_soon] == [waiting] and soon.overdue == ()
    past = desk_alerts(store, deadline + timedelta(minutes=1))
    assert [i for i, _ in past.overdue] == [waiting] and past.due_soon == ()
    assert past.numbers[waiting].startswith("2026")


def test_a_declined_dispatch_and_an_extension_request_wait_on_the_desk(org):
    svc, a = org.service, org.actors
    store, now = svc.store, org.clock()
    ids = []
    for _ in range(3):
        cid = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                         lat=41.5705).case_id
        svc.register(a[R.SHIFT_CHIEF], cid)
        svc.dispatch(a[R.DISPATCHER], cid, squad_id=org.squad_ids[0])
        ids.append(cid)
    back, asking, fine = ids
    svc.decline(a[R.SQUAD], back, note="不属本中队")
    svc.request_extension(a[R.SQUAD], asking, amount=4, note="等待配件")
    alerts = desk_alerts(store, now)
    assert [i for i, _ in alerts.declined] == [back]
    assert [i for i, _ in alerts.extension_requests] == [asking]
    assert fine not in {i for i, _ in alerts.declined + alerts.extension_requests}
    svc.dispatch(a[R.DISPATCHER], back, squad_id=org.squad_ids[1])  # sent again
    svc.deny_extension(a[R.DISPATCHER], asking, note="时限内可完成")
    alerts = desk_alerts(store, now)
    assert alerts.declined == () and alerts.extension_requests == ()
