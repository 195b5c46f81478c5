"""The daily and monthly PDF reports: their text (pdftotext) carries the headings and the
services' own figures, Chinese is embedded, and the pages show drawn charts."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from command_center.domain.catalogue import Catalogue
from command_center.domain.evaluation import interview_list
from command_center.interop import report_pdf
from command_center.interop.report_pdf import LABELS, daily_report, monthly_report
from command_center.services import kpi
from command_center.services.evaluation import monthly_scores

from .conftest import NOW, poppler

pytestmark = pytest.mark.slow
CATALOGUE = Catalogue.default()
LAST_MONTH = (NOW.replace(day=1) - timedelta(days=1)).date()


@pytest.fixture(scope="module")
def daily_pdf(city, tmp_path_factory, qapp) -> Path:
    return daily_report(
        city, CATALOGUE, NOW.date(), tmp_path_factory.mktemp("d") / "日报.pdf", now=NOW
    )


@pytest.fixture(scope="module")
def monthly_pdf(city, tmp_path_factory, qapp) -> Path:
    out = tmp_path_factory.mktemp("m") / "月报.pdf"
    return monthly_report(city, CATALOGUE, LAST_MONTH.year, LAST_MONTH.month, out, now=NOW)


def text_of(pdf: Path) -> str:
    return poppler("pdftotext", "-layout", str(pdf), "-")


def numbers_under(text: str, header: str) -> list[str]:
    """The cells of the line after the line that holds `header` (a one-row table)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    at = next(i for i, ln in enumerate(lines) if header in ln)
    return lines[at + 1].split()


def test_the_daily_report_holds_its_headings_and_the_services_figures(daily_pdf, city):
    text = text_of(daily_pdf)
    for key in ("org", "daily_title", "tiles", "trend14", "categories", "overdue", "squads"):
        assert LABELS[key] in text, key
    assert "报告日期：2024-06-14" in text and "数据截至：2024-06-14 15:30" in text

    tiles = kpi.today_tiles(city, NOW)
    rate = "—" if tiles.on_time_rate is None else f"{tiles.on_time_rate * 100:.1f}%"
    assert numbers_under(text, "按期结案率") == [
        str(tiles.reported),
        str(tiles.registered),
        str(tiles.dispatched),
        str(tiles.closed),
        rate,
        str(tiles.overdue_now),
        str(tiles.squads_on_duty),
    ]
    assert tiles.reported > 0  # the seeded day is not empty: the check above means something

    trend = kpi.daily_counts(city, kpi.KpiRange.days(NOW.date(), 14))
    rows = [ln.split() for ln in text.splitlines() if ln.strip().startswith("上报")]
    reported_row = next(r for r in rows if len(r) > 1 and r[1].isdigit())  # not the tiles
    assert reported_row == ["上报", *[str(d.reported) for d in trend]]

    for _, name, n in kpi.category_mix(city, kpi.KpiRange.days(NOW.date(), 1))[:10]:
        assert re.search(rf"{re.escape(name)}\s+{n}\s", text), name
    for row in kpi.on_time_by_squad(city, kpi.KpiRange.days(NOW.date(), 1)):
        assert re.search(rf"{re.escape(row.name)}\s+{row.closed}\s+{row.on_time}\s", text)
    overdue = kpi.overdue_by_grid(city, NOW)
    for code, n in sorted(overdue.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
        assert re.search(rf"{code}\s+{n}\b", text), code


def test_the_monthly_report_holds_rankings_and_the_interview_list(monthly_pdf, city):
    text = text_of(monthly_pdf)
    for key in (
        "monthly_title",
        "month_kpis",
        "month_trend",
        "closure",
        "squad_ranking",
        "unit_ranking",
        "interviews",
    ):
        assert LABELS[key] in text, key
    assert f"考核月份：{LAST_MONTH:%Y-%m}" in text

    rng = kpi.KpiRange.month(LAST_MONTH.year, LAST_MONTH.month)
    days = kpi.daily_counts(city, rng)
    closure = kpi.closure_times(city, rng)
    cells = numbers_under(text, "日均上报")
    assert cells[:3] == [
        str(sum(d.reported for d in days)),
        str(sum(d.closed for d in days)),
        f"{sum(d.reported for d in days) / len(days):.1f}",
    ]
    assert cells[4:6] == [f"{closure.median:.1f}", f"{closure.p90:.1f}"]
    assert f"共 {len(closure.hours)} 件结案案件" in text

    as_of = report_pdf.report_as_of(rng.day_list()[0], rng.day_list()[-1], NOW)
    for kind in ("squad", "unit"):
        ranked = monthly_scores(city, LAST_MONTH.year, LAST_MONTH.month, kind=kind, as_of=as_of)
        assert ranked
        for r in ranked:
            if r.score is not None:
                assert re.search(rf"{r.rank}\s+{re.escape(r.name)}\s+{r.score:.1f}\s", text), r
        called = interview_list(ranked)
        assert called
        block = text[text.index(LABELS["interviews"]) :]
        for r in called:
            assert re.search(rf"{re.escape(r.name)}\s+{r.score:.1f}\s+{r.rank}\s", block), r


def test_pages_are_numbered_and_the_chinese_font_is_embedded(daily_pdf, monthly_pdf):
    for pdf in (daily_pdf, monthly_pdf):
        info = poppler("pdfinfo", str(pdf))
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
        assert "A4" in info
        text = text_of(pdf)
        for n in range(1, pages + 1):
            assert re.search(rf"第\s*{n}\s*页\s*/\s*共\s*{pages}\s*页", text), n
        fonts = poppler("pdffonts", str(pdf)).splitlines()[2:]
        cjk = [f for f in fonts if report_pdf.cjk_family().replace(" ", "") in f.replace(" ", "")]
        assert cjk, fonts
        assert all(" yes " in f for f in fonts), fonts  # every font embedded (as a subset)
    assert int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", str(monthly_pdf))).group(1)) >= 3


def test_the_charts_are_drawn_on_the_pages(daily_pdf, monthly_pdf, tmp_path):
    from PySide6.QtGui import QColor, QImage

    bar = QColor(report_pdf.SERIES[0])
    for pdf in (daily_pdf, monthly_pdf):
        prefix = tmp_path / pdf.stem
        subprocess.run(
            ["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(pdf), str(prefix)],
            check=True,
            timeout=60,
        )
        image = QImage(str(next(tmp_path.glob(f"{pdf.stem}*.png"))))
        assert image.width() > 300
        bar_pixels = sum(
            1
            for x in range(0, image.width(), 2)
            for y in range(0, image.height(), 2)
            if _near(QColor(image.pixel(x, y)), bar)
        )
        assert bar_pixels > 300, pdf.name  # the bars of the 14-day / month chart


def _near(a, b, tol: int = 40) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < tol


def test_the_report_font_list_is_the_theme_s():
    from command_center.ui import theme

    assert report_pdf.CJK_FAMILIES == theme.CJK_FAMILIES


def test_a_past_day_stands_at_its_end_and_a_future_day_is_refused(city, tmp_path, qapp):
    day = (NOW - timedelta(days=3)).date()
    out = daily_report(city, CATALOGUE, day, tmp_path / "past.pdf", now=NOW)
    text = text_of(out)
    assert f"数据截至：{day} 23:59" in text and LABELS["overdue_day_end"] in text
    with pytest.raises(ValueError, match="has not begun"):
        daily_report(city, CATALOGUE, (NOW + timedelta(days=1)).date(), tmp_path / "f.pdf", now=NOW)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        daily_report(city, CATALOGUE, day, tmp_path / "nope" / "x.pdf", now=NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["past.pdf"]


def test_nice_ticks_are_round_and_cover_the_top():
    assert report_pdf.nice_ticks(0) == [0.0, 1.0]
    assert report_pdf.nice_ticks(14) == [0, 5, 10, 15]
    assert report_pdf.nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    ticks = report_pdf.nice_ticks(1234)
    assert ticks[-1] >= 1234 and len(ticks) <= 7
