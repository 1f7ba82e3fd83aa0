"""`claimwatch` command line: a thin click layer over the library."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click
import yaml
from dateutil.relativedelta import relativedelta

from pipelines.alerting import format_alert, format_claim
from spiders.sources import SourcesError, load_sources

if TYPE_CHECKING:
    from pipelines.run import RunSummary  # imported when a run starts: it loads Dagster

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DB = "warehouse/claimwatch.duckdb"
REPORT_DAYS = 90  # the report's default window, ending at the newest claim
SAMPLE_SITE = PACKAGE_DIR / "sample" / "site"  # package data: `pip install .` ships it
SAMPLE_OUTLETS = ["orbit-tech", "northgate-post", "securewire", "daily-ledger", "partner-wire", "jiqi-daily"]


class SinceDate(click.ParamType):
    """A day, as ISO ("2026-11-01", "2026-11-01T08:00") or relative ("today", "yesterday", "7d", "2w", "3 days ago").

    Hand-written rather than dateparser: these few forms are all the CLI needs, and dateparser's language data
    would be one more large dependency for them.
    """

    name = "date"
    RELATIVE = re.compile(r"^(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)(?:\s+ago)?$")
    FORMS = "YYYY-MM-DD, today, yesterday, 7d, 2w, 3m (months), 1y or '3 days ago'"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        """The start of the day ``value`` names (UTC for relative forms)."""
        if isinstance(value, datetime):
            return value
        text = str(value).strip().lower()
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        if text in ("today", "yesterday"):
            return today - timedelta(days=1 if text == "yesterday" else 0)
        if m := self.RELATIVE.match(text):
            n, unit = int(m.group(1)), m.group(2)[0]
            step = {"d": relativedelta(days=n), "w": relativedelta(weeks=n), "m": relativedelta(months=n)}
            return today - step.get(unit, relativedelta(years=n))
        try:
            return datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date: use {self.FORMS}", param, ctx)


SINCE = SinceDate()


def db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--db: the warehouse file, $CLAIMWATCH_DB when set (as the README and the Dagster resources read it)."""
    return click.option(
        "--db",
        "db_path",
        default=DEFAULT_DB,
        envvar="CLAIMWATCH_DB",
        show_default=True,
        show_envvar=True,
        help="DuckDB warehouse file.",
    )(command)


def reader_db_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that reads the warehouse shares: --db and --lock-wait."""
    waiting = "Seconds to wait while a run holds the warehouse, then give up with a clear message."
    command = seconds_option("--lock-wait", "lock_wait", 0, waiting)(command)
    return db_option(command)


def file_option(flag: str, dest: str, default: str, help: str, envvar: str | None = None) -> Callable[..., Any]:
    """An option naming a file (not a folder), with its default (and ``envvar``, read when set) shown."""
    return click.option(
        flag,
        dest,
        default=default,
        envvar=envvar,
        show_envvar=envvar is not None,
        show_default=True,
        type=click.Path(dir_okay=False),
        help=help,
    )


def seconds_option(flag: str, dest: str, minimum: float, help: str) -> Callable[..., Any]:
    """An option giving a number of seconds (60 by default, at least ``minimum``)."""
    return click.option(flag, dest, type=click.FloatRange(min=minimum), default=60.0, show_default=True, help=help)


ROW_FORMATS = ("table", "json", "jsonl", "csv")


def format_option(*formats: str) -> Callable[..., Any]:
    """--format, one of ``formats`` (default: every row format), ``table`` first and the default.

    Row formats follow sqlite-utils: ``json`` is one JSON array, ``jsonl`` one object per line, ``csv`` with a
    header; json, jsonl and csv are never cut.
    """
    choices = formats or ROW_FORMATS
    shown = {"table": "a table", "json": "a JSON array", "jsonl": "one JSON object per line", "csv": "CSV"}
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices, case_sensitive=False),
        default=choices[0],
        show_default=True,
        help="Output: " + ", ".join(f"{f} ({shown.get(f, f)})" for f in choices) + ".",
    )


def stream_option(flag: str, dest: str, mode: str, help: str) -> Callable[..., Any]:
    """An option opening a UTF-8 file for reading or writing (``mode``); ``-`` (the default) is stdin or stdout."""
    return click.option(flag, dest, default="-", show_default=True, type=click.File(mode, encoding="utf-8"), help=help)


@contextmanager
def _read_only(db_path: str, lock_wait: float = 60.0) -> Iterator[Any]:
    """The warehouse opened read-only and sandboxed (no file, network or extension access) for one command.

    A clear error when it does not exist yet or another process holds its lock past ``lock_wait`` seconds.
    """
    from warehouse.db import WarehouseError, connect

    try:
        con = connect(db_path, read_only=True, sandboxed=True, wait_seconds=lock_wait)
    except (FileNotFoundError, WarehouseError) as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        yield con
    finally:
        con.close()


@contextmanager
def _refused_when_busy() -> Iterator[None]:
    """A run refused because another run holds the warehouse becomes a clear error (exit 1), not a traceback."""
    from warehouse.db import WarehouseError

    try:
        yield
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from exc


def _firm_query(org: str | None) -> str | None:
    """The canonical firm an --org value names (alias, Chinese name, any case), said on stderr when it differs."""
    if not org:
        return None
    from pipelines.name_lookup import resolve_firm

    query = resolve_firm(org)
    if query.note:
        click.echo(query.note, err=True)
    return query.canonical


def _say_what_was_searched(con: Any, searched: dict[str, str | None]) -> None:
    """For an empty listing: on stderr, what was searched for and the nearest names the warehouse has."""
    from pipelines.name_lookup import empty_result_help
    from warehouse.reports import side_names

    if any(searched.values()):
        firms, models = side_names(con)
        for line in empty_result_help(searched, firms, models):
            click.echo(line, err=True)


def _require_warehouse(db_path: str) -> None:
    """For commands that write to an existing warehouse: a clear error instead of creating an empty one."""
    if not Path(db_path).exists():
        raise click.ClickException(f"warehouse {db_path} does not exist yet: run `claimwatch run` first")
    _writable_warehouse(db_path)


def _writable_warehouse(db_path: str) -> None:
    """A --db that is a folder, another kind of file or another program's database: one clear error, nothing written."""
    from warehouse.db import WarehouseError, check_warehouse

    try:
        check_warehouse(db_path)
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from exc


def _check_settings() -> None:
    """Validate the settings files (and nothing heavy is imported yet): a typo fails in a fraction of a second."""
    from pipelines.settings import SettingsError, check_settings_files

    problems = check_settings_files()
    subscriptions = os.environ.get("CLAIMWATCH_SUBSCRIPTIONS")
    if subscriptions:
        from pipelines.subscriptions import Subscriptions

        try:
            for channel in Subscriptions.load(subscriptions).channels:
                channel.apprise_url()  # its environment variable is set
        except SettingsError as exc:
            problems.append(str(exc))
    if problems:
        raise click.ClickException("; ".join(problems))


def _echo_summary(summary: RunSummary) -> None:
    for line in summary.lines():
        click.echo(line)
    if summary.alerts_new:
        click.echo("")
        missed = summary.undelivered
        state = f", {len(missed)} NOT delivered" if missed else ""
        click.echo(f"New parity/surpass alerts ({len(summary.alerts_new)}{state}):")
        for d in summary.alerts_new:
            click.echo(format_alert(d))
            if d.status not in ("delivered", "filtered"):
                click.echo(f"    NOT delivered ({d.status}): {d.last_error or 'no channel accepted it'}")


def _fail_on_undelivered(summary: RunSummary) -> None:
    """A run whose new alerts no channel accepted did not do its job: say so in the exit code."""
    if summary.undelivered:
        raise click.ClickException(
            f"{len(summary.undelivered)} new alert(s) were not delivered; they stay in the outbox and are retried by "
            "the next run or the pending_alerts_sensor (see the alerts table: status, last_error)"
        )


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version: the package's version and the claim rules' version (what stored claims are compared with)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    from extractors.rules import rules_version  # the rules load only when asked

    click.echo(f"claimwatch {version('claimwatch')} (claim rules {rules_version()})")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and the claim rules' version, then exit.",
)
def main() -> None:
    """claimwatch: news ingestion and comparative AI capability claim extraction."""


@main.command()
@file_option("--sources", "sources_file", "sources.yaml", "Sources file (YAML).", envvar="CLAIMWATCH_SOURCES")
@db_option
@click.option("--alerts-file", default="alerts.jsonl", show_default=True, help="Where delivered alerts are appended.")
@click.option("--verbose", is_flag=True, help="Show Dagster's own log lines.")
@seconds_option("--wait", "run_wait", 0, "Seconds to wait for another run on this warehouse to finish, then refuse.")
def run(sources_file: str, db_path: str, alerts_file: str, verbose: bool, run_wait: float) -> None:
    """Crawl every source once, then clean, extract, load claims and send alerts.

    Exits 0 when the pipeline ran, even if some fetches failed (see the fetch_log table). A second run on the same
    warehouse waits up to --wait seconds for the first to finish, then refuses (exit 1).

    Example: claimwatch run --sources sources.yaml --db warehouse/claimwatch.duckdb
    """
    try:
        load_sources(sources_file)
    except SourcesError as exc:
        raise click.ClickException(str(exc)) from exc
    _check_settings()
    _writable_warehouse(db_path)
    from pipelines.run import run_pipeline  # Dagster loads (seconds) only once the input files are known good

    with _refused_when_busy():
        summary = run_pipeline(sources_file, db_path, alerts_file, quiet=not verbose, run_wait=run_wait)
    _echo_summary(summary)
    if not summary.success:
        raise click.ClickException("the pipeline failed; rerun with --verbose for Dagster's logs")
    _fail_on_undelivered(summary)


def _command() -> str:
    """How the user can type this command: ``claimwatch`` when it is on PATH, else its path (e.g. .venv/bin)."""
    on_path = shutil.which("claimwatch")
    here = Path(sys.argv[0]).resolve() if Path(sys.argv[0]).name == "claimwatch" else None
    if on_path and (here is None or Path(on_path).resolve() == here):
        return "claimwatch"
    script = here or Path(sys.executable).parent / "claimwatch"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


def demo_sources(base_url: str) -> dict[str, Any]:
    """Sources for the bundled sample site served at ``base_url``."""
    sources: list[dict[str, Any]] = [{"name": o, "feed": f"{base_url}/{o}/feed.xml"} for o in SAMPLE_OUTLETS]
    sources.append({"name": "daily-ledger-sitemap", "sitemap": f"{base_url}/daily-ledger/sitemap.xml"})
    sources.append(
        {
            "name": "orbit-tech-pages",
            "urls": [
                f"{base_url}/orbit-tech/tag/ai.html",
                f"{base_url}/orbit-tech/missing-story.html",
                f"{base_url}/orbit-tech/no-such-page.html",
            ],
        }
    )
    return {
        "allow_private_networks": True,
        # the sample's stories are dated 2026-09: no sitemap age limit for the demo
        "crawl": {
            "autothrottle_start_delay": 0.0,
            "download_delay": 0.0,
            "download_timeout": 10,
            "sitemap_max_age_days": 0,
        },
        "sources": sources,
    }


@main.command()
@click.option("--out", "out_dir", default="demo-output", show_default=True, help="Folder for the demo warehouse.")
@click.option("--keep", is_flag=True, help="Keep the previous demo warehouse (a rerun then finds nothing new).")
@click.option("--port", default=8765, show_default=True, help="Loopback port for the sample site (0: any).")
def demo(out_dir: str, keep: bool, port: int) -> None:
    """Serve the bundled sample news site on 127.0.0.1 and run the whole pipeline on it.

    Example: claimwatch demo --out demo-output
    """
    from pipelines.run import run_pipeline
    from spiders.loopback_server import LoopbackSite

    out = Path(out_dir)
    if out.exists() and not keep:
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        site = LoopbackSite(SAMPLE_SITE, port=port)
    except OSError:
        site = LoopbackSite(SAMPLE_SITE, port=0)
    with site:
        sources_file = out / "sources.demo.yaml"
        sources_file.write_text(yaml.safe_dump(demo_sources(site.base_url), sort_keys=False), encoding="utf-8")
        click.echo(f"Serving the sample site at {site.base_url}; sources in {sources_file}")
        summary = run_pipeline(sources_file, out / "claimwatch.duckdb", out / "alerts.jsonl", progress=True)
    _echo_summary(summary)
    home = os.environ.get("DAGSTER_HOME")
    if home:
        click.echo(f"\nDagster run {summary.run_id} is kept in {home}: `make dev` shows it under Runs (its steps,"
                   " logs, materialisations and checks).")  # fmt: skip
    else:
        click.echo("\nThe Dagster run was not kept (DAGSTER_HOME is not set; `make demo` keeps it for `make dev`).")
    click.echo(f"\nWarehouse: {out / 'claimwatch.duckdb'}  (try: {_command()} claims --db {out / 'claimwatch.duckdb'})")
    if not summary.success:
        raise click.ClickException("the demo pipeline failed")
    _fail_on_undelivered(summary)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@db_option
@click.option("--source", default="archive", show_default=True, help="Source name recorded for these pages.")
@click.option("--alerts-file", default="alerts.jsonl", show_default=True, help="Where delivered alerts are appended.")
def ingest(paths: tuple[str, ...], db_path: str, source: str, alerts_file: str) -> None:
    """Load saved HTML files (.html, .html.gz) and WARC archives (.warc, .warc.gz, e.g. CC-NEWS).

    Folders are searched recursively. Pages run through the same clean, extract and load path as a crawl.

    Example: claimwatch ingest --source cc-news crawl-data/CC-NEWS-20261201.warc.gz
    """
    from spiders.archives import archive_files

    if not any(True for _ in archive_files(list(paths))):
        raise click.ClickException("no .html, .html.gz, .warc or .warc.gz file found under the given paths")
    _check_settings()
    _writable_warehouse(db_path)
    from pipelines.run import ingest_paths  # Dagster loads only once the input is known to be good

    with _refused_when_busy():
        summary = ingest_paths(list(paths), db_path, source, alerts_file)
    _echo_summary(summary)
    if not summary.success:
        raise click.ClickException("ingest failed")
    _fail_on_undelivered(summary)


@main.command()
@click.option(
    "--since",
    required=True,
    type=SINCE,
    help="Articles published (undated: fetched) on or after this day (YYYY-MM-DD, today, yesterday, 7d, 2w, 3m, 1y).",
)
@db_option
@click.option("--alerts-file", default="alerts.jsonl", show_default=True, help="Where delivered alerts are appended.")
@click.option("--verbose", is_flag=True, help="Show Dagster's own log lines.")
def reextract(since: datetime, db_path: str, alerts_file: str, verbose: bool) -> None:
    """Run the current claim rules again over stored articles, after a rules or gazetteer change.

    Their mentions are replaced and claims rebuilt; judgements (claimwatch review) stay; claims found for the
    first time are alerted as in a run.

    Example: claimwatch reextract --since 2026-11-01
    """
    _require_warehouse(db_path)
    _check_settings()
    from pipelines.run import reextract_since

    with _refused_when_busy():
        marked, summary = reextract_since(since.date().isoformat(), db_path, alerts_file, quiet=not verbose)
    click.echo(f"articles read again: {marked}")
    _echo_summary(summary)
    if not summary.success:
        raise click.ClickException("the re-extraction failed; rerun with --verbose for Dagster's logs")
    _fail_on_undelivered(summary)


@main.command()
@click.option("--from", "first_day", required=True, type=SINCE, help="First publication day (YYYY-MM-DD, 7d, ...).")
@click.option("--to", "last_day", default="today", show_default=True, type=SINCE, help="Last publication day.")
@db_option
@click.option(
    "--executor",
    type=click.Choice(["in_process", "processes", "celery"]),
    default="in_process",
    show_default=True,
    help="Where each day's step runs: all in this process (fastest on one machine: measured 3x a process per "
    "step), a process per step, or celery workers (CLAIMWATCH_CELERY_BROKER / CLAIMWATCH_CELERY_BACKEND, "
    "workers started with `dagster-celery worker start`; docs/scaling.md).",
)
@click.option(
    "--max-concurrent", default=2, show_default=True, type=click.IntRange(1), help="Steps at once (processes)."
)
@click.option(
    "--dagster-home",
    envvar="DAGSTER_HOME",
    default="dagster_home",
    show_default=True,
    type=click.Path(file_okay=False),
    help="The Dagster instance that keeps the run ($DAGSTER_HOME when set; celery workers must share it).",
)
@click.option("--verbose", is_flag=True, help="Show Dagster's own log lines.")
def backfill(
    first_day: datetime,
    last_day: datetime,
    db_path: str,
    executor: str,
    max_concurrent: int,
    dagster_home: str,
    verbose: bool,
) -> None:
    """Re-extract claims over a range of publication days, one step per day, on several processes or workers.

    Runs the claims_backfill job: each day's articles go through the current claim rules in their own step, which
    holds the warehouse only to read its day and to land its mentions; claims and the alert outbox are rebuilt
    once at the end (the alerts go out with the next run or delivery). Shown in `make dev` under Runs.

    Example: claimwatch backfill --from 2026-11-01 --to 2026-11-30
    """
    _require_warehouse(db_path)
    _check_settings()
    from pipelines.backfill import run_backfill

    Path(dagster_home).mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(Path(dagster_home).resolve())
    days = (first_day.date().isoformat(), last_day.date().isoformat())
    try:
        summary = run_backfill(db_path, *days, executor=executor, max_concurrent=max_concurrent, quiet=not verbose)
    except (RuntimeError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    for key, value in summary.items():
        click.echo(f"{key}: {value}")
    if not summary["success"]:
        raise click.ClickException(f"the backfill failed (run {summary['run_id']}); see it in `make dev`")


# what `extract` reads from each line: a number where text belongs is a mistake to name, not to read as "42"
JSONL_FIELD_TYPES: tuple[tuple[str, type | tuple[type, ...], str], ...] = (
    ("id", (str, int), "a string or an integer"),
    ("article_id", (str, int), "a string or an integer"),
    ("text", str, "a string"),
    ("title", str, "a string"),
)


def _read_jsonl(fh: IO[str]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, the line's object, or why it is not one) for each non-blank line."""
    for n, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, f"not JSON: {exc}"
            continue
        if not isinstance(row, dict) or "text" not in row or not ("id" in row or "article_id" in row):
            yield n, "each input line needs 'id' and 'text'"
            continue
        wrong = [
            f"{field!r} must be {kind}, got {type(row[field]).__name__} {json.dumps(row[field])[:40]}"
            for field, types, kind in JSONL_FIELD_TYPES
            if row.get(field) is not None and not isinstance(row[field], types)
        ]
        yield n, "; ".join(wrong) if wrong else row


@main.command()
@stream_option("--input", "input_file", "r", "JSONL of {id, text[, title, url, published]}; - for stdin.")
@stream_option("--output", "output_file", "w", "JSONL of claims; - for stdout.")
def extract(input_file: IO[str], output_file: IO[str]) -> None:
    """Extract claims from articles given as JSON lines; one claim per output line.

    Each line needs 'id' (or 'article_id') and 'text'; an optional 'title' tells what a head-to-head article
    compares ("Claude vs GPT-4o"). An article that hits a reading bound (a sentence over the length limit, read in
    pieces; cues past the per-sentence limit, not read) is named on stderr.

    Example: claimwatch extract --input articles.jsonl --output claims.jsonl
    """
    from extractors.claims import default_extractor

    x = default_extractor()
    failed = read = 0
    for n, row in _read_jsonl(input_file):
        read += 1
        try:
            if isinstance(row, str):
                raise ValueError(row)
            article_id = str(row.get("id", row.get("article_id")))
            reading = x.read(article_id, str(row["text"] or ""), row.get("title"))
        except Exception as exc:  # noqa: BLE001 - one bad line is reported and the rest still read
            failed += 1
            click.echo(f"input line {n}: {exc}", err=True)
            continue
        for limit in reading.limits:  # read in pieces or in part: said, not silently dropped
            click.echo(f"input line {n} ({article_id}): {limit}", err=True)
        for c in reading.claims:
            output_file.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    if failed:
        raise click.ClickException(f"{failed} of {read} input line(s) not read (see the lines above); the rest were")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def clean(files: tuple[str, ...]) -> None:
    """Clean saved HTML files (.html or .html.gz); print one JSON line per file.

    Each line has path, is_article, reason, title, author, date, sitename, language and text.

    Example: claimwatch clean saved/story.html saved/tag-page.html.gz
    """
    from extractors.cleaning import clean_html
    from spiders.archives import ArchiveRefused, read_bounded

    failed = 0
    for f in files:
        try:
            body = read_bounded(Path(f))  # gzip inflated, bounded like a crawled page; regular files only
        except ArchiveRefused as exc:
            click.echo(json.dumps({"path": f, "error": exc.reason, "detail": exc.detail}), err=True)
            failed += 1
            continue
        page = clean_html(body, None)
        row = {"path": f, **{k: v for k, v in page.to_dict().items()}}
        click.echo(json.dumps(row, ensure_ascii=False))
    if failed:
        raise click.ClickException(f"{failed} of {len(files)} file(s) not read (see the lines above)")


TABLE_CELL_MAX = 60  # the table format's widest column; json and csv are never cut


CSV_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a string starting like a formula gets a leading apostrophe.

    Crawled text reaches these cells (evidence sentences, titles, names): "=HYPERLINK(...)" or "@SUM(...)" would
    otherwise run when the file is opened (OWASP, CSV injection). Numbers and other values pass unchanged.
    """
    return "'" + value if isinstance(value, str) and value.startswith(CSV_FORMULA_LEADS) else value


def _print_rows(cols: list[str], rows: Iterable[Sequence[Any]], fmt: str) -> None:
    """Rows as JSON lines, CSV, or a rich table whose cut values end in a visible … (a silent cut hid URLs).

    JSON lines and CSV are written as ``rows`` yields them, so a cursor's batches stream (see :func:`_stream_rows`).
    """
    from pipelines.cells import csv_value, jsonable, text_cell

    def as_json(r: Sequence[Any]) -> str:
        return json.dumps({c: jsonable(v) for c, v in zip(cols, r, strict=True)}, ensure_ascii=False)

    if fmt == "jsonl":
        for r in rows:
            click.echo(as_json(r))
        return
    if fmt == "json":  # one array, written as the rows come (a cursor's batches stream)
        click.echo("[", nl=False)
        for i, r in enumerate(rows):
            click.echo(("," if i else "") + "\n" + as_json(r), nl=False)
        click.echo("\n]")
        return
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow([csv_cell(c) for c in cols])
        w.writerows([csv_cell(csv_value(v)) for v in r] for r in rows)
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    text = [[text_cell(v) for v in r] for r in rows]
    widths = _column_widths(cols, text, shutil.get_terminal_size(fallback=(0, 0)).columns)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, highlight=False)
    for c, width in zip(cols, widths, strict=True):
        table.add_column(c, overflow="ellipsis", no_wrap=True, max_width=width)
    for cells in text:
        table.add_row(*cells)
    # never narrower than the table (piped output has no terminal width to wrap to)
    console = Console(width=sum(widths) + 4 * len(cols) + 8, soft_wrap=False, highlight=False, markup=False)
    with console.capture() as captured:
        console.print(table)
    click.echo(captured.get().rstrip("\n"))
    cut = any(len(v) > w for r in text for v, w in zip(r, widths, strict=True))
    note = "; values too long for the terminal end in …, --format json or csv shows them whole" if cut else ""
    click.echo(f"({len(text)} rows{note})")


def _column_widths(cols: list[str], text: list[list[str]], terminal: int) -> list[int]:
    """Each column's width: its longest value, cut to :data:`TABLE_CELL_MAX` unless the terminal has room.

    A terminal wider than the capped table gives its spare columns to the cut values, shortest need first (a
    220-column terminal shows whole descriptions); piped output (no terminal) keeps the cap.
    """
    natural = [max([len(c)] + [len(r[i]) for r in text]) for i, c in enumerate(cols)]
    widths = [min(n, TABLE_CELL_MAX) for n in natural]
    spare = terminal - (sum(widths) + 2 * (len(cols) - 1))
    for i in sorted(range(len(cols)), key=lambda i: natural[i] - widths[i]):
        if spare <= 0:
            break
        grow = min(natural[i] - widths[i], spare)
        widths[i] += grow
        spare -= grow
    return widths


@main.command()
@reader_db_options
@click.option(
    "--new",
    "only_new",
    is_flag=True,
    help="Only claims the most recent pipeline run added to the warehouse.",
)
@click.option(
    "--relation",
    type=click.Choice(["parity", "surpass", "trail", "approach"], case_sensitive=False),
    help="Only claims that assert this relation (with --denials: only claims that deny it).",
)
@click.option("--denials", is_flag=True, help='Only denials ("X does not match Y"), of --relation when given.')
@click.option(
    "--org",
    help="Only claims with this firm on either side: name, alias or Chinese name, any case (moonshot, 月之暗面).",
)
@click.option(
    "--model", help="Only claims with this model, or a model of this family, on either side (GPT-4o, claude)."
)
@click.option(
    "--since",
    type=SINCE,
    help="Only claims first seen on or after this day (YYYY-MM-DD, today, yesterday, 7d, 2w, 3m, 1y).",
)
@click.option("--include-suppressed", is_flag=True, help="Also list claims judged wrong (claimwatch review).")
@format_option()
def claims(
    db_path: str,
    lock_wait: float,
    only_new: bool,
    relation: str | None,
    org: str | None,
    model: str | None,
    since: datetime | None,
    include_suppressed: bool,
    denials: bool,
    fmt: str,
) -> None:
    """List deduplicated claims from the warehouse (claimwatch claim ID shows one with every mention).

    A denial ("X does not match Y") is never listed as the claim it denies: --relation lists claims asserting
    the relation, --denials those denying it; with neither, both, the denials tagged [NOT ...].

    Example: claimwatch claims --relation parity --org zhipu --since 2026-11-01
    """
    from warehouse.reports import claims_listing

    day = since.date().isoformat() if since else None
    negated = True if denials else (False if relation else None)
    firm = _firm_query(org)
    with _read_only(db_path, lock_wait) as con:
        cols, rows = claims_listing(
            con,
            only_new=only_new,
            relation=relation.lower() if relation else None,
            org=firm,
            model=model,
            since=day,
            include_suppressed=include_suppressed,
            negated=negated,
        )
        if not rows:
            _say_what_was_searched(con, {"--org": firm, "--model": model})
    if fmt != "table":
        _print_rows(cols, rows, fmt)
        return
    # a terminal gets a readable block per claim (a 250-character-wide row showed no evidence or source)
    for row in rows:
        click.echo(format_claim(dict(zip(cols, row, strict=True))))
        click.echo("")
    click.echo(f"({len(rows)} rows)")
    if rows:
        click.echo("--format json or csv shows every column")


@main.command()
@reader_db_options
@click.option("--org", help="Only stories with this firm on either side: name, alias or Chinese name, any case.")
@click.option("--since", type=SINCE, help="Only stories first seen on or after this day (YYYY-MM-DD, 7d, ...).")
@format_option()
def stories(db_path: str, lock_wait: float, org: str | None, since: datetime | None, fmt: str) -> None:
    """Stories: one row per (subject firm, object firm) of parity/surpass claims, newest first.

    Each shows its relations, sources, first report, strongest claimant, domains, doubted reports and the alerts
    it sent (the v_stories view).

    Example: claimwatch stories --org Anthropic --since 7d
    """
    from warehouse.reports import stories as story_rows

    firm = _firm_query(org)
    with _read_only(db_path, lock_wait) as con:
        cols, rows = story_rows(con, firm, since.date().isoformat() if since else None)
        if not rows:
            _say_what_was_searched(con, {"--org": firm})
    _print_rows(cols, rows, fmt)


MIN_ID_PREFIX = 6  # a shorter prefix would match too many ids to be worth typing


def _full_id(con: Any, given: str, kinds: tuple[str, ...] = ("claim", "mention")) -> str:
    """The claim or mention id ``given`` names: itself, or the one id it is a unique prefix of (as git does)."""
    from warehouse.reports import ids_with_prefix

    given = given.strip().lower()
    if len(given) < MIN_ID_PREFIX:
        return given
    matches = [i for i, kind in ids_with_prefix(con, given) if kind in kinds]
    if given in matches:
        return given
    if len(matches) > 1:
        raise click.ClickException(f"{given!r} starts {len(matches)} ids: {', '.join(matches[:5])}; type more of it")
    return matches[0] if matches else given


@main.command()
@click.argument("claim_id")
@reader_db_options
@format_option("table", "json")
def claim(claim_id: str, db_path: str, lock_wait: float, fmt: str) -> None:
    """Show one claim and every mention of it: source, date, URL, claimant, sentence and any review.

    Example: claimwatch claim 3f1c2a9b0d4e5f60718a
    """
    from warehouse.reports import claim_mentions, claims_listing

    with _read_only(db_path, lock_wait) as con:
        claim_id = _full_id(con, claim_id, ("claim",))
        cols, rows = claims_listing(con, claim_id=claim_id)
        if not rows:
            raise click.ClickException(f"no claim {claim_id!r} (claimwatch claims lists their ids)")
        mentions = claim_mentions(con, claim_id)
    row = dict(zip(cols, rows[0], strict=True))
    if fmt == "json":
        click.echo(json.dumps({**row, "mentions": mentions}, default=str, ensure_ascii=False))
        return
    click.echo(format_claim(row))
    if row.get("suppressed"):
        click.echo("    SUPPRESSED: judged wrong (claimwatch review list); kept as evidence, never alerted or exported")
    click.echo(f"  mentions ({len(mentions)}):")
    for m in mentions:
        review = f"  [judged {m['review']}: {m['review_note'] or 'no note'}]" if m["review"] else ""
        copy = " (duplicate copy)" if m["duplicate_copy"] else ""
        click.echo(f"  - {m['mention_id']}  {str(m['published_at'])[:16]}  {m['source']}{copy}  {m['language'] or ''}")
        click.echo(f"      {m['url']}")
        who = m["claimant"] + (f" ({m['claimant_name']})" if m["claimant_name"] else "")
        click.echo(
            f"      {m['subject']} / {m['relation']}{' (negated)' if m['negated'] else ''} / {m['object']}; "
            f"asserted by {who}{', hedged' if m['hedged'] else ''}{review}"
        )
        click.echo(f'      "{m["sentence"]}"')


@main.group()
def review() -> None:
    """Judge claims and mentions right or wrong; wrong ones leave listings, alerts and exports.

    Example: claimwatch review mark 3f1c2a9b0d4e5f60718a --wrong --note "compares downloads, not capability"
    """


@review.command("mark")
@click.argument("target_id")
@click.option("--right/--wrong", "right", default=None, help="The verdict on the claim or mention (one is needed).")
@click.option("--note", help="Why (kept with the review and in exported cases).")
@click.option("--reviewer", help="Who judged it.")
@db_option
def review_mark(target_id: str, right: bool | None, note: str | None, reviewer: str | None, db_path: str) -> None:
    """Mark a claim (claim id) or one mention (mention id) right or wrong.

    A claim judged wrong, or all of whose mentions are, is suppressed: kept with its evidence, left out of
    `claims`, alerts and exports. A mention judged wrong no longer counts for its claim.

    Example: claimwatch review mark 3f1c2a9b0d4e5f60718a --wrong --note "a price comparison"
    """
    from warehouse.db import WarehouseError, connect
    from warehouse.reviews import Review, add_review, target_kind

    if right is None:
        raise click.UsageError("say what you judge it: --right or --wrong (and --note why)")
    _require_warehouse(db_path)
    try:
        con = connect(db_path)
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        target_id = _full_id(con, target_id)
        kind = target_kind(con, target_id)
        if kind is None:
            raise click.ClickException(f"{target_id!r} is neither a claim id nor a mention id in {db_path}")
        out = add_review(con, Review(kind, target_id, "right" if right else "wrong", note, reviewer))
    finally:
        con.close()
    state = "suppressed" if out["suppressed"] else "listed"
    click.echo(
        f"{kind} {target_id} judged {'right' if right else 'wrong'} (review {out['review_id']}); "
        f"claim {out['claim_id']} is {state}"
    )


@review.command("list")
@reader_db_options
@click.option("--verdict", type=click.Choice(["right", "wrong"]), help="Only this verdict.")
@format_option()
def review_list(db_path: str, lock_wait: float, verdict: str | None, fmt: str) -> None:
    """The current judgements, newest first, with their claim and sentence.

    Example: claimwatch review list --verdict wrong
    """
    from warehouse.reviews import list_reviews

    with _read_only(db_path, lock_wait) as con:
        rows = list_reviews(con, verdict)
    cols = [
        "target_kind",
        "target_id",
        "verdict",
        "note",
        "reviewer",
        "reviewed_at",
        "claim_id",
        "subject_org",
        "relation",
        "object_org",
        "negated",
        "sentence",
    ]
    _print_rows(cols, [tuple(r[c] for c in cols) for r in rows], fmt)


@review.command("export")
@reader_db_options
@file_option(
    "--out",
    "out_file",
    "tests/fixtures/reviewed_cases.yaml",
    "YAML file of labelled cases; the test suite and make eval read the default path.",
)
def review_export(db_path: str, lock_wait: float, out_file: str) -> None:
    """Write judged mentions as labelled regression cases (sentence in context, claims kept / rejected).

    Cases already in the file are kept; a sentence judged again replaces its case.

    Example: claimwatch review export --out tests/fixtures/reviewed_cases.yaml
    """
    from pipelines.review_cases import cases_from_judged, merge_cases
    from warehouse.reviews import judged_mentions

    with _read_only(db_path, lock_wait) as con:
        judged = judged_mentions(con)
    if not judged:
        raise click.ClickException("no judged claims or mentions yet (claimwatch review mark ID --right/--wrong)")
    path = Path(out_file)
    new = cases_from_judged(judged)
    total = merge_cases(path, new)
    click.echo(f"{len(new)} case(s) from {len(judged)} judged mention(s) -> {path} ({total} cases in the file)")


@main.command()
@reader_db_options
@click.option(
    "--since",
    type=SINCE,
    help="Only claims first seen on or after this day (YYYY-MM-DD, today, yesterday, 7d, 2w, 3m, 1y); "
    f"default: the {REPORT_DAYS} days up to the newest claim.",
)
@file_option("--out", "out_file", "report.html", "The HTML file to write.")
def report(db_path: str, lock_wait: float, since: datetime | None, out_file: str) -> None:
    """Write a self-contained HTML report of the claims (plots inline, nothing fetched to view it).

    Attention over time (mentions per day per firm), a firm-by-firm matrix per relation, the newest stories
    with their first reporter and language lead time, the newest claims with ids, evidence and links, and
    source health. The report says which window it shows: by default the 90 days up
    to the newest claim, so a warehouse not updated for a while still shows its claims.

    Example: claimwatch report --since 2026-11-01 --out report.html
    """
    from pipelines.report import render_report
    from warehouse.reports import newest_claim_day, report_data

    now = datetime.now(UTC)
    with _read_only(db_path, lock_wait) as con:
        newest = newest_claim_day(con)
        if since:
            day, window = since.date().isoformat(), f"claims first seen since {since.date().isoformat()}"
        else:
            start = (newest or now.date()) - timedelta(days=REPORT_DAYS)
            day = start.isoformat()
            window = f"the {REPORT_DAYS} days up to the newest claim ({newest})" if newest else "no claims yet"
        data = report_data(con, day)
    path = Path(out_file)
    path.write_text(render_report(data, day, now.strftime("%Y-%m-%d %H:%M UTC"), window), encoding="utf-8")
    click.echo(
        f"wrote {path}: {len(data['newest'])} newest claims, {len(data['stories'])} stories, "
        f"{sum(r['claims'] for r in data['matrix'])} claims between two firms since {day} ({window}), "
        f"{len(data['sources'])} sources"
    )


@main.group(invoke_without_command=True)
@reader_db_options
@click.option("--all", "include_known", is_flag=True, help="Also names already in the gazetteer.")
@click.option("--kind", type=click.Choice(["firm", "model"]), help="Only firms or only models.")
@format_option()
@click.pass_context
def entities(
    ctx: click.Context, db_path: str, lock_wait: float, include_known: bool, kind: str | None, fmt: str
) -> None:
    """Firms and models the claims name that the gazetteer does not know yet, with counts and an example.

    `claimwatch entities add` puts one into the gazetteer files.

    Example: claimwatch entities --kind model
    """
    if ctx.invoked_subcommand is not None:
        return
    from warehouse.reports import entities as entity_rows

    with _read_only(db_path, lock_wait) as con:
        rows = entity_rows(con, include_known, kind)
    cols = [
        "kind",
        "name",
        "firm",
        "in_gazetteer",
        "mention_count",
        "first_seen_at",
        "first_source",
        "first_url",
        "example",
    ]
    _print_rows(cols, [tuple(r[c] for c in cols) for r in rows], fmt)


@entities.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(["firm", "model"]), required=True, help="What NAME is.")
@click.option("--firm", help="Owning firm of a model: its name or alias in firms.yaml, any case.")
@click.option("--alias", "aliases", multiple=True, help="Another name of a firm (repeatable).")
@click.option("--country", default="", help="Country of a firm: ISO code or name (US, usa, China); stored as the code.")
@click.option(
    "--firm-kind",
    type=click.Choice(["ai_developer", "security_vendor", "evaluator"]),
    default="ai_developer",
    show_default=True,
    help="An evaluator is only ever a claimant, never a side of a claim.",
)
@click.option("--needs-version", is_flag=True, help="The model name only counts with a version (a common word).")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of firms.yaml and models.yaml (default: the installed extractors/data).",
)
def entities_add(
    name: str,
    kind: str,
    firm: str | None,
    aliases: tuple[str, ...],
    country: str,
    firm_kind: str,
    needs_version: bool,
    data_dir: Path | None,
) -> None:
    """Add a firm (with aliases) or a model family (with its owner) to the gazetteer files.

    The rules version changes with the files, so the next run reads every stored article again.

    Example: claimwatch entities add Tulip --kind model --firm "Zhipu AI"
    """
    from extractors.gazetteer_files import DATA_DIR, GazetteerEditError, add_firm, add_model

    folder = data_dir or DATA_DIR
    try:
        if kind == "firm":
            if not country:
                raise click.UsageError("a firm needs --country (US, CN, FR, ...)")
            line = add_firm(name, country, firm_kind, list(aliases), data_dir=folder)
        else:
            if not firm:
                raise click.UsageError("a model needs --firm (its owner, as named in firms.yaml)")
            line = add_model(name, firm, needs_version=needs_version, data_dir=folder)
    except GazetteerEditError as exc:
        raise click.ClickException(str(exc)) from exc
    target = "firms.yaml" if kind == "firm" else "models.yaml"
    click.echo(f"added to {folder / target}: {line}")
    click.echo("the claim rules' version changed: the next run (or claimwatch reextract) reads stored articles again")


@main.command()
@reader_db_options
@format_option()
def tables(db_path: str, lock_wait: float, fmt: str) -> None:
    """List the warehouse's tables and views with what each holds.

    Example: claimwatch tables --format csv
    """
    from warehouse.reports import table_docs

    def listing(con: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
        return ["name", "kind", "description"], [(n, k.replace("BASE ", "").lower(), c) for n, k, c in table_docs(con)]

    _print_listing(db_path, lock_wait, fmt, listing)


def _print_listing(
    db_path: str, lock_wait: float, fmt: str, read: Callable[[Any], tuple[list[str], Sequence[Sequence[Any]]]]
) -> None:
    """Read (columns, rows) with ``read`` on a read-only connection, then print them in ``fmt``."""
    with _read_only(db_path, lock_wait) as con:
        cols, rows = read(con)
    _print_rows(cols, rows, fmt)


@main.command()
@click.argument("table")
@reader_db_options
@format_option()
def schema(table: str, db_path: str, lock_wait: float, fmt: str) -> None:
    """The columns of one table or view: name, type, required, and what the column means.

    Example: claimwatch schema claims --format json
    """
    from warehouse.reports import column_docs, table_docs

    with _read_only(db_path, lock_wait) as con:
        names = {n: c for n, _, c in table_docs(con)}
        if table not in names:
            raise click.ClickException(f"no table or view {table!r}; claimwatch tables lists them")
        cols = column_docs(con, table)
    if names[table] and fmt == "table":
        click.echo(f"{table}: {names[table]}")
    _print_rows(["column", "type", "required", "description"], cols, fmt)


@main.command()
@reader_db_options
@format_option()
def sources(db_path: str, lock_wait: float, fmt: str) -> None:
    """Source health: pages fetched, articles kept, failure rate and reasons, undated share, last success.

    Example: claimwatch sources --format csv
    """
    from warehouse.reports import source_health

    _print_listing(db_path, lock_wait, fmt, source_health)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False))
@reader_db_options
@format_option("parquet")
@click.option("--overwrite", is_flag=True, help="Write into OUT_DIR even if it already holds files.")
def export(out_dir: str, db_path: str, lock_wait: float, fmt: str, overwrite: bool) -> None:
    """Write the analyst tables as Parquet files into OUT_DIR (empty or new), for other engines.

    Tables: articles, claims (those judged wrong left out), claim_mentions (of the claims exported, none judged
    wrong), reviews, alerts, entities, fetch_log, page_verdicts, feed_state, runs. Not exported: raw_pages (page
    bodies) and the pipeline's own bookkeeping.

    Example: claimwatch export --db warehouse/claimwatch.duckdb exports/2026-12-01
    """
    from warehouse.reports import export_tables

    with _read_only(db_path, lock_wait) as con:
        try:
            exported = export_tables(con, Path(out_dir), overwrite=overwrite)
        except (FileExistsError, OSError) as exc:
            raise click.ClickException(str(exc)) from exc
        for table, path, rows in exported:
            click.echo(f"{table}: {rows} rows -> {path}")


QUERY_TABLE_ROWS = 1000  # the table format shows this many rows; json and csv stream every row
QUERY_BATCH = 5000  # rows fetched at a time when streaming


@main.command()
@click.argument("sql")
@reader_db_options
@format_option()
@seconds_option("--timeout", "timeout_seconds", 0.1, "Interrupt the query after this many seconds.")
def query(sql: str, db_path: str, lock_wait: float, fmt: str, timeout_seconds: float) -> None:
    """Run one read-only SQL query against the warehouse.

    The connection reads the warehouse and nothing else: COPY TO, read_csv/read_text, ATTACH, URLs and
    INSTALL/LOAD are refused (use `claimwatch export` to write files). It is interrupted after --timeout seconds
    and holds at most the sandbox's memory limit; json and csv stream every row, the table shows the first 1,000.

    Example: claimwatch query "SELECT source, error, count(*) FROM fetch_log GROUP BY ALL"
    """
    import threading

    import duckdb

    if not sql.strip():
        raise click.ClickException("empty query: give one or more SQL statements")
    with _read_only(db_path, lock_wait) as con:
        timer = threading.Timer(timeout_seconds, con.interrupt)  # interrupt() is DuckDB's way to stop a query
        timer.daemon = True
        timer.start()
        try:
            statements = con.extract_statements(sql)
            if not statements:
                raise click.ClickException("empty query: give one or more SQL statements")
            _one_result_for_a_file_format(statements, fmt)
            printed = 0
            for statement in statements:
                # every result is printed ("select 1; select 2" showed only the last one); a statement that
                # returns no rows (SET VARIABLE) prints nothing, not DuckDB's "Success" table
                cur = con.execute(statement)
                if cur is None or cur.description is None or not _returns_rows(statement):
                    continue
                if printed and fmt == "table":  # jsonl stays one object per line
                    click.echo("")
                _stream_rows([d[0] for d in cur.description], cur, fmt)
                printed += 1
        except duckdb.InterruptException as exc:
            raise click.ClickException(f"query interrupted after {timeout_seconds:g} s (--timeout)") from exc
        except duckdb.Error as exc:
            raise click.ClickException(f"query failed: {exc}") from exc
        finally:
            timer.cancel()


def _returns_rows(statement: Any) -> bool:
    """True for a statement DuckDB says returns rows (SELECT, PRAGMA, EXPLAIN), not for SET and the like."""
    import duckdb

    return duckdb.ExpectedResultType.QUERY_RESULT in statement.expected_result_type


def _one_result_for_a_file_format(statements: Sequence[Any], fmt: str) -> None:
    """Formats csv and json hold one result: several statements returning rows are refused (two tables in one file)."""
    returning = [s for s in statements if _returns_rows(s)]
    if fmt in ("csv", "json") and len(returning) > 1:
        raise click.ClickException(
            f"--format {fmt} holds one result, and {len(returning)} of these statements return rows: run them one "
            "at a time, or use --format jsonl (one object per line) or table"
        )


def _stream_rows(cols: list[str], cur: Any, fmt: str) -> None:
    """A result printed batch by batch (json, csv), or its first :data:`QUERY_TABLE_ROWS` rows as a table."""
    if fmt == "table":
        rows = cur.fetchmany(QUERY_TABLE_ROWS + 1)
        _print_rows(cols, rows[:QUERY_TABLE_ROWS], fmt)
        if len(rows) > QUERY_TABLE_ROWS:
            click.echo(f"(first {QUERY_TABLE_ROWS:,} rows shown; --format csv or json streams them all)")
        return
    _print_rows(cols, (r for batch in iter(lambda: cur.fetchmany(QUERY_BATCH), []) for r in batch), fmt)


@main.group()
def alerts() -> None:
    """Alert channels: check that each subscribed channel receives messages.

    Channels, filters and modes live in a subscriptions file (CLAIMWATCH_SUBSCRIPTIONS); without one, alerts go
    to the Apprise URLs of CLAIMWATCH_ALERT_URLS, or to stdout and alerts.jsonl.
    """


@alerts.command("test")
@click.option(
    "--subscriptions",
    "subscriptions_file",
    envvar="CLAIMWATCH_SUBSCRIPTIONS",
    type=click.Path(exists=True, dir_okay=False),
    help="Subscriptions file (default: $CLAIMWATCH_SUBSCRIPTIONS; none: the one channel of CLAIMWATCH_ALERT_URLS).",
)
@click.option("--alerts-file", default="alerts.jsonl", show_default=True, help="The log channel's file.")
def alerts_test(subscriptions_file: str | None, alerts_file: str) -> None:
    """Send one sample alert, marked as a test, to every channel, whatever its filter and mode.

    Prints each channel's answer; exits 1 if any channel did not accept it.

    Example: CLAIMWATCH_SUBSCRIPTIONS=subscriptions.yaml claimwatch alerts test
    """
    from pipelines.delivery import send_test_alert, subscribers
    from pipelines.settings import AlertSettings, SettingsError
    from pipelines.subscriptions import Subscriptions

    settings = AlertSettings.load()
    try:
        subs = subscribers(
            Subscriptions.load(subscriptions_file) if subscriptions_file else None,
            os.environ.get("CLAIMWATCH_ALERT_URLS", ""),
            alerts_file,
            False,
            settings.timeout_seconds,
        )
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    failures = 0
    for sub, error in send_test_alert(subs, settings):
        mode = f"{sub.mode}, {sub.channel.name}"
        if error is None:
            click.echo(f"{sub.name} ({mode}): accepted the test alert")
        else:
            failures += 1
            click.echo(f"{sub.name} ({mode}): NOT accepted: {error}")
    if failures:
        raise click.ClickException(f"{failures} of {len(subs)} channel(s) did not accept the test alert")


if __name__ == "__main__":
    main()
