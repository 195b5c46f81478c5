"""关联台账 on the case panel: the linked object, the candidates near the case (the
category's registries first, nearest first), linking and unlinking through the registry
service on both databases, and who may do it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from command_center.domain.workflow import Role
from command_center.services.case_detail import CaseDetail, load_case_detail
from command_center.services.cases import Actor
from command_center.services.registries import RegistryService
from command_center.ui.case_detail import CaseDetailPanel, connect_registry_link
from tests.services.conftest import org  # noqa: F401 — the organisation fixture

R = Role
LON, LAT = 120.4505, 41.5705
M_LON = 1 / 83_330.0  # degrees of longitude per metre at 41.57° N
M_LAT = 1 / 111_130.0


def east(m: float) -> float:
    return LON + m * M_LON


def sync_run(
    fn: Callable[[], object],
    done: Callable[[object], object],
    failed: Callable[[BaseException], object],
) -> None:
    """`TaskManager.run` without the thread: the test sees the result at once."""
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001 — handed on, as the worker does
        failed(exc)
        return
    done(result)


@pytest.fixture
def city(store, org):  # noqa: F811
    """A manhole-cover case (0101: a municipal component) with objects around it."""
    reg = RegistryService(store, clock=org.clock, workstation="desk-1")
    inspector = org.actors[R.INSPECTOR]
    org.service.report(inspector, category_code="0101", lon=LON, lat=LAT, description="井盖缺失")
    (case_id,) = [c.id for c in _cases(store)]

    def make(kind: str, name: str, metres: float, **attrs) -> int:
        oid, _ = reg.create(inspector, kind, name=name, lon=east(metres), lat=LAT, attrs=attrs)
        return oid

    ids = {
        "far_cover": make("components", "井盖乙", 60, component_type="manhole"),
        "near_cover": make("components", "井盖甲", 20, component_type="manhole"),
        "market": make(
            "markets",
            "站前市场",
            10,
            market_type="farmers",
            stalls=40,
            opens="06:00",
            closes="18:00",
        ),
        "sign": make("ad_signs", "牌匾", 120, sign_type="shop_sign"),
        "too_far": make("parking", "停车场", 220, parking_type="car_park", capacity=50),
    }
    return reg, case_id, ids


def _panel(qtbot, store, org, reg, case_id, roles, actor):  # noqa: F811
    panel = CaseDetailPanel()
    qtbot.addWidget(panel)

    def load() -> CaseDetail:
        return load_case_detail(store, org.service.catalogue, case_id, org.clock(), registries=reg)

    def reload(_case_id: int) -> None:
        panel.show_detail(load(), roles, org.clock())

    connect_registry_link(panel, reg, sync_run, actor, on_linked=reload)
    panel.show_detail(load(), roles, org.clock())
    return panel


def test_candidates_are_the_categorys_registries_first_nearest_first(store, org, city):  # noqa: F811
    reg, case_id, ids = city
    detail = load_case_detail(store, org.service.catalogue, case_id, org.clock(), registries=reg)
    link = detail.registry
    assert link is not None and link.linked is None
    assert [c.id for c in link.candidates] == [
        ids["near_cover"],
        ids["far_cover"],  # components: what a 0101 case is about
        ids["market"],
        ids["sign"],  # then any other registry within 150 m
    ]
    assert [round(c.distance_m) for c in link.candidates] == [20, 60, 10, 120]
    assert (link.candidates[0].kind, link.candidates[0].status) == ("components", "intact")


def test_link_and_unlink_through_the_case_panel(qtbot, store, org, city):  # noqa: F811
    reg, case_id, ids = city
    dispatcher = org.actors[R.DISPATCHER]
    panel = _panel(qtbot, store, org, reg, case_id, [R.DISPATCHER], lambda: dispatcher)
    assert panel.registry_label.text() == "Not linked"
    assert panel.link_button.isVisibleTo(panel) and panel.link_button.isEnabled()
    assert not panel.unlink_button.isVisibleTo(panel)

    panel.link_button.click()
    actions = panel.link_menu.actions()
    assert [a.data() for a in actions] == [c.id for c in panel.registry_candidates()]
    assert actions[0].text() == "Municipal components · BJ000002 · 井盖甲 · Intact · 20 m"
    actions[0].trigger()

    assert reg.object_of_case(case_id).id == ids["near_cover"]
    assert panel.detail.registry.linked.id == ids["near_cover"]
    assert "Municipal components · BJ000002 · 井盖甲 · Intact</a>" in panel.registry_label.text()
    assert f'href="registry:components:{ids["near_cover"]}"' in panel.registry_label.text()
    with qtbot.waitSignal(panel.registryObjectRequested) as opened:  # its page, on a click
        panel.registry_label.linkActivated.emit(f"registry:components:{ids['near_cover']}")
    assert opened.args == ["components", ids["near_cover"]]
    assert panel.unlink_button.isVisibleTo(panel)
    assert ids["near_cover"] not in [c.id for c in panel.registry_candidates()]
    history = reg.history(ids["near_cover"])
    assert history[-1].action == "link_case" and history[-1].actor == "人员3"

    panel.link_button.click()  # another object: the link moves
    panel.link_menu.actions()[1].trigger()  # the market (after the far cover)
    assert reg.object_of_case(case_id).id == ids["market"]

    panel.unlink_button.click()
    assert reg.object_of_case(case_id) is None
    assert panel.registry_label.text() == "Not linked"
    assert not panel.unlink_button.isVisibleTo(panel)
    assert reg.history(ids["market"])[-1].action == "unlink_case"


def test_without_a_role_that_may_link_nothing_is_offered_or_done(qtbot, store, org, city):  # noqa: F811
    reg, case_id, ids = city
    reg.link_case(org.actors[R.INTAKE], case_id, ids["sign"])
    panel = _panel(qtbot, store, org, reg, case_id, [], lambda: None)  # signed out
    assert "Outdoor ads and shop signs · GG000001 · 牌匾 · Compliant</a>" in panel.registry_label.text()
    assert not panel.link_button.isVisibleTo(panel)
    assert not panel.unlink_button.isVisibleTo(panel)
    # Even if asked (a stale button, a shortcut): no actor with a linking role, no change.
    panel.registryLinkRequested.emit(case_id, None)
    assert reg.object_of_case(case_id).id == ids["sign"]
    assert panel.actions_hint.text() == "Your roles may not link cases to registry objects."


def test_a_case_with_nothing_nearby_cannot_be_linked(qtbot, store, org):  # noqa: F811
    reg = RegistryService(store, clock=org.clock)
    org.service.report(org.actors[R.INSPECTOR], category_code="0101", lon=LON, lat=LAT)
    (case_id,) = [c.id for c in _cases(store)]
    panel = _panel(
        qtbot,
        store,
        org,
        reg,
        case_id,
        [R.DISPATCHER],
        lambda: Actor(org.actors[R.DISPATCHER].person_id, R.DISPATCHER),
    )
    assert panel.link_button.isVisibleTo(panel) and not panel.link_button.isEnabled()
    assert panel.link_button.toolTip() == "No registry object within 150 m"


def _cases(store):
    from sqlalchemy import select

    from command_center.store.models import Case

    with store.read() as s:
        return list(s.scalars(select(Case)))
