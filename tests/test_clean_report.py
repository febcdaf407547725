"""clean_report: offsets back to the original, Unicode and whitespace repairs, paragraphs, fingerprint."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from newstrace.clean import clean_report, fingerprint, line_key
from newstrace.model import CleanReport, RawReport

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def _seed_reports(folder: Path) -> list[RawReport]:
    meta = yaml.safe_load((folder / "metadata.yaml").read_text(encoding="utf-8")) or {}
    out = []
    for path in sorted(folder.glob("*.txt")):
        m = meta.get(path.name) or {}
        extra = tuple((k, str(v)) for k, v in m.items() if k == "via")
        out.append(RawReport(str(path), path.read_text(encoding="utf-8"), outlet=m.get("outlet"),
                             author=m.get("author"), extra=extra))
    return out


def assert_offsets_round_trip(clean: CleanReport) -> int:
    """Every kept token maps back to the same characters of raw.text, unless a repair touched it."""
    raw = clean.raw.text
    checked = 0
    for m in re.finditer(r"\S+", clean.text):
        o1, o2 = clean.offsets.span_to_original(m.start(), m.end())
        if raw[o1:o2] != m.group(0):
            assert any(r.start < o2 and r.end > o1 for r in clean.repairs), (m.group(0), raw[o1:o2])
        checked += 1
    for r in clean.removals:
        assert raw[r.start:r.end] == r.text
    for s, e in clean.paragraphs:
        assert clean.text[s:e].strip() == clean.text[s:e] != ""
    return checked


def test_offsets_round_trip_on_the_seeds(seeds_dir: Path) -> None:
    reports = _seed_reports(seeds_dir)
    assert len(reports) == 5
    for raw in reports:
        clean = clean_report(raw)
        assert assert_offsets_round_trip(clean) > 500
        assert clean.text.startswith(clean.text[clean.paragraphs[0][0]:clean.paragraphs[0][1]])


def test_offsets_round_trip_on_the_examples() -> None:
    if not EXAMPLES.is_dir():
        pytest.skip("examples/corpus not present")
    for path in sorted(EXAMPLES.glob("*.txt")):
        assert assert_offsets_round_trip(clean_report(RawReport(str(path), path.read_text(encoding="utf-8")))) > 100


def test_fused_seed_words_are_split(seeds_dir: Path) -> None:
    raw = next(r for r in _seed_reports(seeds_dir) if r.outlet == "InsideOver")
    clean = clean_report(raw)
    fused = {r.before: r.after for r in clean.repairs if r.kind == "fused_word"}
    assert fused == {"Koreaaccusing": "Korea accusing", "Wagnerengaged": "Wagner engaged",
                     "Kirbyspokesman": "Kirby spokesman", "Shimbunlast": "Shimbun last",
                     "GreenfieldHowever": "Greenfield However", "kcnathe": "kcna the"}
    assert "InsideOver" not in fused  # the outlet's own name


def test_mojibake_and_odd_spaces_are_repaired_with_offsets() -> None:
    raw = RawReport("t.txt", "Ministry denies report\n\nThe ministry\u00a0said it â€œdid not shipâ€\x9d   any   arms.\n")
    clean = clean_report(raw)
    assert clean.text == "Ministry denies report\n\nThe ministry said it \u201cdid not ship\u201d any arms."
    kinds = {r.kind for r in clean.repairs}
    assert {"unicode", "whitespace"} <= kinds
    s = clean.text.index("arms")
    assert raw.text[slice(*clean.offsets.span_to_original(s, s + 4))] == "arms"
    s = clean.text.index("did not ship")
    assert raw.text[slice(*clean.offsets.span_to_original(s, s + 12))] == "did not ship"


def test_quotes_are_kept_as_written() -> None:
    text = "Title line\n\n\u201cWe deny it,\u201d he said. 'Fine,' she said. \"Straight,\" they said."
    assert clean_report(RawReport("t.txt", text)).text == text


def test_paragraph_breaks_and_gaps() -> None:
    raw = RawReport("t.txt", "Headline\r\n\r\n\r\nFirst paragraph here.\r\nSecond line here.\r\n\r\nThird one.")
    clean = clean_report(raw)
    assert clean.text == "Headline\n\nFirst paragraph here.\nSecond line here.\n\nThird one."
    assert [clean.text[s:e] for s, e in clean.paragraphs] == [
        "Headline", "First paragraph here.", "Second line here.", "Third one."]


def test_fingerprint_ignores_case_spacing_and_quote_style() -> None:
    a = clean_report(RawReport("a", "Title\n\nHe said \u201cno\u201d  to   it."))
    b = clean_report(RawReport("b", "TITLE\n\nhe said \"no\" to it."))
    assert a.fingerprint == b.fingerprint == fingerprint(a.text)
    assert a.fingerprint != clean_report(RawReport("c", "Title\n\nHe said yes.")).fingerprint


def test_line_key_ignores_digits_case_and_punctuation() -> None:
    assert line_key("Comments (0)") == line_key("comments (12)")
    assert line_key("  ") == ""
    assert line_key("Share this story") != line_key("Share this article")


def test_empty_and_whitespace_reports() -> None:
    clean = clean_report(RawReport("e", "  \n\n \t\n"))
    assert clean.text == "" and clean.paragraphs == () and clean.removals == ()


def test_a_100_kb_line_with_mojibake_is_repaired_in_linear_time() -> None:
    # regression (benchmarks/fuzz.py): one 100 KB line of repeated sentences that ftfy changes was
    # aligned by difflib as a whole, which is quadratic on repetitive text (252 s for 100 KB)
    import time

    sentence = "The ferry left at noon, the board said, and \u00e2\u20ac\u0153ten\u00e2\u20ac\u009d boats followed. "
    raw = RawReport("long.txt", sentence * 2000)
    start = time.monotonic()
    clean = clean_report(raw)
    assert time.monotonic() - start < 30
    assert clean.text.count("\u201cten\u201d") == 2000 and "\u00e2\u20ac" not in clean.text
    assert assert_offsets_round_trip(clean) == 12 * 2000  # every token of every sentence
