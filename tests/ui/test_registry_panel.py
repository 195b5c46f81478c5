"""The registries' window (城市台账) on both real databases: a tab per kind with figures that
match the service's, filters that narrow the table, life-cycle steps through their dialog
(and refusals that write nothing), edits and entries, role gating, linked cases, the change
feed, export, and the View menu entry."""

from __future__ import annotations

import csv
import json
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDateEdit, QTimeEdit

from command_center.domain.calendar import CST
from command_center.domain.registries import KINDS
from command_center.domain.workflow import Role as R
from command_center.services.changelog import LoggedChange
from command_center.services.registries import RegistryService
from command_center.services.registry_views import SMART_MARKETS_TARGET
from command_center.store.models import Street, UnitGrid
from command_center.ui.main_window import REGISTRIES_KEY, MainWindow
from command_center.ui.registry_forms import CreateDialog, EditDialog, StepDialog
from command_center.ui.registry_panel import RegistryTableModel, RegistryWindow
from tests.services.conftest import _square, org  # noqa: F401 — the organisation fixture
from tests.ui.test_audit_view import run_now

NORTH = "211302002"  # a second street, added by `reg`, around (120.46, 41.58)


@pytest.fixture(autouse=True)
def _in_chinese(use_lang):
    """The window as the city's operators see it: in Chinese (English is checked below)."""
    use_lang("zh_CN")


@pytest.fixture
def reg(store, org):  # noqa: F811
    with store.transaction() as s:
        s.add(Street(code=NORTH, district_code="211302", name="北塔街道"))
        s.flush()
        s.add(
            UnitGrid(
                code=f"{NORTH}001001",
                district_code="211302",
                street_code=NORTH,
                community_code="211302001001",
                geometry=_square(120.46, 41.58),
                min_lon=120.46,
                min_lat=41.58,
                max_lon=120.461,
                max_lat=41.581,
                area_m2=9300.0,
            )
        )
    return RegistryService(store, clock=org.clock, workstation="desk-R")


def make_window(qtbot, org, reg, role=R.SHIFT_CHIEF):  # noqa: F811
    window = RegistryWindow(reg, run_now, clock=org.clock, catalogue=org.service.catalogue)
    qtbot.addWidget(window)
    window.set_operator(frozenset({role}), org.actors[role].person_id)
    return window


def building(
    reg,
    org,  # noqa: F811
    *,
    origin="new",
    found="2026-03-02",
    lon=120.4501,
    lat=41.5701,
    name="南塔街12号院内彩钢房",
):
    # a large footprint: the service's centroid loses precision on very small ones
    ring = [[lon, lat], [lon + 8e-4, lat], [lon + 8e-4, lat + 8e-4], [lon, lat + 8e-4], [lon, lat]]
    oid, _ = reg.create(
        org.actors[R.INSPECTOR],
        "illegal_buildings",
        name=name,
        geometry={"type": "Polygon", "coordinates": [ring]},
        attrs={"area_m2": 36.5, "found_on": found, "origin": origin},
    )
    return oid


def codes(window, kind):
    return [o.code for o in window.kind_tabs[kind].model.rows]


def open_page(qtbot, window, object_id):
    with qtbot.waitSignal(window.pageShown, timeout=5000):
        window.open_object(object_id)
    return window.page.page


def test_a_tab_for_every_kind_with_the_service_figures(qtbot, org, reg):  # noqa: F811
    chief = org.actors[R.SHIFT_CHIEF]
    building(reg, org)  # new this year
    old = building(reg, org, origin="stock", found="2023-05-01")
    building(reg, org, origin="stock", found="2024-05-01", lon=120.4601, lat=41.5801)
    reg.step(
        chief,
        old,
        "serve_notice",
        {
            "notice_no": "朝城执拆〔2026〕1号",
            "notice_on": "2026-10-01",
            "demolish_by": "2026-11-01",
        },
    )
    sign, _ = reg.create(
        chief,
        "ad_signs",
        name="老街坊饭店牌匾",
        lon=120.4505,
        lat=41.5703,
        attrs={"sign_type": "shop_sign"},
    )
    reg.create(
        chief,
        "ad_signs",
        name="春华超市牌匾",
        lon=120.4506,
        lat=41.5703,
        attrs={"sign_type": "shop_sign"},
    )
    reg.step(chief, sign, "flag", {"defect": "字体脱落", "rectify_by": "2026-11-01"})
    reg.create(
        chief,
        "markets",
        name="春华农贸市场",
        lon=120.4508,
        lat=41.5704,
        attrs={"market_type": "smart_farmers", "stalls": 120, "opens": "05:30", "closes": "18:00"},
    )
    shops = [
        reg.create(chief, "shopfronts", name=f"商户{i}", lon=120.4501 + i * 1e-4, lat=41.5702)[0]
        for i in range(4)
    ]
    reg.step(chief, shops[0], "sign", {"signed_on": "2026-03-02"})
    reg.create(
        chief,
        "parking",
        name="慕容街停车场",
        lon=120.4503,
        lat=41.5701,
        attrs={"parking_type": "car_park", "capacity": 80, "occupied": 60},
    )

    window = make_window(qtbot, org, reg)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        k.label for k in KINDS.values()
    ]
    shown = {}
    for key, tab in window.kind_tabs.items():
        with qtbot.waitSignal(tab.loaded, timeout=5000):
            window.show_kind(key)  # a stale tab loads when it comes to the front
        shown[key] = tab.figures()

    counts = reg.illegal_building_counts(2026)
    assert shown["illegal_buildings"] == {
        "new_this_year": str(counts["new_this_year"]),
        "stock_open": "2",
        "demolished_this_year": "0",
        "overdue": "1",
    }
    assert counts["new_this_year"] == 1
    tiles = window.kind_tabs["illegal_buildings"].tiles
    assert "color" in tiles["new_this_year"].value_label.styleSheet()  # red: the target is 0
    assert shown["ad_signs"] == {"compliance_rate": "50.0%", "non_compliant": "1", "overdue": "1"}
    assert shown["markets"]["smart_markets"] == f"1/{SMART_MARKETS_TARGET:.0f}"
    assert shown["parking"]["capacity"] == "80" and shown["parking"]["occupancy_rate"] == "75.0%"
    city = reg.shopfront_rates()[-1]
    assert shown["shopfronts"]["signed_rate"] == f"{city.rate(city.signed):.1f}%" == "25.0%"
    streets = window.kind_tabs["shopfronts"].street_table
    assert streets.item(streets.rowCount() - 1, 0).text() == "全市"
    # every kind's table lists its objects, with a column per list field
    assert codes(window, "illegal_buildings") == ["WJ000001", "WJ000002", "WJ000003"]
    model = window.kind_tabs["illegal_buildings"].model
    assert model.headers()[4:9] == ["类型", "面积", "发现日期", "限期拆除日期", "拆除日期"]
    assert model.index(0, 5).data() == "36.5 m²" and model.index(0, 4).data() == "新增"


def test_filters_narrow_the_rows(qtbot, org, reg):  # noqa: F811
    chief = org.actors[R.SHIFT_CHIEF]
    a = building(reg, org, name="南塔街甲")
    building(reg, org, name="北塔街乙", lon=120.4601, lat=41.5801)
    c = building(reg, org, name="南塔街丙", origin="stock", found="2024-01-01")
    reg.step(
        chief,
        c,
        "serve_notice",
        {"notice_no": "X1", "notice_on": "2026-10-01", "demolish_by": "2026-11-01"},
    )
    reg.step(
        chief,
        a,
        "serve_notice",
        {"notice_no": "X2", "notice_on": "2026-11-20", "demolish_by": "2026-12-20"},
    )
    window = make_window(qtbot, org, reg)
    tab = window.kind_tabs["illegal_buildings"]
    with qtbot.waitSignal(tab.loaded):
        window.reload()
    assert codes(window, "illegal_buildings") == ["WJ000001", "WJ000002", "WJ000003"]
    assert [tab.street_filter.itemText(i) for i in range(tab.street_filter.count())] == [
        "全部街道",
        "南塔街道",
        "北塔街道",
    ]
    with qtbot.waitSignal(tab.loaded):
        tab.set_filters(status="notice_served")
    assert codes(window, "illegal_buildings") == ["WJ000001", "WJ000003"]
    with qtbot.waitSignal(tab.loaded):
        tab.set_filters(status="notice_served", overdue_only=True)
    assert codes(window, "illegal_buildings") == ["WJ000003"]
    assert "超期" in tab.model.index(0, 2).data()
    with qtbot.waitSignal(tab.loaded):
        tab.set_filters(street=NORTH)
    assert codes(window, "illegal_buildings") == ["WJ000002"]
    with qtbot.waitSignal(tab.loaded):
        tab.set_filters(text="丙")
    assert codes(window, "illegal_buildings") == ["WJ000003"]
    with qtbot.waitSignal(tab.loaded):  # typing searches once it pauses
        tab.search.setText("南塔街")
    assert codes(window, "illegal_buildings") == ["WJ000001", "WJ000003"]
    assert tab.message.text() == "共 2 条"


def test_a_step_through_its_dialog_changes_status_and_history(qtbot, org, reg):  # noqa: F811
    oid = building(reg, org)
    window = make_window(qtbot, org, reg, R.SQUAD)
    page = open_page(qtbot, window, oid)
    assert page.row.status == "found"
    buttons = window.page.step_buttons
    assert set(buttons) == {"serve_notice", "self_demolish"} and all(
        b.isEnabled() for b in buttons.values()
    )
    assert not window.page.edit_button.isEnabled()  # a squad steps but does not edit
    buttons["serve_notice"].click()
    dialog = window.findChild(StepDialog)
    assert dialog is not None and dialog.isVisible()
    assert list(dialog.editors) == ["notice_no", "notice_on", "demolish_by"]
    assert isinstance(dialog.editors["notice_on"].widget, QDateEdit)
    dialog.editors["notice_no"].widget.setText("朝城执拆〔2026〕12号")
    dialog.editors["notice_on"].set_value("2026-11-23")
    dialog.editors["demolish_by"].set_value("2026-12-08")
    dialog.note.setPlainText("当面送达")
    with qtbot.waitSignal(window.pageShown, timeout=5000):
        dialog.ok_button.click()
    o = reg.get(oid)
    assert o.status == "notice_served" and o.attrs["demolish_by"] == "2026-12-08"
    assert window.page.page.row.status == "notice_served"
    assert set(window.page.step_buttons) == {"self_demolish", "force_demolish", "refer_court"}
    assert "已下达限拆通知" in window.page.status.text()
    top = window.page.history.topLevelItem(0)
    assert [top.text(c) for c in (1, 2)] == ["下达限拆通知", "已发现 → 已下达限拆通知"]
    assert "当面送达" in top.child(0).text(0) and "2026-12-08" in top.child(0).text(0)
    assert window.page.history.topLevelItem(1).text(1) == "登记"
    assert [h.action for h in reg.history(oid)] == ["create", "serve_notice"]


def test_a_step_missing_what_it_needs_is_refused_and_writes_nothing(qtbot, org, reg):  # noqa: F811
    oid = building(reg, org)
    window = make_window(qtbot, org, reg)
    open_page(qtbot, window, oid)
    before = reg.get(oid)
    dialog = window.take_step("serve_notice")
    dialog.editors["notice_no"].widget.setText("朝城执拆〔2026〕13号")
    dialog.editors["notice_on"].set_value("2026-11-23")
    with qtbot.waitSignal(dialog.refused) as refused:
        dialog.ok_button.click()
    assert refused.args[0] == "请填写：限期拆除日期"  # said in Chinese, before the service
    assert dialog.isVisible() and dialog.error.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.editors["notice_no"].value() == "朝城执拆〔2026〕13号"  # nothing typed is lost
    assert reg.get(oid) == before and len(reg.history(oid)) == 1
    dialog.close()

    chief = org.actors[R.SHIFT_CHIEF]
    sign, _ = reg.create(
        chief,
        "ad_signs",
        name="旧牌匾",
        lon=120.4505,
        lat=41.5703,
        attrs={"sign_type": "shop_sign"},
    )
    open_page(qtbot, window, sign)
    dialog = window.take_step("remove")
    assert dialog.editors == {} and dialog.form.labelForField(dialog.note).text() == "备注 *"
    with qtbot.waitSignal(dialog.refused) as refused:
        dialog.ok_button.click()
    assert refused.args[0] == "请填写：备注"
    assert reg.get(sign).status == "compliant"
    dialog.note.setPlainText("店铺关闭")
    with qtbot.waitSignal(dialog.saved):
        dialog.ok_button.click()
    assert reg.get(sign).status == "removed"


def test_a_stale_page_is_refused_as_a_conflict(qtbot, org, reg):  # noqa: F811
    oid = building(reg, org)
    window = make_window(qtbot, org, reg)
    open_page(qtbot, window, oid)
    reg.update(org.actors[R.ADMIN], oid, attrs={"party": "张某"})  # another desk
    dialog = window.edit()
    assert isinstance(dialog, EditDialog) and dialog.editors["party"].value() is None
    dialog.editors["area_m2"].set_value(40.0)
    with qtbot.waitSignal(dialog.refused) as refused:
        dialog.ok_button.click()
    assert "another desk" in refused.args[0] and dialog.isVisible()
    assert reg.get(oid).attrs["area_m2"] == 36.5
    dialog.close()
    open_page(qtbot, window, oid)
    dialog = window.edit()
    dialog.editors["area_m2"].set_value(40.0)
    with qtbot.waitSignal(window.pageShown):
        dialog.ok_button.click()
    assert reg.get(oid).attrs == {**reg.get(oid).attrs, "area_m2": 40.0, "party": "张某"}
    assert window.page.history.topLevelItem(0).text(1) == "编辑"
    assert "面积" in window.page.history.topLevelItem(0).child(0).text(0)


@pytest.mark.parametrize(
    ("role", "steps", "edits"),
    [(R.INTAKE, False, False), (R.SQUAD, True, False), (R.INSPECTOR, True, True)],
)
def test_buttons_follow_the_roles(qtbot, org, reg, role, steps, edits):  # noqa: F811
    oid = building(reg, org)
    window = make_window(qtbot, org, reg, role)
    open_page(qtbot, window, oid)
    assert all(b.isEnabled() == steps for b in window.page.step_buttons.values())
    assert window.page.edit_button.isEnabled() == edits
    assert window.kind_tabs["illegal_buildings"].create_button.isEnabled() == edits
    assert (window.take_step("serve_notice") is None) == (not steps)
    if steps:
        window.findChild(StepDialog).close()
    else:
        assert "仅限" in window.page.step_buttons["serve_notice"].toolTip()
    window.set_operator(frozenset(), None)  # signed out: read only
    assert not any(b.isEnabled() for b in window.page.step_buttons.values())
    assert window.create() is None and window.page.locate_button.isEnabled()


def test_linked_cases_are_listed_and_open_on_the_desk(qtbot, org, reg):  # noqa: F811
    oid = building(reg, org)
    case_id = org.service.report(
        org.actors[R.INSPECTOR],
        category_code="200101",
        lon=120.4506,
        lat=41.5705,
        description="新建彩钢房",
        address="南塔街",
    ).case_id
    reg.link_case(org.actors[R.INTAKE], case_id, oid, note="同一处")
    window = make_window(qtbot, org, reg)
    tab = window.kind_tabs["illegal_buildings"]
    with qtbot.waitSignal(tab.loaded):
        window.reload()
    assert tab.model.index(0, tab.model.columns.index("cases")).data() == "1"
    open_page(qtbot, window, oid)
    assert window.page.case_ids() == [case_id]
    item = window.page.cases.topLevelItem(0)
    assert item.text(1) == org.service.catalogue["200101"].name
    with qtbot.waitSignal(window.caseActivated) as activated:
        window.page.cases.itemDoubleClicked.emit(item, 0)
    assert activated.args == [case_id]
    assert window.page.history.topLevelItem(0).text(1) == "关联案件"
    with qtbot.waitSignal(window.locateRequested) as located:
        window.page.locate_button.click()
    object_id, kind, west, south, east, north, label = located.args
    assert (object_id, kind) == (oid, "illegal_buildings") and label.startswith("WJ000001")
    o = reg.get(oid)
    assert west < o.lon < east and south < o.lat < north


def test_the_change_feed_reloads_the_window(qtbot, org, reg):  # noqa: F811
    window = make_window(qtbot, org, reg)
    tab = window.kind_tabs["illegal_buildings"]
    with qtbot.waitSignal(tab.loaded):
        window.reload()
    assert codes(window, "illegal_buildings") == []
    building(reg, org)  # written at another desk
    now = datetime(2026, 11, 23, 9, 0, tzinfo=CST)
    window.on_changes([LoggedChange(1, now, "squads", 1, "x")])
    assert not window._debounce.isActive()  # nothing the window shows
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        window.on_changes([LoggedChange(2, now, "registry_objects", 1, "x")])
    assert codes(window, "illegal_buildings") == ["WJ000001"]


def test_a_new_object_through_the_entry_form(qtbot, org, reg):  # noqa: F811
    window = make_window(qtbot, org, reg, R.INSPECTOR)
    dialog = window.create()
    assert isinstance(dialog, CreateDialog) and dialog.width_m is not None
    assert [dialog.status.itemData(i) for i in range(dialog.status.count())] == ["found"]
    dialog.name.setText("向阳街彩钢房")
    dialog.lon.setValue(120.4515)
    dialog.lat.setValue(41.5705)
    dialog.width_m.setValue(60)
    dialog.length_m.setValue(50)
    dialog.editors["area_m2"].set_value(200)
    dialog.editors["found_on"].set_value("2026-11-20")
    with qtbot.waitSignal(dialog.refused) as refused:  # 类型 is required
        dialog.ok_button.click()
    assert "类型" in refused.args[0]
    dialog.editors["origin"].widget.setCurrentIndex(
        dialog.editors["origin"].widget.findText("新增")
    )
    with qtbot.waitSignal(window.pageShown, timeout=5000):
        dialog.ok_button.click()
    o = window.page.page.row
    assert (o.code, o.status, o.attrs["origin"], o.street_code) == (
        "WJ000001",
        "found",
        "new",
        "211302001",
    )
    ring = json.loads(o.geometry)["coordinates"][0]
    width = (max(p[0] for p in ring) - min(p[0] for p in ring)) * 111_320 * 0.7478
    assert width == pytest.approx(60, rel=0.01)
    assert window.page.history.topLevelItem(0).text(1) == "登记"

    tab = window.show_kind("markets")
    dialog = window.create()
    assert dialog.width_m is None and dialog.status.count() == 2  # 营业, or 规划 (entry)
    assert isinstance(dialog.editors["opens"].widget, QTimeEdit)
    assert dialog.editors["stalls"].widget.suffix() == " 个"
    dialog.close()
    del tab


def test_export_writes_the_table_as_shown(qtbot, org, reg, tmp_path):  # noqa: F811
    chief = org.actors[R.SHIFT_CHIEF]
    reg.create(
        chief,
        "parking",
        name="慕容街停车场",
        lon=120.4503,
        lat=41.5701,
        attrs={"parking_type": "car_park", "capacity": 80, "occupied": 60},
    )
    window = make_window(qtbot, org, reg)
    tab = window.show_kind("parking")
    with qtbot.waitSignal(tab.loaded):
        tab.reload()
    tab.export(tmp_path / "parking.csv")
    with open(tmp_path / "parking.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:6] == ["编号", "名称", "状态", "街道", "类型", "泊位数"]
    assert rows[1][:6] == ["TC000001", "慕容街停车场", "开放", "南塔街道", "公共停车场", "80"]


def test_the_table_model_is_sound(qtmodeltester, org, reg):  # noqa: F811
    building(reg, org)
    from command_center.services.registry_views import load_table

    model = RegistryTableModel(KINDS["illegal_buildings"])
    model.set_page(load_table(reg, "illegal_buildings"))
    qtmodeltester.check(model)
    model.sort(5, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 1


def test_the_view_menu_opens_the_registries_for_every_role(qtbot, org):  # noqa: F811
    from command_center.services.auth import Operator

    window = MainWindow("test", clock=org.clock)
    qtbot.addWidget(window)
    action = window.qactions["view.registries"]
    assert action.shortcut().toString() == REGISTRIES_KEY
    for role in R:
        window.set_operator(
            Operator(org.actors[role].person_id, role.value, frozenset({role}), "t")
        )
        assert window.actions_registry.is_available("view.registries")
    with qtbot.waitSignal(window.registriesRequested):
        action.trigger()
    window.sign_out()
    assert not window.actions_registry.is_available("view.registries")
    QApplication.processEvents()


def test_the_window_in_english(qtbot, org, reg, use_lang):  # noqa: F811
    """English throughout, the registries' vocabulary too; the data (names) as entered."""
    use_lang("en")
    oid = building(reg, org)
    window = make_window(qtbot, org, reg, R.SQUAD)
    tab = window.kind_tabs["illegal_buildings"]
    with qtbot.waitSignal(tab.loaded):
        window.reload()
    assert window.windowTitle() == "City registries"
    assert tab.model.headers()[:5] == ["Code", "Name", "Status", "Street", "Type"]
    assert window.tabs.tabText(0) == "Illegal buildings"
    assert tab.model.display(tab.model.rows[0], 2) == "Found"
    assert tab.model.display(tab.model.rows[0], 4) == "New"
    assert tab.tiles["overdue"].caption_label.text() == "Overdue, still standing"
    assert tab.overdue_only.text() == "Overdue only" and tab.message.text() == "1 listed"
    open_page(qtbot, window, oid)
    assert window.page.history.topLevelItem(0).text(1) == "Entered"
    assert window.page.edit_button.toolTip().startswith("Entering and editing registry objects:")
    assert window.page.step_buttons["serve_notice"].text() == "Serve demolition notice…"
    dialog = window.take_step("serve_notice")
    assert dialog.windowTitle().startswith("Serve demolition notice")
    assert dialog.ok_button.text() == "OK"
    assert dialog.form.labelForField(dialog.note).text() == "Note"
    dialog.close()


def test_pages_replaced_one_after_another_do_not_crash(qtbot, org, reg):  # noqa: F811
    """Opening one object's page after another, shown, within the worker's callback: the
    page's field rows were deleted at once (QFormLayout.removeRow) and the process died of
    SIGSEGV on most runs; the rows are now taken out and deleted later."""
    chief = org.actors[R.SHIFT_CHIEF]
    ids = [building(reg, org, name=f"彩钢房{i}", lon=120.4501 + i * 1e-3) for i in range(3)]
    sign, _ = reg.create(chief, "ad_signs", name="牌匾", lon=120.4505, lat=41.5703,
                         attrs={"sign_type": "shop_sign"})
    window = make_window(qtbot, org, reg)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    for _ in range(4):
        for oid in [*ids, sign]:
            window.show_kind("ad_signs" if oid == sign else "illegal_buildings")
            assert open_page(qtbot, window, oid).row.id == oid
            QApplication.processEvents()
    assert window.page.page.row.id == sign


def test_a_cases_linked_object_opens_on_its_page(qtbot, store, org, reg):  # noqa: F811
    """The case panel's linked object (台账对象) opens the registries' window on its page."""
    from types import SimpleNamespace

    from command_center.services.auth import Operator
    from command_center.ui.case_detail import CaseDetailPanel
    from command_center.ui.run import _install_registry_window

    oid = building(reg, org)
    window = MainWindow("test", clock=org.clock)
    qtbot.addWidget(window)
    chief = org.actors[R.SHIFT_CHIEF]
    window.set_operator(Operator(chief.person_id, "chief", frozenset({R.SHIFT_CHIEF}), "t"))
    panel = CaseDetailPanel()
    qtbot.addWidget(panel)
    window.desk = SimpleNamespace(panel=panel)  # type: ignore[attr-defined]
    _install_registry_window(
        window, store, org.service.catalogue, SimpleNamespace(run=run_now), org.clock
    )
    panel.registryObjectRequested.emit("illegal_buildings", oid)
    registries = window.registry_window  # type: ignore[attr-defined]
    try:
        qtbot.waitUntil(lambda: registries.page.page is not None, timeout=5000)
        assert registries.page.page.row.id == oid
        assert registries.current_tab().kind.key == "illegal_buildings"
    finally:
        registries.close()
        QApplication.processEvents()
