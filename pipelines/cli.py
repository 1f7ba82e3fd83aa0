"""`claimwatch` command line: a thin click layer over the library."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import click
import yaml

from pipelines.alerting import format_alert, format_claim
from spiders.sources import SourcesError, load_sources

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "warehouse/claimwatch.duckdb"
SAMPLE_SITE = REPO_ROOT / "sample" / "site"
SAMPLE_OUTLETS = ["orbit-tech", "northgate-post", "securewire", "daily-ledger", "partner-wire", "jiqi-daily"]


def reader_db_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that reads the warehouse shares: --db and --lock-wait."""
    command = click.option(
        "--lock-wait",
        "lock_wait",
        default=60.0,
        show_default=True,
        type=click.FloatRange(min=0),
        help="Seconds to wait while a run holds the warehouse, then give up with a clear message.",
    )(command)
    return click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="DuckDB warehouse file.")(
        command
    )


@contextmanager
def _read_only(db_path: str, lock_wait: float = 60.0) -> Iterator[Any]:
    """The warehouse opened read-only and sandboxed (no file, network or extension access) for one command.

    A clear error when it does not exist yet or another process holds its lock past ``lock_wait`` seconds.
    """
    from warehouse.db import WarehouseBusyError, connect

    try:
        con = connect(db_path, read_only=True, sandboxed=True, wait_seconds=lock_wait)
    except (FileNotFoundError, WarehouseBusyError) as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        yield con
    finally:
        con.close()


def _echo_summary(summary: Any) -> None:
    for line in summary.lines():
        click.echo(line)
    if summary.alerts_new:
        click.echo("")
        missed = summary.undelivered
        state = f", {len(missed)} NOT delivered" if missed else ""
        click.echo(f"New parity/surpass alerts ({len(summary.alerts_new)}{state}):")
        for d in summary.alerts_new:
            click.echo(format_alert(d))
            if d.get("status") != "delivered":
                click.echo(f"    NOT delivered ({d.get('status')}): {d.get('last_error') or 'no channel accepted it'}")


def _fail_on_undelivered(summary: Any) -> None:
    """A run whose new alerts no channel accepted did not do its job: say so in the exit code."""
    if summary.undelivered:
        raise click.ClickException(
            f"{len(summary.undelivered)} new alert(s) were not delivered; they stay in the outbox and are retried by "
            "the next run or the pending_alerts_sensor (see the alerts table: status, last_error)"
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """claimwatch: news ingestion and comparative AI capability claim extraction."""


@main.command()
@click.option(
    "--sources",
    "sources_file",
    default="sources.yaml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Sources file (YAML).",
)
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="DuckDB warehouse file.")
@click.option("--alerts-file", default="alerts.jsonl", show_default=True, help="Where delivered alerts are appended.")
@click.option("--verbose", is_flag=True, help="Show Dagster's own log lines.")
def run(sources_file: str, db_path: str, alerts_file: str, verbose: bool) -> None:
    """Crawl every source once, then clean, extract, load claims and send alerts.

    Exits 0 when the pipeline ran, even if some fetches failed (see the fetch_log table).
    """
    from pipelines.run import run_pipeline

    try:
        load_sources(sources_file)
    except SourcesError as exc:
        raise click.ClickException(str(exc)) from exc
    summary = run_pipeline(sources_file, db_path, alerts_file, quiet=not verbose)
    _echo_summary(summary)
    if not summary.success:
        raise click.ClickException("the pipeline failed; rerun with --verbose for Dagster's logs")
    _fail_on_undelivered(summary)


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
    """Serve the bundled sample news site on 127.0.0.1 and run the whole pipeline on it."""
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
        summary = run_pipeline(sources_file, out / "claimwatch.duckdb", out / "alerts.jsonl")
    _echo_summary(summary)
    click.echo(f"\nWarehouse: {out / 'claimwatch.duckdb'}  (try: claimwatch claims --db {out / 'claimwatch.duckdb'})")
    if not summary.success:
        raise click.ClickException("the demo pipeline failed")
    _fail_on_undelivered(summary)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="DuckDB warehouse file.")
@click.option("--source", default="archive", show_default=True, help="Source name recorded for these pages.")
@click.option("--alerts-file", default="alerts.jsonl", show_default=True, help="Where delivered alerts are appended.")
def ingest(paths: tuple[str, ...], db_path: str, source: str, alerts_file: str) -> None:
    """Load saved HTML files (.html, .html.gz) and WARC archives (.warc, .warc.gz, e.g. CC-NEWS).

    Folders are searched recursively. Pages run through the same clean, extract and load path as a crawl.
    """
    from pipelines.run import ingest_paths
    from spiders.archives import archive_files

    if not any(True for _ in archive_files(list(paths))):
        raise click.ClickException("no .html, .html.gz, .warc or .warc.gz file found under the given paths")
    summary = ingest_paths(list(paths), db_path, source, alerts_file)
    _echo_summary(summary)
    if not summary.success:
        raise click.ClickException("ingest failed")
    _fail_on_undelivered(summary)


def _read_jsonl(fh: IO[str]) -> Iterator[dict[str, Any]]:
    for n, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"input line {n} is not JSON: {exc}") from exc


@main.command()
@click.option(
    "--input",
    "input_file",
    default="-",
    show_default=True,
    type=click.File("r", encoding="utf-8"),
    help="JSONL of {id, text[, title, url, published]}; - for stdin.",
)
@click.option(
    "--output",
    "output_file",
    default="-",
    show_default=True,
    type=click.File("w", encoding="utf-8"),
    help="JSONL of claims; - for stdout.",
)
def extract(input_file: IO[str], output_file: IO[str]) -> None:
    """Extract claims from articles given as JSON lines; one claim per output line.

    Each line needs 'id' (or 'article_id') and 'text'; an optional 'title' tells what a head-to-head article
    compares ("Claude vs GPT-4o"). Example: claimwatch extract --input articles.jsonl --output claims.jsonl
    """
    from extractors.claims import default_extractor

    x = default_extractor()
    for row in _read_jsonl(input_file):
        if "text" not in row or not ("id" in row or "article_id" in row):
            raise click.ClickException("each input line needs 'id' and 'text'")
        for c in x.extract(str(row.get("id", row.get("article_id"))), row["text"] or "", row.get("title")):
            output_file.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def clean(files: tuple[str, ...]) -> None:
    """Clean saved HTML files (.html or .html.gz); print one JSON line per file.

    Each line has path, is_article, reason, title, author, date, sitename, language and text.
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


def _fit(value: str, width: int) -> str:
    """``value`` padded to ``width``, or cut to it with a visible … (a silent cut made URLs look whole)."""
    return value.ljust(width) if len(value) <= width else value[: width - 1] + "…"


def _print_rows(cols: list[str], rows: list[tuple[Any, ...]], fmt: str) -> None:
    if fmt == "json":
        for r in rows:
            click.echo(json.dumps(dict(zip(cols, r, strict=True)), default=str, ensure_ascii=False))
    elif fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
    else:
        text = [[("" if v is None else str(v)) for v in r] for r in rows]
        widths = [min(TABLE_CELL_MAX, max([len(c)] + [len(r[i]) for r in text])) for i, c in enumerate(cols)]
        cut = any(len(v) > w for r in text for v, w in zip(r, widths, strict=True))
        click.echo("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
        for r in text:
            click.echo("  ".join(_fit(v, w) for v, w in zip(r, widths, strict=True)))
        note = (
            f"; values over {TABLE_CELL_MAX} characters end in …, --format json or csv shows them whole" if cut else ""
        )
        click.echo(f"({len(rows)} rows{note})")


@main.command()
@reader_db_options
@click.option(
    "--new",
    "only_new",
    is_flag=True,
    help="Only claims the most recent pipeline run added to the warehouse.",
)
@click.option("--relation", type=click.Choice(["parity", "surpass", "trail", "approach"]), help="Only this relation.")
@click.option("--org", help="Only claims with this firm on either side (canonical name, case-insensitive).")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only claims first seen on or after this date (YYYY-MM-DD).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def claims(
    db_path: str,
    lock_wait: float,
    only_new: bool,
    relation: str | None,
    org: str | None,
    since: datetime | None,
    fmt: str,
) -> None:
    """List deduplicated claims from the warehouse."""
    from warehouse.queries import claims_query

    day = since.date().isoformat() if since else None
    sql, params = claims_query(only_new=only_new, relation=relation, org=org, since=day)
    with _read_only(db_path, lock_wait) as con:
        cur = con.execute(sql, params)
        cols, rows = [d[0] for d in cur.description], cur.fetchall()
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
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def sources(db_path: str, lock_wait: float, fmt: str) -> None:
    """Source health: pages fetched, articles kept, failure rate and reasons, undated share, last success."""
    with _read_only(db_path, lock_wait) as con:
        cur = con.execute("SELECT * FROM source_health")
        _print_rows([d[0] for d in cur.description], cur.fetchall(), fmt)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False))
@reader_db_options
@click.option("--format", "fmt", type=click.Choice(["parquet"]), default="parquet", show_default=True)
@click.option("--overwrite", is_flag=True, help="Write into OUT_DIR even if it already holds files.")
def export(out_dir: str, db_path: str, lock_wait: float, fmt: str, overwrite: bool) -> None:
    """Write the analyst tables as Parquet files into OUT_DIR (empty or new), for other engines.

    Example: claimwatch export --db warehouse/claimwatch.duckdb exports/2026-12-01
    """
    from warehouse.queries import export_tables

    with _read_only(db_path, lock_wait) as con:
        try:
            exported = export_tables(con, Path(out_dir), overwrite=overwrite)
        except (FileExistsError, OSError) as exc:
            raise click.ClickException(str(exc)) from exc
        for table, path, rows in exported:
            click.echo(f"{table}: {rows} rows -> {path}")


@main.command()
@click.argument("sql")
@reader_db_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def query(sql: str, db_path: str, lock_wait: float, fmt: str) -> None:
    """Run one read-only SQL query against the warehouse.

    The connection reads the warehouse and nothing else: COPY TO, read_csv/read_text, ATTACH, URLs and
    INSTALL/LOAD are refused (use `claimwatch export` to write files).

    Example: claimwatch query "SELECT source, error, count(*) FROM fetch_log GROUP BY ALL"
    """
    import duckdb

    if not sql.strip():
        raise click.ClickException("empty query: give one or more SQL statements")
    with _read_only(db_path, lock_wait) as con:
        try:
            statements = con.extract_statements(sql)
            if not statements:
                raise click.ClickException("empty query: give one or more SQL statements")
            for n, statement in enumerate(statements):
                # every statement's result is printed ("select 1; select 2" showed only the last one)
                cur = con.execute(statement)
                if cur is None or cur.description is None:
                    continue
                if n:
                    click.echo("")
                _print_rows([d[0] for d in cur.description], cur.fetchall(), fmt)
        except duckdb.Error as exc:
            raise click.ClickException(f"query failed: {exc}") from exc


if __name__ == "__main__":
    main()
