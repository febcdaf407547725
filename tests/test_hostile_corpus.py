"""A hostile-input corpus (issue 10, item 7): each input gets one clear coded error naming it, the
good report beside it is stored, and nothing already stored is lost.

The small files live in tests/data/hostile/; what cannot or should not sit in git (a 200 MB sparse
file, a fifo, looping links, names with newlines or invalid UTF-8, a gzip bomb, 50,000-deep pages,
metadata bombs) is made here at test time.  Every case is checked three ways: by the reader
(`read_inputs`, fast), all together in one batch through the real `newstrace ingest` command into a
SQLite store that already holds reports (what a user sees: no traceback), and (slow mode) each in a
batch of its own with a good report.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from newstrace.ingest import read_inputs
from newstrace.model import IngestProblem, RawReport
from newstrace.settings import Settings

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
EXE = Path(sys.executable).with_name("newstrace")
ENV = {**os.environ, "NEWSTRACE_ATTRIBUTION": "rules", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
       "COLUMNS": "10000", "TOKENIZERS_PARALLELISM": "false"}
EARLIER = {
    "quay.txt": "The harbour board of Keswin said on Monday that the north quay would close for repairs in "
                "March. A spokesman, Piet Alder, said about 40 boats would move to the south basin.\n",
    "ferry.txt": "The ferry operator Nordlink said on Tuesday that crossings to Aven would resume next week "
                 "after a strike by deck crews ended, according to a statement from the union.\n",
}
GOOD = ("Fishermen in Keswin told the council on Wednesday that the south basin was too shallow for "
        "larger trawlers, and the council said it would pay for dredging in April.\n")


@dataclass(frozen=True)
class Case:
    """One hostile input: its path (made by `make` when not a corpus file) and what ingest must say."""

    name: str
    problems: tuple[tuple[str, str], ...]  # (end of the problem's source, code) for each problem
    reports: int = 0  # reports the input itself holds (a JSONL file with good lines among bad ones)


def one(code: str, suffix: str = "") -> tuple[tuple[str, str], ...]:
    return ((suffix, code),)


# Corpus files: name -> the problems expected (the source ends with the name unless said).
FILES = {
    "empty.txt": "E002", "whitespace_only.md": "E002", "bom_only.txt": "E002",
    "binary_junk.txt": "E003", "png_named.txt": "E003", "pdf_named.md": "E003", "gzip_named.txt": "E003",
    "sqlite_named.txt": "E003", "elf_named.txt": "E003", "nul_bytes.txt": "E003", "control_chars.txt": "E003",
    "truncated_utf8.txt": "E004", "garbled_utf8.txt": "E004", "latin1.txt": "E004", "utf16_bom.txt": "E004",
    "utf16_le_no_bom.txt": "E004", "utf16_be_no_bom.md": "E004", "utf32_bom.txt": "E004",
    "overlong_utf8.txt": "E004", "surrogate_utf8.txt": "E004", "jsonl_utf16.jsonl": "E004",
    "only_punctuation.txt": "E010", "only_numbers.txt": "E010", "zero_width_rtl.txt": "E010",
    "no_text.html": "E010", "script_only.htm": "E010", "entity_bomb.html": "E010", "comment_only.html": "E010",
    "external_entity.xml": "E002", "feed_no_entries.atom": "E002", "feed_charref.rss": "E008",
    "not_a_feed.xml": "E006", "empty_list.json": "E002", "json_scalar.json": "E008",
    "json_truncated.json": "E008", "json_huge_number.json": "E008", "json_text_not_string.json": "E008",
    "json_bad_date.json": "E009", "json_future_date.json": "E013", "json_nan.json": "E008",
    "json_nul_text.json": "E010",
}
CASES = [Case(name, one(code)) for name, code in FILES.items()] + [
    Case("billion_laughs.rss", one("E014", "#http://127.0.0.1:9/a")),  # its one entry links to loopback
    Case("feed_bad_links.rss", (("#javascript:alert(1)", "E008"), ("#file://etc/passwd", "E008"),
                                ("#entry-3", "E008"))),
    Case("list_of_non_objects.json", tuple((f"#{i}", "E008") for i in range(5))),
    Case("jsonl_mixed.jsonl", (("#2", "E008"), ("#3", "E008"), ("#4", "E002")), reports=2),
    # made at test time
    Case("sparse_200mb.txt", one("E005")),
    Case("deep_50000.html", one("E010")),
    Case("tag_bomb.html", one("E010")),
    Case("json_deep.json", one("E008")),
    Case("json_nul_title.json", one("E008")),
    Case("long_line_no_words.txt", one("E010")),
    Case("fifo.txt", one("E006")),
    Case("dev_zero.txt", one("E006")),
    Case("self_loop.txt", one("E006")),
    Case("new\nline.txt", one("E006", "new\\nline.txt")),
    Case("escape\x1b[31m.txt", one("E006", "escape\\x1b[31m.txt")),
    Case("bad\udcffname.txt", one("E004", "bad\\xffname.txt")),
    Case("gzip_bomb.warc.gz", one("E008")),
    Case("bad_length.warc", one("E008"), reports=2),
    Case("truncated.warc.gz", one("E008", "#https://valley.example/missing"), reports=2),
    Case("meta_bomb", one("E009", "meta_bomb/a.txt")),
    Case("meta_python_tag", one("E009", "meta_python_tag/a.txt")),
    Case("meta_zero_date", one("E009", "meta_zero_date/a.txt")),
    Case("meta_future_date", one("E013", "meta_future_date/a.txt")),
    Case("meta_not_mapping", one("E009", "meta_not_mapping/a.txt")),
    Case("meta_orphan", one("E009", "meta_orphan/metadata.yaml"), reports=1),
    Case("/dev/null", one("E006")),
    Case("http://169.254.169.254/latest/meta-data", one("E014")),
    Case("file:///etc/passwd", one("E006")),
    Case("does_not_exist.txt", one("E001")),
]


def _a_txt(folder: Path, words: str) -> None:
    folder.mkdir()
    (folder / "a.txt").write_text(f"The council of Keswin said on Friday that {words} would be decided in May.\n",
                                  encoding="utf-8")


def make(case: Case, tmp: Path) -> str:
    """The input path (or URL) of a case, making the file or folder when it is not in the corpus."""
    name = case.name
    if (HOSTILE / name).is_file():
        return str(HOSTILE / name)
    if "://" in name or name.startswith("/dev/"):
        return name
    path = tmp / name
    if name == "sparse_200mb.txt":
        with open(path, "wb") as f:
            f.truncate(200 * 1024 * 1024)  # refused by max_bytes before a byte is read
    elif name == "deep_50000.html":
        path.write_text("<html><body>" + "<div>" * 50_000 + "<p>x y z</p>" + "</div>" * 50_000 + "</body></html>")
    elif name == "tag_bomb.html":
        path.write_text("<html><body>" + "<b><i><u>" * 20_000 + "</body></html>")
    elif name == "json_deep.json":
        path.write_text("[" * 100_000 + "]" * 100_000)
    elif name == "json_nul_title.json":
        path.write_text(json.dumps({"text": "The harbour reopened on Friday, the board said.", "title": "Quay\u0000"}))
    elif name == "long_line_no_words.txt":
        path.write_text("?! 1,000. " * 100_000 + "\n")
    elif name == "fifo.txt":
        os.mkfifo(path)
    elif name == "dev_zero.txt":
        os.symlink("/dev/zero", path)
    elif name == "self_loop.txt":
        os.symlink(name, path)
    elif name == "bad\udcffname.txt":
        path = Path(os.fsdecode(os.path.join(os.fsencode(tmp), b"bad\xffname.txt")))
        path.write_text("The quay closed on Monday, the harbour board said.\n")
    elif "\n" in name or "\x1b" in name:
        path.write_text("The quay closed on Monday, the harbour board said.\n")
    elif name == "gzip_bomb.warc.gz":  # 200 MB of zeros in 200 KB: never gathered into one "line"
        deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
        with open(path, "wb") as f:
            for _ in range(200):
                f.write(deflate.compress(b"\0" * (1 << 20)))
            f.write(deflate.flush())
    elif name in ("bad_length.warc", "truncated.warc.gz"):
        from test_ingest_warc import write_warc

        whole = tmp / ("whole-" + name)
        write_warc(whole, gzip=name.endswith(".gz"))
        data = whole.read_bytes()
        if name == "truncated.warc.gz":
            path.write_bytes(data[:-25])  # the last record loses its end
        else:  # the logo record claims 40 bytes fewer than it holds
            at = data.index(b"Content-Length: ", data.index(b"https://valley.example/logo.png"))
            end = data.index(b"\r\n", at)
            path.write_bytes(data[:at + 16] + str(int(data[at + 16:end]) - 40).encode() + data[end:])
    elif name == "meta_bomb":
        _a_txt(path, "the budget")
        lines = ["l0: &l0 [" + ", ".join(["x"] * 12) + "]"]
        lines += [f"l{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * 12) + "]" for k in range(1, 9)]
        (path / "metadata.yaml").write_text("\n".join(lines) + "\na.txt: {outlet: *l8}\n")
    elif name == "meta_python_tag":
        _a_txt(path, "the harbour fees")
        (path / "metadata.yaml").write_text("a.txt: {outlet: !!python/object/apply:os.system ['true']}\n")
    elif name == "meta_zero_date":
        _a_txt(path, "the ferry contract")
        (path / "a.txt.meta.yaml").write_text("published: 0000-00-00\n")
    elif name == "meta_future_date":
        _a_txt(path, "the dredging plan")
        (path / "metadata.yaml").write_text("a.txt: {published: 2999-01-01}\n")
    elif name == "meta_not_mapping":
        _a_txt(path, "the new pier")
        (path / "a.txt.meta.yaml").write_text("- just\n- a list\n")
    elif name == "meta_orphan":
        _a_txt(path, "the fish market")
        (path / "metadata.yaml").write_text("missing.txt: {outlet: Nowhere}\n")
    elif name == "does_not_exist.txt":
        pass
    else:
        raise AssertionError(name)
    return str(path)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, str]:
    """Every case's input, made once for the module."""
    tmp = tmp_path_factory.mktemp("hostile")
    return {case.name: make(case, tmp) for case in CASES}


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 50 and len({c.name for c in CASES}) == len(CASES)
    assert {p.name for p in HOSTILE.iterdir()} <= {c.name for c in CASES}  # every corpus file has a case


def _check_problems(case: Case, problems: list[IngestProblem]) -> None:
    assert len(problems) == len(case.problems), (case.name, problems)
    for problem, (suffix, code) in zip(problems, case.problems):
        assert problem.code == code, (case.name, problem)
        assert problem.source.endswith(suffix or _shown(case.name)), (case.name, problem.source)
        assert "Traceback" not in problem.message and "unexpected" not in problem.message


def _shown(name: str) -> str:
    return name.rsplit("/", 1)[-1] if not name.startswith(("http", "file:", "/dev/")) else name


@pytest.mark.parametrize("case", CASES, ids=[repr(c.name)[1:-1] for c in CASES])
def test_reader_gives_one_coded_error(case: Case, made: dict[str, str]) -> None:
    items = list(read_inputs([made[case.name]], Settings(http_timeout=5)))
    _check_problems(case, [i for i in items if isinstance(i, IngestProblem)])
    assert sum(isinstance(i, RawReport) for i in items) == case.reports


# --------------------------------------------------------------------------- through the store
def _store_with_earlier_reports(tmp: Path) -> tuple[str, dict]:
    folder = tmp / "earlier"
    folder.mkdir()
    for name, text in EARLIER.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = str(tmp / "store.db")
    done = subprocess.run([str(EXE), "--db", db, "ingest", str(folder)], env=ENV, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return db, _export(db, tmp)


def _export(db: str, tmp: Path) -> dict:
    out = tmp / f"export-{os.urandom(4).hex()}.json"
    done = subprocess.run([str(EXE), "--db", db, "export", "--format", "json", "--output", str(out)], env=ENV,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(out.read_text())


def _kept(before: dict, after: dict) -> None:
    """Every document and statement stored before is still there, unchanged."""
    docs = {d["id"]: d for d in after["documents"]}
    for d in before["documents"]:
        assert docs.get(d["id"]) == d
    statements = {s["id"]: s for s in after["statements"]}
    for s in before["statements"]:
        assert statements.get(s["id"]) == s


def test_the_whole_corpus_in_one_cli_batch(tmp_path: Path, made: dict[str, str]) -> None:
    """Every hostile input and one good report in one `newstrace ingest` run on a store holding earlier
    reports: each input named with its code, no traceback, the good report stored, nothing lost."""
    db, before = _store_with_earlier_reports(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    inputs = [made[c.name] for c in CASES] + [str(good)]
    done = subprocess.run([str(EXE), "--db", db, "ingest", *inputs], env=ENV, capture_output=True, text=True,
                          timeout=900)
    shown = done.stdout + done.stderr
    assert done.returncode == 0, shown[-3000:]
    assert "Traceback" not in shown and not re.search(r"^\s*[\w.]+(Error|Exception):", shown, re.M)
    failed = re.findall(r"^failed (.*): \[(E\d{3})\]", shown, re.M)  # the summary's lines
    for case in CASES:
        for suffix, code in case.problems:
            hits = [f for f in failed if f[0].endswith(suffix or _shown(case.name)) and f[1] == code]
            assert hits, (case.name, suffix, code, [f for f in failed if case.name[:6] in f[0]])
    assert len(failed) == sum(len(c.problems) for c in CASES)
    after = _export(db, tmp_path)
    _kept(before, after)
    sources = [d["source"] for d in after["documents"]]
    assert str(good) in sources
    # the two WARC files hold the same records: the second's are "unchanged", not stored twice
    stored = re.findall(r"^stored +(\S+)", shown, re.M)
    unchanged = re.findall(r"^unchanged +(\S+)", shown, re.M)
    assert len(stored) + len(unchanged) == 1 + sum(c.reports for c in CASES)
    assert len(sources) == len(before["documents"]) + len(stored)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[repr(c.name)[1:-1] for c in CASES])
def test_each_case_in_its_own_batch(case: Case, made: dict[str, str], tmp_path_factory) -> None:
    """Slow mode: one batch per case (the hostile input and a good report) on a copy of a store with
    earlier reports, through the Python API the CLI calls."""
    from newstrace import api
    from newstrace.settings import load_settings

    base = tmp_path_factory.getbasetemp() / "hostile-base"
    if not (base / "store.db").exists():
        base.mkdir(exist_ok=True)
        _store_with_earlier_reports(base)
    tmp = tmp_path_factory.mktemp("case")
    db = str(tmp / "store.db")
    shutil.copy(base / "store.db", db)
    before = _export(db, tmp)
    good = tmp / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    summary = api.ingest([made[case.name], str(good)], load_settings(db=db, attribution="rules"))
    failed = [r for r in summary.results if r.status == "failed"]
    _check_problems(case, [IngestProblem(r.source, r.code or "", r.message) for r in failed])
    assert [r.status for r in summary.results if r.source == str(good)] == ["stored"]
    after = _export(db, tmp)
    _kept(before, after)
    assert len(after["documents"]) == len(before["documents"]) + 1 + case.reports

