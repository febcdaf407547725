"""Ingest of local files: text, Markdown, JSON/JSONL, HTML, folders, and every bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from newstrace.ingest import read_inputs
from newstrace.model import IngestProblem, RawReport
from newstrace.settings import Settings

SETTINGS = Settings()
STORY = ("Officials in the port city of Tarvel said on Monday that a grain barge ran aground "
         "near the northern breakwater.\n\nA spokeswoman for the harbour office, Lena Fisk, said "
         "nobody was hurt and that about 1,200 tonnes of wheat were being unloaded.\n")


def read(*paths: object, settings: Settings = SETTINGS, **overrides: str) -> list:
    return list(read_inputs([str(p) for p in paths], settings, overrides or None))


def only_problem(items: list) -> IngestProblem:
    assert len(items) == 1 and isinstance(items[0], IngestProblem), items
    return items[0]


def test_text_file_is_decoded_exactly_and_titled_by_first_line(tmp_path: Path) -> None:
    raw = "\ufeff\n  Barge aground at Tarvel  \r\n" + STORY.replace("\n", "\r\n") + "caf\u00e9 \u2014 end"
    path = tmp_path / "barge.txt"
    path.write_bytes(raw.encode("utf-8"))
    (report,) = read(path)
    assert isinstance(report, RawReport)
    assert report.text == raw  # no normalisation: BOM, CRLF and spaces kept
    assert report.title == "Barge aground at Tarvel"
    assert report.source == str(path)
    assert report.media_type == "text/plain"
    assert report.published is None and report.published_from == "none"


def test_markdown_title_loses_hashes(tmp_path: Path) -> None:
    path = tmp_path / "barge.md"
    path.write_text("\n## Barge aground at Tarvel\n\n" + STORY, encoding="utf-8")
    (report,) = read(path)
    assert report.title == "Barge aground at Tarvel"
    assert report.media_type == "text/markdown"
    assert report.text.startswith("\n## Barge")


@pytest.mark.parametrize("name, data, code, words", [
    ("empty.txt", b"", "E002", "empty"),
    ("blank.txt", b"  \n\t\r\n   ", "E002", "whitespace"),
    ("nul.txt", b"Officials said\x00\x01\x02 that", "E003", "NUL byte"),
    ("controls.txt", bytes(range(1, 9)) * 20 + b"text", "E003", "control characters"),
    ("picture.txt", b"\x89PNG\r\n\x1a\n" + b"\x10" * 40, "E003", "PNG image"),
    ("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "E003", "PDF document"),
    ("latin1.txt", "Officials said the caf\u00e9 closed.\nSecond line \u00e9t\u00e9.".encode("latin-1"),
     "E004", "byte 0xe9 at byte offset 22 (line 1)"),
    ("utf16.txt", "Officials said".encode("utf-16"), "E004", "UTF-16"),
    ("bad.json", b'{"text": "Officials said", ', "E008", "not valid JSON"),
])
def test_bad_file_gives_one_problem_naming_it(tmp_path: Path, name: str, data: bytes, code: str,
                                              words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    problem = only_problem(read(path))
    assert problem.code == code
    assert problem.source == str(path)
    assert str(path) in problem.message
    assert words in problem.message


def test_invalid_utf8_names_byte_offset_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(b"First line fine.\nSecond line has \xff here.\n")
    problem = only_problem(read(path))
    assert problem.code == "E004"
    assert "0xff at byte offset 33 (line 2)" in problem.message


def test_file_over_cap_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    problem = only_problem(read(path))
    assert problem.code == "E005"
    assert "209,715,200 bytes" in problem.message and "52,428,800 bytes" in problem.message


def test_missing_input_and_unknown_scheme(tmp_path: Path) -> None:
    items = read(tmp_path / "nope.txt", "ftp://example.org/story")
    assert [p.code for p in items] == ["E001", "E006"]
    assert "nope.txt does not exist" in items[0].message


def test_json_record_list_and_bad_records(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    records = [
        {"text": STORY, "title": "Barge aground", "outlet": "Tarvel Courier",
         "published": "2024-05-06T08:30:00Z", "author": "Ines Varga", "desk": "coast"},
        {"title": "no text here"},
        {"text": "A ferry resumed service after repairs, the operator said.", "published": "May 6"},
        "just a string",
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    items = read(path)
    assert [type(i).__name__ for i in items] == ["RawReport", "IngestProblem", "IngestProblem",
                                                 "IngestProblem"]
    first = items[0]
    assert first.source == f"{path}#0" and first.text == STORY
    assert (first.outlet, first.published, first.published_from) == ("Tarvel Courier", "2024-05-06",
                                                                     "metadata")
    assert first.author == "Ines Varga" and dict(first.extra) == {"desk": "coast"}
    assert [p.code for p in items[1:]] == ["E008", "E009", "E008"]
    assert items[2].source == f"{path}#2" and "'May 6'" in items[2].message


def test_jsonl_bad_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps({"text": STORY, "url": "https://courier.example/barge"}).encode(),
             b"",
             b'{"text": "unterminated',
             json.dumps({"text": "The harbour office said unloading would finish by Friday."}).encode(),
             b'{"text": "bad byte \xfe here"}']
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = read(path)
    assert [(i.source.rsplit("#", 1)[1], type(i).__name__) for i in items] == [
        ("1", "RawReport"), ("3", "IngestProblem"), ("4", "RawReport"), ("5", "IngestProblem")]
    assert items[0].url == "https://courier.example/barge"
    assert items[1].code == "E008" and "line 3" in items[1].message
    assert items[3].code == "E004" and items[3].source == f"{path}#5"
    assert "line 5 of" in items[3].message and "byte 0xfe at byte offset 19;" in items[3].message
    assert items[2].title == "The harbour office said unloading would finish by Friday."


PAGE = """<!doctype html><html><head><title>Barge aground | Tarvel Courier</title>
<meta property="og:site_name" content="Tarvel Courier"><meta name="author" content="Ines Varga">
<link rel="canonical" href="https://courier.example/barge-aground">
<meta property="article:published_time" content="2024-05-06T08:30:00+00:00">
<script>var ad = "<p>Buy now</p>"; for (var i = 0; i < 3; i++) { document.write(ad); }</script>
<style>p { color: red }</style></head>
<body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Barge aground at Tarvel</h1>
<p>Officials in the port city of Tarvel said on Monday that a grain barge ran aground near the
northern breakwater after its engine failed in heavy fog.</p>
<p>A spokeswoman for the harbour office, Lena Fisk, said nobody was hurt and that about 1,200
tonnes of wheat were being moved to a second vessel.</p></article>
<footer>All rights reserved</footer></body></html>"""


def test_html_file_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "barge.html"
    path.write_text(PAGE, encoding="utf-8")
    (report,) = read(path)
    assert "grain barge ran aground" in report.text and "1,200" in report.text
    assert "Buy now" not in report.text and "color" not in report.text
    assert report.title == "Barge aground at Tarvel"
    assert report.author == "Ines Varga" and report.site == "Tarvel Courier"
    assert report.outlet == "Tarvel Courier"
    assert report.url == "https://courier.example/barge-aground"
    assert (report.published, report.published_from) == ("2024-05-06", "html")
    assert report.media_type == "text/html"


def test_html_with_scripts_and_10000_level_nesting_survives(tmp_path: Path) -> None:
    para = ("<p>Rescue crews in Tarvel said the stranded barge was refloated at high tide on "
            "Tuesday evening and towed to the inner basin.</p>")
    page = ("<html><head><title>Barge refloated</title><script>while(false){}</script></head><body>"
            + "<div><span>" * 5000 + para + "<script>alert('x')</script>" + "</span></div>" * 5000
            + "</body></html>")
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    (report,) = read(path)
    assert isinstance(report, RawReport)
    assert "refloated at high tide" in report.text and "alert" not in report.text
    assert report.title == "Barge refloated"
    assert dict(report.extra)["extraction"].startswith("plain-text fallback")


def test_html_without_main_text_is_no_text_found(tmp_path: Path) -> None:
    path = tmp_path / "menu.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav><script>x=1</script></body></html>")
    problem = only_problem(read(path))
    assert problem.code == "E010" and "no main text" in problem.message


def test_folder_is_recursive_sorted_and_skips_hidden_and_sidecars(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".cache").mkdir()
    (tmp_path / "b" / "second.txt").write_text("Second report about the barge.\n" + STORY)
    (tmp_path / "a.txt").write_text("First report about the barge.\n" + STORY)
    (tmp_path / "c.md").write_text("# Third report\n" + STORY)
    (tmp_path / ".hidden.txt").write_text(STORY)
    (tmp_path / ".cache" / "x.txt").write_text(STORY)
    (tmp_path / "metadata.yaml").write_text("a.txt: {outlet: Tarvel Courier}\n")
    (tmp_path / "c.md.meta.yaml").write_text("outlet: Coast Weekly\n")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    items = read(tmp_path)
    names = [Path(i.source).relative_to(tmp_path).as_posix() for i in items]
    assert names == ["a.txt", "c.md", "photo.jpg", "b/second.txt"]
    assert [i.code if isinstance(i, IngestProblem) else i.outlet for i in items] == [
        "Tarvel Courier", "Coast Weekly", "E003", None]


def test_empty_folder_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / ".only-hidden").write_text(STORY)
    problem = only_problem(read(tmp_path))
    assert problem.code == "E002" and "no report files" in problem.message


def test_bad_inputs_never_stop_the_batch(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(STORY)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    items = read(empty, tmp_path / "missing.txt", good)
    assert [type(i).__name__ for i in items] == ["IngestProblem", "IngestProblem", "RawReport"]


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed corpus not present")
def test_seed_folder_reads_outlet_and_date_from_metadata() -> None:
    items = read(SEEDS)
    assert len(items) == 5 and all(isinstance(i, RawReport) for i in items)
    by_name = {Path(i.source).name: i for i in items}
    assert by_name["000_2f4a93414d205462.txt"].outlet == "Asia Times"
    assert by_name["000_2f4a93414d205462.txt"].author == "Andrew Salmon"
    assert by_name["003_dd3452ee70d86dfb.txt"].published == "2023-10-20"
    assert dict(by_name["003_dd3452ee70d86dfb.txt"].extra) == {"via": "inkl"}
    for item in items:
        assert item.outlet and item.published and item.published_from == "metadata"
        assert item.text == (SEEDS / Path(item.source).name).read_bytes().decode("utf-8")


@pytest.mark.parametrize("doc, words", [
    ("[" * 100_000 + "]" * 100_000, "nests arrays or objects too deeply"),  # RecursionError in json
    ('{"text": "x y z", "published": ' + "9" * 5000 + "}", "number too long"),  # int digits limit
])
def test_json_too_deep_or_with_a_huge_number_is_malformed(tmp_path: Path, doc: str, words: str) -> None:
    # regression (benchmarks/fuzz.py): these raised RecursionError / ValueError out of the reader
    path = tmp_path / "batch.json"
    path.write_text(doc, encoding="utf-8")
    problem = only_problem(read(path))
    assert problem.code == "E008" and words in problem.message and str(path) in problem.message
    lines = tmp_path / "batch.jsonl"
    lines.write_text(json.dumps({"text": STORY}) + "\n" + doc + "\n", encoding="utf-8")
    good, bad = read(lines)
    assert isinstance(good, RawReport) and good.text == STORY
    assert bad.code == "E008" and bad.source == f"{lines}#2" and words in bad.message
