"""Fuzz every ingest reader and clean + extract with Hypothesis; the last line is `N cases, M crashes`.

usage: python benchmarks/fuzz.py --cases 3000 [--seed 0] [--out out/fuzz-crashes] [--deadline 30]
                                 [--only text,html,...]
       python benchmarks/fuzz.py --replay out/fuzz-crashes/html-1   # one saved crash, with its traceback

Targets (the cases are shared out evenly): text, markdown, html, json, jsonl, feed, warc, metadata
(metadata.yaml, FILE.meta.yaml and the CLI's --published/--outlet flags), dispatch (any content
under any file name, read through the folder walk) and pipeline (clean + extract through
`process_chunk`, the function every ingest runs per report, with the parser and tagger loaded once).
Each file reader is called directly and through `read_inputs`, the entry point the CLI uses.

A crash is any exception other than newstrace's coded errors (errors.py); an IngestProblem coded
E000, E011 or E012 (the codes that wrap an unexpected exception so a batch can go on); a reader
yielding something other than reports and problems, or a blank report; a case running past its
deadline (a hang: --deadline seconds plus PER_KB per KB of input); or running out of memory (the
process is capped at --memory-gb).  Each crashing case is saved as a folder (its input files,
case.json, crash.txt) that --replay runs again.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import httpx
from hypothesis import HealthCheck, Phase, Verbosity, given, seed as hseed, settings as hsettings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fuzz_inputs as fi  # noqa: E402 - beside this script

from newstrace.errors import NewstraceError  # noqa: E402
from newstrace.ingest import files, read_inputs, web  # noqa: E402
from newstrace.ingest.feeds import read_feed  # noqa: E402
from newstrace.ingest.html import extract_html  # noqa: E402
from newstrace.ingest.metadata import SidecarCache, override_layer  # noqa: E402
from newstrace.ingest.warc import read_warc  # noqa: E402
from newstrace.model import IngestProblem, ProcessedReport, RawReport  # noqa: E402
from newstrace.settings import Settings, load_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WRAPPED = {"E000": "an unexpected exception in a reader", "E011": "an exception while cleaning",
           "E012": "an exception while extracting"}
PER_KB = 0.5  # seconds of deadline per KB of input: the pipeline reads about 5 KB/s on a busy 2-core machine
TARGETS = ("text", "markdown", "html", "json", "jsonl", "feed", "warc", "metadata", "dispatch", "pipeline")


class Crash(Exception):
    """A property broken without an exception of its own (a wrapped error, a bad item)."""


class Hang(BaseException):
    """The case ran past its deadline (a BaseException, so no reader's `except Exception` hides it)."""


@dataclass
class Case:
    """One fuzz input: the files to lay out (names as bytes: they may not be UTF-8) and anything else."""

    target: str
    files: dict[bytes, bytes] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)  # JSON-able: pages a feed links to, flags, a charset


@dataclass
class Context:
    """What every case shares: settings (one process, no workers) and the fetch stub for feeds."""

    settings: Settings
    strict: bool = False  # --replay: run the stages one by one so a wrapped exception shows its traceback


# --------------------------------------------------------------------------- checks
def check_items(items: Iterable, where: str) -> None:
    """Crash unless every item is a RawReport with text (a ProcessedReport from the pipeline) or an
    IngestProblem with a coded, expected error."""
    for item in items:
        if isinstance(item, ProcessedReport) and where == "process_chunk":
            continue
        if isinstance(item, IngestProblem):
            if item.code in WRAPPED:
                raise Crash(f"{where}: {item.code} ({WRAPPED[item.code]}) for {item.source!r}: {item.message}")
        elif isinstance(item, RawReport):
            if not isinstance(item.text, str) or not item.text.strip():
                raise Crash(f"{where}: a blank report for {item.source!r}")
        else:
            raise Crash(f"{where}: yielded a {type(item).__name__}, not a report or a problem")


def direct(call: Callable[[], Iterable], where: str) -> None:
    """Call a reader: a coded error is a fine answer, anything else it raises is a crash."""
    try:
        check_items(call(), where)
    except NewstraceError:
        pass


def dispatch(inputs: list[str], ctx: Context, overrides: dict | None = None) -> None:
    """The CLI's entry point: never raises, and never hides an unexpected exception as E000."""
    check_items(list(read_inputs(inputs, ctx.settings, overrides or None)), "read_inputs")


# --------------------------------------------------------------------------- targets
def run_text(folder: str, case: Case, ctx: Context) -> None:
    path = _only_path(folder, case)
    direct(lambda: [files.read_text_file(path, ctx.settings, markdown=case.target == "markdown")],
           "read_text_file")
    dispatch([path], ctx)


def run_html(folder: str, case: Case, ctx: Context) -> None:
    path = _only_path(folder, case)
    data = Path(path).read_bytes()
    direct(lambda: [extract_html(data, path, charset=case.meta.get("charset"))], "extract_html")
    dispatch([path], ctx)


def run_json(folder: str, case: Case, ctx: Context) -> None:
    path = _only_path(folder, case)
    reader = files.read_json_file if case.target == "json" else files.read_jsonl_file
    direct(lambda: list(reader(path, ctx.settings)), reader.__name__)
    dispatch([path], ctx)


def run_feed(folder: str, case: Case, ctx: Context) -> None:
    path = _only_path(folder, case)
    data = Path(path).read_bytes()
    with _feed_client(case.meta["pages"], ctx.settings) as client:
        direct(lambda: list(read_feed(data, path, ctx.settings, client)), "read_feed")


def run_warc(folder: str, case: Case, ctx: Context) -> None:
    path = _only_path(folder, case)
    direct(lambda: list(read_warc(path, ctx.settings)), "read_warc")
    dispatch([path], ctx)


def run_metadata(folder: str, case: Case, ctx: Context) -> None:
    path = os.path.join(folder, "report.txt")
    flags = case.meta.get("overrides") or {}
    direct(lambda: (SidecarCache().layers_for(path), [])[1], "SidecarCache.layers_for")
    direct(lambda: (override_layer(flags), [])[1], "override_layer")
    dispatch([folder], ctx)
    dispatch([path], ctx, flags)


def run_dispatch(folder: str, case: Case, ctx: Context) -> None:
    dispatch([folder], ctx)
    dispatch([os.fsdecode(os.path.join(os.fsencode(folder), name)) for name in case.files], ctx)


def run_pipeline(folder: str, case: Case, ctx: Context) -> None:
    from newstrace.process import process_chunk

    text = Path(_only_path(folder, case)).read_bytes().decode("utf-8")
    raw = RawReport(source="fuzz.txt", text=text, title=case.meta.get("title"), outlet=case.meta.get("outlet"),
                    author=case.meta.get("author"))
    if ctx.strict:
        _pipeline_stages(raw, ctx.settings)
    check_items(process_chunk([raw], ctx.settings), "process_chunk")


def _pipeline_stages(raw: RawReport, settings: Settings) -> None:
    """process_chunk's stages one by one, raising: a replayed E011/E012 shows where it came from."""
    from newstrace.clean import clean_report
    from newstrace.clean.language import detect_language
    from newstrace.extract.nlp import load_nlp, parse_report
    from newstrace.extract.pipeline import extract_report
    from newstrace.extract.places import load_gazetteer
    from newstrace.extract.tagger import load_tagger
    from newstrace.extract.times import infer_published

    clean = clean_report(raw)
    published = raw.published or infer_published(clean.text)
    detect_language(clean.text)
    parsed = parse_report(load_nlp(settings.spacy_model), clean.text, published)
    tagger = load_tagger() if settings.attribution != "rules" else None
    relations = tagger.relations([parsed.text], [None], settings.precision)[0] if tagger else None
    extract_report(parsed, load_gazetteer(settings.user_gazetteer), relations,
                   rule_spans=settings.attribution == "hybrid")


RUNNERS: dict[str, Callable[[str, Case, Context], None]] = {
    "text": run_text, "markdown": run_text, "html": run_html, "json": run_json, "jsonl": run_json,
    "feed": run_feed, "warc": run_warc, "metadata": run_metadata, "dispatch": run_dispatch,
    "pipeline": run_pipeline}


def _only_path(folder: str, case: Case) -> str:
    (name,) = case.files
    return os.fsdecode(os.path.join(os.fsencode(folder), name))


class _Body(httpx.SyncByteStream):
    """A body streamed as a server sends it (a `content=` body would arrive already read)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self):
        yield self.data


def _feed_client(pages: dict, settings: Settings) -> httpx.Client:
    """The ingest's client over a fake network answering each page URL with the case's page (status,
    type, encoding, body)."""
    def answer(request: httpx.Request) -> httpx.Response:
        page = pages.get(str(request.url))
        if page is None:
            return httpx.Response(404, text="not here")
        status, ctype, encoding, body = page
        body = base64.b64decode(body)
        if ctype == "location":
            return httpx.Response(status, headers={"Location": body.decode("utf-8", "replace")})
        headers = {"Content-Type": ctype} if ctype else {}
        if encoding:
            headers["Content-Encoding"] = encoding
        return httpx.Response(status, headers=headers, stream=_Body(body))

    return web.make_client(settings, transport=httpx.MockTransport(answer))


# --------------------------------------------------------------------------- strategies
def _one_file(target: str, name: bytes, content: st.SearchStrategy, **meta: st.SearchStrategy):
    return st.builds(lambda data, **m: Case(target, {name: data}, m), content, **meta)


@st.composite
def _feed_cases(draw) -> Case:
    data, pages = draw(fi.feed_files())
    enc = {url: [s, c, e, base64.b64encode(b).decode()] for url, (s, c, e, b) in pages.items()}
    return Case("feed", {b"feed.xml": data}, {"pages": enc})


@st.composite
def _warc_cases(draw) -> Case:
    data, compress = draw(fi.warc_files())
    return Case("warc", {b"crawl.warc.gz" if compress else b"crawl.warc": data})


@st.composite
def _metadata_cases(draw) -> Case:
    report = " ".join(draw(st.lists(fi.sentences(), min_size=2, max_size=4))) + " The council met."
    layout = {b"report.txt": report.encode("utf-8")}
    where = draw(st.integers(0, 3))
    if where in (0, 2):
        layout[draw(st.sampled_from((b"metadata.yaml", b"metadata.yml")))] = draw(fi.metadata_files("report.txt"))
    if where in (1, 2):
        layout[b"report.txt.meta.yaml"] = draw(fi.metadata_files("report.txt"))
    if where == 3:  # an entry for a file that is not there
        layout[b"metadata.yaml"] = b"missing.txt: {outlet: Nowhere}\n"
    return Case("metadata", layout, {"overrides": draw(fi.overrides())})


@st.composite
def _dispatch_cases(draw) -> Case:
    names = draw(st.lists(fi.file_names(), min_size=1, max_size=3, unique=True))
    return Case("dispatch", {n: draw(fi.any_file_bytes()) for n in names})


@st.composite
def _pipeline_cases(draw) -> Case:
    text = draw(fi.report_texts())
    meta = {k: draw(st.one_of(st.none(), st.sampled_from(fi.NAMES))) for k in ("title", "outlet", "author")}
    return Case("pipeline", {b"report.txt": text.encode("utf-8")}, meta)


STRATEGIES: dict[str, st.SearchStrategy] = {
    "text": _one_file("text", b"report.txt", fi.text_files()),
    "markdown": _one_file("markdown", b"report.md", fi.text_files()),
    "html": _one_file("html", b"page.html", fi.html_pages(),
                      charset=st.one_of(st.none(), st.sampled_from(("utf-8", "latin-1", "utf-16", "bogus", "")))),
    "json": _one_file("json", b"reports.json", fi.json_files()),
    "jsonl": _one_file("jsonl", b"reports.jsonl", fi.jsonl_files()),
    "feed": _feed_cases(), "warc": _warc_cases(), "metadata": _metadata_cases(),
    "dispatch": _dispatch_cases(), "pipeline": _pipeline_cases()}


# --------------------------------------------------------------------------- running
def _on_alarm(signum, frame) -> None:
    raise Hang()


def case_deadline(case: Case, base: float) -> float:
    """Seconds a case may run: `base`, plus PER_KB for each KB of input (work that grows with the
    input is not a hang; work that grows faster, or never ends, is)."""
    return base + PER_KB * sum(len(data) for data in case.files.values()) / 1000


def run_case(case: Case, ctx: Context, base_deadline: float) -> str | None:
    """Lay the case out in a temporary folder and run its target; what crashed, or None."""
    deadline = case_deadline(case, base_deadline)
    folder = tempfile.mkdtemp(prefix="fuzz-")
    try:
        lay_out(case, folder)
        start = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, deadline)
        try:
            RUNNERS[case.target](folder, case, ctx)
        except Hang:
            return f"hang: still running after the {deadline:g} s deadline"
        except Crash as e:
            return str(e)
        except (Exception, RecursionError, MemoryError):  # noqa: BLE001 - that is what a crash is
            return traceback.format_exc(limit=-12)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.monotonic() - start
        if elapsed > deadline:  # C code that held the interpreter past the alarm
            return f"hang: took {elapsed:.1f} s, over the {deadline:g} s deadline"
        return None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def lay_out(case: Case, folder: str) -> None:
    """Write the case's files into `folder` (names as raw bytes)."""
    for name, data in case.files.items():
        with open(os.path.join(os.fsencode(folder), name), "wb") as f:
            f.write(data)


def save_crash(case: Case, why: str, out: Path, n: int) -> Path:
    """The case as a folder --replay can run: its files, case.json and crash.txt."""
    where = out / f"{case.target}-{n}"
    shutil.rmtree(where, ignore_errors=True)
    (where / "files").mkdir(parents=True)
    lay_out(case, str(where / "files"))
    names = [base64.b64encode(n).decode() for n in case.files]
    (where / "case.json").write_text(json.dumps({"target": case.target, "files": names, "meta": case.meta},
                                                indent=1, ensure_ascii=True))
    (where / "crash.txt").write_text(why, encoding="utf-8", errors="backslashreplace")
    return where


def fuzz_target(target: str, n: int, seed: int, ctx: Context, deadline: float,
                on_crash: Callable[[Case, str], None]) -> int:
    """Run `n` generated cases of one target; returns how many ran."""
    ran = 0

    @hsettings(max_examples=n, deadline=None, database=None, phases=[Phase.generate], print_blob=False,
               suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)
    @hseed(seed)
    @given(STRATEGIES[target])
    def one(case: Case) -> None:
        nonlocal ran
        ran += 1
        why = run_case(case, ctx, deadline)
        if why:
            on_crash(case, why)

    if n:
        one()
    return ran


def fuzz(cases: int, seed: int = 0, out: Path | None = None, deadline: float = 30.0,
         targets: Iterable[str] = TARGETS, say: Callable[[str], None] = print) -> tuple[int, int]:
    """Share `cases` out over `targets` and fuzz each; (cases run, crashes).  Crashes are saved under `out`."""
    targets = list(targets)
    ctx = Context(load_settings(processes=1))
    crashes: list[Path | None] = []

    def on_crash(case: Case, why: str) -> None:
        where = save_crash(case, why, out, len(crashes) + 1) if out else None
        crashes.append(where)
        first = why.strip().splitlines()[-1] if why.strip() else why
        say(f"crash in {case.target}: {first[:300]}" + (f" (saved in {where})" if where else ""))

    previous = signal.signal(signal.SIGALRM, _on_alarm)
    total = 0
    try:
        for k, target in enumerate(targets):
            share = cases // len(targets) + (1 if k < cases % len(targets) else 0)
            before, start = len(crashes), time.monotonic()
            ran = fuzz_target(target, share, seed + k, ctx, deadline, on_crash)
            total += ran
            say(f"  {target}: {ran} cases, {len(crashes) - before} crashes, {time.monotonic() - start:.1f} s")
    finally:
        signal.signal(signal.SIGALRM, previous)
    return total, len(crashes)


def replay(folder: Path) -> int:
    """Run one saved case again, letting the exception (with its traceback) through."""
    spec = json.loads((folder / "case.json").read_text())
    names = [base64.b64decode(n) for n in spec["files"]]
    case = Case(spec["target"], {n: (folder / "files" / os.fsdecode(n)).read_bytes() for n in names}, spec["meta"])
    ctx = Context(load_settings(processes=1), strict=True)
    tmp = tempfile.mkdtemp(prefix="fuzz-replay-")
    try:
        lay_out(case, tmp)
        RUNNERS[case.target](tmp, case, ctx)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{folder}: no crash")
    return 0


def _cap_memory(gib: float) -> None:
    """A bomb that eats memory fails this process with MemoryError, not the machine."""
    limit = int(gib * 1024 ** 3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=300, help="cases in all, shared out over the targets")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "fuzz-crashes", help="where crashing cases are saved")
    ap.add_argument("--deadline", type=float, default=30.0, help="seconds one case may run, plus PER_KB per KB of its input (longer is a hang)")
    ap.add_argument("--only", default=",".join(TARGETS), help="comma-separated targets")
    ap.add_argument("--memory-gb", type=float, default=8.0, help="address-space cap of this process")
    ap.add_argument("--replay", type=Path, help="re-run one saved crash folder")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if args.replay:
        sys.exit(replay(args.replay))
    targets = [t for t in args.only.split(",") if t]
    unknown = sorted(set(targets) - set(TARGETS))
    if unknown:
        ap.error(f"unknown targets {unknown}; known: {', '.join(TARGETS)}")
    _cap_memory(args.memory_gb)
    start = time.monotonic()
    ran, crashes = fuzz(args.cases, args.seed, args.out, args.deadline, targets)
    print(f"seed {args.seed}, {time.monotonic() - start:.0f} s" + (f", crashing cases in {args.out}" if crashes else ""))
    print(f"{ran} cases, {crashes} crashes")
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
