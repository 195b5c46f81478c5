"""The audit dialog over a real store: search, filters, more rows, CSV export."""

from __future__ import annotations

from datetime import timedelta

from command_center.domain.workflow import Role as R
from command_center.ui.audit_view import AuditDialog
from tests.services.conftest import org  # noqa: F401 — the organisation fixture


def run_now(fn, on_done, on_error):
    """The worker, run synchronously (the dialog does not care which thread)."""
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001
        on_error(exc)
    else:
        on_done(result)


def test_search_filter_and_export(qtbot, org, tmp_path):  # noqa: F811
    for _ in range(2):
        case_id = org.service.report(
            org.actors[R.INSPECTOR], category_code="200102", lon=120.4515, lat=41.5705
        ).case_id
        org.clock.now += timedelta(minutes=2)
        org.service.register(org.actors[R.SHIFT_CHIEF], case_id)
    dialog = AuditDialog(org.service.store, run_now, now=org.clock)
    qtbot.addWidget(dialog)
    dialog.since.setDateTime(dialog.since.dateTime().addDays(-30))
    dialog.search()
    assert dialog.model.rowCount() == 4
    assert dialog.model.index(0, 2).data() == "register"  # newest first
    assert dialog.model.index(0, 7).data() == org.service.workstation
    dialog.role.setCurrentIndex(dialog.role.findData("inspector"))
    dialog.search()
    assert dialog.model.rowCount() == 2
    assert {dialog.model.index(i, 2).data() for i in range(2)} == {"report"}
    out = tmp_path / "audit.csv"
    dialog.export(out)
    assert out.read_text(encoding="utf-8-sig").count("\n") == 3  # header + 2 reports
    assert "2" in dialog.status.text() and str(out) in dialog.status.text()


def test_a_failure_is_shown_not_raised(qtbot, org, tmp_path):  # noqa: F811
    dialog = AuditDialog(org.service.store, run_now, now=org.clock)
    qtbot.addWidget(dialog)
    dialog.export(tmp_path / "missing" / "audit.csv")
    assert "folder does not exist" in dialog.status.text()
