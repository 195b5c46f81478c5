"""The main window's registry layers follow the change feed by reading again only the
objects it names (a parking feed writes every few seconds): all of them once, then the
changed ones, merged; a failed read is retried with the next picture."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QObject, Signal

from command_center.domain.workflow import Role
from command_center.services.changelog import LoggedChange
from command_center.services.registries import RegistryService
from command_center.ui.run import _RegistryLoader
from tests.services.conftest import org  # noqa: F401 — the organisation fixture

R = Role


class _Canvas(QObject):
    featureClicked = Signal(str, object)  # noqa: N815 (Qt's naming)


class _Tasks:
    def __init__(self) -> None:
        self.fail_next = False

    def run(self, fn, done, failed) -> None:  # noqa: ANN001
        if self.fail_next:
            self.fail_next = False
            failed(RuntimeError("database gone"))
            return
        done(fn())


def _change(row_id: int, table: str = "registry_objects") -> LoggedChange:
    return LoggedChange(1, None, table, row_id, "desk")  # type: ignore[arg-type]


def test_only_the_changed_objects_are_read_again(qapp, store, org):  # noqa: F811
    chief = org.actors[R.SHIFT_CHIEF]
    reg = RegistryService(store, clock=org.clock)
    ids = [
        reg.create(chief, "parking", name=f"停车场{i}", lon=120.4501 + i * 1e-4, lat=41.5702,
                   attrs={"parking_type": "car_park", "capacity": 50})[0]
        for i in range(3)
    ]
    shown: list[dict] = []
    canvas = _Canvas()
    window = SimpleNamespace(
        map_canvas=canvas,
        map_panel=SimpleNamespace(
            set_registry_objects=lambda rows: shown.append({r.id: r for r in rows})
        ),
    )
    tasks = _Tasks()
    loader = _RegistryLoader(window, store, tasks, org.clock)  # type: ignore[arg-type]
    reads: list[object] = []
    service = loader.service
    real_all, real_some = service.objects, service.objects_by_id
    service.objects = lambda *a, **k: reads.append("all") or real_all(*a, **k)  # type: ignore[method-assign]
    service.objects_by_id = lambda i: reads.append(sorted(i)) or real_some(i)  # type: ignore[method-assign]

    loader.submit()
    assert reads == ["all"] and set(shown[-1]) == set(ids)
    loader.submit()  # nothing changed: nothing read
    assert reads == ["all"] and len(shown) == 1

    reg.record_occupancy([("TC000002", 31, org.clock())])
    loader.changed([_change(ids[1]), _change(ids[0], "cases")])  # a case row is not ours
    loader.submit()
    assert reads == ["all", [ids[1]]]
    assert shown[-1][ids[1]].attrs["occupied"] == 31 and set(shown[-1]) == set(ids)

    tasks.fail_next = True  # the read fails: the same objects are asked for again
    loader.changed([_change(ids[2])])
    loader.submit()
    assert loader.stale
    loader.changed([_change(9999)])  # an object that is not there (any more)
    loader.submit()
    assert reads[-1] == sorted([ids[2], 9999]) and set(shown[-1]) == set(ids)
