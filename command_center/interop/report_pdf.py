"""The daily situation report and the monthly evaluation report as PDF (Qt, no network).

The figures come from the KPI read model (`services.kpi`) and the monthly evaluation
(`services.evaluation`); this module only lays them out. A report is HTML with tables laid
out by `QTextDocument` and painted page by page onto a `QPdfWriter` (A4, 300 dpi), with a
running head (title, day) and a foot (generated at, 第 n 页 / 共 m 页). Charts are drawn
with `QPainter` into 300-dpi `QImage`s that the document holds as resources.

Text is set in the CJK family the app's theme uses (WenQuanYi Micro Hei on the hall's
Linux images, Noto Sans CJK otherwise); Qt embeds the subset of each font used, so the PDF
reads the same on a machine without the font and its text can be extracted (pdftotext).
Qt needs a `QGuiApplication` for fonts: one is created (offscreen is fine) if none exists.

The report is written to a temporary file beside `out` and renamed over it when complete.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QIODevice,
    QMarginsF,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.domain.evaluation import (
    AMBER_FROM,
    DEFAULT_WEIGHTS,
    Band,
    RankedScore,
    Weights,
)
from command_center.domain.evaluation import interview_list as pick_interviews
from command_center.interop.tables import write_bytes_atomically
from command_center.services import kpi
from command_center.store.engine import Store

__all__ = [
    "CJK_FAMILIES",
    "LABELS",
    "DailyFigures",
    "MonthlyFigures",
    "daily_figures",
    "daily_report",
    "monthly_figures",
    "monthly_report",
]

# ---------------------------------------------------------------- labels

# Every word the reports print, so that an English variant is one more dict.
LABELS: Mapping[str, str] = {
    "org": "朝阳市城市管理指挥中心",
    "daily_title": "城市管理每日态势报告",
    "monthly_title": "城市管理月度考核评价报告",
    "report_day": "报告日期",
    "report_month": "考核月份",
    "as_of": "数据截至",
    "generated_at": "生成时间",
    "page": "第 {n} 页 / 共 {total} 页",
    "tiles": "一、当日运行指标",
    "reported": "上报",
    "registered": "立案",
    "dispatched": "派遣",
    "closed": "结案",
    "on_time_rate": "按期结案率",
    "overdue_now": "当前超期",
    "squads_on_duty": "在岗队伍",
    "trend14": "二、近14日上报与结案",
    "day": "日期",
    "categories": "三、当日案件类别构成",
    "category": "类别",
    "count": "数量",
    "share": "占比",
    "others": "其他",
    "overdue": "四、超期案件前十网格",
    "rank": "排名",
    "street": "街道",
    "grid": "单元网格",
    "overdue_cases": "超期案件",
    "squads": "五、处置队伍按期处置情况",
    "squad": "队伍",
    "unit": "单位",
    "handled": "办结",
    "on_time": "按期",
    "rate": "按期率",
    "nothing": "无",
    "month_kpis": "一、本月主要指标",
    "daily_average": "日均上报",
    "median": "中位数",
    "p90": "P90",
    "closure_median": "结案用时中位数(小时)",
    "closure_p90": "结案用时P90(小时)",
    "on_time_handle_rate": "按期处置率",
    "month_trend": "二、本月每日上报与结案",
    "closure": "三、结案用时分布",
    "hours": "小时",
    "cases": "案件数",
    "closure_note": "共 {n} 件结案案件；中位数 {median} 小时，P90 {p90} 小时。",
    "squad_ranking": "四、处置队伍考核排名",
    "unit_ranking": "五、责任单位考核排名",
    "score": "得分",
    "previous": "上月",
    "trend": "环比",
    "band": "等次",
    "interviews": "六、约谈名单",
    "kind": "类型",
    "reason": "原因",
    "reason_red": "得分低于{below:g}分",
    "reason_bottom": "排名末位",
    "weights": "评分权重：处置率 {handle:g}、按期处置率 {on_time_handle:g}、返工 {rework:g}、"
    "超期 {overdue:g}、延期 {extension:g}（满分100）。",
    "no_score": "不评分",
    "no_score_note": "“不评分”：本月无应处置案件。",
    "overdue_month_end": "月末超期",
    "overdue_day_end": "日末超期",
}
BAND_LABELS: Mapping[Band, str] = {Band.GREEN: "优秀", Band.AMBER: "合格", Band.RED: "待改进"}
BAND_COLORS: Mapping[Band, str] = {
    Band.GREEN: "#1e8e4e",
    Band.AMBER: "#b8730a",
    Band.RED: "#c62828",
}

# The app theme's CJK families, best first (ui.theme.CJK_FAMILIES; interop may not import
# the ui layer, a test keeps the two equal).
CJK_FAMILIES: tuple[str, ...] = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
)

DPI = 300
CSS_DPI = 96  # QTextDocument sizes images in 96-dpi pixels and scales them to the device
SCALE = DPI / CSS_DPI
BODY_WIDTH_CSS = 680  # A4 minus 2 × 15 mm at 96 dpi is 680.3 px
TOP_N = 10
TREND_DAYS = 14
HISTOGRAM_BINS = 24

INK = "#1f2933"
MUTED = "#6b7785"
RULE = "#b8c2cc"
SERIES = ("#2f6db5", "#2e9d6a", "#d64545", "#e09b2d")  # reported, closed, overdue, accent


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class DailyFigures:
    """Everything the daily report shows, read from the services."""

    day: date
    as_of: datetime
    period_over: bool  # the day has ended: "now" figures are taken at its last second
    tiles: kpi.TodayTiles
    trend: list[kpi.DailyCount]
    categories: list[tuple[str, str, int]]
    overdue: list[tuple[str, str, int]]  # (grid code, street name, count), worst first
    squads: list[kpi.OnTimeRow]


@dataclass(frozen=True)
class MonthlyFigures:
    """Everything the monthly report shows, read from the services."""

    year: int
    month: int
    as_of: datetime
    period_over: bool
    days: list[kpi.DailyCount]
    closure: kpi.ClosureTimes
    units_on_time: list[kpi.OnTimeRow]
    overdue_now: int
    squads: list[RankedScore]
    units: list[RankedScore]
    interviews: list[tuple[str, RankedScore]]  # (kind label, entry), worst first
    weights: Weights

    @property
    def reported(self) -> int:
        return sum(d.reported for d in self.days)

    @property
    def closed(self) -> int:
        return sum(d.closed for d in self.days)

    @property
    def on_time_handle_rate(self) -> float | None:
        closed = sum(r.closed for r in self.units_on_time)
        return sum(r.on_time for r in self.units_on_time) / closed if closed else None


def report_as_of(first: date, last: date, now: datetime) -> datetime:
    """The moment a report over the China days `first`..`last` stands at: `now` while the
    period runs, its last second once it is over. ValueError for a period not begun."""
    start = datetime.combine(first, datetime.min.time(), tzinfo=CST)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=CST)
    if now < start:
        raise ValueError(f"{first.isoformat()} has not begun yet (now is {now:%Y-%m-%d %H:%M})")
    return min(now.astimezone(CST), end - timedelta(seconds=1))


def daily_figures(store: Store, catalogue: Catalogue, day: date, *, now: datetime) -> DailyFigures:
    """The daily report's figures for the China day `day`, as they stand at `now` (or at the
    day's end, for a past day)."""
    as_of = report_as_of(day, day, now)
    today = kpi.KpiRange.days(day, 1)
    by_grid = kpi.overdue_by_grid(store, as_of)
    worst = sorted(by_grid.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_N]
    streets = _street_names(store, {code[:9] for code, _ in worst})
    return DailyFigures(
        day=day,
        as_of=as_of,
        period_over=as_of < now,
        tiles=kpi.today_tiles(store, as_of),
        trend=kpi.daily_counts(store, kpi.KpiRange.days(day, TREND_DAYS)),
        categories=list(kpi.category_mix(store, today, catalogue=catalogue)),
        overdue=[(code, streets.get(code[:9], ""), n) for code, n in worst],
        squads=list(kpi.on_time_by_squad(store, today)),
    )


def monthly_figures(
    store: Store,
    catalogue: Catalogue,
    year: int,
    month: int,
    *,
    now: datetime,
    weights: Weights = DEFAULT_WEIGHTS,
) -> MonthlyFigures:
    """The monthly report's figures for `year`-`month`, as they stand at `now` (or at the
    month's end, for a past month)."""
    from command_center.services.evaluation import monthly_scores

    rng = kpi.KpiRange.month(year, month)
    days = rng.day_list()
    as_of = report_as_of(days[0], days[-1], now)
    squads = monthly_scores(store, year, month, kind="squad", weights=weights, as_of=as_of)
    units = monthly_scores(store, year, month, kind="unit", weights=weights, as_of=as_of)
    interviews = [(LABELS["unit"], r) for r in pick_interviews(units)]
    interviews += [(LABELS["squad"], r) for r in pick_interviews(squads)]
    return MonthlyFigures(
        year=year,
        month=month,
        as_of=as_of,
        period_over=as_of < now,
        days=kpi.daily_counts(store, rng),
        closure=kpi.closure_times(store, rng),
        units_on_time=list(kpi.on_time_by_unit(store, rng)),
        overdue_now=sum(kpi.overdue_by_grid(store, as_of).values()),
        squads=list(squads),
        units=list(units),
        interviews=interviews,
        weights=weights,
    )


def _street_names(store: Store, codes: set[str]) -> dict[str, str]:
    """Street code → name (街道), for labelling grid codes (their 9-digit prefix)."""
    if not codes:
        return {}
    from sqlalchemy import select

    from command_center.store.models import Street

    with store.read() as s:
        return dict(s.execute(select(Street.code, Street.name).where(Street.code.in_(codes))).all())


# ---------------------------------------------------------------- entry points


def daily_report(
    store: Store, catalogue: Catalogue, day: date, out: Path, *, now: datetime
) -> Path:
    """Write the daily situation report of China day `day` as PDF at `out`; return `out`.

    Raises ValueError for a day that has not begun, FileNotFoundError / IsADirectoryError /
    OSError for an unusable `out` (nothing is written then).
    """
    out = _check_out(Path(out))
    figures = daily_figures(store, catalogue, day, now=now)
    with _gui():
        body, images = daily_html(figures)
        head = f"{LABELS['daily_title']}  {day.isoformat()}"
        pdf = render_pdf(body, images, title=LABELS["daily_title"], head=head, now=now)
    return write_bytes_atomically(out, pdf)


def monthly_report(
    store: Store,
    catalogue: Catalogue,
    year: int,
    month: int,
    out: Path,
    *,
    now: datetime,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Path:
    """Write the monthly evaluation report of `year`-`month` as PDF at `out`; return `out`."""
    out = _check_out(Path(out))
    figures = monthly_figures(store, catalogue, year, month, now=now, weights=weights)
    with _gui():
        body, images = monthly_html(figures)
        head = f"{LABELS['monthly_title']}  {year:04d}-{month:02d}"
        pdf = render_pdf(body, images, title=LABELS["monthly_title"], head=head, now=now)
    return write_bytes_atomically(out, pdf)


def _check_out(path: Path) -> Path:
    if path.is_dir():
        raise IsADirectoryError(f"cannot write the report to {path}: it is a folder")
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"cannot write the report to {path}: the folder {path.parent} does not exist"
        )
    return path


@contextmanager
def _gui() -> Iterator[QGuiApplication]:
    """A QGuiApplication for the duration (fonts and painting need one); an existing one is
    used as it is, a new one is offscreen-capable and lives as long as the block."""
    app = QGuiApplication.instance()
    if app is not None and not isinstance(app, QGuiApplication):
        raise RuntimeError("the PDF reports need a QGuiApplication, not a QCoreApplication")
    if app is not None:
        yield app
        return
    own = QGuiApplication(["command-center-report"])
    try:
        yield own
    finally:
        own.shutdown()  # so that a later caller may create its own application


def cjk_family() -> str:
    """The first installed family of CJK_FAMILIES, else Qt's default sans serif."""
    installed = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()


# ---------------------------------------------------------------- HTML


def _e(text: object) -> str:
    return html.escape(str(text))


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    align: str = "",
    widths: Sequence[int] = (),
    empty: str | None = None,
) -> str:
    """A ruled table; `align` gives each column l/c/r (default: first left, the rest right)."""
    n = len(header)
    align = align or "l" + "r" * (n - 1)
    side = {"l": "left", "c": "center", "r": "right"}
    cols = "".join(f'<col width="{w}%"/>' for w in widths)

    def cell(tag: str, text: str, i: int, extra: str = "") -> str:
        width = f' width="{widths[i]}%"' if widths and tag == "th" else ""
        return f'<{tag} align="{side[align[i]]}"{width}{extra}>{text}</{tag}>'

    head = "".join(cell("th", _e(h), i) for i, h in enumerate(header))
    if not rows:
        body = f'<tr><td colspan="{n}" align="center">{_e(empty or LABELS["nothing"])}</td></tr>'
    else:
        body = "".join(
            f'<tr class="{"odd" if k % 2 else "even"}">'
            + "".join(cell("td", c, i) for i, c in enumerate(r))
            + "</tr>"
            for k, r in enumerate(rows)
        )
    return (
        f'<table class="grid" width="100%" cellspacing="0" cellpadding="4">{cols}'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _title_block(title: str, lines: Sequence[tuple[str, str]]) -> str:
    meta = "　　".join(f"{_e(k)}：{_e(v)}" for k, v in lines)
    return f'<p class="org">{_e(LABELS["org"])}</p><h1>{_e(title)}</h1><p class="meta">{meta}</p>'


def _image(name: str, image: QImage) -> str:
    w = round(image.width() / SCALE)
    h = round(image.height() / SCALE)
    return f'<p align="center"><img src="chart:{name}" width="{w}" height="{h}"/></p>'


def _when(t: datetime) -> str:
    return t.astimezone(CST).strftime("%Y-%m-%d %H:%M")


def daily_html(f: DailyFigures) -> tuple[str, dict[str, QImage]]:
    """The daily report's body (HTML for QTextDocument) and the charts it refers to."""
    L = LABELS
    t = f.tiles
    parts = [
        _title_block(
            L["daily_title"],
            [(L["report_day"], f.day.isoformat()), (L["as_of"], _when(f.as_of))],
        ),
        f"<h2>{_e(L['tiles'])}</h2>",
        _table(
            [
                L[k]
                for k in (
                    "reported",
                    "registered",
                    "dispatched",
                    "closed",
                    "on_time_rate",
                    "overdue_day_end" if f.period_over else "overdue_now",
                    "squads_on_duty",
                )
            ],
            [
                [
                    str(t.reported),
                    str(t.registered),
                    str(t.dispatched),
                    str(t.closed),
                    _pct(t.on_time_rate),
                    str(t.overdue_now),
                    str(t.squads_on_duty),
                ]
            ],
            align="ccccccc",
        ).replace('class="grid"', 'class="grid tiles"'),
    ]
    images: dict[str, QImage] = {}

    images["trend"] = bar_line_chart(
        [d.day.strftime("%m-%d") for d in f.trend],
        [("reported", [d.reported for d in f.trend]), ("closed", [d.closed for d in f.trend])],
        size=(BODY_WIDTH_CSS, 240),
    )
    parts += [f"<h2>{_e(L['trend14'])}</h2>", _image("trend", images["trend"])]
    parts.append(
        _table(
            [L["day"], *[d.day.strftime("%m-%d") for d in f.trend]],
            [
                [L["reported"], *[str(d.reported) for d in f.trend]],
                [L["closed"], *[str(d.closed) for d in f.trend]],
            ],
            align="l" + "c" * len(f.trend),
        ).replace('class="grid"', 'class="grid small"')
    )

    parts.append(f"<h2>{_e(L['categories'])}</h2>")
    mix = sorted(f.categories, key=lambda c: (-c[2], c[0]))
    total = sum(n for _, _, n in mix)
    shown = mix[:TOP_N]
    rest = total - sum(n for _, _, n in shown)
    bars = [(name, n) for _, name, n in shown] + ([(L["others"], rest)] if rest else [])
    if bars:
        images["categories"] = hbar_chart(bars, size=(BODY_WIDTH_CSS, 26 + 20 * len(bars)))
        parts.append(_image("categories", images["categories"]))
    parts.append(
        _table(
            [L["category"], L["count"], L["share"]],
            [[_e(name), str(n), _pct(n / total)] for name, n in bars],
            widths=(60, 20, 20),
        )
    )

    parts.append(f"<h2>{_e(L['overdue'])}</h2>")
    parts.append(
        _table(
            [L["rank"], L["street"], L["grid"], L["overdue_cases"]],
            [
                [str(i), _e(street or "—"), _e(code), str(n)]
                for i, (code, street, n) in enumerate(f.overdue, start=1)
            ],
            align="clcr",
            widths=(10, 35, 35, 20),
        )
    )

    parts.append(f"<h2>{_e(L['squads'])}</h2>")
    squads = sorted(f.squads, key=lambda r: (-(r.rate if r.rate is not None else -1), r.name))
    parts.append(
        _table(
            [L["squad"], L["handled"], L["on_time"], L["rate"]],
            [[_e(r.name), str(r.closed), str(r.on_time), _pct(r.rate)] for r in squads],
            widths=(52, 16, 16, 16),
        )
    )
    return "\n".join(parts), images


def _trend(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) < 0.05:
        return "持平"
    return f"{'↑' if value > 0 else '↓'}{abs(value):.1f}"


def _band(band: Band | None) -> str:
    if band is None:
        return "—"
    return f'<font color="{BAND_COLORS[band]}">{_e(BAND_LABELS[band])}</font>'


def _ranking(rows: Sequence[RankedScore], who: str) -> str:
    return _table(
        [LABELS["rank"], who, LABELS["score"], LABELS["previous"], LABELS["trend"], LABELS["band"]],
        [
            [
                "—" if r.rank is None else str(r.rank),
                _e(r.name),
                _num(r.score) if r.score is not None else _e(LABELS["no_score"]),
                _num(r.previous),
                _trend(r.trend),
                _band(r.band),
            ]
            for r in rows
        ],
        align="clrrrc",
        widths=(9, 41, 14, 12, 12, 12),
    )


def monthly_html(f: MonthlyFigures) -> tuple[str, dict[str, QImage]]:
    """The monthly report's body (HTML for QTextDocument) and the charts it refers to."""
    L = LABELS
    c = f.closure
    n_days = max(len(f.days), 1)
    parts = [
        _title_block(
            L["monthly_title"],
            [(L["report_month"], f"{f.year:04d}-{f.month:02d}"), (L["as_of"], _when(f.as_of))],
        ),
        f"<h2>{_e(L['month_kpis'])}</h2>",
        _table(
            [
                L["reported"],
                L["closed"],
                L["daily_average"],
                L["on_time_handle_rate"],
                L["closure_median"],
                L["closure_p90"],
                L["overdue_month_end" if f.period_over else "overdue_now"],
            ],
            [
                [
                    str(f.reported),
                    str(f.closed),
                    _num(f.reported / n_days),
                    _pct(f.on_time_handle_rate),
                    _num(c.median),
                    _num(c.p90),
                    str(f.overdue_now),
                ]
            ],
            align="ccccccc",
        ).replace('class="grid"', 'class="grid tiles"'),
    ]
    images: dict[str, QImage] = {}
    images["days"] = bar_line_chart(
        [d.day.strftime("%d") for d in f.days],
        [("reported", [d.reported for d in f.days]), ("closed", [d.closed for d in f.days])],
        size=(BODY_WIDTH_CSS, 220),
    )
    parts += [f"<h2>{_e(L['month_trend'])}</h2>", _image("days", images["days"])]

    images["closure"] = histogram_chart(c.hours, c.median, c.p90, size=(BODY_WIDTH_CSS, 230))
    parts += [
        f"<h2>{_e(L['closure'])}</h2>",
        _image("closure", images["closure"]),
        '<p class="note">'
        + _e(L["closure_note"].format(n=len(c.hours), median=_num(c.median), p90=_num(c.p90)))
        + "</p>",
    ]

    parts += [
        f'<h2 class="newpage">{_e(L["squad_ranking"])}</h2>',
        _ranking(f.squads, L["squad"]),
        f"<h2>{_e(L['unit_ranking'])}</h2>",
        _ranking(f.units, L["unit"]),
        '<p class="note">'
        + _e(L["weights"].format(**f.weights.as_dict()) + L["no_score_note"])
        + "</p>",
        f"<h2>{_e(L['interviews'])}</h2>",
        _table(
            [
                L["kind"],
                L["squad"] + "/" + L["unit"],
                L["score"],
                L["rank"],
                L["band"],
                L["reason"],
            ],
            [
                [
                    _e(kind),
                    _e(r.name),
                    _num(r.score),
                    str(r.rank),
                    _band(r.band),
                    _e(
                        L["reason_red"].format(below=AMBER_FROM)
                        if r.band is Band.RED
                        else L["reason_bottom"]
                    ),
                ]
                for kind, r in f.interviews
            ],
            align="clrccl",
            widths=(10, 36, 12, 10, 12, 20),
        ),
    ]
    return "\n".join(parts), images


# ---------------------------------------------------------------- PDF


_STYLE = f"""
body {{ color: {INK}; }}
h1 {{ font-size: 18pt; font-weight: bold; margin-top: 0px; margin-bottom: 4px; }}
h2 {{ font-size: 12.5pt; font-weight: bold; color: #16406e; margin-top: 14px;
      margin-bottom: 6px; }}
h2.newpage {{ page-break-before: always; }}
p.org {{ font-size: 10pt; color: {MUTED}; margin-bottom: 2px; }}
p.meta {{ font-size: 9pt; color: {MUTED}; margin-bottom: 6px; }}
p.note {{ font-size: 8.5pt; color: {MUTED}; margin-top: 4px; }}
table.grid {{ border-collapse: collapse; border: 1px solid {RULE}; font-size: 9pt; }}
table.grid th {{ background-color: #e8eef5; font-weight: bold; border: 1px solid {RULE};
                 padding: 3px; }}
table.grid td {{ border: 1px solid {RULE}; padding: 3px; }}
table.grid tr.odd td {{ background-color: #f6f8fa; }}
table.tiles td {{ font-size: 14pt; font-weight: bold; color: #16406e; padding: 6px; }}
table.small {{ font-size: 7.5pt; }}
"""


def render_pdf(
    body: str,
    images: Mapping[str, QImage],
    *,
    title: str,
    head: str,
    now: datetime,
) -> bytes:
    """Lay out `body` on A4 pages with a running head and foot; the PDF as bytes."""
    family = cjk_family()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setTitle(title)
    writer.setCreator(LABELS["org"])
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 12, 15, 12),
            QPageLayout.Unit.Millimeter,
        )
    )

    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    font = QFont(family)
    font.setPointSizeF(9.5)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet(_STYLE)
    doc.setDocumentMargin(0)
    for name, image in images.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{name}"), image)
    doc.setHtml(f"<html><body>{body}</body></html>")

    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("Qt could not start the PDF")
    try:
        page = QRectF(writer.pageLayout().paintRectPixels(DPI)).translated(
            -writer.pageLayout().paintRectPixels(DPI).topLeft()
        )
        small = QFont(family)
        small.setPointSizeF(7.5)
        band = QFontMetricsF(small, writer).height() * 2.2
        body_rect = QRectF(0, band, page.width(), page.height() - 2 * band)
        doc.setPageSize(QSizeF(body_rect.width(), body_rect.height()))
        total = doc.pageCount()
        foot_left = f"{LABELS['generated_at']}：{_when(now)}"
        for i in range(total):
            if i:
                writer.newPage()
            painter.save()
            painter.translate(body_rect.left(), body_rect.top() - i * body_rect.height())
            clip = QRectF(0, i * body_rect.height(), body_rect.width(), body_rect.height())
            doc.drawContents(painter, clip)
            painter.restore()
            _head_and_foot(
                painter,
                page,
                band,
                small,
                head,
                foot_left,
                LABELS["page"].format(n=i + 1, total=total),
            )
    finally:
        painter.end()
    data = bytes(buffer.data().data())
    buffer.close()
    if not data.startswith(b"%PDF"):
        raise OSError("Qt wrote no PDF")
    return data


def _head_and_foot(
    p: QPainter, page: QRectF, band: float, font: QFont, head: str, left: str, right: str
) -> None:
    p.save()
    p.setFont(font)
    p.setPen(QColor(MUTED))
    top = QRectF(0, 0, page.width(), band * 0.7)
    bottom = QRectF(0, page.height() - band * 0.7, page.width(), band * 0.7)
    align_v = Qt.AlignmentFlag.AlignVCenter
    p.drawText(top, int(Qt.AlignmentFlag.AlignLeft | align_v), LABELS["org"])
    p.drawText(top, int(Qt.AlignmentFlag.AlignRight | align_v), head)
    p.drawText(bottom, int(Qt.AlignmentFlag.AlignLeft | align_v), left)
    p.drawText(bottom, int(Qt.AlignmentFlag.AlignRight | align_v), right)
    pen = QPen(QColor(RULE))
    pen.setWidthF(DPI / 300 * 2)
    p.setPen(pen)
    p.drawLine(QPointF(0, top.bottom()), QPointF(page.width(), top.bottom()))
    p.drawLine(QPointF(0, bottom.top()), QPointF(page.width(), bottom.top()))
    p.restore()


# ---------------------------------------------------------------- charts


class _Canvas:
    """A white 300-dpi QImage of `size` CSS pixels and a painter working in CSS pixels."""

    def __init__(self, size: tuple[int, int]) -> None:
        w, h = size
        self.width, self.height = float(w), float(h)
        self.image = QImage(round(w * SCALE), round(h * SCALE), QImage.Format.Format_RGB32)
        dpm = round(DPI / 0.0254)
        self.image.setDotsPerMeterX(dpm)
        self.image.setDotsPerMeterY(dpm)
        self.image.fill(QColor("#ffffff"))
        self.family = cjk_family()
        self.p = QPainter(self.image)
        self.p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.p.scale(SCALE, SCALE)

    def font(self, pt: float, bold: bool = False) -> QFont:
        f = QFont(self.family)
        # The painter is scaled by SCALE and the image is 300 dpi: a point size is set in
        # CSS pixels (96 dpi) so that text comes out at `pt` points on paper.
        f.setPixelSize(max(1, round(pt * CSS_DPI / 72)))
        f.setBold(bold)
        return f

    def text(
        self,
        rect: QRectF,
        flags: Qt.AlignmentFlag,
        text: str,
        *,
        pt: float = 7.5,
        color: str = MUTED,
        bold: bool = False,
    ) -> None:
        self.p.setFont(self.font(pt, bold))
        self.p.setPen(QColor(color))
        self.p.drawText(rect, int(flags), text)

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        color: str,
        width: float = 0.6,
        dash: bool = False,
    ) -> None:
        pen = QPen(QColor(color))
        pen.setWidthF(width)
        if dash:
            pen.setStyle(Qt.PenStyle.DashLine)
        self.p.setPen(pen)
        self.p.drawLine(QPointF(x1, y1), QPointF(x2, y2))

    def done(self) -> QImage:
        self.p.end()
        return self.image


def nice_ticks(top: float, n: int = 5) -> list[float]:
    """0 and round steps up to at least `top` (1, 2, 2.5 or 5 × 10^k), about `n` of them."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    count = math.ceil(top / step - 1e-9)
    return [i * step for i in range(count + 1)]


def _fmt_tick(v: float) -> str:
    return f"{v:g}" if v < 10_000 else f"{v / 10_000:g}万"


@dataclass
class _Frame:
    left: float
    top: float
    right: float
    bottom: float
    ymax: float

    def y(self, v: float) -> float:
        return self.bottom - (self.bottom - self.top) * v / self.ymax


def _axes(
    c: _Canvas,
    ticks: list[float],
    *,
    left: float = 40,
    top: float = 22,
    right: float = 10,
    bottom: float = 22,
    y_label: str = "",
) -> _Frame:
    frame = _Frame(left, top, c.width - right, c.height - bottom, ticks[-1] or 1.0)
    for v in ticks:
        y = frame.y(v)
        c.line(frame.left, y, frame.right, y, "#e3e8ee" if v else RULE, 0.6)
        c.text(
            QRectF(0, y - 6, left - 4, 12),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            _fmt_tick(v),
        )
    if y_label:
        c.text(QRectF(0, 2, 120, 14), Qt.AlignmentFlag.AlignLeft, y_label)
    return frame


def _legend(c: _Canvas, items: Sequence[tuple[str, str, str]]) -> None:
    """Legend at the top right: (label, colour, 'bar'|'line'|'dash')."""
    x = c.width - 10
    fm = QFontMetricsF(c.font(7.5))
    for label, color, kind in reversed(items):
        w = fm.horizontalAdvance(label)
        x -= w
        c.text(
            QRectF(x, 4, w + 2, 14),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            label,
            color=INK,
        )
        x -= 16
        if kind == "bar":
            c.p.fillRect(QRectF(x, 7, 11, 8), QColor(color))
        else:
            c.line(x, 11, x + 12, 11, color, 1.6, dash=kind == "dash")
        x -= 12


def bar_line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    size: tuple[int, int],
) -> QImage:
    """The first series as bars, the second as a line with points, over day labels."""
    c = _Canvas(size)
    (name_a, a), (name_b, b) = series
    ticks = nice_ticks(max([*a, *b, 1]))
    frame = _axes(c, ticks, y_label=LABELS["cases"])
    n = max(len(labels), 1)
    slot = (frame.right - frame.left) / n
    every = max(1, math.ceil(n / 16))
    fm = QFontMetricsF(c.font(6.5))
    for i, v in enumerate(a):
        x = frame.left + i * slot
        bar = QRectF(x + slot * 0.18, frame.y(v), slot * 0.64, frame.bottom - frame.y(v))
        c.p.fillRect(bar, QColor(SERIES[0]))
        if i % every == 0:
            c.text(
                QRectF(x - 10, frame.bottom + 3, slot + 20, 12),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                labels[i],
                pt=6.5,
            )
        if slot > fm.horizontalAdvance("0000") + 4:
            c.text(
                QRectF(x, frame.y(v) - 12, slot, 11),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                str(v),
                pt=6,
                color=SERIES[0],
            )
    path = QPainterPath()
    points = [QPointF(frame.left + (i + 0.5) * slot, frame.y(v)) for i, v in enumerate(b)]
    for i, pt in enumerate(points):
        path.moveTo(pt) if i == 0 else path.lineTo(pt)
    pen = QPen(QColor(SERIES[1]))
    pen.setWidthF(1.8)
    c.p.setPen(pen)
    c.p.drawPath(path)
    c.p.setBrush(QColor("#ffffff"))
    for pt in points:
        c.p.drawEllipse(pt, 2.4, 2.4)
    _legend(c, [(LABELS[name_a], SERIES[0], "bar"), (LABELS[name_b], SERIES[1], "line")])
    return c.done()


def hbar_chart(bars: Sequence[tuple[str, int]], *, size: tuple[int, int]) -> QImage:
    """Horizontal bars with their labels on the left and values at their ends."""
    c = _Canvas(size)
    top = max([n for _, n in bars] + [1])
    fm = QFontMetricsF(c.font(7.5))
    label_w = min(200.0, max(fm.horizontalAdvance(name) for name, _ in bars) + 10)
    left, right = label_w, c.width - 40
    row = (c.height - 12) / max(len(bars), 1)
    for i, (name, n) in enumerate(bars):
        y = 6 + i * row
        c.text(
            QRectF(0, y, label_w - 6, row),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(name, Qt.TextElideMode.ElideRight, label_w - 8),
            color=INK,
        )
        w = (right - left) * n / top
        c.p.fillRect(QRectF(left, y + row * 0.18, max(w, 0.8), row * 0.64), QColor(SERIES[0]))
        c.text(
            QRectF(left + w + 4, y, 40, row),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            str(n),
            color=INK,
        )
    return c.done()


def histogram_chart(
    hours: Sequence[float], median: float | None, p90: float | None, *, size: tuple[int, int]
) -> QImage:
    """Closure hours in HISTOGRAM_BINS bins up to a round bound past the P90 (the long tail
    is folded into the last bin), with the median and P90 marked."""
    c = _Canvas(size)
    values = [h for h in hours if math.isfinite(h) and h >= 0]
    reach = max(p90 or 0.0, (median or 0.0) * 2, 1.0) * 1.25
    upper = nice_ticks(min(reach, max(values, default=1.0)) or 1.0, 6)[-1]
    width = upper / HISTOGRAM_BINS
    counts = [0] * HISTOGRAM_BINS
    for h in values:
        counts[min(int(h / width), HISTOGRAM_BINS - 1)] += 1
    ticks = nice_ticks(max(counts + [1]))
    frame = _axes(c, ticks, bottom=30, y_label=LABELS["cases"])
    span = frame.right - frame.left

    def x(v: float) -> float:
        return frame.left + span * min(v, upper) / upper

    for i, n in enumerate(counts):
        if n:
            c.p.fillRect(
                QRectF(
                    x(i * width) + 0.5,
                    frame.y(n),
                    span / HISTOGRAM_BINS - 1,
                    frame.bottom - frame.y(n),
                ),
                QColor(SERIES[0]),
            )
    for v in nice_ticks(upper, 8):
        c.line(x(v), frame.bottom, x(v), frame.bottom + 3, RULE)
        c.text(
            QRectF(x(v) - 20, frame.bottom + 3, 40, 12),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            _fmt_tick(v),
            pt=6.5,
        )
    c.text(
        QRectF(frame.right - 80, frame.bottom + 15, 80, 12),
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
        LABELS["hours"],
        pt=6.5,
    )
    marks = [(LABELS["median"], median, SERIES[2]), (LABELS["p90"], p90, SERIES[3])]
    for k, (label, v, color) in enumerate(marks):
        if v is None:
            continue
        c.line(x(v), frame.top, x(v), frame.bottom, color, 1.4, dash=True)
        c.text(
            QRectF(x(v) + 3, frame.top + k * 12, 120, 12),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"{label} {v:.1f}",
            color=color,
            bold=True,
        )
    _legend(
        c,
        [
            (LABELS["cases"], SERIES[0], "bar"),
            (LABELS["median"], SERIES[2], "dash"),
            (LABELS["p90"], SERIES[3], "dash"),
        ],
    )
    return c.done()
