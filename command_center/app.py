"""Composition root: the command line, settings, the store and services, and the window.

    command-center [--db URL] [--config PATH] [--lang zh_CN|en]
                   [--user NAME --password PW] [--screenshot PNG [--size WxH]]
                   [--wall [--screens N]]
    command-center [--db URL] db upgrade | db seed [--cases N] | db stats [--json]
    command-center [--db URL] report daily|monthly|map [--date YYYY-MM-DD] [--month YYYY-MM]
                   --out FILE
    command-center [--db URL] import geojson|csv FILE --into cases|cameras|REGISTRY|grids
                   [--map SRC=FIELD]… [--mapping FILE.json] [--skip-invalid] [--report FILE]
    command-center [--db URL] export geojson|csv OUT --from cases|cameras|REGISTRY|grids

Anything a user can get wrong (a bad URL, an unreachable server, a corrupt file, a newer
schema, a bad settings file) ends with one line on stderr and exit code 2, and changes nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from command_center.config import (
    LANGUAGES,
    ConfigError,
    Settings,
    config_dir,
    data_dir,
    default_config_path,
    default_db_url,
    load_settings,
    save_settings,
)
from command_center.domain.calendar import CST, WorkCalendar
from command_center.domain.catalogue import Catalogue, CatalogueError
from command_center.domain.registries import KINDS
from command_center.services.changes import ServiceError
from command_center.store import migrate
from command_center.store.engine import Store, StoreError, make_engine

if TYPE_CHECKING:
    from command_center.services.auth import Operator

log = logging.getLogger("app")
EXIT_USAGE = 2
# What `import`/`export` take with --into/--from (tabular hands the registries and the grids
# to interop.registry_io).
INTEROP_TARGETS = ("cases", "cameras", *KINDS, "grids")


class UserError(Exception):
    """Ends the program with one line on stderr and exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="command-center",
        description="智慧城管指挥中心 — the urban-management command centre of Chaoyang",
    )
    p.add_argument("--db", metavar="URL", help="sqlite:///PATH or postgresql+psycopg://HOST/DB")
    p.add_argument("--config", metavar="PATH", type=Path, help="settings file (TOML)")
    p.add_argument("--lang", choices=LANGUAGES, help="UI language (default zh_CN)")
    p.add_argument("--user", metavar="NAME",
                   help="sign in as NAME without the dialog (with --password or $CC_PASSWORD)")
    p.add_argument("--password", metavar="PW", help="the password for --user")
    p.add_argument("--screenshot", metavar="PNG", type=Path,
                   help="render the main window offscreen to PNG and exit")
    p.add_argument("--size", default="1920x1080", help="window size for --screenshot (WxH)")
    p.add_argument("--wall", action="store_true",
                   help="the read-only wall screen for the command hall, full screen")
    p.add_argument("--screens", metavar="N", type=int, default=1,
                   help="screens the wall spans, side by side (default 1; with --wall)")
    p.add_argument("--map-box", metavar="W,S,E,N",
                   help="open the map on this WGS-84 box (degrees), e.g. 120.43,41.56,120.47,41.59")
    p.add_argument("--layer", metavar="NAME=on|off", action="append", default=[],
                   help="show or hide a map layer at start (repeatable), e.g. heatmap=on")
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="log more (-v: progress, -vv: debug)")
    sub = p.add_subparsers(dest="command")
    db = sub.add_parser("db", help="database commands")
    dbsub = db.add_subparsers(dest="db_command", required=True)
    dbsub.add_parser("upgrade", help="create or migrate the schema to the newest revision")
    seed = dbsub.add_parser("seed", help="seed the demo city of Chaoyang (one year of cases)")
    seed.add_argument("--cases", type=int, default=55_000, help="cases of history (default 55000)")
    stats = dbsub.add_parser("stats", help="row counts per table and cases per state")
    stats.add_argument("--json", action="store_true", help="print JSON")
    report = sub.add_parser(
        "report", help="write the daily or monthly report (PDF) or the day's map (offline HTML)"
    )
    report.add_argument("report_kind", choices=REPORT_KINDS, metavar="daily|monthly|map")
    report.add_argument("--date", metavar="YYYY-MM-DD",
                        help="the day reported on (default: today, China time)")
    report.add_argument("--month", metavar="YYYY-MM",
                        help="monthly: the month (default: the month of --date)")
    report.add_argument("--out", metavar="FILE", type=Path, required=True,
                        help="the file to write (.pdf, or .html for the map)")
    _add_interop_parsers(sub)
    return p


def _add_interop_parsers(sub) -> None:
    """`import {geojson,csv,open311} FILE --into …` and `export {geojson,csv,open311} OUT
    --from …` (Open311 GeoReport v2: requests.json in; services.json + requests.json out)."""
    imp = sub.add_parser(
        "import", help="import cases or cameras from GeoJSON, CSV or Open311 (all or nothing)")
    imp.add_argument("import_format", choices=("geojson", "csv", "open311"),
                     metavar="geojson|csv|open311")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--into", choices=INTEROP_TARGETS, default=None, metavar="TARGET",
                     help="cases or cameras (GeoJSON and CSV; Open311 requests are cases), a "
                     f"registry ({', '.join(KINDS)}; GeoJSON and CSV) or grids (GeoJSON)")
    imp.add_argument("--map", action="append", default=[], metavar="SRC=FIELD",
                     help="read the file's column SRC as FIELD (repeatable)")
    imp.add_argument("--mapping", type=Path, metavar="FILE.json",
                     help='a JSON object of column -> field, e.g. {"类别": "category_code"}')
    imp.add_argument("--skip-invalid", action="store_true",
                     help="import the valid rows and leave out the rest (see --report)")
    imp.add_argument("--report", type=Path, metavar="FILE",
                     help="write the refused rows here as CSV (row, field, reason)")
    exp = sub.add_parser("export", help="export cases or cameras as GeoJSON or CSV")
    exp.add_argument("export_format", choices=("geojson", "csv", "open311"),
                     metavar="geojson|csv|open311")
    exp.add_argument("out", type=Path, metavar="OUT",
                     help="the file to write (Open311: the folder for services.json and "
                     "requests.json)")
    exp.add_argument("--from", dest="source", choices=INTEROP_TARGETS, default=None,
                     metavar="SOURCE",
                     help=f"cases, cameras, a registry ({', '.join(KINDS)}) or grids")


@dataclass(frozen=True)
class Context:
    """What every command needs: the settings and the URL they resolve to."""

    settings: Settings
    db_url: str
    is_default_db: bool


def _context(args: argparse.Namespace) -> Context:
    settings = load_settings(args.config, db_url=args.db, language=args.lang)
    if args.config is None and not default_config_path().exists():
        try:  # leave an editable settings file on first run
            save_settings(Settings(), default_config_path())
        except OSError as exc:
            log.warning("could not write the settings file: %s", exc)
    url = settings.database.url
    return Context(settings, url or default_db_url(), is_default_db=not url)


def _open(ctx: Context, *, create: bool) -> Store:
    return Store(make_engine(ctx.db_url, create=create))


def _domain() -> tuple[Catalogue, WorkCalendar]:
    return Catalogue.default(), WorkCalendar.default()


def _seed(store: Store, cases: int, progress) -> object:
    from command_center.services.seed import seed_demo_city
    from command_center.services.seed.cameras import VIDEO_CLIPS
    from command_center.video.demo_clips import demo_clip_paths, make_demo_clips

    catalogue, calendar = _domain()
    folder = data_dir() / "video"
    clips = demo_clip_paths(list(VIDEO_CLIPS), folder)
    report = seed_demo_city(
        store, catalogue=catalogue, calendar=calendar, now=datetime.now(CST), cases=cases,
        progress=progress, clips=[str(c) for c in clips],
    )
    # The scenes are made once the city is there (a refused seed makes none); a scene that
    # cannot be made leaves its cameras showing "lost", never a failed seed.
    from command_center.services.plan_targets import PlanFiguresStore, seed_demo_figures

    seed_demo_figures(PlanFiguresStore(config_dir() / "plan_figures.json"), datetime.now(CST))
    made = make_demo_clips(list(VIDEO_CLIPS), folder)
    if len(made) < len(clips):
        log.warning("only %d of %d demo camera scenes could be made", len(made), len(clips))
    return report


def _terminal_progress(stage: str, fraction: float) -> None:
    print(f"\r  seeding: {stage:<32} {fraction * 100:5.1f}%", end="", file=sys.stderr, flush=True)


def cmd_db(ctx: Context, args: argparse.Namespace) -> int:
    if args.db_command == "stats":
        store = _open(ctx, create=False)
        try:
            migrate.require_current(store.engine)
            from command_center.services.queries import stats

            result = stats(store)
        finally:
            store.dispose()
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            print(f"database: {store.label}")
            for name, n in result["tables"].items():
                print(f"  {name:<22} {n:>9,}")
            print("cases by state:")
            for state, n in result["case_states"].items():
                print(f"  {state:<22} {n:>9,}")
        return 0
    store = _open(ctx, create=True)
    try:
        rev = migrate.upgrade(store.engine)
        if args.db_command == "upgrade":
            print(f"{store.label}: schema at revision {rev}")
            return 0
        if args.cases < 1:
            raise UserError("--cases must be at least 1")
        started = time.perf_counter()
        report = _seed(store, args.cases, _terminal_progress)
        print(file=sys.stderr)
        print(f"{store.label}: seeded the demo city of Chaoyang in "
              f"{time.perf_counter() - started:.1f} s")
        for name, n in getattr(report, "counts", {}).items():
            print(f"  {name:<22} {n:>9,}")
        return 0
    finally:
        store.dispose()


REPORT_KINDS = ("daily", "monthly", "map")


def cmd_report(ctx: Context, args: argparse.Namespace) -> int:
    """`report daily|monthly|map`: one file at --out, replaced whole or not at all."""
    now = datetime.now(CST)
    day = _parse_day(args.date, now)
    if args.month is not None and args.report_kind != "monthly":
        raise UserError("--month is for `report monthly`; use --date for a day")
    year, month = _parse_month(args.month, now) if args.month else (day.year, day.month)
    out: Path = args.out
    if out.is_dir():
        raise UserError(f"--out {out}: it is a folder")
    if not out.parent.is_dir():
        raise UserError(f"--out {out}: the folder {out.parent} does not exist")
    if not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise UserError(f"--out {out}: not writable")
    store = _open(ctx, create=False)
    try:
        migrate.require_current(store.engine)
        catalogue, _ = _domain()
        from command_center.map.export_html import ExportError

        try:
            if args.report_kind == "map":
                from command_center.interop.report_map import day_map
                from command_center.map.export_html import export_html
                from command_center.map.layers import default_layers

                day_map(store, catalogue, day, out, now=now, layers=default_layers(),
                        export=export_html)
            else:
                from command_center.interop import report_pdf

                if args.report_kind == "daily":
                    report_pdf.daily_report(store, catalogue, day, out, now=now)
                else:
                    report_pdf.monthly_report(store, catalogue, year, month, out, now=now)
        except OSError as exc:
            raise UserError(f"--out {out}: cannot write it ({exc.strerror or exc})") from None
        except ExportError as exc:
            raise UserError(f"--out {out}: {exc}") from None
    finally:
        store.dispose()
    print(f"wrote {out}")
    return 0


def _import_mapping(args: argparse.Namespace) -> dict[str, str]:
    mapping: dict[str, str] = {}
    if args.mapping is not None:
        try:
            loaded = json.loads(args.mapping.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise UserError(f"--mapping {args.mapping}: cannot read it ({exc.strerror or exc})") from None
        except ValueError as exc:
            raise UserError(f"--mapping {args.mapping}: not JSON ({exc})") from None
        if not isinstance(loaded, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
        ):
            raise UserError(f"--mapping {args.mapping}: must be an object of column -> field")
        mapping.update(loaded)
    for item in args.map:
        src, sep, field = item.partition("=")
        if not sep or not src.strip() or not field.strip():
            raise UserError(f"--map {item!r}: write it as SRC=FIELD, e.g. 类别=category_code")
        mapping[src.strip()] = field.strip()
    return mapping


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:
    """`import geojson|csv FILE --into TARGET`: the whole file in one transaction."""
    from command_center.interop import tabular
    from command_center.interop.importing import ImportFailed

    mapping = _import_mapping(args)
    if not args.file.is_file():
        raise UserError(f"{args.file}: no such file")
    if args.import_format == "open311":
        if args.into not in (None, "cases"):
            raise UserError("Open311 requests are imported as cases: --into cases")
        args.into = "cases"
    elif args.into is None:
        raise UserError("say what the file holds: --into cases, cameras, a registry or grids")
    store = _open(ctx, create=False)
    try:
        migrate.require_current(store.engine)
        options = {"skip_invalid": args.skip_invalid, "report_path": args.report}
        if args.import_format == "open311":
            from command_center.interop.open311 import import_open311

            result = import_open311(store, args.file, service_map=mapping, **options)
        elif args.import_format == "csv":
            result = tabular.import_csv(store, args.file, args.into, mapping, **options)
        else:
            result = tabular.import_geojson(store, args.file, args.into, mapping, **options)
    except ImportFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        for e in exc.first():
            print(f"  {e}", file=sys.stderr)
        if len(exc.errors) > len(exc.first()):
            print(f"  … and {len(exc.errors) - len(exc.first())} more", file=sys.stderr)
        return EXIT_USAGE
    finally:
        store.dispose()
    print(f"imported {result.imported} of {result.read} rows into {args.into}"
          + (f"; {len(result.rejected)} refused" if result.rejected else ""))
    if args.report is not None:
        print(f"wrote {args.report}")
    return 0


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    """`export geojson|csv OUT --from SOURCE`: OUT replaced whole or not at all."""
    from command_center.interop import tabular

    out: Path = args.out
    if args.export_format == "open311":
        if args.source not in (None, "cases"):
            raise UserError("Open311 exports the catalogue and the cases: --from cases")
        if out.exists() and not out.is_dir():
            raise UserError(f"{out}: Open311 writes a folder (services.json, requests.json)")
        if not out.parent.is_dir():
            raise UserError(f"{out}: the folder it goes in does not exist")
        from command_center.interop.open311 import export_open311

        store = _open(ctx, create=False)
        try:
            migrate.require_current(store.engine)
            n = export_open311(store, out)
        except OSError as exc:
            raise UserError(f"{out}: cannot write it ({exc.strerror or exc})") from None
        finally:
            store.dispose()
        print(f"wrote services.json and {n} requests to {out}")
        return 0
    if args.source is None:
        raise UserError("say what to export: --from cases, cameras, a registry or grids")
    if out.is_dir() or not out.parent.is_dir():
        raise UserError(f"{out}: not a file in an existing folder")
    store = _open(ctx, create=False)
    try:
        migrate.require_current(store.engine)
        write = tabular.export_csv if args.export_format == "csv" else tabular.export_geojson
        try:
            n = write(store, out, args.source)
        except OSError as exc:
            raise UserError(f"{out}: cannot write it ({exc.strerror or exc})") from None
    finally:
        store.dispose()
    print(f"wrote {n} {args.source} to {out}")
    return 0


def _parse_day(text: str | None, now: datetime) -> date:
    today = now.astimezone(CST).date()
    if text is None:
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--date {text!r}: expected YYYY-MM-DD, e.g. 2024-06-01") from None
    if len(text) != 10:
        raise UserError(f"--date {text!r}: expected YYYY-MM-DD, e.g. 2024-06-01")
    if day > today:
        raise UserError(f"--date {text}: that day has not come yet (today is {today})")
    return day


def _parse_month(text: str, now: datetime) -> tuple[int, int]:
    try:
        first = date.fromisoformat(f"{text}-01")
    except ValueError:
        raise UserError(f"--month {text!r}: expected YYYY-MM, e.g. 2024-06") from None
    if len(text) != 7:
        raise UserError(f"--month {text!r}: expected YYYY-MM, e.g. 2024-06")
    if first > now.astimezone(CST).date():
        raise UserError(f"--month {text}: that month has not begun yet")
    return first.year, first.month


def prepare_gui_store(ctx: Context) -> tuple[Store, bool]:
    """Open the store for the window; returns (store, needs_seed). The embedded default is
    created, migrated and seeded on first run; any other database must be ready already."""
    store = _open(ctx, create=ctx.is_default_db)
    try:
        status = migrate.schema_status(store.engine)
        if status != "current":
            if not ctx.is_default_db:
                migrate.require_current(store.engine)
            migrate.upgrade(store.engine)
        needs_seed = False
        if ctx.is_default_db:
            from command_center.services.queries import stats

            needs_seed = stats(store)["tables"].get("districts", 0) == 0
        return store, needs_seed
    except BaseException:
        store.dispose()
        raise


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UserError(f"--size {text!r}: expected WIDTHxHEIGHT, e.g. 1920x1080") from None
    if not (320 <= w <= 8192 and 240 <= h <= 8192):
        raise UserError(f"--size {text!r}: out of range")
    return w, h


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    try:
        ctx = _context(args)
        if args.command == "db":
            return cmd_db(ctx, args)
        if args.command == "report":
            return cmd_report(ctx, args)
        if args.command == "import":
            return cmd_import(ctx, args)
        if args.command == "export":
            return cmd_export(ctx, args)
        size = _parse_size(args.size)
        if args.screens < 1:
            raise UserError(f"--screens {args.screens}: the wall needs at least 1 screen")
        map_box = _parse_box(args.map_box) if args.map_box else None
        map_layers = _parse_layers(args.layer)
        _require_screen(args.screenshot is not None)
        # The wall is read only: nobody signs in to it.
        credentials = None if args.wall else _credentials(args, ctx)
        store, needs_seed = prepare_gui_store(ctx)
        try:
            catalogue, calendar = _domain()
            operator = None
            if credentials is not None:
                if needs_seed:
                    # The demo users come with the demo city: seed it here and now, so
                    # that the scripted sign-in below finds them.
                    _seed(store, 55_000, _terminal_progress)
                    print(file=sys.stderr)
                    needs_seed = False
                operator = _sign_in(store, *credentials, fallback=args.user is None)
        except BaseException:
            store.dispose()
            raise
    except (UserError, StoreError, ConfigError, CatalogueError, ServiceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.wall:
        from command_center.ui.wall_screen import run_wall

        return run_wall(
            ctx.settings,
            store,
            catalogue,
            calendar,
            screens=args.screens,
            size=size,
            screenshot=args.screenshot,
            clock=lambda: datetime.now(CST),
            needs_seed=needs_seed,
            seed=lambda progress: _seed(store, 55_000, progress),
        )
    from command_center.ui.run import run_gui

    return run_gui(
        settings=ctx.settings,
        store=store,
        catalogue=catalogue,
        calendar=calendar,
        needs_seed=needs_seed,
        seed=lambda progress: _seed(store, 55_000, progress),
        screenshot=args.screenshot,
        size=size,
        map_box=map_box,
        map_layers=map_layers,
        operator=operator,
    )


def _require_screen(screenshot: bool) -> None:
    """A screenshot renders offscreen unless a platform is asked for; a window needs a screen
    Qt can open, which is checked before Qt starts: Qt's own answer to a missing library or
    display is an abort."""
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return
    from command_center.qtdeps import display_problem

    problem = display_problem()
    if problem is not None:
        raise UserError(problem)


def _credentials(args: argparse.Namespace, ctx: Context) -> tuple[str, str] | None:
    """(user, password) to sign in with, without the dialog; None: no scripted sign-in.

    A screenshot on the embedded demo database signs in as the demo dispatcher, so that it
    never waits for anyone.
    """
    if args.user is None:
        if args.password is not None:
            raise UserError("--password needs --user NAME")
        if args.screenshot is not None and ctx.is_default_db:
            from command_center.services.auth import DEMO_PASSWORD

            return "dispatcher", DEMO_PASSWORD
        return None
    password = args.password if args.password is not None else os.environ.get("CC_PASSWORD")
    if password is None:
        raise UserError(f"--user {args.user}: give the password with --password or $CC_PASSWORD")
    return args.user, password


def _sign_in(store: Store, user: str, password: str, *, fallback: bool) -> Operator | None:
    """The operator for these credentials. With `fallback` (the screenshot's default user)
    a database without that user gives None and a warning instead of an error."""
    from command_center.services.auth import AuthService, SignInError

    try:
        return AuthService(store).sign_in(user, password)
    except SignInError:
        if not fallback:
            raise
        log.warning("no demo user %r in %s (seeded before sign-in existed?): signed in as "
                    "no one", user, store.label)
        return None


def _parse_box(text: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise UserError(f"--map-box {text!r}: expected four numbers W,S,E,N") from None
    if not (-180 <= west < east <= 180 and -85 <= south < north <= 85):
        raise UserError(
            f"--map-box {text!r}: need west < east within ±180 and south < north within ±85"
        )
    return west, south, east, north


def _parse_layers(items: list[str]) -> dict[str, bool]:
    from command_center.map.layers import default_layers, registry_layers

    names = [*default_layers().names, *(layer.name for layer in registry_layers())]
    out: dict[str, bool] = {}
    for item in items:
        name, _, state = item.partition("=")
        if name not in names or state not in ("on", "off"):
            raise UserError(
                f"--layer {item!r}: expected NAME=on or NAME=off, NAME one of {', '.join(names)}"
            )
        out[name] = state == "on"
    return out


if __name__ == "__main__":
    raise SystemExit(main())
