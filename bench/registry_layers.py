"""Registry layers (台账) on the map: the batched `RegistryDrawer` against one graphics item
per object.

Builds a 1920×1080 offscreen `MapCanvas` with every registry layer shown: ~4,000 point
objects (signs, car parks, markets, shop fronts, components, projects; a tenth overdue) and
150 illegal-building footprints (30–60 m polygons with a centre spot), spread over 6 km ×
5 km around 120.45E 41.57N, fitted to that box. Times, as median and p95:
  * build: `set_objects` on every layer (the drawers rebuild their scatter and paths);
  * repaint: the whole view, forced (`viewport().repaint()`);
  * pan: 10 % of the width, then the repaint.
Baseline in the same process: the same objects as one QGraphicsPathItem per footprint and
one QGraphicsEllipseItem per spot (status brush, ignoring the view's zoom) in a plain
QGraphicsScene/QGraphicsView of the same size: build, repaint and pan.

Prints one JSON object per figure, then `{"ratio_vs_item_per_object": …}` (repaint).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/registry_layers.py [--reps N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPolygonF  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QGraphicsEllipseItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsView,
)

from command_center.domain.geo import local_metres_per_degree  # noqa: E402
from command_center.domain.registries import KINDS  # noqa: E402
from command_center.map.layers import LayerList, RegistryLayer  # noqa: E402
from command_center.map.projection import project  # noqa: E402
from command_center.services.snapshot import RegistryRow  # noqa: E402
from command_center.ui.map_canvas import MapCanvas  # noqa: E402

W, H = 1920, 1080
LON0, LAT0 = 120.45, 41.57
POINTS, FOOTPRINTS = 4_000, 150
NOW = datetime(2026, 5, 20, 10, 0)
DUE = {"ad_signs": "rectify_by", "projects": "due_on"}


def objects(rng: np.random.Generator) -> tuple[list[RegistryRow], tuple[float, ...]]:
    mx, my = local_metres_per_degree(LAT0)
    half_x, half_y = 3_000.0 / mx, 2_500.0 / my
    box = (LON0 - half_x, LAT0 - half_y, LON0 + half_x, LAT0 + half_y)
    point_kinds = [k for k in KINDS.values() if k.geometry == "point"]
    rows = []
    for i in range(POINTS):
        spec = point_kinds[i % len(point_kinds)]
        status = spec.statuses[int(rng.integers(len(spec.statuses)))].key
        attrs = {}
        if spec.key in DUE and i % 10 == 0:  # overdue: a deadline in the past, work undone
            status = "non_compliant" if spec.key == "ad_signs" else "in_progress"
            attrs[DUE[spec.key]] = "2026-01-01"
        rows.append(
            RegistryRow(
                i + 1,
                spec.key,
                f"{spec.code_prefix}{i:06d}",
                f"对象{i}",
                status,
                float(rng.uniform(box[0], box[2])),
                float(rng.uniform(box[1], box[3])),
                attrs=attrs,
            )
        )
    spec = KINDS["illegal_buildings"]
    for j in range(FOOTPRINTS):
        lon, lat = float(rng.uniform(box[0], box[2])), float(rng.uniform(box[1], box[3]))
        w, h = rng.uniform(30, 60) / mx, rng.uniform(30, 60) / my
        ring = ((lon, lat), (lon + w, lat), (lon + w, lat + h), (lon, lat + h), (lon, lat))
        status = spec.statuses[j % len(spec.statuses)].key
        attrs = {"demolish_by": "2026-01-01"} if status == "notice_served" else {}
        rows.append(
            RegistryRow(
                POINTS + j + 1,
                spec.key,
                f"WJ{j:06d}",
                f"违建{j}",
                status,
                lon + w / 2,
                lat + h / 2,
                ring,
                attrs=attrs,
            )
        )
    return rows, box


def stats(name: str, samples: list[float], **extra: object) -> dict:
    ms = sorted(s * 1000.0 for s in samples)
    out: dict[str, object] = {
        "figure": name,
        "median_ms": round(statistics.median(ms), 3),
        "p95_ms": round(ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))], 3),
        "reps": len(ms),
        **extra,
    }
    print(json.dumps(out), flush=True)
    return out


def timed(reps: int, step: Callable[[int], None]) -> list[float]:
    samples = []
    for k in range(reps):
        t0 = time.perf_counter()
        step(k)
        samples.append(time.perf_counter() - t0)
    return samples


def batched(app: QApplication, rows: list[RegistryRow], box: tuple, reps: int) -> dict:
    layers = LayerList(RegistryLayer(k, visible=True) for k in KINDS)
    canvas = MapCanvas(layers, clock=lambda: NOW)
    canvas.resize(W, H)
    canvas.show()
    app.processEvents()
    canvas.fit_lonlat(*box)
    by_kind: dict[str, list[RegistryRow]] = {}
    for r in rows:
        by_kind.setdefault(r.kind, []).append(r)

    def build(k: int) -> None:
        for layer in layers:
            layer.set_objects(by_kind.get(layer.registry, []))  # type: ignore[attr-defined]

    build_stats = stats("batched_build", timed(max(3, reps // 3), build))
    viewport = canvas.plot_widget.viewport()

    def repaint() -> None:
        viewport.repaint()
        app.processEvents()

    repaint()
    items = len(canvas.plot_widget.getPlotItem().getViewBox().addedItems)
    rep = stats("batched_repaint", timed(reps, lambda k: repaint()), graphics_items=items)

    def pan(k: int) -> None:
        canvas.pan_by(0.1 if k % 2 == 0 else -0.1, 0.0)
        repaint()

    pan_stats = stats("batched_pan", timed(reps, pan))
    canvas.close_scene()
    canvas.close()
    canvas.deleteLater()
    return {"build": build_stats, "repaint": rep, "pan": pan_stats}


def item_per_object(app: QApplication, rows: list[RegistryRow], box: tuple, reps: int) -> dict:
    colours = {(k.key, s.key): s.colour for k in KINDS.values() for s in k.statuses}
    brushes = {key: QBrush(QColor(c)) for key, c in colours.items()}
    pen = QPen(QColor("#0b1320"))
    pen.setCosmetic(True)
    scene = QGraphicsScene()
    view = QGraphicsView(scene)
    view.setBackgroundBrush(QColor("#07111b"))
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.resize(W, H)
    view.show()

    def build(k: int) -> None:
        scene.clear()
        for r in rows:
            brush = brushes[(r.kind, r.status)]
            if r.footprint:
                x, y = project([p[0] for p in r.footprint], [p[1] for p in r.footprint])
                path = QPainterPath()
                path.addPolygon(QPolygonF([QPointF(a, -b) for a, b in zip(x, y, strict=True)]))
                outline = QGraphicsPathItem(path)
                outline.setPen(pen)
                fill = QColor(brush.color())
                fill.setAlpha(90)
                outline.setBrush(QBrush(fill))
                scene.addItem(outline)
            (px,), (py,) = project([r.lon], [r.lat])
            spot = QGraphicsEllipseItem(-4.5, -4.5, 9, 9)
            spot.setPos(px, -py)
            spot.setFlag(QGraphicsEllipseItem.GraphicsItemFlag.ItemIgnoresTransformations)
            spot.setBrush(brush)
            spot.setPen(pen)
            scene.addItem(spot)

    build_stats = stats("baseline_item_per_object_build", timed(max(3, reps // 3), build))
    bx, by = project([box[0], box[2]], [box[1], box[3]])
    view.fitInView(
        QRectF(bx[0], -by[1], bx[1] - bx[0], by[1] - by[0]), Qt.AspectRatioMode.KeepAspectRatio
    )
    app.processEvents()

    def repaint() -> None:
        view.viewport().repaint()
        app.processEvents()

    repaint()
    rep = stats(
        "baseline_item_per_object_repaint",
        timed(reps, lambda k: repaint()),
        graphics_items=len(scene.items()),
    )

    def pan(k: int) -> None:
        view.translate(W * 0.1 * (1 if k % 2 == 0 else -1) / view.transform().m11(), 0)
        repaint()

    pan_stats = stats("baseline_item_per_object_pan", timed(reps, pan))
    view.close()
    return {"build": build_stats, "repaint": rep, "pan": pan_stats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    rows, box = objects(np.random.default_rng(11))
    print(
        json.dumps(
            {
                "setup": "registry_layers",
                "points": POINTS,
                "footprints": FOOTPRINTS,
                "size": f"{W}x{H}",
            }
        ),
        flush=True,
    )
    ours = batched(app, rows, box, args.reps)
    base = item_per_object(app, rows, box, args.reps)

    def ratio(key: str) -> float:
        return round(base[key]["median_ms"] / ours[key]["median_ms"], 2)

    print(
        json.dumps(
            {
                "build_ratio_vs_item_per_object": ratio("build"),
                "pan_ratio_vs_item_per_object": ratio("pan"),
            }
        ),
        flush=True,
    )
    print(json.dumps({"ratio_vs_item_per_object": ratio("repaint")}), flush=True)


if __name__ == "__main__":
    main()
