"""Terminal output for the CLI: the ingest progress bar, the summary table, statements by speaker."""
from __future__ import annotations

from collections import defaultdict

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from .model import Ledger

STATUS_STYLE = {"stored": "green", "unchanged": "dim", "failed": "red"}


class IngestProgress:
    """A spinner with per-input status lines while a batch is ingested."""

    def __init__(self, console: Console, enabled: bool = True) -> None:
        self.console = console
        self.enabled = enabled
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.completed} reports"), console=console, transient=True,
                                 disable=not enabled)
        self.task = None

    def __enter__(self) -> "IngestProgress":
        self.progress.__enter__()
        self.task = self.progress.add_task("ingesting", total=None)
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def update(self, result) -> None:
        self.progress.advance(self.task)
        if self.enabled:
            style = STATUS_STYLE.get(result.status, "")
            detail = result.message if result.status != "stored" else \
                f"{result.document}: {result.statements} statements, {result.removed} lines cleaned away"
            self.progress.console.print(f"[{style}]{result.status:9s}[/{style}] {escape(result.source)}  {escape(detail)}")


def print_summary(console: Console, summary) -> None:
    table = Table(title="ingest summary")
    for col in ("stored", "unchanged", "failed"):
        table.add_column(col, justify="right")
    table.add_row(str(summary.count("stored")), str(summary.count("unchanged")), str(summary.count("failed")))
    console.print(table)
    if summary.removed_by_kind:
        removed = Table(title="cleaned away (lines per kind)")
        removed.add_column("kind")
        removed.add_column("count", justify="right")
        for kind, n in sorted(summary.removed_by_kind.items()):
            removed.add_row(kind, str(n))
        console.print(removed)
    if summary.relations:
        rel = Table(title="duplicate relations")
        for col in ("report", "repeats", "kind", "similarity"):
            rel.add_column(col)
        for r in summary.relations:
            rel.add_row(r.a, r.b, r.kind, f"{r.similarity:.2f}")
        console.print(rel)
    for r in summary.results:
        if r.status == "stored" and r.message:  # stored but not analysed (a report not in English)
            console.print(f"[yellow]stored[/yellow] {escape(r.source)}: {escape(r.message)}")
        if r.status == "failed":
            console.print(f"[red]failed[/red] {escape(r.source)}: " + escape(f"[{r.code}] {r.message}"))


def print_statements(console: Console, ledger: Ledger, speaker_filter: str | None = None) -> None:
    """Statements grouped by resolved speaker, each with stance, cue and report."""
    names = {e.id: e.name for e in ledger.entities}
    outlets = {d.id: d.outlet or d.source for d in ledger.documents}
    groups: dict[str, list] = defaultdict(list)
    for s in ledger.statements:
        who = names.get(s.speaker) if s.speaker else None
        groups[who or f"(unnamed) {s.speaker_text or 'no source'}"].append(s)
    for who in sorted(groups, key=lambda k: (-len(groups[k]), k)):
        if speaker_filter and speaker_filter.lower() not in who.lower():
            continue
        console.rule(f"[bold]{escape(who)}[/bold] — {len(groups[who])} statement(s)")
        for s in groups[who]:
            content = s.content if len(s.content) < 160 else s.content[:157] + "..."
            console.print(escape(f"  [{s.stance}] {s.cue!r} ({outlets.get(s.document)}, {s.document}): {content}"))
