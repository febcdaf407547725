"""The command line: each command parses its arguments, makes one API call and formats the result."""
from __future__ import annotations

import json
import sys
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

from . import api
from .errors import NewstraceError, OptionError
from .settings import load_settings

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="newstrace: trace claims in the news to their sources.")
console = Console(stderr=True)
STATE: dict = {}


@app.callback()
def main_options(
    db: Optional[str] = typer.Option(None, "--db", help="Database: a SQLite path or postgresql://... URL "
                                     "(default ./newstrace.db or $NEWSTRACE_DB)."),
    processes: Optional[int] = typer.Option(None, "--processes", "-j", help="Worker processes for extraction."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", help="Largest input accepted (bytes)."),
    gazetteer: Optional[str] = typer.Option(None, "--gazetteer", help="YAML file of extra places."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Fetch URLs on loopback, private and "
                                       "link-local addresses too (default: public addresses only)."),
    domain_pack: Optional[str] = typer.Option(None, "--domain-pack", metavar="DIR", help="Folder of resource files "
                                              "(lexicons, gazetteers, models) extending or replacing the bundled ones."),
) -> None:
    from .resources import use_resources_of

    STATE["settings"] = load_settings(db=db, processes=processes, max_bytes=max_bytes, user_gazetteer=gazetteer,
                                      allow_private=allow_private or None, domain_pack=domain_pack)
    _run(lambda: use_resources_of(STATE["settings"]))  # a bad pack fails here, before any stage (E042)


@app.command()
def ingest(
    inputs: list[str] = typer.Argument(..., help="Files, folders, URLs, feeds, WARC or JSONL files."),
    outlet: Optional[str] = typer.Option(None, help="Outlet of a single input."),
    published: Optional[str] = typer.Option(None, help="Publication date (YYYY-MM-DD) of a single input."),
    author: Optional[str] = typer.Option(None, help="Author of a single input."),
    url: Optional[str] = typer.Option(None, help="Canonical URL of a single input."),
    title: Optional[str] = typer.Option(None, help="Title of a single input."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON for scripts."),
    engine: Optional[str] = typer.Option(None, "--engine", help="Where per-report extraction runs: local "
                                         "(worker processes here, default) or dask (a Dask cluster)."),
    address: Optional[str] = typer.Option(None, "--address", help="Dask scheduler to join (tcp://host:port); "
                                          "without it --engine dask starts a local cluster of -j workers."),
    watch: Optional[float] = typer.Option(None, "--watch", metavar="SECONDS", help="Keep running: read the "
                                          "inputs again every SECONDS and ingest what is new (a folder that "
                                          "fills, a feed), keeping the store's state in memory between rounds."),
    rounds: int = typer.Option(0, "--rounds", help="With --watch: stop after this many rounds (default: "
                               "until interrupted)."),
) -> None:
    """Ingest reports.  Example: newstrace --db story.db ingest ../shared/corpus/seeds"""
    from dataclasses import replace

    from .progress import IngestProgress, print_summary

    # flags win over NEWSTRACE_ENGINE / NEWSTRACE_ENGINE_ADDRESS
    STATE["settings"] = replace(STATE["settings"], **{k: v for k, v in dict(
        engine=engine, engine_address=address).items() if v is not None})
    overrides = {k: v for k, v in dict(outlet=outlet, published=published, author=author, url=url,
                                        title=title).items() if v}
    if watch is not None:
        _watch(inputs, overrides, watch, rounds, as_json)
        return
    with IngestProgress(console, enabled=not as_json) as progress:
        summary = _run(lambda: api.ingest(inputs, STATE["settings"], overrides, progress.update,
                                          on_wait=lambda message: console.print(escape(message), soft_wrap=True)))
    if as_json:
        print(json.dumps(summary.as_dict(), indent=1, default=str))
    else:
        print_summary(console, summary)
    if summary.count("failed") and not (summary.count("stored") or summary.count("unchanged")):
        raise typer.Exit(4)


def _watch(inputs: list[str], overrides: dict, every: float, rounds: int, as_json: bool) -> None:
    """`ingest --watch`: one ingest per round on one open store, the state kept between rounds
    (`api.WarmState`); each round's new reports are summarised, quiet rounds print nothing."""
    import time

    from .progress import print_summary

    if every <= 0:
        def refuse() -> None:
            raise OptionError(f"--watch needs a number of seconds above 0, not {every:g}", source="--watch")
        _run(refuse)
    settings = STATE["settings"]
    db = _run(lambda: api.open_database(settings))
    warm = api.WarmState()
    console.print(f"watching {escape(', '.join(inputs))} every {every:g} s (Ctrl-C stops)", soft_wrap=True)
    done = 0
    try:
        while True:
            summary = _run(lambda: api.ingest(inputs, settings, overrides, db=db, warm=warm,
                                              on_wait=lambda m: console.print(escape(m), soft_wrap=True)))
            if summary.results:
                if as_json:
                    print(json.dumps(summary.as_dict(), indent=1, default=str), flush=True)
                else:
                    print_summary(console, summary)
            done += 1
            if rounds and done >= rounds:
                break
            time.sleep(every)
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        db.close()


@app.command()
def export(
    format: str = typer.Option("json", "--format", "-f", help="json or csv"),
    output: str = typer.Option(..., "--output", "-o", help="File (json) or folder (csv) to write."),
) -> None:
    """Export the ledger.  Example: newstrace export --format json --output ledger.json"""
    paths = _run(lambda: api.export(STATE["settings"], format, output))
    console.print(f"wrote {', '.join(paths)}")


@app.command()
def brief(
    format: str = typer.Option("md", "--format", "-f", help="md or html"),
    since: Optional[str] = typer.Option(None, "--since", help="Show what changed since YYYY-MM-DD."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
) -> None:
    """Write the sourced brief.  Example: newstrace brief --format html --output brief.html"""
    text = _run(lambda: api.brief(STATE["settings"], format, since, output))
    if output:
        console.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


@app.command()
def status() -> None:
    """Counts of what the store holds."""
    print(json.dumps(_run(lambda: api.status(STATE["settings"])), indent=1))


@app.command()
def statements(speaker: Optional[str] = typer.Option(None, help="Only statements whose speaker matches.")) -> None:
    """Statements grouped by speaker."""
    from .progress import print_statements

    print_statements(Console(), _run(lambda: api.ledger(STATE["settings"])), speaker)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (beyond loopback, reads need the token too)."),
    port: int = typer.Option(8765, "--port", help="Port to listen on."),
    token: Optional[str] = typer.Option(None, "--token", help="Token for writes (default $NEWSTRACE_TOKEN, else generated and printed)."),
) -> None:
    """Serve the web workbench.  Example: newstrace --db story.db serve --port 8765"""
    from .web.serve import serve as run_server  # fastapi and uvicorn load only here

    say = lambda line: console.print(escape(line), soft_wrap=True)  # noqa: E731 - the URL must stay whole
    _run(lambda: run_server(STATE["settings"], host, port, token, say=say))


def _run(call):
    try:
        return call()
    except NewstraceError as exc:
        # the message names user input (paths, URLs): never read as Rich markup, never wrapped mid-path
        console.print(f"[red]error[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(exc.exit_status)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
