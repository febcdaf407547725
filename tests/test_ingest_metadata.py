"""Sidecar metadata: priority of flags, FILE.meta.yaml, folder metadata.yaml and the file; bad dates."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from newstrace.ingest import read_inputs
from newstrace.ingest.metadata import normalise_date
from newstrace.model import IngestProblem, RawReport
from newstrace.settings import Settings

STORY = ("The water board of Emmsdorf said on Friday that the reservoir had fallen to 38 percent "
         "of capacity, its lowest level in a decade.\n")
PAGE = """<html><head><title>Reservoir low</title><meta property="og:site_name" content="Emmsdorf Post">
<meta name="author" content="Page Author"><meta name="date" content="2024-07-01"></head><body><article>
<p>The water board of Emmsdorf said on Friday that the reservoir had fallen to 38 percent of
capacity, its lowest level in a decade, and asked residents to limit garden watering.</p>
</article></body></html>"""


def read(paths: list[Path], **overrides: str) -> list:
    return list(read_inputs([str(p) for p in paths], Settings(), overrides or None))


@pytest.mark.parametrize("value, expected", [
    ("2024-07-05", "2024-07-05"),
    (" 2024-07-05 ", "2024-07-05"),
    ("2024-07-05T23:10:00Z", "2024-07-05"),
    ("2024-07-05 06:00:00+02:00", "2024-07-05"),
    (date(2024, 7, 5), "2024-07-05"),
    (datetime(2024, 7, 5, 12, 0), "2024-07-05"),
])
def test_normalise_date_accepts_real_dates(value: object, expected: str) -> None:
    assert normalise_date(value) == expected


@pytest.mark.parametrize("value", ["2024-02-30", "2024-13-01", "July 5", "05/07/2024", "2024-07",
                                   "", 20240705, None, "2024-07-05Tnonsense"])
def test_normalise_date_rejects_the_rest(value: object) -> None:
    with pytest.raises(ValueError):
        normalise_date(value)


def test_priority_flags_over_file_sidecar_over_folder_over_page(tmp_path: Path) -> None:
    page = tmp_path / "reservoir.html"
    page.write_text(PAGE, encoding="utf-8")
    (tmp_path / "metadata.yaml").write_text(
        "reservoir.html: {outlet: Folder Outlet, author: Folder Author, published: 2024-07-02,"
        " title: Folder Title, desk: regional}\n", encoding="utf-8")
    (tmp_path / "reservoir.html.meta.yaml").write_text(
        "author: Sidecar Author\npublished: '2024-07-03'\nlanguage_note: summarised\n",
        encoding="utf-8")
    (r,) = read([page])
    assert (r.outlet, r.author, r.title) == ("Folder Outlet", "Sidecar Author", "Folder Title")
    assert (r.published, r.published_from) == ("2024-07-03", "metadata")
    assert r.site == "Emmsdorf Post"  # from the page: nothing overrode it
    assert dict(r.extra) == {"desk": "regional", "language_note": "summarised"}
    (r,) = read([page], published="2024-07-04", outlet="Flag Outlet", url="https://flag.example/r")
    assert (r.published, r.outlet, r.url, r.author) == ("2024-07-04", "Flag Outlet",
                                                       "https://flag.example/r", "Sidecar Author")


def test_page_values_used_when_no_sidecar(tmp_path: Path) -> None:
    page = tmp_path / "reservoir.html"
    page.write_text(PAGE, encoding="utf-8")
    (r,) = read([page])
    assert (r.outlet, r.author, r.published, r.published_from) == (
        "Emmsdorf Post", "Page Author", "2024-07-01", "html")


def test_bad_date_in_folder_metadata_stops_that_file_only(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "metadata.yaml").write_text(
        "a.txt: {outlet: Emmsdorf Post, published: 2024-31-07}\nb.txt: {outlet: Emmsdorf Post}\n",
        encoding="utf-8")
    problem, report = read([tmp_path])
    assert isinstance(problem, IngestProblem) and isinstance(report, RawReport)
    assert problem.code == "E009" and problem.source == str(tmp_path / "a.txt")
    msg = problem.message
    assert str(tmp_path / "metadata.yaml") in msg and "'published'" in msg and "2024-31-07" in msg
    assert "a.txt was not ingested" in msg
    assert report.source.endswith("b.txt") and report.outlet == "Emmsdorf Post"


def test_bad_date_in_file_sidecar_and_flag(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(STORY, encoding="utf-8")
    sidecar = tmp_path / "a.txt.meta.yaml"
    sidecar.write_text("published: last Tuesday\n", encoding="utf-8")
    (problem,) = read([path])
    assert problem.code == "E009" and str(sidecar) in problem.message
    assert "'last Tuesday'" in problem.message
    sidecar.unlink()
    (problem,) = read([path], published="2024/07/05")
    assert problem.code == "E009" and "--published" in problem.message
    assert "'2024/07/05'" in problem.message and problem.source == str(path)


def test_unreadable_sidecars(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "metadata.yaml").write_text("a.txt: {outlet: [unclosed\n", encoding="utf-8")
    (problem,) = read([tmp_path / "a.txt"])
    assert problem.code == "E009" and "cannot be read as YAML" in problem.message
    (tmp_path / "metadata.yaml").write_text("a.txt: just a string\n", encoding="utf-8")
    (problem,) = read([tmp_path / "a.txt"])
    assert problem.code == "E009" and "not a mapping" in problem.message
    (tmp_path / "metadata.yaml").write_text("- a list\n", encoding="utf-8")
    (problem,) = read([tmp_path / "a.txt"])
    assert problem.code == "E009" and "holds a list" in problem.message


def test_sidecar_passed_directly_is_not_a_report(tmp_path: Path) -> None:
    sidecar = tmp_path / "metadata.yaml"
    sidecar.write_text("a.txt: {outlet: X}\n", encoding="utf-8")
    (problem,) = read([sidecar])
    assert problem.code == "E006" and "sidecar" in problem.message


def test_members_of_a_container_keep_their_own_title_and_url(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text('{"text": "The board met.\\nIt voted.", "title": "Own title", "url": "https://o.example/1"}\n'
                    '{"text": "Rain is forecast for the weekend in Emmsdorf."}\n', encoding="utf-8")
    (tmp_path / "batch.jsonl.meta.yaml").write_text(
        "outlet: Emmsdorf Post\npublished: 2024-07-06\ntitle: Batch title\nurl: https://b.example\n",
        encoding="utf-8")
    first, second = read([path])
    assert (first.title, first.url, first.outlet, first.published) == (
        "Own title", "https://o.example/1", "Emmsdorf Post", "2024-07-06")
    assert second.title == "Rain is forecast for the weekend in Emmsdorf." and second.url is None


def _alias_bomb(levels: int, width: int) -> str:
    lines = ["l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    lines += [f"l{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * width) + "]" for k in range(1, levels)]
    return "\n".join(lines) + f"\na.txt: {{outlet: *l{levels - 1}}}\n"


@pytest.mark.parametrize("yaml_text, words", [
    (_alias_bomb(9, 12), "expands to more than 1,000,000 values"),  # 12**9 values once expanded
    ("a.txt: &a {outlet: [*a]}\n", "expands to more than 1,000,000 values"),  # an alias inside itself
    ("a.txt: {outlet: " + "[" * 5000 + "x" + "]" * 5000 + "}\n", "nests its values too deeply"),
])
def test_yaml_bombs_are_refused_before_reading_values(tmp_path: Path, yaml_text: str, words: str) -> None:
    # regression: str()/json.dumps of an expanded alias bomb ate all memory; a recursive alias or a
    # deep nest raised ValueError / RecursionError out of the reader
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "metadata.yaml").write_text(yaml_text, encoding="utf-8")
    (problem,) = read([tmp_path / "a.txt"])
    assert problem.code == "E009" and words in problem.message and "a.txt" in problem.source
